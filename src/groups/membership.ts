/**
 * One consumer group's membership and assignment, KIP-848 style, as a pure state machine: no
 * timers and no I/O; every call takes the time. The coordinator feeds it heartbeats and ticks and
 * acts on the failures it reports (attempt counting, see coordinator.ts).
 *
 * Epochs: the group epoch grows whenever the membership, a subscription or a subscribed topic's
 * partition count changes; the target assignment is recomputed then. A member's epoch catches up
 * with the group epoch once it has given back every partition the new target takes from it
 * (revoke before assign): a partition is handed to its new owner only after the old owner left it
 * out of a heartbeat, which it does after committing it.
 *
 * Durability: what a new coordinator needs to carry on (the group epoch and the partition counts
 * the target was computed for; per member its epochs, subscription, owned partitions and target)
 * is exposed as change records. Every change is stamped with a sequence number; `unsaved()` lists
 * the records changed since the last `saved()` and the coordinator writes them before it answers,
 * so no member acts on an answer a failover could lose. `restore()` rebuilds the group from them.
 */
import { SluiceError } from '../protocol/errors.js';
import { assignSticky } from './assignor.js';
import { parseTpKey } from './topic-partition.js';

export const JOIN_EPOCH = 0;
export const LEAVE_EPOCH = -1;
/** A static member leaving for a restart: it keeps its partitions until its session times out. */
export const STATIC_LEAVE_EPOCH = -2;
/** How many removed member ids the group remembers to answer them STALE_MEMBER_EPOCH. */
const FENCED_MEMBERS_MAX = 1024;

export interface HeartbeatInput {
  memberId: string;
  memberEpoch: number;
  instanceId: string | undefined;
  clientId: string;
  subscribedTopics: readonly string[];
  /** Partition keys the member still owns. */
  owned: readonly string[];
  sessionTimeoutMs: number;
  maxPollIntervalMs: number;
  pollIdleMs: number;
}

export interface HeartbeatOutput {
  memberId: string;
  memberEpoch: number;
  /** Partition keys the member may own now. */
  assignment: string[];
}

export type FailureReason = 'session-timeout' | 'poll-timeout' | 'static-restart';

/** A member that went away without leaving: its partitions may hold a record that kills consumers. */
export interface MemberFailure {
  memberId: string;
  reason: FailureReason;
  partitions: string[];
}

export interface MemberView {
  memberId: string;
  instanceId: string | undefined;
  clientId: string;
  memberEpoch: number;
  subscribedTopics: string[];
  assignment: string[];
}

interface Member {
  id: string;
  instanceId: string | undefined;
  clientId: string;
  epoch: number;
  previousEpoch: number;
  topics: string[];
  /** Partitions this member owns as far as the coordinator knows (including ones being revoked). */
  owned: Set<string>;
  sessionTimeoutMs: number;
  maxPollIntervalMs: number;
  lastHeartbeatMs: number;
  /** A static member that left with STATIC_LEAVE_EPOCH: not a failure if its session then ends. */
  leftForRestart: boolean;
  /** Sequence number of its last durable-state change. */
  changedSeq: number;
}

/** The durable part of a group (written only while it has members). */
export interface GroupSnapshot {
  groupEpoch: number;
  /** Partition counts of the subscribed topics when the target was last computed. */
  partitionCounts: Record<string, number>;
}

/** The durable part of a member: everything but its heartbeat time. */
export interface MemberSnapshot {
  memberId: string;
  instanceId: string | undefined;
  clientId: string;
  memberEpoch: number;
  previousEpoch: number;
  subscribedTopics: string[];
  /** Partition keys it owns (including ones being revoked). */
  owned: string[];
  /** Partition keys the target assigns it. */
  target: string[];
  sessionTimeoutMs: number;
  maxPollIntervalMs: number;
  leftForRestart: boolean;
}

