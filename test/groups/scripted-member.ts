/** Shared by the membership tests: heartbeat inputs and scripted members driving a GroupMembership. */
import { JOIN_EPOCH, type GroupMembership, type HeartbeatInput, type MemberFailure } from '../../src/groups/membership.js';

export const SESSION_MS = 1_000;
export const POLL_MS = 5_000;

/** Six partitions of topic `t`, none of any other topic. */
export const sixPartitions = (topic: string): number => (topic === 't' ? 6 : 0);

export function input(memberId: string, memberEpoch: number, owned: readonly string[], extra: Partial<HeartbeatInput> = {}): HeartbeatInput {
  return {
    memberId,
    memberEpoch,
    instanceId: undefined,
    clientId: 'test',
    subscribedTopics: ['t'],
    owned,
    sessionTimeoutMs: SESSION_MS,
    maxPollIntervalMs: POLL_MS,
    pollIdleMs: 0,
    ...extra,
  };
}

/** A scripted member: remembers its epoch and what it owns, and acknowledges revocations at once; `group` may be swapped for a restored one. */
export class Member {
  epoch = JOIN_EPOCH;
  owned: string[] = [];
  constructor(
    readonly id: string,
    public group: GroupMembership,
    private readonly extra: Partial<HeartbeatInput> = {},
  ) {}

  beat(nowMs: number, failures: MemberFailure[] = []): string[] {
    const out = this.group.heartbeat(input(this.id, this.epoch, this.owned, this.extra), nowMs, failures);
    this.epoch = out.memberEpoch;
    this.owned = out.assignment;
    return out.assignment;
  }
}

/** Heartbeats every member a few rounds, as the real loop does, so reconciliation converges. */
export function settle(members: Member[], nowMs: number): void {
  for (let round = 0; round < 4; round++) for (const member of members) member.beat(nowMs);
}
