/**
 * One Kafka "classic" consumer group (JoinGroup/SyncGroup, client-side assignment), as a pure state
 * machine: no timers, no I/O; every call takes the time. Kafka clients speak it through the Kafka
 * listener; the coordinator (classic-groups.ts) holds the requests that wait and delivers what this
 * machine hands out.
 *
 * States, as in Kafka's GroupCoordinator:
 *   Empty ──join──▶ PreparingRebalance ──barrier──▶ CompletingRebalance ──leader's SyncGroup──▶ Stable
 *   Stable/CompletingRebalance ──join of a new member, leader rejoin, changed protocols, leave, session end──▶ PreparingRebalance
 *
 * The rebalance barrier: JoinGroup requests wait until every known member has rejoined (and every
 * member id handed out with MEMBER_ID_REQUIRED has joined or expired), or the rebalance timeout
 * (the largest of the members') passed; members that did not rejoin by then are removed. Then the
 * generation grows, a protocol every member supports is chosen, and every waiting join is answered:
 * the leader's answer carries all members with their protocol metadata. The leader's SyncGroup
 * carries the assignments; the coordinator keeps them and answers every SyncGroup with its member's.
 *
 * Sessions: a member that sends nothing (heartbeat, join, sync) for its session timeout is removed,
 * unless a join or sync of it is waiting for the group. A member whose SyncGroup does not come
 * within the rebalance timeout after the barrier is removed too (a leader that never assigns must
 * not hold the group forever).
 */
import { randomUUID } from 'node:crypto';

export type ClassicState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable';

/** Kafka error names this machine answers (the listener maps them to codes). */
export type ClassicError =
  | 'NONE'
  | 'UNKNOWN_MEMBER_ID'
  | 'ILLEGAL_GENERATION'
  | 'REBALANCE_IN_PROGRESS'
  | 'INCONSISTENT_GROUP_PROTOCOL'
  | 'MEMBER_ID_REQUIRED'
  | 'INVALID_SESSION_TIMEOUT'
  | 'GROUP_MAX_SIZE_REACHED'
  | 'NOT_COORDINATOR';

export interface GroupProtocol {
  name: string;
  metadata: Buffer;
}

export interface JoinInput {
  memberId: string;
  instanceId: string | undefined;
  clientId: string;
  clientHost: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocolType: string;
  protocols: readonly GroupProtocol[];
  /** JoinGroup v4+: a member without an id gets one with MEMBER_ID_REQUIRED and joins again with it. */
  requireKnownMemberId: boolean;
}

export interface JoinResult {
  error: ClassicError;
  generationId: number;
  protocolName: string;
  leaderId: string;
  memberId: string;
  /** Only in the leader's answer: every member and its metadata for the chosen protocol. */
  members: Array<{ memberId: string; instanceId: string | undefined; metadata: Buffer }>;
}

export interface SyncResult {
  error: ClassicError;
  assignment: Buffer;
}

/** An answer to a request that waited for the group (a JoinGroup at the barrier, a SyncGroup until the leader's). */
export type Delivery = { kind: 'join'; memberId: string; result: JoinResult } | { kind: 'sync'; memberId: string; result: SyncResult };

/**
 * What a call answers now, or `wait`: the answer comes later as a Delivery for `memberId` (a join
 * without a member id, JoinGroup v0-3, learns the id given to it there). A member that sends a
 * second join or sync while one waits: the caller answers the older one (REBALANCE_IN_PROGRESS).
 */
export type Answer<T> = { kind: 'now'; result: T } | { kind: 'wait'; memberId: string };

export interface ClassicMemberView {
  memberId: string;
  instanceId: string | undefined;
  clientId: string;
  clientHost: string;
  /** Metadata for the group's chosen protocol (empty before one is chosen). */
  metadata: Buffer;
  assignment: Buffer;
}

/**
 * The durable part of a Stable group, written to __consumer_offsets when its members got their
 * assignments: a coordinator that takes over restores it, so members keep their ids, generation
 * and commits across a failover (each gets a full session from the takeover).
 */
export interface ClassicSnapshot {
  generationId: number;
  protocolType: string;
  protocolName: string;
  leaderId: string;
  members: Array<{
    memberId: string;
    instanceId: string | undefined;
    clientId: string;
    clientHost: string;
    sessionTimeoutMs: number;
    rebalanceTimeoutMs: number;
    protocols: GroupProtocol[];
    assignment: Buffer;
  }>;
}

