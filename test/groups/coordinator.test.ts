/**
 * The group coordinator without a broker: a memory host (every partition led here, committed once
 * appended) and a virtual clock, so sessions, timestamps and lag are exact and no test waits.
 */
import { expect } from 'chai';
import { encodeBatch, readBatchHeader, stampBatch } from '../../src/protocol/batch.js';
import { SluiceError } from '../../src/protocol/errors.js';
import { VirtualClock } from '../../src/runtime/virtual-clock.js';
import { groupPartition, OFFSETS_TOPIC, OFFSETS_TOPIC_PARTITIONS } from '../../src/groups/constants.js';
import { GroupCoordinator, GROUP_TICK_INTERVAL_MS, type GroupCoordinatorOptions } from '../../src/groups/coordinator.js';
import type { CoordinatorLocation, GroupsHost, PartitionReader } from '../../src/groups/host.js';
import { JOIN_EPOCH } from '../../src/groups/membership.js';
import { OffsetPartition } from '../../src/groups/offset-partition.js';
import { encodeEntry } from '../../src/groups/offset-records.js';
import type { GroupsEntry, OffsetEntry } from '../../src/groups/offset-store.js';
import { tpKey } from '../../src/groups/topic-partition.js';
import { input, SESSION_MS } from './scripted-member.js';

/** One partition replica in memory: batches stamped with offsets, committed as soon as appended. */
class MemoryPartition implements PartitionReader {
  private batches: Buffer[] = [];
  private startOffset = 0;
  private endOffset = 0;
  /** The Raft term this broker leads the replica in. */
  leaderTerm = 1;

  term(): number {
    return this.leaderTerm;
  }

  highWatermark(): number {
    return this.endOffset;
  }

  logStartOffset(): number {
    return this.startOffset;
  }

  logEndOffset(): number {
    return this.endOffset;
  }

  async readCommitted(offset: number, maxBytes: number): Promise<Buffer[]> {
    const from = this.batches.findIndex((batch) => lastOffsetOf(batch) >= offset);
    if (from < 0) return [];
    const out: Buffer[] = [];
    let bytes = 0;
    for (const batch of this.batches.slice(from)) {
      if (out.length > 0 && bytes + batch.length > maxBytes) break;
      out.push(batch);
      bytes += batch.length;
    }
    return out;
  }

  append(batch: Buffer): number {
    const baseOffset = this.endOffset;
    stampBatch(batch, baseOffset, this.term());
    this.batches.push(batch);
    this.endOffset = lastOffsetOf(batch) + 1;
    return baseOffset;
  }

  deletePrefix(offset: number): void {
    this.batches = this.batches.filter((batch) => lastOffsetOf(batch) >= offset);
    this.startOffset = Math.max(this.startOffset, Math.min(offset, this.endOffset));
  }
}

function lastOffsetOf(batch: Buffer): number {
  const header = readBatchHeader(batch);
  return header.baseOffset + header.lastOffsetDelta;
}

/** A broker stand-in that leads every partition it holds. */
class MemoryGroupsHost implements GroupsHost {
  readonly brokerId = 1;
  readonly clock = new VirtualClock();
  private readonly topics = new Map<string, { topicId: number; partitions: MemoryPartition[] }>();
  private readonly hiddenTopics = new Set<string>();
  private deposed = false;
  /** While set, offsets writes wait for it: a write on its way to the replicas. */
  private writesHeld: Promise<void> | undefined;
  /** Topic ids are 1, 2, ... in creation order; the version is past every creation unless hideTopic says otherwise. */
  private version = Number.MAX_SAFE_INTEGER;

  createTopic(name: string, partitions: number): void {
    const created = { topicId: this.topics.size + 1, partitions: Array.from({ length: partitions }, () => new MemoryPartition()) };
    this.topics.set(name, created);
  }

  /** Appends records stamped with the clock's time; returns the base offset. */
  produce(topic: string, partition: number, values: string[]): number {
    const batch = encodeBatch(values.map((value) => ({ value: Buffer.from(value) })), { nowMs: this.clock.nowMs() });
    return this.requirePartition(topic, partition).append(batch);
  }