export interface MembershipSnapshot {
  group: GroupSnapshot | undefined;
  members: MemberSnapshot[];
}

/** One record to write: a value, or undefined to delete it (tombstone). */
export type MembershipChange =
  | { kind: 'group'; group: string; value: GroupSnapshot | undefined }
  | { kind: 'member'; group: string; memberId: string; value: MemberSnapshot | undefined };

export interface UnsavedChanges {
  /** Pass to `saved()` once `changes` are durable. */
  throughSeq: number;
  changes: MembershipChange[];
}

export type GroupState = 'Empty' | 'Stable' | 'Reconciling';

export class GroupMembership {
  private groupEpoch = 0;
  private readonly members = new Map<string, Member>();
  private target = new Map<string, Set<string>>();
  /** Which member owns each partition; at most one at any time. */
  private readonly owners = new Map<string, string>();
  private readonly fenced = new Map<string, number>();
  /** Partition counts of the subscribed topics the target was computed for. */
  private assignedCounts = new Map<string, number>();
  /** Change stamps: the last one handed out, the last durable one, the group record's last change. */
  private seq = 0;
  private savedSeq = 0;
  private groupChangedSeq = 0;
  /** Removed members whose tombstone may not be durable yet, with the stamp of their removal. */
  private readonly removed = new Map<string, number>();

  constructor(
    readonly groupId: string,
    private readonly partitionCount: (topic: string) => number,
  ) {}

  /**
   * The group as its records describe it, taken over by a new coordinator at `nowMs`. Members get a
   * full session from now: they could not heartbeat this coordinator before. Everything restored
   * counts as saved, except a missing group record (written with the next changes).
   */
  static restore(groupId: string, partitionCount: (topic: string) => number, snapshot: MembershipSnapshot, nowMs: number): GroupMembership {
    const group = new GroupMembership(groupId, partitionCount);
    const members = [...snapshot.members].sort((a, b) => a.memberId.localeCompare(b.memberId));
    group.groupEpoch = snapshot.group?.groupEpoch ?? Math.max(0, ...members.map((member) => member.memberEpoch));
    // No counts known: the next heartbeat sees them differ and recomputes the target.
    group.assignedCounts = new Map(Object.entries(snapshot.group?.partitionCounts ?? {}));
    for (const saved of members) {
      const member: Member = {
        id: saved.memberId,
        instanceId: saved.instanceId,
        clientId: saved.clientId,
        epoch: saved.memberEpoch,
        previousEpoch: saved.previousEpoch,
        topics: [...saved.subscribedTopics],
        // One owner per partition, as at any time; records written together never disagree.
        owned: new Set(saved.owned.filter((key) => !group.owners.has(key))),
        sessionTimeoutMs: saved.sessionTimeoutMs,
        maxPollIntervalMs: saved.maxPollIntervalMs,
        lastHeartbeatMs: nowMs,
        leftForRestart: saved.leftForRestart,
        changedSeq: 0,
      };
      for (const key of member.owned) group.owners.set(key, member.id);
      group.members.set(member.id, member);
      group.target.set(member.id, new Set(saved.target));
    }
    if (!snapshot.group && members.length > 0) group.groupChangedSeq = ++group.seq;
    return group;
  }

  get epoch(): number {
    return this.groupEpoch;
  }

  get size(): number {
    return this.members.size;
  }

  state(): GroupState {
    if (this.members.size === 0) return 'Empty';
    for (const member of this.members.values()) {
      if (member.epoch !== this.groupEpoch || !sameSet(member.owned, this.target.get(member.id))) return 'Reconciling';
    }
    return 'Stable';
  }

  ownerOf(key: string): string | undefined {
    return this.owners.get(key);
  }

  describe(): MemberView[] {
    return [...this.members.values()]
      .sort((a, b) => a.id.localeCompare(b.id))
      .map((member) => ({
        memberId: member.id,
        instanceId: member.instanceId,
        clientId: member.clientId,
        memberEpoch: member.epoch,
        subscribedTopics: [...member.topics],
        assignment: [...member.owned].sort(),
      }));
  }

