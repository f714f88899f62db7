/**
 * The committed offsets (and attempt counts) of the groups of one __consumer_offsets partition:
 * the in-memory image of that partition's records, latest per group/topic/partition wins, a
 * tombstone deletes. Pure; offset-partition.ts keeps it in step with the log.
 */
import { parseTpKey, tpKey } from './topic-partition.js';

export interface RecordAttempts {
  /** Offset of the failing record. */
  offset: number;
  /** Failed deliveries so far. */
  count: number;
  lastError: string;
}

export interface CommittedOffset {
  /** The next offset to read. */
  offset: number;
  metadata: string;
  commitTimestampMs: number;
  attempts: RecordAttempts | undefined;
  /**
   * Id of the topic the offset was committed for, when the coordinator knew it: a topic deleted and
   * created again under the same name has a new id, and the old offset does not apply to it.
   */
  topicId?: number;
}

/** One record of __consumer_offsets: a value, or undefined for a tombstone. */
export interface OffsetEntry {
  group: string;
  topic: string;
  partition: number;
  value: CommittedOffset | undefined;
}

export class OffsetStore {
  private readonly groups = new Map<string, Map<string, CommittedOffset>>();

  apply(entry: OffsetEntry): void {
    const key = tpKey(entry.topic, entry.partition);
    if (entry.value === undefined) {
      const offsets = this.groups.get(entry.group);
      offsets?.delete(key);
      if (offsets?.size === 0) this.groups.delete(entry.group);
      return;
    }
    let offsets = this.groups.get(entry.group);
    if (!offsets) {
      offsets = new Map();
      this.groups.set(entry.group, offsets);
    }
    offsets.set(key, entry.value);
  }

  get(group: string, key: string): CommittedOffset | undefined {
    return this.groups.get(group)?.get(key);
  }

  /** Partition key → committed offset of one group. */
  list(group: string): ReadonlyMap<string, CommittedOffset> {
    return this.groups.get(group) ?? new Map();
  }

  groupIds(): string[] {
    return [...this.groups.keys()].sort();
  }

  /** Every live entry: what a rewrite of the log must carry. */
  liveEntries(): OffsetEntry[] {
    const entries: OffsetEntry[] = [];
    for (const [group, offsets] of this.groups) {
      for (const [key, value] of offsets) entries.push({ group, ...parseTpKey(key), value });
    }
    return entries;
  }

  get liveCount(): number {
    let count = 0;
    for (const offsets of this.groups.values()) count += offsets.size;
    return count;
  }
}

/**
 * A commit without attempts keeps the stored attempts while they concern a record at or after the
 * new offset (the record has not been committed past), so a routine commit never erases them.
 */
export function mergeCommit(previous: CommittedOffset | undefined, next: CommittedOffset): CommittedOffset {
  if (next.attempts !== undefined || previous?.attempts === undefined) return next;
  return previous.attempts.offset >= next.offset ? { ...next, attempts: previous.attempts } : next;
}