export interface ClassicGroupLimits {
  sessionTimeoutMinMs: number;
  sessionTimeoutMaxMs: number;
  /** group.max.size: joins beyond it get GROUP_MAX_SIZE_REACHED. */
  maxSize: number;
}

interface Member {
  id: string;
  instanceId: string | undefined;
  clientId: string;
  clientHost: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocols: GroupProtocol[];
  assignment: Buffer;
  awaitingJoin: boolean;
  awaitingSync: boolean;
  lastSeenMs: number;
}

const EMPTY = Buffer.alloc(0);
/** Member ids handed out with MEMBER_ID_REQUIRED and not yet joined, per group: a client looping on empty joins cannot grow it further. */
const PENDING_MEMBERS_MAX = 1024;

export class ClassicGroup {
  state: ClassicState = 'Empty';
  generationId = 0;
  protocolType: string | undefined;
  protocolName: string | undefined;
  leaderId: string | undefined;
  private readonly members = new Map<string, Member>();
  /** Member ids handed out with MEMBER_ID_REQUIRED, until they join or expire (ms). */
  private readonly pending = new Map<string, number>();
  private rebalanceDeadlineMs = 0;
  private syncDeadlineMs = 0;
  private outbox: Delivery[] = [];

  constructor(
    readonly groupId: string,
    private readonly limits: ClassicGroupLimits,
    private readonly newMemberId: (clientId: string) => string = (clientId) => `${clientId}-${randomUUID()}`,
  ) {}

  /** A Stable group as a new coordinator restores it: every member's session starts at `nowMs`. */
  static restore(groupId: string, limits: ClassicGroupLimits, snapshot: ClassicSnapshot, nowMs: number): ClassicGroup {
    const group = new ClassicGroup(groupId, limits);
    group.generationId = snapshot.generationId;
    if (snapshot.members.length === 0) return group;
    group.state = 'Stable';
    group.protocolType = snapshot.protocolType;
    group.protocolName = snapshot.protocolName;
    group.leaderId = snapshot.leaderId;
    for (const m of snapshot.members) group.members.set(m.memberId, { ...m, id: m.memberId, awaitingJoin: false, awaitingSync: false, lastSeenMs: nowMs });
    return group;
  }

  /** What to write once the group is Stable (see ClassicSnapshot). */
  snapshot(): ClassicSnapshot {
    return {
      generationId: this.generationId,
      protocolType: this.protocolType ?? '',
      protocolName: this.protocolName ?? '',
      leaderId: this.leaderId ?? '',
      members: [...this.members.values()].map((m) => ({
        memberId: m.id,
        instanceId: m.instanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        sessionTimeoutMs: m.sessionTimeoutMs,
        rebalanceTimeoutMs: m.rebalanceTimeoutMs,
        protocols: m.protocols,
        assignment: m.assignment,
      })),
    };
  }

  get size(): number {
    return this.members.size;
  }

  /** Nothing to keep: no members, and no handed-out member id that may still join. */
  get idle(): boolean {
    return this.members.size === 0 && this.pending.size === 0 && this.state === 'Empty';
  }

  has(memberId: string): boolean {
    return this.members.has(memberId);
  }

  /** Answers that became due (joins at the barrier, syncs once the leader assigned); each taken once. */
  takeDeliveries(): Delivery[] {
    const out = this.outbox;
    this.outbox = [];
    return out;
  }