  /** Join, heartbeat or leave. Failures it discovers (a static member restarted, a stuck member) are appended to `failures`. */
  heartbeat(input: HeartbeatInput, nowMs: number, failures: MemberFailure[]): HeartbeatOutput {
    if (input.memberId.length === 0) throw new SluiceError('INVALID_REQUEST', 'member_id is required');
    if (input.memberEpoch === LEAVE_EPOCH || input.memberEpoch === STATIC_LEAVE_EPOCH) return this.leave(input, nowMs);
    if (input.memberEpoch === JOIN_EPOCH) this.join(input, nowMs, failures);
    const member = this.requireMember(input.memberId, input.memberEpoch, input.memberEpoch === JOIN_EPOCH);
    member.lastHeartbeatMs = nowMs;
    if (member.sessionTimeoutMs !== input.sessionTimeoutMs || member.maxPollIntervalMs !== input.maxPollIntervalMs || member.clientId !== input.clientId) {
      member.sessionTimeoutMs = input.sessionTimeoutMs;
      member.maxPollIntervalMs = input.maxPollIntervalMs;
      member.clientId = input.clientId;
      this.touch(member);
    }
    if (member.owned.size > 0 && input.pollIdleMs > member.maxPollIntervalMs) {
      this.remove(member.id, true);
      failures.push({ memberId: member.id, reason: 'poll-timeout', partitions: [...member.owned] });
      throw new SluiceError(
        'STALE_MEMBER_EPOCH',
        `member ${member.id} did not poll for ${input.pollIdleMs} ms (max.poll.interval ${member.maxPollIntervalMs} ms): fenced, its partitions moved; rejoin`,
      );
    }
    if (!sameList(member.topics, input.subscribedTopics)) {
      member.topics = [...new Set(input.subscribedTopics)].sort();
      this.touch(member);
      this.bump();
    }
    this.refreshTopics();
    this.reconcile(member, new Set(input.owned));
    return { memberId: member.id, memberEpoch: member.epoch, assignment: this.assignmentOf(member) };
  }

  /**
   * Commits are accepted from the member's current or previous epoch (a heartbeat answer may be in
   * flight) and only for partitions it owns; anything else is a zombie.
   */
  checkCommit(memberId: string, memberEpoch: number, keys: readonly string[]): void {
    const member = this.requireMember(memberId, memberEpoch, false);
    const notOwned = keys.filter((key) => !member.owned.has(key));
    if (notOwned.length > 0) {
      const { topic, partition } = parseTpKey(notOwned[0]!);
      throw new SluiceError('STALE_MEMBER_EPOCH', `member ${memberId} (epoch ${memberEpoch}) does not own ${topic}/${partition}`);
    }
  }

  /** Removes members whose session ended; returns the failures (a static member that left for a restart is not one). */
  tick(nowMs: number): MemberFailure[] {
    const failures: MemberFailure[] = [];
    for (const member of [...this.members.values()]) {
      if (nowMs - member.lastHeartbeatMs <= member.sessionTimeoutMs) continue;
      this.remove(member.id, true);
      if (!member.leftForRestart) failures.push({ memberId: member.id, reason: 'session-timeout', partitions: [...member.owned] });
    }
    return failures;
  }

  /** The records changed since the last `saved()`: the group's state is durable once they are. */
  unsaved(): UnsavedChanges {
    const changes: MembershipChange[] = [];
    const group = this.groupId;
    if (this.groupChangedSeq > this.savedSeq) changes.push({ kind: 'group', group, value: this.members.size > 0 ? this.groupSnapshot() : undefined });
    for (const member of this.members.values()) {
      if (member.changedSeq > this.savedSeq) changes.push({ kind: 'member', group, memberId: member.id, value: this.memberSnapshot(member) });
    }
    for (const [memberId, removedSeq] of this.removed) {
      if (removedSeq > this.savedSeq && !this.members.has(memberId)) changes.push({ kind: 'member', group, memberId, value: undefined });
    }
    return { throughSeq: this.seq, changes };
  }

