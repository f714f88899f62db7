/**
 * Rebuilds one log's index from LevelDB on open. Data and index entries of a batch are written in
 * one atomic LevelDB batch; removals clear key ranges in an order whose every crash point leaves
 * stale entries below the marker or a gap before a dropped tail (docs/STORAGE.md), both repaired
 * here. Beyond those, recovery guards against what a power loss, a disk or a bug can leave: index
 * entries that are stale, out of line or without data, and a torn or corrupt tail. A log must never
 * have a hole, and it never drops an entry it can still index on its own authority: entries whose
 * index entries were lost (a damaged write-ahead log or table file) between or before stored ones
 * become lost entries, index entries without data that keep their offsets (so none is handed out
 * again), and a tail batch that fails verification is kept. Both are recorded (DamageRecord) for the
 * log's owner, who knows whether peers hold a good copy (ReplicatedLog repairs from them) or this is
 * the only one (its offsets are reported lost, the rest stays readable). Only entries out of line
 * (offsets that do not follow) are dropped, reported too.
 */
import type { ClassicLevel } from 'classic-level';
import { validateBatch } from '../protocol/batch.js';
import { metaOfBatch, sameMeta, unpackMeta } from './batch-meta.js';
import { batchKey, batchKeyRange, decodeLogState, encodeLogState, entryIndexOfKey, metaKey, stateKey } from './keys.js';
import { LogIndex } from './log-index.js';
import type { ReadVerifier } from './read-verifier.js';
import type { BatchMeta, SnapshotMarker } from './types.js';

/** Recovery re-checks the CRC of at most this many of the newest batches... */
export const RECOVERY_VERIFY_BATCHES_MAX = 64;
/** ...and stops earlier once this many bytes are checked (always checking at least one batch). */
export const RECOVERY_VERIFY_BYTES_MAX = 16 * 1024 * 1024;

export type Db = ClassicLevel<Buffer, Buffer>;

/** One stored batch found damaged (kept in the log), by entry and offsets. */
export interface DamagedEntry {
  entryIndex: number;
  baseOffset: number;
  /** baseOffset - 1 for a zero-record batch. */
  lastOffset: number;
  problem: string;
}

/**
 * What recovery found a log lost or damaged, for its owner (a meta value under damageRecordKey,
 * written with sync before recovery returns; the owner deletes it once it acted on it).
 */
export interface DamageRecord {
  /** Tail batches that failed verification, oldest first: still in the log, never served. */
  damaged: DamagedEntry[];
  /** Offsets [from, to) of entries dropped after a gap (their index entries were out of line), if any. */
  droppedOffsets?: { from: number; to: number };
  /** Index and term of the newest entry the log held before the damage: what it may have acknowledged. */
  lastIndex: number;
  lastTerm: number;
}

export function damageRecordKey(logId: number): string {
  return `damaged-log/${logId}`;
}

export function parseDamageRecord(value: Buffer): DamageRecord {
  return JSON.parse(value.toString('utf8')) as DamageRecord;
}

/** `verifier` reports a damaged tail batch as a read would (the hook counts it). */
export async function recoverLog(db: Db, logId: number, warn: (line: string) => void, verifier: ReadVerifier): Promise<LogIndex> {
  const stateValue = await db.get(stateKey(logId));
  const stored = stateValue === undefined ? { logStartOffset: 0, markerIndex: 0, markerTerm: 0 } : decodeLogState(stateValue);
  const storedMarker = { index: stored.markerIndex, term: stored.markerTerm };
  const run = new ContiguousRun(stored.logStartOffset, storedMarker, logId, warn);
  await readIndex(db, logId, (meta) => run.offer(meta));
  const index = run.finish();
  for (const entry of run.lost) verifier.report(index.entry(entry.entryIndex)!, entry.problem);
  const tailDamage = await verifyTail(db, logId, index, warn, verifier, (entryIndex) => run.isLost(entryIndex));
  const damaged = [...run.lost, ...tailDamage].sort((a, b) => a.entryIndex - b.entryIndex);
  if (damaged.length > 0 || run.droppedTail !== undefined) await recordDamage(db, logId, damaged, run, index);

  // Whatever lies outside the kept entries is garbage: stale or orphaned entries, a dropped tail.
  const keptFrom = index.firstEntryIndex();
  const keptEnd = index.nextEntryIndex();
  for (const keyspace of ['data', 'index'] as const) {
    const all = batchKeyRange(keyspace, logId);
    await db.clear({ gte: all.gte, lt: batchKey(keyspace, logId, keptFrom) });
    await db.clear({ gte: batchKey(keyspace, logId, keptEnd), lte: all.lte });
  }
  const marker = index.snapshotMarker();
  if (index.logStartOffset() !== stored.logStartOffset || marker.index !== storedMarker.index || marker.term !== storedMarker.term) {
    const state = encodeLogState({ logStartOffset: index.logStartOffset(), markerIndex: marker.index, markerTerm: marker.term });
    await db.put(stateKey(logId), state, { sync: true });
  }
  return index;
}

