/**
 * Where a Raft group's configuration entries are recorded, so a restarted replica knows its
 * configuration without reading its log (Raft's Storage.confRecords, docs/RAFT.md "Membership
 * change"). One metadata value per group: JSON of the records, oldest first. A record is written
 * (synced) before its entry is stored, so none is ever missing; records whose entries a truncation
 * removed are pruned once the truncation is stored. The newest record at or before the log start
 * is the configuration there (what a snapshot sent to a follower carries).
 */
import { decodeConfEntry, isConfEntry, type ConfRecord, type Entry } from '../raft/index.js';
import type { LogStore } from '../storage/types.js';

/** Metadata key of a group's configuration records. */
export function confRecordsKey(group: string): string {
  return `raft-conf/${group}`;
}

export async function loadConfRecords(store: LogStore, group: string): Promise<ConfRecord[]> {
  const saved = await store.getMeta(confRecordsKey(group));
  return saved === undefined ? [] : (JSON.parse(saved.toString('utf8')) as ConfRecord[]);
}

export async function saveConfRecords(store: LogStore, group: string, records: readonly ConfRecord[]): Promise<void> {
  await store.putMeta(confRecordsKey(group), Buffer.from(JSON.stringify(records)), { sync: true });
}

/** What pruning needs of a stored log: its log-start marker, last index and entry terms. */
export interface StoredLogShape {
  markerIndex: number;
  lastIndex: number;
  /** Term of entry `index`, markerIndex < index <= lastIndex. */
  term(index: number): number;
}

/**
 * The records that describe the stored log: of those at or before its start, the newest (the
 * configuration in force there); after it, those whose entry the log holds (same index and term).
 */
export function pruneConfRecords(records: readonly ConfRecord[], log: StoredLogShape): ConfRecord[] {
  let base: ConfRecord | undefined;
  const after: ConfRecord[] = [];
  for (const record of records) {
    if (record.index <= log.markerIndex) {
      if (base === undefined || record.index >= base.index) base = record;
    } else if (record.index <= log.lastIndex && log.term(record.index) === record.term) {
      after.push(record);
    }
  }
  return base === undefined ? after : [base, ...after];
}

/** The conf entries among `entries`, as records. */
export function confRecordsOf(entries: readonly Entry[]): ConfRecord[] {
  const out: ConfRecord[] = [];
  for (const entry of entries) {
    if (!isConfEntry(entry.data)) continue;
    const conf = decodeConfEntry(entry.data);
    if (conf !== undefined) out.push({ index: entry.index, term: entry.term, conf });
  }
  return out;
}

/** `records` and `more`, by index, without repeating a record (same index and term). */
export function unionConfRecords(records: readonly ConfRecord[], more: readonly ConfRecord[]): ConfRecord[] {
  const out = [...records];
  for (const record of more) if (!out.some((r) => r.index === record.index && r.term === record.term)) out.push(record);
  return out.sort((a, b) => a.index - b.index);
}

export function sameConfRecords(a: readonly ConfRecord[], b: readonly ConfRecord[]): boolean {
  return a.length === b.length && a.every((r, i) => r.index === b[i]!.index && r.term === b[i]!.term);
}