  /** The changes of an `unsaved()` answer are durable (so are the earlier ones, which it repeated). */
  saved(throughSeq: number): void {
    this.savedSeq = Math.max(this.savedSeq, throughSeq);
    for (const [memberId, removedSeq] of this.removed) if (removedSeq <= this.savedSeq) this.removed.delete(memberId);
  }

  private groupSnapshot(): GroupSnapshot {
    return { groupEpoch: this.groupEpoch, partitionCounts: Object.fromEntries(this.assignedCounts) };
  }

  private memberSnapshot(member: Member): MemberSnapshot {
    return {
      memberId: member.id,
      instanceId: member.instanceId,
      clientId: member.clientId,
      memberEpoch: member.epoch,
      previousEpoch: member.previousEpoch,
      subscribedTopics: [...member.topics],
      owned: [...member.owned].sort(),
      target: [...(this.target.get(member.id) ?? [])].sort(),
      sessionTimeoutMs: member.sessionTimeoutMs,
      maxPollIntervalMs: member.maxPollIntervalMs,
      leftForRestart: member.leftForRestart,
    };
  }

  private touch(member: Member): void {
    member.changedSeq = ++this.seq;
  }

  private join(input: HeartbeatInput, nowMs: number, failures: MemberFailure[]): void {
    this.fenced.delete(input.memberId);
    // A rejoin under the same id starts over: the client dropped everything it owned.
    if (this.members.has(input.memberId)) this.remove(input.memberId, false);
    const topics = [...new Set(input.subscribedTopics)].sort();
    const previous = input.instanceId === undefined ? undefined : [...this.members.values()].find((m) => m.instanceId === input.instanceId);
    const member: Member = {
      id: input.memberId,
      instanceId: input.instanceId,
      clientId: input.clientId,
      epoch: previous?.epoch ?? 0,
      previousEpoch: previous?.previousEpoch ?? 0,
      topics,
      owned: new Set(previous?.owned ?? []),
      sessionTimeoutMs: input.sessionTimeoutMs,
      maxPollIntervalMs: input.maxPollIntervalMs,
      lastHeartbeatMs: nowMs,
      leftForRestart: false,
      changedSeq: 0,
    };
    this.touch(member);
    if (previous) {
      // Static membership: the new incarnation takes the old one's place and partitions, no rebalance.
      this.members.delete(previous.id);
      this.removed.set(previous.id, ++this.seq);
      this.fence(previous.id, previous.epoch);
      this.target.set(member.id, this.target.get(previous.id) ?? new Set());
      this.target.delete(previous.id);
      for (const key of member.owned) this.owners.set(key, member.id);
      if (!previous.leftForRestart) failures.push({ memberId: previous.id, reason: 'static-restart', partitions: [...previous.owned] });
      this.members.set(member.id, member);
      if (!sameList(previous.topics, topics)) this.bump();
      return;
    }
    this.members.set(member.id, member);
    this.bump();
  }

  private leave(input: HeartbeatInput, nowMs: number): HeartbeatOutput {
    const member = this.members.get(input.memberId);
    if (!member) return { memberId: input.memberId, memberEpoch: input.memberEpoch, assignment: [] };
    if (input.memberEpoch === STATIC_LEAVE_EPOCH && member.instanceId !== undefined) {
      member.leftForRestart = true;
      member.lastHeartbeatMs = nowMs;
      this.touch(member);
    } else {
      this.remove(member.id, false);
    }
    return { memberId: member.id, memberEpoch: input.memberEpoch, assignment: [] };
  }

