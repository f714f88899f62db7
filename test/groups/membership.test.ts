import { expect } from 'chai';
import { assignSticky } from '../../src/groups/assignor.js';
import { GroupMembership, LEAVE_EPOCH, STATIC_LEAVE_EPOCH, type MemberFailure } from '../../src/groups/membership.js';
import { tpKey } from '../../src/groups/topic-partition.js';
import { AckTracker } from '../../src/client/group/ack-tracker.js';
import { SluiceError } from '../../src/protocol/errors.js';
import { input, Member, POLL_MS, SESSION_MS, settle, sixPartitions } from './scripted-member.js';

function expectCode(fn: () => unknown, code: string): void {
  try {
    fn();
  } catch (err) {
    expect(err).to.be.instanceOf(SluiceError);
    expect((err as SluiceError).code).to.equal(code);
    return;
  }
  expect.fail(`expected ${code}`);
}

const all = Array.from({ length: 6 }, (_, i) => tpKey('t', i));

describe('groups: sticky assignor', () => {
  it('covers every partition with disjoint, balanced assignments', () => {
    const result = assignSticky(
      [{ memberId: 'a', topics: ['t'] }, { memberId: 'b', topics: ['t'] }, { memberId: 'c', topics: ['t'] }],
      sixPartitions,
      new Map(),
    );
    const owned = [...result.values()].flatMap((set) => [...set]);
    expect(owned.sort()).to.deep.equal([...all].sort());
    for (const set of result.values()) expect(set.size).to.equal(2);
  });

  it('moves only what balance needs when a member joins', () => {
    const before = assignSticky([{ memberId: 'a', topics: ['t'] }, { memberId: 'b', topics: ['t'] }], sixPartitions, new Map());
    const after = assignSticky([{ memberId: 'a', topics: ['t'] }, { memberId: 'b', topics: ['t'] }, { memberId: 'c', topics: ['t'] }], sixPartitions, before);
    const kept = [...after.get('a')!].filter((key) => before.get('a')!.has(key)).length + [...after.get('b')!].filter((key) => before.get('b')!.has(key)).length;
    expect(kept).to.equal(4);
    expect(after.get('c')!.size).to.equal(2);
  });

  it('gives partitions only to members subscribed to their topic', () => {
    const result = assignSticky([{ memberId: 'a', topics: ['t'] }, { memberId: 'b', topics: ['u'] }], (topic) => (topic === 't' ? 2 : 1), new Map());
    expect([...result.get('a')!].sort()).to.deep.equal([tpKey('t', 0), tpKey('t', 1)]);
    expect([...result.get('b')!]).to.deep.equal([tpKey('u', 0)]);
  });
});

