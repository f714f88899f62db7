import { expect } from 'chai';
import { GroupMembership, LEAVE_EPOCH, STATIC_LEAVE_EPOCH, type MemberSnapshot, type MembershipChange } from '../../src/groups/membership.js';
import { decodeEntry, encodeEntry } from '../../src/groups/offset-records.js';
import { OffsetStore, type GroupsEntry } from '../../src/groups/offset-store.js';
import { tpKey } from '../../src/groups/topic-partition.js';
import { decodeBatch, encodeBatch } from '../../src/protocol/batch.js';
import { SluiceError } from '../../src/protocol/errors.js';
import { input, Member, SESSION_MS, settle, sixPartitions } from './scripted-member.js';

/** What the coordinator does after each answer: write the unsaved changes (here: into the image), mark them saved. */
function save(group: GroupMembership, store: OffsetStore): MembershipChange[] {
  const { throughSeq, changes } = group.unsaved();
  for (const change of changes) store.apply(change);
  group.saved(throughSeq);
  return changes;
}

/** The records through the real codec, as a coordinator that takes the partition over reads them. */
function replay(entries: readonly GroupsEntry[]): OffsetStore {
  const store = new OffsetStore();
  for (const record of decodeBatch(encodeBatch(entries.map(encodeEntry))).records) {
    const entry = decodeEntry(record);
    if (entry) store.apply(entry);
  }
  return store;
}

function takeOver(store: OffsetStore, nowMs: number): GroupMembership {
  const snapshot = replay(store.liveEntries()).memberships().get('g');
  expect(snapshot, 'membership records of g').to.not.equal(undefined);
  return GroupMembership.restore('g', sixPartitions, snapshot!, nowMs);
}

describe('groups: durable membership', () => {
  it('a new coordinator restores members with their epochs and assignments; they carry on without a change', () => {
    const group = new GroupMembership('g', sixPartitions);
    const store = new OffsetStore();
    const a = new Member('a', group);
    const b = new Member('b', group);
    settle([a, b], 0);
    save(group, store);
    const before = { epoch: group.epoch, members: group.describe(), a: [...a.owned], b: [...b.owned], epochs: [a.epoch, b.epoch] };

    const restored = takeOver(store, 50_000);
    a.group = restored;
    b.group = restored;
    expect(restored.epoch).to.equal(before.epoch);
    expect(restored.describe()).to.deep.equal(before.members);
    expect(restored.state()).to.equal('Stable');
    settle([a, b], 50_001);
    expect([a.owned, b.owned, [a.epoch, b.epoch]]).to.deep.equal([before.a, before.b, before.epochs]);
    expect(restored.unsaved().changes, 'heartbeats without a change write nothing').to.deep.equal([]);
  });

  it('restored members get a full session from the takeover; a silent one is fenced after it', () => {
    const group = new GroupMembership('g', sixPartitions);
    const store = new OffsetStore();
    const a = new Member('a', group);
    const b = new Member('b', group);
    settle([a, b], 0);
    save(group, store);

    const takeoverMs = 100_000; // far beyond both sessions as counted by the old coordinator
    const restored = takeOver(store, takeoverMs);
    expect(restored.tick(takeoverMs + SESSION_MS)).to.deep.equal([]);
    a.group = restored;
    a.beat(takeoverMs + SESSION_MS);
    const failures = restored.tick(takeoverMs + SESSION_MS + 1);
    expect(failures.map((failure) => [failure.memberId, failure.reason])).to.deep.equal([['b', 'session-timeout']]);
    settle([a], takeoverMs + SESSION_MS + 2);
    expect(a.owned).to.have.length(6);
    try {
      restored.checkCommit('b', b.epoch, b.owned);
      expect.fail('b must be fenced');
    } catch (err) {
      expect((err as SluiceError).code).to.equal('STALE_MEMBER_EPOCH');
    }
  });

  it('an answer not yet saved is repeated by the next write (a failed write loses nothing)', () => {
    const group = new GroupMembership('g', sixPartitions);
    const store = new OffsetStore();
    const a = new Member('a', group);
    a.beat(0);
    save(group, store);
    const b = new Member('b', group);
    b.beat(1);
    const lost = group.unsaved(); // written, but the write failed: not saved
    expect(lost.changes.length).to.be.greaterThan(0);
    a.beat(2); // a gives up three partitions
    b.beat(3); // and b gets them
    save(group, store);
    const restored = takeOver(store, 10);
    expect(restored.describe()).to.deep.equal(group.describe());
  });

  it('writes a member only when it changes, and deletes what a leave removes', () => {
    const group = new GroupMembership('g', sixPartitions);
    const store = new OffsetStore();
    const a = new Member('a', group);
    settle([a], 0);
    save(group, store);
    a.beat(1);
    expect(save(group, store)).to.deep.equal([]);

    new Member('c', group).beat(2);
    const joined = save(group, store).map((change) => `${change.kind}:${change.kind === 'member' ? change.memberId : change.group}`);
    expect(joined.sort()).to.deep.equal(['group:g', 'member:a', 'member:c']); // a's target shrank

    group.heartbeat(input('c', LEAVE_EPOCH, []), 3, []);
    const left = save(group, store).filter((change) => change.kind === 'member' && change.memberId === 'c');
    expect(left.map((change) => change.value)).to.deep.equal([undefined]);
    expect([...store.memberships().get('g')!.members.map((member) => member.memberId)]).to.deep.equal(['a']);

    group.heartbeat(input('a', LEAVE_EPOCH, []), 4, []);
    save(group, store);
    expect(store.memberships().has('g'), 'an empty group leaves no membership record').to.equal(false);
  });

  it('a static member that left for a restart is still one after a takeover', () => {
    const group = new GroupMembership('g', sixPartitions);
    const store = new OffsetStore();
    const a = new Member('a1', group, { instanceId: 'a' });
    a.beat(0);
    group.heartbeat(input('a1', STATIC_LEAVE_EPOCH, a.owned, { instanceId: 'a' }), 1, []);
    save(group, store);
    const restored = takeOver(store, 10);
    // Its session ends without a failure (it left on purpose), as on the old coordinator.
    expect(restored.tick(10 + SESSION_MS + 1)).to.deep.equal([]);
    expect(restored.size).to.equal(0);
  });
});