  private requireMember(memberId: string, memberEpoch: number, joining: boolean): Member {
    const member = this.members.get(memberId);
    if (!member) {
      const fencedEpoch = this.fenced.get(memberId);
      if (fencedEpoch !== undefined) {
        throw new SluiceError('STALE_MEMBER_EPOCH', `member ${memberId} (epoch ${memberEpoch}) was fenced from group ${this.groupId}; rejoin with epoch 0`);
      }
      throw new SluiceError('UNKNOWN_MEMBER', `member ${memberId} is not in group ${this.groupId}; rejoin with epoch 0`);
    }
    if (!joining && memberEpoch !== member.epoch && memberEpoch !== member.previousEpoch) {
      throw new SluiceError('STALE_MEMBER_EPOCH', `member ${memberId} sent epoch ${memberEpoch}, its epoch is ${member.epoch}`);
    }
    return member;
  }

  private remove(memberId: string, fence: boolean): void {
    const member = this.members.get(memberId);
    if (!member) return;
    this.members.delete(memberId);
    this.removed.set(memberId, ++this.seq);
    for (const key of member.owned) if (this.owners.get(key) === memberId) this.owners.delete(key);
    this.target.delete(memberId);
    if (fence) this.fence(memberId, member.epoch);
    this.bump();
  }

  private fence(memberId: string, epoch: number): void {
    this.fenced.set(memberId, epoch);
    if (this.fenced.size > FENCED_MEMBERS_MAX) this.fenced.delete(this.fenced.keys().next().value!);
  }

  /**
   * A subscribed topic appeared or grew: the target must cover its partitions. (The subscribed
   * topics are those of the last bump: every subscription change bumps.)
   */
  private refreshTopics(): void {
    for (const member of this.members.values()) {
      if (member.topics.some((topic) => this.partitionCount(topic) !== this.assignedCounts.get(topic))) {
        this.bump();
        return;
      }
    }
  }

  private bump(): void {
    this.groupEpoch++;
    this.groupChangedSeq = ++this.seq;
    const members = [...this.members.values()].map((member) => ({ memberId: member.id, topics: member.topics }));
    const previous = this.target;
    this.target = assignSticky(members, this.partitionCount, previous);
    for (const member of this.members.values()) {
      if (!sameSet(this.target.get(member.id) ?? new Set(), previous.get(member.id))) this.touch(member);
    }
    const topics = new Set(members.flatMap((member) => member.topics));
    this.assignedCounts = new Map([...topics].sort().map((topic) => [topic, this.partitionCount(topic)]));
  }

  private reconcile(member: Member, reportedOwned: ReadonlySet<string>): void {
    const target = this.target.get(member.id) ?? new Set<string>();
    for (const key of [...member.owned]) {
      if (target.has(key) || reportedOwned.has(key)) continue;
      // Revocation acknowledged: the member committed and stopped; the partition is free.
      member.owned.delete(key);
      if (this.owners.get(key) === member.id) this.owners.delete(key);
      this.touch(member);
    }
    const revoking = [...member.owned].some((key) => !target.has(key));
    if (revoking) return;
    if (member.epoch !== this.groupEpoch) {
      member.previousEpoch = member.epoch;
      member.epoch = this.groupEpoch;
      this.touch(member);
    }
    for (const key of target) {
      if (member.owned.has(key) || this.owners.has(key)) continue;
      member.owned.add(key);
      this.owners.set(key, member.id);
      this.touch(member);
    }
  }

  private assignmentOf(member: Member): string[] {
    const target = this.target.get(member.id) ?? new Set<string>();
    return [...member.owned].filter((key) => target.has(key)).sort();
  }
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  const setB = new Set(b);
  return new Set(a).size === setB.size && a.every((item) => setB.has(item));
}

function sameSet(a: ReadonlySet<string>, b: ReadonlySet<string> | undefined): boolean {
  return b !== undefined && a.size === b.size && [...a].every((item) => b.has(item));
}
