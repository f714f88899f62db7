/**
 * The classic (JoinGroup/SyncGroup) group state machine, step by step: member ids, the rebalance
 * barrier, generations, client-side assignment handed out by SyncGroup, sessions, leaving, and the
 * errors Kafka clients act on.
 */
import { expect } from 'chai';
import { ClassicGroup, type Answer, type Delivery, type JoinInput, type JoinResult, type SyncResult } from '../../src/groups/classic-group.js';

const LIMITS = { sessionTimeoutMinMs: 100, sessionTimeoutMaxMs: 60_000, maxSize: 10 };

function input(memberId: string, overrides: Partial<JoinInput> = {}): JoinInput {
  return {
    memberId,
    instanceId: undefined,
    clientId: 'c',
    clientHost: '',
    sessionTimeoutMs: 1_000,
    rebalanceTimeoutMs: 5_000,
    protocolType: 'consumer',
    protocols: [{ name: 'range', metadata: Buffer.from('meta') }],
    requireKnownMemberId: false,
    ...overrides,
  };
}

function now<T>(answer: Answer<T>): T {
  if (answer.kind !== 'now') throw new Error('expected an immediate answer');
  return answer.result;
}

function waited<T>(answer: Answer<T>): string {
  if (answer.kind !== 'wait') throw new Error(`expected to wait, got ${JSON.stringify(answer)}`);
  return answer.memberId;
}

function joins(deliveries: Delivery[]): Map<string, JoinResult> {
  return new Map(deliveries.flatMap((d) => (d.kind === 'join' ? [[d.memberId, d.result] as const] : [])));
}

function syncs(deliveries: Delivery[]): Map<string, SyncResult> {
  return new Map(deliveries.flatMap((d) => (d.kind === 'sync' ? [[d.memberId, d.result] as const] : [])));
}

/** A group whose ids are m1, m2, … in order of joining without one. */
function newGroup(): ClassicGroup {
  let seq = 0;
  return new ClassicGroup('g', LIMITS, () => `m${++seq}`);
}

/** Drives two members to Stable at generation 2 with `a1`/`a2` as their assignments. */
function twoStable(): { group: ClassicGroup; leader: string; follower: string } {
  const group = newGroup();
  const m1 = waited(group.join(input(''), 0));
  expect(joins(group.takeDeliveries()).get(m1)!.generationId).to.equal(1);
  const m2 = waited(group.join(input(''), 10));
  expect(group.state).to.equal('PreparingRebalance');
  expect(group.heartbeat(m1, 1, 20)).to.equal('REBALANCE_IN_PROGRESS');
  waited(group.join(input(m1), 30));
  const answers = joins(group.takeDeliveries());
  expect(answers.get(m1)!.generationId).to.equal(2);
  waited(group.sync(m2, 2, [], 40));
  waited(group.sync(m1, 2, [{ memberId: m1, assignment: Buffer.from('a1') }, { memberId: m2, assignment: Buffer.from('a2') }], 50));
  const synced = syncs(group.takeDeliveries());
  expect(synced.get(m1)!.assignment.toString()).to.equal('a1');
  expect(synced.get(m2)!.assignment.toString()).to.equal('a2');
  return { group, leader: m1, follower: m2 };
}