  async ensureOffsetsTopic(): Promise<void> {
    if (!this.topics.has(OFFSETS_TOPIC)) this.createTopic(OFFSETS_TOPIC, OFFSETS_TOPIC_PARTITIONS);
  }

  ledOffsetsPartitions(): number[] {
    return this.topics.has(OFFSETS_TOPIC) ? Array.from({ length: OFFSETS_TOPIC_PARTITIONS }, (_, index) => index) : [];
  }

  leadsOffsetsPartition(): boolean {
    return this.topics.has(OFFSETS_TOPIC) && !this.deposed;
  }

  /** Another broker leads the offsets partitions from now on. */
  depose(): void {
    this.deposed = true;
  }

  coordinatorOf(): CoordinatorLocation {
    return { brokerId: this.brokerId, host: '127.0.0.1', port: 7001 };
  }

  /** Holds offsets writes until the returned function is called. */
  holdOffsetsWrites(): () => void {
    let release = (): void => undefined;
    this.writesHeld = new Promise((resolve) => (release = resolve));
    return () => {
      this.writesHeld = undefined;
      release();
    };
  }

  /**
   * Another broker led the offsets partition for a term and wrote `entries`; then this one won it
   * back (two terms later), without a coordinator tick in between.
   */
  anotherLeaderWrote(offsetsPartition: number, entries: readonly GroupsEntry[]): void {
    const partition = this.requirePartition(OFFSETS_TOPIC, offsetsPartition);
    partition.leaderTerm++;
    partition.append(encodeBatch(entries.map(encodeEntry), { nowMs: this.clock.nowMs() }));
    partition.leaderTerm++;
  }

  async produceOffsets(offsetsPartition: number, batch: Buffer, leaderTerm: number): Promise<number> {
    await this.writesHeld;
    return this.ledInTerm(offsetsPartition, leaderTerm).append(batch);
  }

  async deleteOffsetsPrefix(offsetsPartition: number, offset: number, leaderTerm: number): Promise<void> {
    this.ledInTerm(offsetsPartition, leaderTerm).deletePrefix(offset);
  }

  private ledInTerm(offsetsPartition: number, leaderTerm: number): MemoryPartition {
    const partition = this.requirePartition(OFFSETS_TOPIC, offsetsPartition);
    if (partition.leaderTerm !== leaderTerm) throw new SluiceError('NOT_LEADER', `led in term ${partition.leaderTerm}, not ${leaderTerm}`);
    return partition;
  }

  localPartition(topic: string, partition: number): MemoryPartition | undefined {
    return this.topics.get(topic)?.partitions[partition];
  }

  partitionCount(topic: string): number {
    return this.topics.get(topic)?.partitions.length ?? 0;
  }

  topicId(topic: string): number | undefined {
    return this.hiddenTopics.has(topic) ? undefined : this.topics.get(topic)?.topicId;
  }

  metadataVersion(): number {
    return this.version;
  }

  /**
   * The metadata here stops naming `topic`: deleted (`seenCreation`: its version is past the
   * topic's creation), or behind, created after what it has seen.
   */
  hideTopic(topic: string, seenCreation: boolean): void {
    this.hiddenTopics.add(topic);
    this.version = seenCreation ? this.topics.size + 1 : 0;
  }

  private requirePartition(topic: string, partition: number): MemoryPartition {
    const found = this.localPartition(topic, partition);
    if (!found) throw new SluiceError('UNKNOWN_PARTITION', `${topic}/${partition} is not here`);
    return found;
  }
}

const OPTIONS: GroupCoordinatorOptions = { sessionTimeoutMinMs: 100, sessionTimeoutMaxMs: 30_000, offsetsRetentionMs: 60_000 };
const T0 = tpKey('t', 0);

/** A coordinator that created __consumer_offsets and loaded its partitions on its first tick. */
async function startedCoordinator(host: MemoryGroupsHost): Promise<GroupCoordinator> {
  const coordinator = await GroupCoordinator.open(host, OPTIONS);
  coordinator.start();
  await host.clock.run(host.clock.nowMs() + GROUP_TICK_INTERVAL_MS);
  return coordinator;
}