  join(input: JoinInput, nowMs: number): Answer<JoinResult> {
    const refuse = (error: ClassicError, memberId = input.memberId): Answer<JoinResult> => ({ kind: 'now', result: joinError(error, memberId) });
    if (input.sessionTimeoutMs < this.limits.sessionTimeoutMinMs || input.sessionTimeoutMs > this.limits.sessionTimeoutMaxMs) return refuse('INVALID_SESSION_TIMEOUT');
    if (!this.supports(input.protocolType, input.protocols)) return refuse('INCONSISTENT_GROUP_PROTOCOL');
    const existing = this.members.get(input.memberId);
    if (existing === undefined) {
      if (input.memberId !== '' && !this.pending.has(input.memberId)) return refuse('UNKNOWN_MEMBER_ID');
      if (this.members.size >= this.limits.maxSize) return refuse('GROUP_MAX_SIZE_REACHED');
      if (input.memberId === '' && input.requireKnownMemberId) {
        if (this.pending.size >= PENDING_MEMBERS_MAX) return refuse('GROUP_MAX_SIZE_REACHED');
        const memberId = this.newMemberId(input.clientId);
        this.pending.set(memberId, nowMs + input.sessionTimeoutMs);
        return refuse('MEMBER_ID_REQUIRED', memberId);
      }
      const memberId = input.memberId === '' ? this.newMemberId(input.clientId) : input.memberId;
      this.pending.delete(memberId);
      this.members.set(memberId, { ...memberFields(input), id: memberId, assignment: EMPTY, awaitingJoin: true, awaitingSync: false, lastSeenMs: nowMs });
      if (this.protocolType === undefined) this.protocolType = input.protocolType;
      this.prepareRebalance(nowMs);
      this.tryCompleteJoin(nowMs);
      return { kind: 'wait', memberId };
    }
    existing.lastSeenMs = nowMs;
    const changed = !sameProtocols(existing.protocols, input.protocols);
    Object.assign(existing, memberFields(input));
    if (this.state === 'PreparingRebalance') {
      existing.awaitingJoin = true;
      this.tryCompleteJoin(nowMs);
      return { kind: 'wait', memberId: existing.id };
    }
    // A follower that rejoins unchanged gets the current generation back; the leader rejoining
    // (it saw metadata change) or changed protocols start a rebalance.
    if (!changed && (this.state === 'CompletingRebalance' || existing.id !== this.leaderId)) {
      return { kind: 'now', result: this.joinResult(existing.id) };
    }
    existing.awaitingJoin = true;
    this.prepareRebalance(nowMs);
    this.tryCompleteJoin(nowMs);
    return { kind: 'wait', memberId: existing.id };
  }

  sync(memberId: string, generationId: number, assignments: ReadonlyArray<{ memberId: string; assignment: Buffer }>, nowMs: number): Answer<SyncResult> {
    const member = this.members.get(memberId);
    if (member === undefined) return { kind: 'now', result: { error: 'UNKNOWN_MEMBER_ID', assignment: EMPTY } };
    if (generationId !== this.generationId) return { kind: 'now', result: { error: 'ILLEGAL_GENERATION', assignment: EMPTY } };
    member.lastSeenMs = nowMs;
    if (this.state === 'PreparingRebalance') return { kind: 'now', result: { error: 'REBALANCE_IN_PROGRESS', assignment: EMPTY } };
    if (this.state === 'Stable') return { kind: 'now', result: { error: 'NONE', assignment: member.assignment } };
    // CompletingRebalance: wait for the leader's assignments.
    member.awaitingSync = true;
    const waiting: Answer<SyncResult> = { kind: 'wait', memberId };
    if (memberId === this.leaderId) {
      const given = new Map(assignments.map((a) => [a.memberId, a.assignment]));
      for (const m of this.members.values()) m.assignment = given.get(m.id) ?? EMPTY;
      this.state = 'Stable';
      for (const m of this.members.values()) {
        if (!m.awaitingSync) continue;
        m.awaitingSync = false;
        this.outbox.push({ kind: 'sync', memberId: m.id, result: { error: 'NONE', assignment: m.assignment } });
      }
    }
    return waiting;
  }

  heartbeat(memberId: string, generationId: number, nowMs: number): ClassicError {
    const member = this.members.get(memberId);
    if (member === undefined) return 'UNKNOWN_MEMBER_ID';
    if (generationId !== this.generationId) return 'ILLEGAL_GENERATION';
    member.lastSeenMs = nowMs;
    return this.state === 'PreparingRebalance' ? 'REBALANCE_IN_PROGRESS' : 'NONE';
  }

  leave(memberId: string, nowMs: number): ClassicError {
    if (this.pending.delete(memberId)) {
      this.tryCompleteJoin(nowMs);
      return 'NONE';
    }
    if (!this.members.has(memberId)) return 'UNKNOWN_MEMBER_ID';
    this.remove([memberId], nowMs);
    return 'NONE';
  }