describe('ClassicGroup (Kafka classic group protocol)', () => {
  it('a lone member joins, leads, and gets the assignment it sends', () => {
    const group = newGroup();
    const memberId = waited(group.join(input(''), 0));
    const join = joins(group.takeDeliveries()).get(memberId)!;
    expect(join).to.include({ error: 'NONE', generationId: 1, protocolName: 'range', leaderId: memberId, memberId });
    expect(join.members.map((m) => [m.memberId, m.metadata.toString()])).to.deep.equal([[memberId, 'meta']]);
    expect(group.state).to.equal('CompletingRebalance');
    expect(group.checkCommit(memberId, 1)).to.equal('REBALANCE_IN_PROGRESS');
    waited(group.sync(memberId, 1, [{ memberId, assignment: Buffer.from('all') }], 1));
    expect(syncs(group.takeDeliveries()).get(memberId)).to.deep.include({ error: 'NONE' });
    expect(group.state).to.equal('Stable');
    expect(group.heartbeat(memberId, 1, 2)).to.equal('NONE');
    expect(group.checkCommit(memberId, 1)).to.equal('NONE');
    expect(now(group.sync(memberId, 1, [], 3)).assignment.toString()).to.equal('all');
  });

  it('JoinGroup v4+: an empty member id gets MEMBER_ID_REQUIRED with an id, and the barrier waits for it', () => {
    const { group, leader, follower } = twoStable();
    const required = now(group.join(input('', { requireKnownMemberId: true }), 100));
    expect(required.error).to.equal('MEMBER_ID_REQUIRED');
    const newId = required.memberId;
    expect(newId).to.equal('m3');
    expect(group.has(newId)).to.equal(false);
    // Unknown ids are refused; the handed-out one is accepted.
    expect(now(group.join(input('nobody'), 101)).error).to.equal('UNKNOWN_MEMBER_ID');
    waited(group.join(input(newId), 102));
    waited(group.join(input(leader), 103));
    expect(group.takeDeliveries()).to.deep.equal([]); // the follower has not rejoined yet
    waited(group.join(input(follower), 104));
    const answers = joins(group.takeDeliveries());
    expect([...answers.keys()].sort()).to.deep.equal([leader, follower, newId].sort());
    expect(answers.get(leader)!.members).to.have.length(3);
    expect(answers.get(follower)!.members).to.deep.equal([]);
    expect(answers.get(newId)!.generationId).to.equal(3);
  });

  it('the barrier ends at the rebalance timeout without the members that did not rejoin', () => {
    const { group, leader, follower } = twoStable();
    waited(group.join(input('', { rebalanceTimeoutMs: 5_000 }), 1_000));
    waited(group.join(input(leader), 1_001));
    // The follower keeps its session alive but does not rejoin.
    for (let t = 1_500; t < 6_000; t += 500) expect(group.heartbeat(follower, 2, t)).to.equal('REBALANCE_IN_PROGRESS');
    group.tick(5_999);
    expect(group.takeDeliveries()).to.deep.equal([]);
    group.tick(6_000);
    const answers = joins(group.takeDeliveries());
    expect(answers.size).to.equal(2);
    expect(answers.has(follower)).to.equal(false);
    expect(group.has(follower)).to.equal(false);
    expect(group.heartbeat(follower, 2, 6_001)).to.equal('UNKNOWN_MEMBER_ID');
    expect(group.generationId).to.equal(3);
  });

  it('a stale generation is ILLEGAL_GENERATION for heartbeat, sync and commit', () => {
    const { group, leader } = twoStable();
    expect(group.heartbeat(leader, 1, 60)).to.equal('ILLEGAL_GENERATION');
    expect(now(group.sync(leader, 1, [], 60)).error).to.equal('ILLEGAL_GENERATION');
    expect(group.checkCommit(leader, 1)).to.equal('ILLEGAL_GENERATION');
    expect(group.checkCommit('other', 2)).to.equal('UNKNOWN_MEMBER_ID');
  });

  it('a silent member is removed after its session and the others rebalance; commits go on while they gather', () => {
    const { group, leader, follower } = twoStable();
    group.heartbeat(leader, 2, 900);
    group.tick(1_039); // the follower was last seen at 40 with a 1000 ms session
    expect(group.state).to.equal('Stable');
    group.tick(1_040);
    expect(group.has(follower)).to.equal(false);
    expect(group.state).to.equal('PreparingRebalance');
    expect(group.heartbeat(leader, 2, 1_060)).to.equal('REBALANCE_IN_PROGRESS');
    expect(group.checkCommit(leader, 2)).to.equal('NONE');
    waited(group.join(input(leader), 1_070));
    expect(joins(group.takeDeliveries()).get(leader)!.generationId).to.equal(3);
  });

  it('a member waiting at the barrier is not expired by its session', () => {
    const { group, leader, follower } = twoStable();
    waited(group.join(input(leader), 100));
    group.heartbeat(follower, 2, 3_000);
    group.tick(3_500); // the leader's last sign of life was 100, but its join waits
    expect(group.has(leader)).to.equal(true);
    waited(group.join(input(follower), 3_600));
    expect(joins(group.takeDeliveries()).size).to.equal(2);
  });

  it('a leave answers the leaver and starts a rebalance; the last leave empties the group and bumps the generation', () => {
    const { group, leader, follower } = twoStable();
    expect(group.leave(follower, 100)).to.equal('NONE');
    expect(group.leave(follower, 101)).to.equal('UNKNOWN_MEMBER_ID');
    expect(group.state).to.equal('PreparingRebalance');
    waited(group.join(input(leader), 102));
    expect(joins(group.takeDeliveries()).get(leader)!.generationId).to.equal(3);
    expect(group.leave(leader, 103)).to.equal('NONE');
    expect(group.state).to.equal('Empty');
    expect(group.size).to.equal(0);
    expect(group.generationId).to.equal(4);
    expect(group.protocolType).to.equal(undefined);
  });

  it('a leader that never syncs is removed after the rebalance timeout; waiting followers start over', () => {
    const { group, leader, follower } = twoStable();
    waited(group.join(input(leader), 100));
    waited(group.join(input(follower), 101));
    group.takeDeliveries();
    waited(group.sync(follower, 3, [], 102));
    group.tick(5_200);
    const synced = syncs(group.takeDeliveries());
    expect(synced.get(follower)!.error).to.equal('REBALANCE_IN_PROGRESS');
    expect(group.has(leader)).to.equal(false);
    expect(group.state).to.equal('PreparingRebalance');
  });

  it('refuses other protocol types, protocols no member shares, and session timeouts out of bounds', () => {
    const { group } = twoStable();
    expect(now(group.join(input('', { protocolType: 'connect' }), 100)).error).to.equal('INCONSISTENT_GROUP_PROTOCOL');
    expect(now(group.join(input('', { protocols: [{ name: 'sticky', metadata: Buffer.alloc(0) }] }), 100)).error).to.equal('INCONSISTENT_GROUP_PROTOCOL');
    expect(now(group.join(input('', { protocols: [] }), 100)).error).to.equal('INCONSISTENT_GROUP_PROTOCOL');
    expect(now(group.join(input('', { sessionTimeoutMs: 10 }), 100)).error).to.equal('INVALID_SESSION_TIMEOUT');
    expect(now(group.join(input('', { sessionTimeoutMs: 120_000 }), 100)).error).to.equal('INVALID_SESSION_TIMEOUT');
  });

  it('chooses the protocol most members prefer among those all support', () => {
    const group = newGroup();
    const both = (first: string, second: string) => [
      { name: first, metadata: Buffer.from(first) },
      { name: second, metadata: Buffer.from(second) },
    ];
    const m1 = waited(group.join(input('', { protocols: both('range', 'roundrobin') }), 0));
    group.takeDeliveries();
    const m2 = waited(group.join(input('', { protocols: both('roundrobin', 'range') }), 1));
    const m3 = waited(group.join(input('', { protocols: both('roundrobin', 'range') }), 2));
    waited(group.join(input(m1, { protocols: both('range', 'roundrobin') }), 3));
    const answers = joins(group.takeDeliveries());
    expect(answers.get(m2)!.protocolName).to.equal('roundrobin');
    expect(answers.get(m1)!.members.map((m) => m.metadata.toString())).to.deep.equal(['roundrobin', 'roundrobin', 'roundrobin']);
    expect(m3).to.equal('m3');
  });

  it('a follower rejoining unchanged in Stable gets the current generation; the leader rejoining starts a rebalance', () => {
    const { group, leader, follower } = twoStable();
    const again = now(group.join(input(follower), 100));
    expect(again).to.include({ error: 'NONE', generationId: 2, leaderId: leader });
    expect(group.state).to.equal('Stable');
    waited(group.join(input(leader), 101));
    expect(group.state).to.equal('PreparingRebalance');
  });

  it('group.max.size bounds new members', () => {
    const group = new ClassicGroup('g', { ...LIMITS, maxSize: 1 }, () => 'x');
    waited(group.join(input(''), 0));
    expect(now(group.join(input(''), 1)).error).to.equal('GROUP_MAX_SIZE_REACHED');
  });

  it('abandon answers every waiting request NOT_COORDINATOR', () => {
    const { group, leader, follower } = twoStable();
    waited(group.join(input(leader), 100));
    const answers = joins(group.abandon());
    expect(answers.get(leader)!.error).to.equal('NOT_COORDINATOR');
    expect(answers.has(follower)).to.equal(false);
  });
});