/** Joins member `m1` to group `g` and heartbeats until it owns t/0; returns its epoch. */
async function joinOwningT0(coordinator: GroupCoordinator): Promise<number> {
  let epoch = JOIN_EPOCH;
  let owned: string[] = [];
  for (let round = 0; round < 4 && !owned.includes(T0); round++) {
    const answer = await coordinator.heartbeat('g', input('m1', epoch, owned));
    epoch = answer.memberEpoch;
    owned = answer.assignment;
  }
  expect(owned).to.deep.equal([T0]);
  return epoch;
}

describe('groups: coordinator on an injected clock', () => {
  let host: MemoryGroupsHost;
  let coordinator: GroupCoordinator;
  let producedAtMs: number;

  beforeEach(async () => {
    host = new MemoryGroupsHost();
    host.createTopic('t', 1);
    producedAtMs = host.clock.nowMs();
    host.produce('t', 0, ['a', 'b', 'c', 'd', 'e']);
    coordinator = await startedCoordinator(host);
  });

  afterEach(async () => {
    await coordinator.stop();
  });

  it('stamps commits and measures lag with the clock', async () => {
    const epoch = await joinOwningT0(coordinator);
    await host.clock.run(host.clock.nowMs() + 1_000);
    const committedAtMs = host.clock.nowMs();
    await coordinator.commit('g', 'm1', epoch, [{ topic: 't', partition: 0, offset: 2, metadata: '', attempts: undefined }]);
    expect(coordinator.fetchOffsets('g', [T0])[0]).to.include({ topic: 't', partition: 0, offset: 2, commitTimestampMs: committedAtMs });
    const [lag] = (await coordinator.describeGroup('g')).partitions;
    expect(lag).to.include({ committedOffset: 2, logEndOffset: 5, lag: 3, lagMs: committedAtMs - producedAtMs });
  });

  it("fences a member silent past its session on the clock's ticks and charges its record an attempt", async () => {
    const epoch = await joinOwningT0(coordinator);
    await coordinator.commit('g', 'm1', epoch, [{ topic: 't', partition: 0, offset: 2, metadata: '', attempts: undefined }]);
    await host.clock.run(host.clock.nowMs() + SESSION_MS - GROUP_TICK_INTERVAL_MS);
    expect((await coordinator.describeGroup('g')).members).to.have.length(1);
    await host.clock.run(host.clock.nowMs() + 2 * GROUP_TICK_INTERVAL_MS);
    expect((await coordinator.describeGroup('g')).members).to.have.length(0);
    const [committed] = coordinator.fetchOffsets('g', [T0]);
    expect(committed?.attempts).to.include({ offset: 2, count: 1 });
  });

  it('charges a failed member against the offset its commit still on the way to the replicas sets, never an older one', async () => {
    const epoch = await joinOwningT0(coordinator);
    await coordinator.commit('g', 'm1', epoch, [{ topic: 't', partition: 0, offset: 2, metadata: '', attempts: undefined }]);
    const release = host.holdOffsetsWrites();
    const commit = coordinator.commit('g', 'm1', epoch, [{ topic: 't', partition: 0, offset: 4, metadata: '', attempts: undefined }]);
    // The session times out while the commit is on its way: the charge is queued behind it.
    await host.clock.run(host.clock.nowMs() + SESSION_MS + 2 * GROUP_TICK_INTERVAL_MS);
    release();
    await commit;
    await host.clock.run(host.clock.nowMs() + 2 * GROUP_TICK_INTERVAL_MS);
    expect(coordinator.fetchOffsets('g', [T0])[0]).to.deep.include({ offset: 4 });
    expect(coordinator.fetchOffsets('g', [T0])[0]?.attempts).to.include({ offset: 4, count: 1 });
  });

  it('takes the attempt back when the timed-out member rejoins under its id (it was cut off, not killed), not for another member', async () => {
    const epoch = await joinOwningT0(coordinator);
    await coordinator.commit('g', 'm1', epoch, [{ topic: 't', partition: 0, offset: 2, metadata: '', attempts: undefined }]);
    await host.clock.run(host.clock.nowMs() + SESSION_MS + 2 * GROUP_TICK_INTERVAL_MS);
    expect(coordinator.fetchOffsets('g', [T0])[0]?.attempts).to.include({ offset: 2, count: 1 });
    await coordinator.heartbeat('g', input('m2', JOIN_EPOCH, []));
    expect(coordinator.fetchOffsets('g', [T0])[0]?.attempts, 'another member joining').to.include({ offset: 2, count: 1 });
    await coordinator.heartbeat('g', input('m1', JOIN_EPOCH, []));
    expect(coordinator.fetchOffsets('g', [T0])[0]).to.include({ offset: 2, attempts: undefined });
  });

  it('a coordinator taking the partitions over keeps the member, its epoch and its offsets', async () => {
    const epoch = await joinOwningT0(coordinator);
    await coordinator.commit('g', 'm1', epoch, [{ topic: 't', partition: 0, offset: 2, metadata: '', attempts: undefined }]);
    await coordinator.stop();
    coordinator = await startedCoordinator(host);
    const answer = await coordinator.heartbeat('g', input('m1', epoch, [T0]));
    expect(answer).to.include({ memberId: 'm1', memberEpoch: epoch });
    expect(answer.assignment).to.deep.equal([T0]);
    expect(coordinator.fetchOffsets('g', [T0])[0]).to.include({ offset: 2 });
  });

  it('answers NOT_COORDINATOR as soon as it no longer leads, before its next tick notices', async () => {
    const epoch = await joinOwningT0(coordinator);
    await coordinator.commit('g', 'm1', epoch, [{ topic: 't', partition: 0, offset: 2, metadata: '', attempts: undefined }]);
    host.depose();
    expect(() => coordinator.fetchOffsets('g', [T0])).to.throw(SluiceError, /NOT_COORDINATOR/);
  });

  it('drops writes queued before leadership was lost and won back: they would set back what the other leader committed', async () => {
    const epoch = await joinOwningT0(coordinator);
    await coordinator.commit('g', 'm1', epoch, [{ topic: 't', partition: 0, offset: 2, metadata: '', attempts: undefined }]);
    const release = host.holdOffsetsWrites();
    // The first is on its way to the replicas; the second waits for the next round.
    const stale = [3, 4].map((offset) => coordinator.commit('g', 'm1', epoch, [{ topic: 't', partition: 0, offset, metadata: '', attempts: undefined }]));
    const committedElsewhere: OffsetEntry = { kind: 'offset', group: 'g', topic: 't', partition: 0, value: { offset: 5, metadata: '', commitTimestampMs: host.clock.nowMs(), attempts: undefined } };
    host.anotherLeaderWrote(groupPartition('g'), [committedElsewhere]);
    release();
    for (const [i, commit] of stale.entries()) {
      const refused = await commit.then(() => undefined, (err: unknown) => err);
      expect(refused, `stale commit ${i}`).to.be.instanceOf(SluiceError).with.property('code', 'NOT_COORDINATOR');
    }
    await host.clock.run(host.clock.nowMs() + 2 * GROUP_TICK_INTERVAL_MS);
    expect(coordinator.fetchOffsets('g', [T0])[0]).to.include({ offset: 5 });
    await coordinator.stop();
    coordinator = await startedCoordinator(host);
    expect(coordinator.fetchOffsets('g', [T0])[0], 'replayed from the log').to.include({ offset: 5 });
  });

  it("keeps the offsets of a topic created after what its broker's metadata has seen, and drops them once metadata that saw the creation says it is gone", async () => {
    const epoch = await joinOwningT0(coordinator);
    await coordinator.commit('g', 'm1', epoch, [{ topic: 't', partition: 0, offset: 3, metadata: '', attempts: undefined }]);
    await coordinator.stop();
    host.hideTopic('t', false);
    coordinator = await startedCoordinator(host);
    expect(coordinator.fetchOffsets('g', [T0])[0]).to.include({ offset: 3 });
    host.hideTopic('t', true);
    expect(coordinator.fetchOffsets('g', [T0])).to.deep.equal([]);
  });
});