/** Index entries read per round trip to LevelDB's thread, and the bytes that many take (~90 each). */
export const INDEX_READ_ENTRIES = 10_000;
const INDEX_READ_BYTES = INDEX_READ_ENTRIES * 128;

/** Hands every index entry of the log to `visit`, in entry-index order. */
async function readIndex(db: Db, logId: number, visit: (meta: BatchMeta) => void): Promise<void> {
  // Large reads: the iterator's default (16 KiB, ~180 entries per hop to the thread pool) made a
  // million-batch log's recovery mostly waiting.
  const iterator = db.iterator({ ...batchKeyRange('index', logId), highWaterMarkBytes: INDEX_READ_BYTES });
  try {
    for (;;) {
      const entries = await iterator.nextv(INDEX_READ_ENTRIES);
      if (entries.length === 0) return;
      for (const [key, value] of entries) visit(unpackMeta(entryIndexOfKey(key), value));
    }
  } finally {
    await iterator.close();
  }
}

/**
 * Builds the index from the entries as they are read (keys come in entry-index order): drops
 * entries at or below the marker, folds a head that does not follow the marker (or lies wholly
 * below the log start) into the marker, and drops everything from the first gap on. Streaming, so
 * a long log never has an object per batch at once (a million batches took ~230 MB that way).
 */
class ContiguousRun {
  private index: LogIndex | undefined;
  private marker: SnapshotMarker;
  private stale = 0;
  private folded = 0;
  private missing: string | undefined;
  private gap: { after: number; from: number; dropped: number } | undefined;
  /** The newest entry offered: what the log held before anything was dropped. */
  newest: { index: number; term: number } | undefined;
  /** Offsets of the entries dropped after a gap. */
  droppedTail: { from: number; to: number } | undefined;
  /** The first lost entry of each run of them (it holds the run's offsets), oldest first. */
  readonly lost: DamagedEntry[] = [];
  /** Entry-index ranges [from, to) of the lost entries. */
  private readonly lostRanges: Array<{ from: number; to: number }> = [];

  constructor(
    private logStartOffset: number,
    private readonly storedMarker: SnapshotMarker,
    private readonly logId: number,
    private readonly warn: (line: string) => void,
  ) {
    this.marker = storedMarker;
  }

  offer(meta: BatchMeta): void {
    if (meta.entryIndex <= this.storedMarker.index) {
      this.stale++;
      return;
    }
    this.newest = { index: meta.entryIndex, term: meta.leaderEpoch };
    if (this.gap !== undefined) {
      this.gap.dropped++;
      this.dropOffsets(meta);
      return;
    }
    const index = this.index;
    const wellFormed = meta.lastOffset >= meta.baseOffset - 1 && meta.sizeBytes > 0;
    if (index === undefined && wellFormed) this.start(meta);
    else if (index !== undefined && wellFormed && meta.entryIndex === index.nextEntryIndex() && meta.baseOffset === index.logEndOffset()) index.push(meta);
    else if (index !== undefined && wellFormed && meta.entryIndex > index.nextEntryIndex() && meta.baseOffset >= index.logEndOffset()) {
      this.fillLost(index, meta);
      index.push(meta);
    } else {
      this.gap = { after: index?.lastEntryIndex() ?? this.marker.index, from: meta.entryIndex, dropped: 1 };
      this.dropOffsets(meta);
    }
  }