  /**
   * Whether a commit of this member at this generation may be stored: members commit in Stable and
   * while a rebalance gathers (before they rejoin, for the partitions they are giving up), not
   * between the barrier and the assignment.
   */
  checkCommit(memberId: string, generationId: number): ClassicError {
    const member = this.members.get(memberId);
    if (member === undefined) return 'UNKNOWN_MEMBER_ID';
    if (generationId !== this.generationId) return 'ILLEGAL_GENERATION';
    if (this.state === 'CompletingRebalance') return 'REBALANCE_IN_PROGRESS';
    return 'NONE';
  }

  /** Ends silent sessions, unclaimed member ids, and a barrier or sync wait that ran out of time. */
  tick(nowMs: number): void {
    for (const [memberId, expiresAtMs] of this.pending) if (nowMs >= expiresAtMs) this.pending.delete(memberId);
    const silent = [...this.members.values()].filter((m) => !m.awaitingJoin && !m.awaitingSync && nowMs - m.lastSeenMs >= m.sessionTimeoutMs).map((m) => m.id);
    if (silent.length > 0) this.remove(silent, nowMs);
    if (this.state === 'PreparingRebalance') {
      if (nowMs >= this.rebalanceDeadlineMs) this.completeJoin(nowMs);
      else this.tryCompleteJoin(nowMs);
    } else if (this.state === 'CompletingRebalance' && nowMs >= this.syncDeadlineMs) {
      const unsynced = [...this.members.values()].filter((m) => !m.awaitingSync).map((m) => m.id);
      // The leader did not assign in time: drop whoever did not sync (the leader at least) and start over.
      this.remove(unsynced.length > 0 ? unsynced : [this.leaderId ?? ''], nowMs);
    }
  }

  /** Every member, waiting requests answered NOT_COORDINATOR (the coordinator lost the group). */
  abandon(): Delivery[] {
    for (const m of this.members.values()) {
      if (m.awaitingJoin) this.outbox.push({ kind: 'join', memberId: m.id, result: joinError('NOT_COORDINATOR', m.id) });
      if (m.awaitingSync) this.outbox.push({ kind: 'sync', memberId: m.id, result: { error: 'NOT_COORDINATOR', assignment: EMPTY } });
    }
    return this.takeDeliveries();
  }

  describe(): ClassicMemberView[] {
    return [...this.members.values()].map((m) => ({
      memberId: m.id,
      instanceId: m.instanceId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      metadata: m.protocols.find((p) => p.name === this.protocolName)?.metadata ?? EMPTY,
      assignment: m.assignment,
    }));
  }

  /** A join must name the group's protocol type and share a protocol with every member. */
  private supports(protocolType: string, protocols: readonly GroupProtocol[]): boolean {
    if (protocolType === '' || protocols.length === 0) return false;
    if (this.members.size === 0) return true;
    if (protocolType !== this.protocolType) return false;
    return protocols.some((p) => this.candidates().has(p.name));
  }

  /** Protocols every member supports. */
  private candidates(): Set<string> {
    let common: Set<string> | undefined;
    for (const m of this.members.values()) {
      const names = new Set(m.protocols.map((p) => p.name));
      common = common === undefined ? names : new Set([...common].filter((name) => names.has(name)));
    }
    return common ?? new Set();
  }

  private prepareRebalance(nowMs: number): void {
    if (this.state === 'CompletingRebalance') {
      for (const m of this.members.values()) {
        if (!m.awaitingSync) continue;
        m.awaitingSync = false;
        this.outbox.push({ kind: 'sync', memberId: m.id, result: { error: 'REBALANCE_IN_PROGRESS', assignment: EMPTY } });
      }
    }
    if (this.state !== 'PreparingRebalance') {
      this.state = 'PreparingRebalance';
      let timeoutMs = 0;
      for (const m of this.members.values()) timeoutMs = Math.max(timeoutMs, m.rebalanceTimeoutMs);
      this.rebalanceDeadlineMs = nowMs + timeoutMs;
    }
  }

  private tryCompleteJoin(nowMs: number): void {
    if (this.state !== 'PreparingRebalance') return;
    if (this.pending.size > 0) return;
    for (const m of this.members.values()) if (!m.awaitingJoin) return;
    this.completeJoin(nowMs);
  }

