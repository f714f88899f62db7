/**
 * The classic (Kafka JoinGroup/SyncGroup) groups of one coordinator: a ClassicGroup state machine
 * per group id, and the requests that wait on them — a JoinGroup until the rebalance barrier, a
 * SyncGroup until the leader's assignments — resolved with the machine's deliveries. Time comes
 * from the coordinator's clock; tick() runs with the coordinator's.
 *
 * A group id is either a Sluice group (server-side assignment, membership.ts) or a classic one
 * while it has members; the coordinator refuses a join of the other kind with
 * GROUP_PROTOCOL_MISMATCH (Kafka's INCONSISTENT_GROUP_PROTOCOL). Both share the group's committed
 * offsets in __consumer_offsets.
 *
 * Durability, as in Kafka: when the leader's SyncGroup makes a group Stable, its state (generation,
 * members, protocols, assignments) is written to __consumer_offsets before the SyncGroup answers
 * go out, and a tombstone when it empties. A coordinator that takes over restores the Stable state,
 * so members keep their ids, generation and commits across a failover; a rebalance that was under
 * way is lost and the members, answered ILLEGAL_GENERATION or UNKNOWN_MEMBER_ID, join again.
 */
import {
  ClassicGroup,
  type ClassicError,
  type ClassicGroupLimits,
  type ClassicMemberView,
  type ClassicSnapshot,
  type ClassicState,
  type Delivery,
  type JoinInput,
  type JoinResult,
  type SyncResult,
} from './classic-group.js';

import { SluiceError } from '../protocol/errors.js';

/** Writes a group's Stable state, or its tombstone (undefined), to the group's offsets partition. */
export type PersistClassic = (groupId: string, snapshot: ClassicSnapshot | undefined) => Promise<void>;

interface Waiters {
  join?: (result: JoinResult) => void;
  sync?: (result: SyncResult) => void;
}

export interface ClassicGroupView {
  groupId: string;
  state: ClassicState;
  generationId: number;
  protocolType: string;
  protocolName: string;
  leaderId: string;
  members: ClassicMemberView[];
}

export class ClassicGroups {
  private readonly groups = new Map<string, ClassicGroup>();
  /** Waiting requests by group, then member id. */
  private readonly waiting = new Map<string, Map<string, Waiters>>();

  constructor(
    private readonly limits: ClassicGroupLimits,
    private readonly maxGroups: () => number,
    private readonly persist: PersistClassic,
  ) {}

  /** A group as the records of a loaded offsets partition left it. */
  restore(groupId: string, snapshot: ClassicSnapshot, nowMs: number): void {
    this.groups.set(groupId, ClassicGroup.restore(groupId, this.limits, snapshot, nowMs));
  }

  /** Live members of the classic group of this id (0 when there is none). */
  size(groupId: string): number {
    return this.groups.get(groupId)?.size ?? 0;
  }

  get(groupId: string): ClassicGroup | undefined {
    return this.groups.get(groupId);
  }

  groupIds(): string[] {
    return [...this.groups.keys()];
  }

  join(groupId: string, input: JoinInput, nowMs: number): Promise<JoinResult> {
    const group = this.group(groupId);
    // A member that joins again while an earlier join waits: the client reads only the newer answer.
    this.take(groupId, input.memberId, 'join')?.(joinError('REBALANCE_IN_PROGRESS', input.memberId));
    const answer = group.join(input, nowMs);
    if (answer.kind === 'now') {
      this.deliver(groupId, group.takeDeliveries());
      this.forgetIfEmpty(groupId, group); // a refused first join leaves nothing behind
      return Promise.resolve(answer.result);
    }
    const memberId = answer.memberId;
    const promise = new Promise<JoinResult>((resolve) => (this.waitersOf(groupId, memberId).join = resolve));
    this.deliver(groupId, group.takeDeliveries());
    return promise;
  }

  sync(groupId: string, memberId: string, generationId: number, assignments: ReadonlyArray<{ memberId: string; assignment: Buffer }>, nowMs: number): Promise<SyncResult> {
    const group = this.groups.get(groupId);
    if (group === undefined) return Promise.resolve({ error: 'UNKNOWN_MEMBER_ID', assignment: Buffer.alloc(0) });
    this.take(groupId, memberId, 'sync')?.({ error: 'REBALANCE_IN_PROGRESS', assignment: Buffer.alloc(0) });
    const wasStable = group.state === 'Stable';
    const answer = group.sync(memberId, generationId, assignments, nowMs);
    if (answer.kind === 'now') return Promise.resolve(answer.result);
    const promise = new Promise<SyncResult>((resolve) => (this.waitersOf(groupId, memberId).sync = resolve));
    const deliveries = group.takeDeliveries();
    if (wasStable || group.state !== 'Stable') {
      this.deliver(groupId, deliveries);
      return promise;
    }
    // The assignments are durable before any member acts on them.
    this.persist(groupId, group.snapshot()).then(
      () => this.deliver(groupId, deliveries),
      () => this.deliver(groupId, deliveries.map((d): Delivery => (d.kind === 'sync' ? { ...d, result: { error: 'NOT_COORDINATOR', assignment: Buffer.alloc(0) } } : d))),
    );
    return promise;
  }