/** A Kafka consumer-protocol assignment (version 0) of partitions of one topic. */
function consumerAssignment(topic: string, partitions: number[]): Buffer {
  const name = Buffer.from(topic);
  const out = Buffer.alloc(2 + 4 + 2 + name.length + 4 + 4 * partitions.length + 4);
  let at = out.writeInt16BE(0, 0);
  at = out.writeInt32BE(1, at);
  at = out.writeInt16BE(name.length, at);
  at += name.copy(out, at);
  at = out.writeInt32BE(partitions.length, at);
  for (const p of partitions) at = out.writeInt32BE(p, at);
  out.writeInt32BE(-1, at);
  return out;
}

function classicJoin(memberId: string, requireKnownMemberId = true) {
  return {
    memberId,
    instanceId: undefined,
    clientId: 'kafka-client',
    clientHost: '',
    sessionTimeoutMs: 10_000,
    rebalanceTimeoutMs: 10_000,
    protocolType: 'consumer',
    protocols: [{ name: 'range', metadata: Buffer.alloc(0) }],
    requireKnownMemberId,
  };
}

describe('groups: Kafka classic groups on the coordinator', () => {
  let host: MemoryGroupsHost;
  let coordinator: GroupCoordinator;

  beforeEach(async () => {
    host = new MemoryGroupsHost();
    host.createTopic('t', 1);
    host.produce('t', 0, ['a', 'b', 'c', 'd', 'e']);
    coordinator = await startedCoordinator(host);
  });

  afterEach(async () => {
    await coordinator.stop();
  });

  /** A lone member through MEMBER_ID_REQUIRED, JoinGroup and SyncGroup: its id and generation. */
  async function stableMember(): Promise<{ memberId: string; generationId: number }> {
    const required = await coordinator.joinGroup('k', classicJoin(''));
    expect(required.error).to.equal('MEMBER_ID_REQUIRED');
    const joined = await coordinator.joinGroup('k', classicJoin(required.memberId));
    expect(joined).to.include({ error: 'NONE', leaderId: required.memberId, generationId: 1 });
    const synced = await coordinator.syncGroup('k', joined.memberId, joined.generationId, [{ memberId: joined.memberId, assignment: consumerAssignment('t', [0]) }]);
    expect(synced.error).to.equal('NONE');
    return { memberId: joined.memberId, generationId: joined.generationId };
  }

  it('commits of a member land in the same offsets, and describeGroup shows the member and what it owns', async () => {
    const { memberId, generationId } = await stableMember();
    expect(await coordinator.commitClassic('k', memberId, generationId, [{ topic: 't', partition: 0, offset: 3, metadata: '' }])).to.equal('NONE');
    expect(await coordinator.commitClassic('k', memberId, generationId + 1, [{ topic: 't', partition: 0, offset: 4, metadata: '' }])).to.equal('ILLEGAL_GENERATION');
    expect(await coordinator.commitClassic('k', 'stranger', generationId, [{ topic: 't', partition: 0, offset: 4, metadata: '' }])).to.equal('UNKNOWN_MEMBER_ID');
    // A standalone commit (generation -1) is refused while the group has members.
    expect(await coordinator.commitClassic('k', '', -1, [{ topic: 't', partition: 0, offset: 4, metadata: '' }])).to.equal('UNKNOWN_MEMBER_ID');
    const description = await coordinator.describeGroup('k');
    expect(description).to.include({ state: 'Stable', groupEpoch: generationId });
    expect(description.members.map((m) => [m.memberId, m.assignment])).to.deep.equal([[memberId, [T0]]]);
    expect(description.partitions).to.deep.equal([{ topic: 't', partition: 0, committedOffset: 3, logEndOffset: 5, lag: 2, lagMs: GROUP_TICK_INTERVAL_MS, owner: memberId }]);
    expect(coordinator.leaveGroup('k', memberId)).to.equal('NONE');
    expect(await coordinator.commitClassic('k', '', -1, [{ topic: 't', partition: 0, offset: 4, metadata: '' }])).to.equal('NONE');
    expect(coordinator.fetchOffsets('k', [T0])[0]).to.include({ offset: 4 });
  });

  it('a coordinator taking the partitions over keeps a Stable group: same member, generation and assignment', async () => {
    const { memberId, generationId } = await stableMember();
    await coordinator.stop();
    coordinator = await startedCoordinator(host);
    expect(coordinator.heartbeatClassic('k', memberId, generationId)).to.equal('NONE');
    const again = await coordinator.syncGroup('k', memberId, generationId, []);
    expect(again.assignment).to.deep.equal(consumerAssignment('t', [0]));
    expect(await coordinator.commitClassic('k', memberId, generationId, [{ topic: 't', partition: 0, offset: 5, metadata: '' }])).to.equal('NONE');
    // Once it leaves, the tombstone means the next takeover knows no member.
    expect(coordinator.leaveGroup('k', memberId)).to.equal('NONE');
    await host.clock.run(host.clock.nowMs() + GROUP_TICK_INTERVAL_MS);
    await coordinator.stop();
    coordinator = await startedCoordinator(host);
    expect(coordinator.heartbeatClassic('k', memberId, generationId)).to.equal('UNKNOWN_MEMBER_ID');
    expect(coordinator.fetchOffsets('k', [T0])[0]).to.include({ offset: 5 });
  });

  it('a group id is a Sluice group or a Kafka one while it has members: the other kind gets GROUP_PROTOCOL_MISMATCH', async () => {
    await coordinator.heartbeat('s', input('m1', JOIN_EPOCH, []));
    let refused: unknown;
    try {
      await coordinator.joinGroup('s', classicJoin(''));
    } catch (err) {
      refused = err;
    }
    expect(refused).to.be.instanceOf(SluiceError).and.to.have.property('code', 'GROUP_PROTOCOL_MISMATCH');
    const { memberId } = await stableMember();
    refused = undefined;
    try {
      await coordinator.heartbeat('k', input('m2', JOIN_EPOCH, []));
    } catch (err) {
      refused = err;
    }
    expect(refused).to.be.instanceOf(SluiceError).and.to.have.property('code', 'GROUP_PROTOCOL_MISMATCH');
    expect(coordinator.leaveGroup('k', memberId)).to.equal('NONE');
    expect((await coordinator.heartbeat('k', input('m2', JOIN_EPOCH, []))).memberId).to.equal('m2');
  });

  it('a member id handed out with MEMBER_ID_REQUIRED survives the ticks before the member joins with it', async () => {
    const required = await coordinator.joinGroup('fresh', classicJoin(''));
    expect(required.error).to.equal('MEMBER_ID_REQUIRED');
    await host.clock.run(host.clock.nowMs() + 3 * GROUP_TICK_INTERVAL_MS);
    expect((await coordinator.joinGroup('fresh', classicJoin(required.memberId))).error).to.equal('NONE');
  });

  it('answers a waiting JoinGroup NOT_COORDINATOR when the broker stops', async () => {
    await stableMember();
    const second = await coordinator.joinGroup('k', classicJoin(''));
    // The barrier waits for the first member to rejoin.
    const waiting = coordinator.joinGroup('k', classicJoin(second.memberId));
    coordinator.stopWaiting();
    expect((await waiting).error).to.equal('NOT_COORDINATOR');
  });
});

describe('groups: an offsets partition queues writes', () => {
  it('writes what a writer resumed by the previous round queues, however many turns it takes to queue it', async () => {
    const host = new MemoryGroupsHost();
    await host.ensureOffsetsTopic();
    const partition = new OffsetPartition(host, 0, { cleanAfterRecords: 10_000 });
    const entry = (offset: number): OffsetEntry => ({ kind: 'offset', group: 'g', topic: 't', partition: 0, value: { offset, metadata: '', commitTimestampMs: 0, attempts: undefined } });
    // The writer comes back after `turns` microtasks: one of them lands just after the loop's last check.
    for (let turns = 0; turns < 12; turns++) {
      const second = partition.write([entry(2 * turns)]).then(async () => {
        for (let i = 0; i < turns; i++) await null;
        return partition.write([entry(2 * turns + 1)]);
      });
      const settled = await Promise.race([second.then(() => 'written'), new Promise((resolve) => setTimeout(() => resolve('lost'), 1_000))]);
      expect(settled, `a write queued ${turns} turns after the round`).to.equal('written');
    }
    expect(partition.store.get('g', tpKey('t', 0))?.offset).to.equal(23);
  });
});