  private fillLost(index: LogIndex, next: BatchMeta): void {
    const entries = lostEntries(index, next);
    for (const entry of entries) index.push(entry);
    const first = entries[0]!;
    this.lostRanges.push({ from: first.entryIndex, to: next.entryIndex });
    const problem = `lost its index entry${entries.length > 1 ? ` (as did entries up to ${next.entryIndex - 1})` : ''}`;
    this.lost.push({ entryIndex: first.entryIndex, baseOffset: first.baseOffset, lastOffset: next.baseOffset - 1, problem });
  }

  isLost(entryIndex: number): boolean {
    return this.lostRanges.some((range) => entryIndex >= range.from && entryIndex < range.to);
  }

  private dropOffsets(meta: BatchMeta): void {
    const from = Math.min(this.droppedTail?.from ?? meta.baseOffset, meta.baseOffset, this.index?.logEndOffset() ?? meta.baseOffset);
    this.droppedTail = { from, to: Math.max(this.droppedTail?.to ?? 0, meta.lastOffset + 1) };
  }

  finish(): LogIndex {
    const { logId } = this;
    if (this.stale > 0) {
      this.warn(`storage: log ${logId}: dropped ${this.stale} stale index entries at or below marker index ${this.storedMarker.index}`);
    }
    if (this.folded > 0) {
      this.warn(`storage: log ${logId}: the head does not follow the log start; dropped ${this.folded} batches, marker moves to index ${this.marker.index}`);
    }
    if (this.missing !== undefined) this.warn(this.missing);
    for (const entry of this.lost) this.warn(`storage: log ${logId}: entry ${entry.entryIndex} (offsets ${entry.baseOffset}..${entry.lastOffset}) ${entry.problem}; kept as lost, never served`);
    if (this.gap !== undefined) {
      this.warn(`storage: log ${logId}: gap after entry ${this.gap.after}; dropped ${this.gap.dropped} batches from entry ${this.gap.from}`);
    }
    return this.index ?? new LogIndex([], this.logStartOffset, this.marker);
  }

  private start(first: BatchMeta): void {
    // The marker's term must be exact for Raft, so a head entry that does not follow the marker
    // becomes the marker itself (its term is known) rather than guessing the term before it.
    const indexGap = first.entryIndex !== this.marker.index + 1;
    const belowStart = first.recordCount > 0 ? first.lastOffset < this.logStartOffset : first.baseOffset < this.logStartOffset;
    if (indexGap && !belowStart && first.baseOffset >= this.logStartOffset) {
      // The oldest entries' index entries were lost (a prefix deletion writes the new marker first,
      // so no crash leaves a head gap): lost entries, not a silent move of the log start.
      this.index = new LogIndex([], this.logStartOffset, this.marker);
      this.fillLost(this.index, first);
      this.index.push(first);
      return;
    }
    if (indexGap || belowStart) {
      this.marker = { index: first.entryIndex, term: first.leaderEpoch };
      this.logStartOffset = Math.max(this.logStartOffset, first.lastOffset + 1);
      this.folded++;
      return;
    }
    if (first.baseOffset > this.logStartOffset) {
      this.missing = `storage: log ${this.logId}: offsets [${this.logStartOffset}, ${first.baseOffset}) are missing; log start moves to ${first.baseOffset}`;
      this.logStartOffset = first.baseOffset;
    }
    this.index = new LogIndex([first], this.logStartOffset, this.marker);
  }
}

/**
 * Lost entries stand for the index entries missing before `next`: index entries without data (every
 * read of one reports it damaged), the first holding all the missing offsets, the others none; their
 * term is `next`'s (terms never decrease along a log, and a replica truncates at the first of them).
 */