  /** The barrier: members that did not rejoin leave, the generation grows, waiting joins are answered. */
  private completeJoin(nowMs: number): void {
    for (const m of [...this.members.values()]) if (!m.awaitingJoin) this.members.delete(m.id);
    this.pending.clear();
    this.generationId++;
    if (this.members.size === 0) {
      this.toEmpty();
      return;
    }
    this.protocolName = this.chooseProtocol();
    if (this.leaderId === undefined || !this.members.has(this.leaderId)) this.leaderId = this.members.keys().next().value;
    this.state = 'CompletingRebalance';
    let timeoutMs = 0;
    for (const m of this.members.values()) timeoutMs = Math.max(timeoutMs, m.rebalanceTimeoutMs);
    this.syncDeadlineMs = nowMs + timeoutMs;
    for (const m of this.members.values()) {
      m.awaitingJoin = false;
      m.assignment = EMPTY;
      m.lastSeenMs = nowMs;
      this.outbox.push({ kind: 'join', memberId: m.id, result: this.joinResult(m.id) });
    }
  }

  private toEmpty(): void {
    this.state = 'Empty';
    this.protocolType = undefined;
    this.protocolName = undefined;
    this.leaderId = undefined;
  }

  /** Kafka's vote: each member names its most preferred protocol among those all support; most votes wins. */
  private chooseProtocol(): string {
    const candidates = this.candidates();
    const votes = new Map<string, number>();
    for (const m of this.members.values()) {
      const choice = m.protocols.find((p) => candidates.has(p.name));
      if (choice !== undefined) votes.set(choice.name, (votes.get(choice.name) ?? 0) + 1);
    }
    let best = '';
    let bestVotes = -1;
    for (const [name, count] of votes) {
      if (count > bestVotes) {
        best = name;
        bestVotes = count;
      }
    }
    return best;
  }

  private joinResult(memberId: string): JoinResult {
    const isLeader = memberId === this.leaderId;
    return {
      error: 'NONE',
      generationId: this.generationId,
      protocolName: this.protocolName ?? '',
      leaderId: this.leaderId ?? '',
      memberId,
      members: isLeader
        ? [...this.members.values()].map((m) => ({ memberId: m.id, instanceId: m.instanceId, metadata: m.protocols.find((p) => p.name === this.protocolName)?.metadata ?? EMPTY }))
        : [],
    };
  }

  private remove(memberIds: readonly string[], nowMs: number): void {
    for (const memberId of memberIds) {
      const member = this.members.get(memberId);
      if (member === undefined) continue;
      if (member.awaitingJoin) this.outbox.push({ kind: 'join', memberId, result: joinError('UNKNOWN_MEMBER_ID', memberId) });
      if (member.awaitingSync) this.outbox.push({ kind: 'sync', memberId, result: { error: 'UNKNOWN_MEMBER_ID', assignment: EMPTY } });
      this.members.delete(memberId);
    }
    if (this.members.size === 0 && this.pending.size === 0) {
      // Kafka bumps the generation when the last member goes, so a straggler's commit is refused.
      if (this.state !== 'Empty') this.generationId++;
      this.toEmpty();
      return;
    }
    if (this.state === 'PreparingRebalance') this.tryCompleteJoin(nowMs);
    else this.prepareRebalance(nowMs);
  }
}

function memberFields(input: JoinInput): Pick<Member, 'instanceId' | 'clientId' | 'clientHost' | 'sessionTimeoutMs' | 'rebalanceTimeoutMs' | 'protocols'> {
  return {
    instanceId: input.instanceId,
    clientId: input.clientId,
    clientHost: input.clientHost,
    sessionTimeoutMs: input.sessionTimeoutMs,
    rebalanceTimeoutMs: input.rebalanceTimeoutMs,
    protocols: input.protocols.map((p) => ({ name: p.name, metadata: Buffer.from(p.metadata) })),
  };
}

function sameProtocols(a: readonly GroupProtocol[], b: readonly GroupProtocol[]): boolean {
  return a.length === b.length && a.every((p, i) => p.name === b[i]!.name && p.metadata.equals(b[i]!.metadata));
}

function joinError(error: ClassicError, memberId: string): JoinResult {
  return { error, generationId: -1, protocolName: '', leaderId: '', memberId, members: [] };
}