describe('groups: __consumer_offsets records', () => {
  const member: MemberSnapshot = {
    memberId: 'm-1',
    instanceId: 'worker-1',
    clientId: 'client',
    memberEpoch: 7,
    previousEpoch: 6,
    subscribedTopics: ['t', 'u'],
    owned: [tpKey('t', 0), tpKey('t', 3), tpKey('u', 1)],
    target: [tpKey('t', 0), tpKey('u', 1)],
    sessionTimeoutMs: 10_000,
    maxPollIntervalMs: 300_000,
    leftForRestart: false,
  };

  it('every kind survives encode and decode, tombstones included', () => {
    const entries: GroupsEntry[] = [
      { kind: 'offset', group: 'g', topic: 't', partition: 2, value: { offset: 42, metadata: 'm', commitTimestampMs: 1_000, attempts: { offset: 42, count: 2, lastError: 'boom' }, topicId: 5 } },
      { kind: 'offset', group: 'g', topic: 't', partition: 3, value: undefined },
      { kind: 'group', group: 'g', value: { groupEpoch: 7, partitionCounts: { t: 4, u: 2 } } },
      { kind: 'group', group: 'h', value: undefined },
      { kind: 'member', group: 'g', memberId: 'm-1', value: member },
      { kind: 'member', group: 'g', memberId: 'm-2', value: { ...member, memberId: 'm-2', instanceId: undefined, owned: [], target: [] } },
      { kind: 'member', group: 'g', memberId: 'm-3', value: undefined },
    ];
    const decoded = decodeBatch(encodeBatch(entries.map(encodeEntry))).records.map(decodeEntry);
    expect(decoded).to.deep.equal(entries);
  });

  it('skips records of an unknown kind or version', () => {
    const records = [
      { key: Buffer.from(JSON.stringify(['consumer-protocol', 'g'])), value: Buffer.from('{"v":1}') },
      { key: Buffer.from(JSON.stringify(['member', 'g', 'm'])), value: Buffer.from('{"v":2}') },
    ];
    expect(decodeBatch(encodeBatch(records)).records.map(decodeEntry)).to.deep.equal([undefined, undefined]);
  });

  it('replay keeps the latest record per key; cleaning carries exactly the live ones', () => {
    const store = replay([
      { kind: 'member', group: 'g', memberId: 'm-1', value: { ...member, memberEpoch: 5 } },
      { kind: 'member', group: 'g', memberId: 'm-2', value: { ...member, memberId: 'm-2' } },
      { kind: 'group', group: 'g', value: { groupEpoch: 5, partitionCounts: { t: 4 } } },
      { kind: 'member', group: 'g', memberId: 'm-1', value: member },
      { kind: 'member', group: 'g', memberId: 'm-2', value: undefined },
      { kind: 'group', group: 'g', value: { groupEpoch: 7, partitionCounts: { t: 4, u: 2 } } },
      { kind: 'offset', group: 'g', topic: 't', partition: 0, value: { offset: 1, metadata: '', commitTimestampMs: 1, attempts: undefined } },
    ]);
    expect(store.memberships().get('g')).to.deep.equal({ group: { groupEpoch: 7, partitionCounts: { t: 4, u: 2 } }, members: [member] });
    expect(store.liveCount).to.equal(3);
    // The rewrite that cleaning appends replays to the same image.
    expect(replay(store.liveEntries()).memberships()).to.deep.equal(store.memberships());
    expect(replay(store.liveEntries()).liveEntries()).to.deep.equal(store.liveEntries());
  });
});