describe('groups: membership state machine', () => {
  it('a lone member gets every partition at epoch 1', () => {
    const group = new GroupMembership('g', sixPartitions);
    const a = new Member('a', group);
    expect(a.beat(0).sort()).to.deep.equal([...all].sort());
    expect(a.epoch).to.equal(1);
    expect(group.state()).to.equal('Stable');
  });

  it('revokes from the old owner before assigning to the new one', () => {
    const group = new GroupMembership('g', sixPartitions);
    const a = new Member('a', group);
    a.beat(0);
    const b = new Member('b', group);
    expect(b.beat(0)).to.deep.equal([]); // a still owns everything
    const aKeeps = a.beat(0);
    expect(aKeeps).to.have.length(3);
    // a has not acknowledged yet (it reports what it owned): nothing for b.
    expect(group.heartbeat(input('b', b.epoch, []), 0, []).assignment).to.deep.equal([]);
    a.owned = aKeeps; // a committed and released the others
    a.beat(0);
    const bGets = b.beat(0);
    expect(bGets).to.have.length(3);
    expect([...bGets, ...a.owned].sort()).to.deep.equal([...all].sort());
  });

  it('keeps the member epoch during revocation and fences a stale one', () => {
    const group = new GroupMembership('g', sixPartitions);
    const a = new Member('a', group);
    a.beat(0);
    const epochBefore = a.epoch;
    new Member('b', group).beat(0);
    group.heartbeat(input('a', epochBefore, a.owned), 0, []);
    group.checkCommit('a', epochBefore, a.owned); // still owns them until it lets go
    expectCode(() => group.heartbeat(input('a', epochBefore + 10, a.owned), 0, []), 'STALE_MEMBER_EPOCH');
    expectCode(() => group.checkCommit('zombie', 1, []), 'UNKNOWN_MEMBER');
  });

  it('removes a silent member after the session timeout and reports the failure', () => {
    const group = new GroupMembership('g', sixPartitions);
    const a = new Member('a', group);
    const b = new Member('b', group);
    settle([a, b], 0);
    expect(group.tick(SESSION_MS)).to.deep.equal([]);
    a.beat(SESSION_MS);
    const failures = group.tick(SESSION_MS + 1);
    expect(failures).to.have.length(1);
    expect(failures[0]!.memberId).to.equal('b');
    expect(failures[0]!.reason).to.equal('session-timeout');
    settle([a], SESSION_MS + 2);
    expect(a.owned.sort()).to.deep.equal([...all].sort());
    expectCode(() => group.checkCommit('b', b.epoch, b.owned), 'STALE_MEMBER_EPOCH');
  });

  it('fences a member that did not poll within maxPollIntervalMs; its partitions move', () => {
    const group = new GroupMembership('g', sixPartitions);
    const a = new Member('a', group);
    const b = new Member('b', group);
    settle([a, b], 0);
    const failures: MemberFailure[] = [];
    expectCode(() => group.heartbeat(input('b', b.epoch, b.owned, { pollIdleMs: POLL_MS + 1 }), 10, failures), 'STALE_MEMBER_EPOCH');
    expect(failures.map((f) => f.reason)).to.deep.equal(['poll-timeout']);
    expectCode(() => group.checkCommit('b', b.epoch, b.owned), 'STALE_MEMBER_EPOCH');
    settle([a], 20);
    expect(a.owned).to.have.length(6);
  });

  it('a static member that restarts takes its partitions back without a reassignment', () => {
    const group = new GroupMembership('g', sixPartitions);
    const a = new Member('a1', group, { instanceId: 'a' });
    const b = new Member('b', group);
    settle([a, b], 0);
    const aOwned = [...a.owned].sort();
    const epoch = group.epoch;
    const failures: MemberFailure[] = [];
    const restarted = new Member('a2', group, { instanceId: 'a' });
    expect(restarted.beat(10, failures).sort()).to.deep.equal(aOwned);
    expect(group.epoch).to.equal(epoch);
    expect(failures.map((f) => f.reason)).to.deep.equal(['static-restart']);
    expectCode(() => group.checkCommit('a1', a.epoch, aOwned), 'STALE_MEMBER_EPOCH');
  });

  it('a static leave keeps the partitions until the session ends, without a failure', () => {
    const group = new GroupMembership('g', sixPartitions);
    const a = new Member('a1', group, { instanceId: 'a' });
    a.beat(0);
    group.heartbeat(input('a1', STATIC_LEAVE_EPOCH, a.owned, { instanceId: 'a' }), 5, []);
    expect(group.size).to.equal(1);
    expect(group.tick(5 + SESSION_MS + 1)).to.deep.equal([]);
    expect(group.size).to.equal(0);
  });

  it('a dynamic leave frees the partitions at once', () => {
    const group = new GroupMembership('g', sixPartitions);
    const a = new Member('a', group);
    const b = new Member('b', group);
    settle([a, b], 0);
    group.heartbeat(input('b', LEAVE_EPOCH, []), 1, []);
    settle([a], 2);
    expect(a.owned).to.have.length(6);
  });
});

describe('groups: ack tracker', () => {
  it('commits only the contiguous acknowledged prefix', () => {
    const tracker = new AckTracker(10);
    expect(tracker.ack(12)).to.equal(false);
    expect(tracker.ack(11)).to.equal(false);
    expect(tracker.committable).to.equal(10);
    expect(tracker.ack(10)).to.equal(true);
    expect(tracker.committable).to.equal(13);
  });

  it('skips ranges without records and forgets acks above a rewind', () => {
    const tracker = new AckTracker(0);
    tracker.ack(0);
    tracker.skip(1, 5);
    expect(tracker.committable).to.equal(5);
    tracker.ack(7);
    tracker.restartAt(6, { jump: false });
    tracker.ack(5);
    expect(tracker.committable).to.equal(6);
    tracker.restartAt(100, { jump: true });
    expect(tracker.committable).to.equal(100);
  });
});