  heartbeat(groupId: string, memberId: string, generationId: number, nowMs: number): ClassicError {
    return this.groups.get(groupId)?.heartbeat(memberId, generationId, nowMs) ?? 'UNKNOWN_MEMBER_ID';
  }

  leave(groupId: string, memberId: string, nowMs: number): ClassicError {
    const group = this.groups.get(groupId);
    if (group === undefined) return 'UNKNOWN_MEMBER_ID';
    const before = group.state;
    const error = group.leave(memberId, nowMs);
    this.settle(groupId, group, before);
    return error;
  }

  checkCommit(groupId: string, memberId: string, generationId: number): ClassicError {
    return this.groups.get(groupId)?.checkCommit(memberId, generationId) ?? 'UNKNOWN_MEMBER_ID';
  }

  tick(nowMs: number): void {
    for (const [groupId, group] of this.groups) {
      const before = group.state;
      group.tick(nowMs);
      this.settle(groupId, group, before);
    }
  }

  /** The coordinator lost these groups (their offsets partition moved): waiting requests get NOT_COORDINATOR. */
  drop(groupIds: Iterable<string>): void {
    for (const groupId of groupIds) {
      const group = this.groups.get(groupId);
      if (group === undefined) continue;
      this.deliver(groupId, group.abandon());
      this.groups.delete(groupId);
      this.waiting.delete(groupId);
    }
  }

  describe(groupId: string): ClassicGroupView | undefined {
    const group = this.groups.get(groupId);
    if (group === undefined) return undefined;
    return {
      groupId,
      state: group.state,
      generationId: group.generationId,
      protocolType: group.protocolType ?? '',
      protocolName: group.protocolName ?? '',
      leaderId: group.leaderId ?? '',
      members: group.describe(),
    };
  }

  private group(groupId: string): ClassicGroup {
    let group = this.groups.get(groupId);
    if (group === undefined) {
      if (this.groups.size >= this.maxGroups()) throw new SluiceError('LIMIT_EXCEEDED', `this broker coordinates as many groups as max.groups allows`);
      group = new ClassicGroup(groupId, this.limits);
      this.groups.set(groupId, group);
    }
    return group;
  }

  /** After a leave or a tick: answers what became due; a group that emptied is tombstoned and, unless ids it handed out may still join, forgotten. */
  private settle(groupId: string, group: ClassicGroup, before: ClassicState): void {
    this.deliver(groupId, group.takeDeliveries());
    if (before !== 'Empty' && group.state === 'Empty') {
      // Not awaited: losing it only leaves members a new coordinator expires after a session.
      this.persist(groupId, undefined).catch(() => undefined);
    }
    this.forgetIfEmpty(groupId, group);
  }

  /** A group without members is kept only while a member id it handed out may still join. */
  private forgetIfEmpty(groupId: string, group: ClassicGroup): void {
    if (group.idle && (this.waiting.get(groupId)?.size ?? 0) === 0) this.groups.delete(groupId);
  }

  private waitersOf(groupId: string, memberId: string): Waiters {
    let byMember = this.waiting.get(groupId);
    if (byMember === undefined) {
      byMember = new Map();
      this.waiting.set(groupId, byMember);
    }
    let waiters = byMember.get(memberId);
    if (waiters === undefined) {
      waiters = {};
      byMember.set(memberId, waiters);
    }
    return waiters;
  }

  private take<K extends keyof Waiters>(groupId: string, memberId: string, kind: K): Waiters[K] {
    const byMember = this.waiting.get(groupId);
    const waiters = byMember?.get(memberId);
    const waiter = waiters?.[kind];
    if (waiters !== undefined && waiter !== undefined) {
      delete waiters[kind];
      if (waiters.join === undefined && waiters.sync === undefined) byMember!.delete(memberId);
      if (byMember!.size === 0) this.waiting.delete(groupId);
    }
    return waiter;
  }

  private deliver(groupId: string, deliveries: readonly Delivery[]): void {
    for (const delivery of deliveries) {
      if (delivery.kind === 'join') {
        this.take(groupId, delivery.memberId, 'join')?.(delivery.result);
      } else {
        this.take(groupId, delivery.memberId, 'sync')?.(delivery.result);
      }
    }
  }
}

function joinError(error: ClassicError, memberId: string): JoinResult {
  return { error, generationId: -1, protocolName: '', leaderId: '', memberId, members: [] };
}
