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
}

export type GroupState = 'Empty' | 'Stable' | 'Reconciling';

export class GroupMembership {
  private groupEpoch = 0;
  private readonly members = new Map<string, Member>();
  private target = new Map<string, Set<string>>();
  /** Which member owns each partition; at most one at any time. */
  private readonly owners = new Map<string, string>();
  private readonly fenced = new Map<string, number>();
  private topicsSignature = '';

  constructor(
    readonly groupId: string,
    private readonly partitionCount: (topic: string) => number,
  ) {}

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
    member.sessionTimeoutMs = input.sessionTimeoutMs;
    member.maxPollIntervalMs = input.maxPollIntervalMs;
    member.clientId = input.clientId;
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
    };
    if (previous) {
      // Static membership: the new incarnation takes the old one's place and partitions, no rebalance.
      this.members.delete(previous.id);
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
    for (const key of member.owned) if (this.owners.get(key) === memberId) this.owners.delete(key);
    this.target.delete(memberId);
    if (fence) this.fence(memberId, member.epoch);
    this.bump();
  }

  private fence(memberId: string, epoch: number): void {
    this.fenced.set(memberId, epoch);
    if (this.fenced.size > FENCED_MEMBERS_MAX) this.fenced.delete(this.fenced.keys().next().value!);
  }

  /** A subscribed topic appeared or grew: the target must cover its partitions. */
  private refreshTopics(): void {
    const topics = [...new Set([...this.members.values()].flatMap((member) => member.topics))].sort();
    const signature = topics.map((topic) => `${topic}:${this.partitionCount(topic)}`).join(',');
    if (signature !== this.topicsSignature) this.bump();
  }

  private bump(): void {
    this.groupEpoch++;
    const members = [...this.members.values()].map((member) => ({ memberId: member.id, topics: member.topics }));
    this.target = assignSticky(members, this.partitionCount, this.target);
    const topics = [...new Set(members.flatMap((member) => member.topics))].sort();
    this.topicsSignature = topics.map((topic) => `${topic}:${this.partitionCount(topic)}`).join(',');
  }

  private reconcile(member: Member, reportedOwned: ReadonlySet<string>): void {
    const target = this.target.get(member.id) ?? new Set<string>();
    for (const key of [...member.owned]) {
      if (target.has(key) || reportedOwned.has(key)) continue;
      // Revocation acknowledged: the member committed and stopped; the partition is free.
      member.owned.delete(key);
      if (this.owners.get(key) === member.id) this.owners.delete(key);
    }
    const revoking = [...member.owned].some((key) => !target.has(key));
    if (revoking) return;
    if (member.epoch !== this.groupEpoch) {
      member.previousEpoch = member.epoch;
      member.epoch = this.groupEpoch;
    }
    for (const key of target) {
      if (member.owned.has(key) || this.owners.has(key)) continue;
      member.owned.add(key);
      this.owners.set(key, member.id);
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