function lostEntries(index: LogIndex, next: BatchMeta): BatchMeta[] {
  const entries: BatchMeta[] = [];
  let baseOffset = index.logEndOffset();
  for (let entryIndex = index.nextEntryIndex(); entryIndex < next.entryIndex; entryIndex++) {
    const recordCount = next.baseOffset - baseOffset;
    entries.push({
      entryIndex,
      baseOffset,
      lastOffset: baseOffset + recordCount - 1,
      sizeBytes: 1,
      recordCount,
      maxTimestamp: -1,
      leaderEpoch: next.leaderEpoch,
      attributes: 0,
      expireTimestamp: -1,
      producerId: -1,
      producerEpoch: -1,
      baseSequence: -1,
    });
    baseOffset += recordCount;
  }
  return entries;
}

/** Checks the newest batches' bytes against their index entries; returns (and reports) the bad ones, which stay in the log. */
async function verifyTail(
  db: Db,
  logId: number,
  index: LogIndex,
  warn: (line: string) => void,
  verifier: ReadVerifier,
  isLost: (entryIndex: number) => boolean,
): Promise<DamagedEntry[]> {
  const tail: BatchMeta[] = [];
  let bytes = 0;
  for (let entryIndex = index.lastEntryIndex(); entryIndex >= index.firstEntryIndex() && tail.length < RECOVERY_VERIFY_BATCHES_MAX; entryIndex--) {
    const meta = index.entry(entryIndex)!;
    if (tail.length > 0 && bytes + meta.sizeBytes > RECOVERY_VERIFY_BYTES_MAX) break;
    bytes += meta.sizeBytes;
    tail.unshift(meta);
  }
  const values = await db.getMany(tail.map((meta) => batchKey('data', logId, meta.entryIndex)));
  const damaged: DamagedEntry[] = [];
  for (let i = 0; i < tail.length; i++) {
    const meta = tail[i]!;
    if (isLost(meta.entryIndex)) continue;
    const problem = checkBatch(meta, values[i]);
    if (problem === undefined) continue;
    verifier.report(meta, problem);
    warn(`storage: ${verifier.log}: entry ${meta.entryIndex} (offsets ${meta.baseOffset}..${meta.lastOffset}) ${problem}; kept for repair, never served`);
    damaged.push({ entryIndex: meta.entryIndex, baseOffset: meta.baseOffset, lastOffset: meta.lastOffset, problem });
  }
  return damaged;
}

/** Adds what this open found to the log's damage record (an earlier open's may not be acted on yet). */
async function recordDamage(db: Db, logId: number, damaged: DamagedEntry[], run: ContiguousRun, index: LogIndex): Promise<void> {
  const key = metaKey(damageRecordKey(logId));
  const previous = await db.get(key);
  const record: DamageRecord = previous === undefined ? { damaged: [], lastIndex: 0, lastTerm: 0 } : parseDamageRecord(previous);
  const known = new Set(record.damaged.map((entry) => entry.entryIndex));
  record.damaged = record.damaged
    .filter((entry) => entry.entryIndex <= index.lastEntryIndex())
    .concat(damaged.filter((entry) => !known.has(entry.entryIndex)))
    .sort((a, b) => a.entryIndex - b.entryIndex);
  if (run.droppedTail !== undefined) record.droppedOffsets = run.droppedTail;
  const newest = run.newest!;
  // The newer of the two in Raft's up-to-date order: the log held both at some time.
  if (newest.term > record.lastTerm || (newest.term === record.lastTerm && newest.index > record.lastIndex)) {
    record.lastIndex = newest.index;
    record.lastTerm = newest.term;
  }
  await db.put(key, Buffer.from(JSON.stringify(record)), { sync: true });
}

function checkBatch(meta: BatchMeta, data: Buffer | undefined): string | undefined {
  if (data === undefined) return 'has no data';
  try {
    validateBatch(data, { allowZeroRecords: true });
  } catch (err) {
    return `is corrupt (${err instanceof Error ? err.message : String(err)})`;
  }
  return sameMeta(meta, metaOfBatch(data, meta.entryIndex)) ? undefined : 'does not match its index entry';
}
