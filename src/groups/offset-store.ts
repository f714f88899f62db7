/**
 * The committed offsets (and attempt counts) and the membership records of the groups of one
 * __consumer_offsets partition: the in-memory image of that partition's records, latest per key
 * (group/topic/partition, group, group/member) wins, a tombstone deletes. Pure;
 * offset-partition.ts keeps it in step with the log.
 */
import type { GroupSnapshot, MemberSnapshot, MembershipChange, MembershipSnapshot } from './membership.js';
import type { ClassicSnapshot } from './classic-group.js';
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

/** One offset record of __consumer_offsets: a value, or undefined for a tombstone. */
export interface OffsetEntry {
  kind: 'offset';
  group: string;
  topic: string;
  partition: number;
  value: CommittedOffset | undefined;
}

/** A classic (Kafka JoinGroup) group's last Stable state; undefined: a tombstone (it emptied). */
export interface ClassicEntry {
  kind: 'classic';
  group: string;
  value: ClassicSnapshot | undefined;
}

/** Any record of __consumer_offsets. */
export type GroupsEntry = OffsetEntry | MembershipChange | ClassicEntry;

interface StoredMembership {
  group: GroupSnapshot | undefined;
  members: Map<string, MemberSnapshot>;
}

export class OffsetStore {
  private readonly groups = new Map<string, Map<string, CommittedOffset>>();
  private readonly membershipRecords = new Map<string, StoredMembership>();
  private readonly classicRecords = new Map<string, ClassicSnapshot>();

  apply(entry: GroupsEntry): void {
    if (entry.kind === 'offset') this.applyOffset(entry);
    else if (entry.kind === 'classic') this.applyClassic(entry);
    else this.applyMembership(entry);
  }

  private applyClassic(entry: ClassicEntry): void {
    if (entry.value === undefined) this.classicRecords.delete(entry.group);
    else this.classicRecords.set(entry.group, entry.value);
  }

  /** Classic groups with a stored Stable state. */
  classicGroups(): ReadonlyMap<string, ClassicSnapshot> {
    return this.classicRecords;
  }

  private applyOffset(entry: OffsetEntry): void {
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

  private applyMembership(entry: MembershipChange): void {
    let stored = this.membershipRecords.get(entry.group);
    if (!stored) {
      if (entry.value === undefined) return;
      stored = { group: undefined, members: new Map() };
      this.membershipRecords.set(entry.group, stored);
    }
    if (entry.kind === 'group') stored.group = entry.value;
    else if (entry.value === undefined) stored.members.delete(entry.memberId);
    else stored.members.set(entry.memberId, entry.value);
    if (stored.group === undefined && stored.members.size === 0) this.membershipRecords.delete(entry.group);
  }

  get(group: string, key: string): CommittedOffset | undefined {
    return this.groups.get(group)?.get(key);
  }

  /** Partition key → committed offset of one group. */
  list(group: string): ReadonlyMap<string, CommittedOffset> {
    return this.groups.get(group) ?? new Map();
  }

  /** Groups with committed offsets. */
  groupIds(): string[] {
    return [...this.groups.keys()].sort();
  }

  /** Groups with membership records, and what the records say of each. */
  memberships(): Map<string, MembershipSnapshot> {
    const result = new Map<string, MembershipSnapshot>();
    for (const [group, stored] of this.membershipRecords) result.set(group, { group: stored.group, members: [...stored.members.values()] });
    return result;
  }

  /** Every live entry: what a rewrite of the log must carry. */
  liveEntries(): GroupsEntry[] {
    const entries: GroupsEntry[] = [];
    for (const [group, offsets] of this.groups) {
      for (const [key, value] of offsets) entries.push({ kind: 'offset', group, ...parseTpKey(key), value });
    }
    for (const [group, stored] of this.membershipRecords) {
      if (stored.group) entries.push({ kind: 'group', group, value: stored.group });
      for (const [memberId, value] of stored.members) entries.push({ kind: 'member', group, memberId, value });
    }
    for (const [group, value] of this.classicRecords) entries.push({ kind: 'classic', group, value });
    return entries;
  }

  get liveCount(): number {
    let count = 0;
    for (const offsets of this.groups.values()) count += offsets.size;
    for (const stored of this.membershipRecords.values()) count += (stored.group ? 1 : 0) + stored.members.size;
    return count + this.classicRecords.size;
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
