/**
 * Membership change on a partition's replicated log (docs/RAFT.md "Membership change", "Drivers"):
 * a configuration entry is stored as a control batch that takes no offset, travels as the entry
 * itself, and a restarted replica knows its configuration from the stored records.
 */
import { expect } from 'chai';
import { encodeBatch, readBatchHeader } from '../../src/protocol/batch.js';
import { seededRng, type ConfChange } from '../../src/raft/index.js';
import { confRecordsKey } from '../../src/replication/conf-records.js';
import { ReplicatedLog } from '../../src/replication/replicated-log.js';
import { MemoryRaftTransportHub } from '../../src/replication/transport-memory.js';
import { openMemoryLogStore } from '../../src/storage/index.js';
import type { MemoryLogStore } from '../../src/storage/memory-store.js';
import { waitFor } from '../helpers/broker-process.js';

const GROUP = 'orders/0';

describe('ReplicatedLog membership change', function () {
  this.timeout(20_000);
  const hub = new MemoryRaftTransportHub();
  const replicas = new Map<number, ReplicatedLog>();
  const stores = new Map<number, MemoryLogStore>();
  const transports = new Map<number, ReturnType<MemoryRaftTransportHub['transport']>>();
  let ticker: NodeJS.Timeout | undefined;

  async function open(id: number, voters: number[], learners: number[] = [], learnerBytesPerSec?: number): Promise<ReplicatedLog> {
    replicas.get(id)?.close();
    transports.get(id)?.close();
    const transport = hub.transport(id);
    transports.set(id, transport);
    const store = stores.get(id) ?? openMemoryLogStore();
    stores.set(id, store);
    const replicated = await ReplicatedLog.open({
      group: GROUP,
      selfId: id,
      voters,
      learners,
      log: await store.openLog(1),
      store,
      transport,
      random: seededRng(id),
      limits: { electionTicks: 5, heartbeatTicks: 1, maxBytesPerMsg: 2048 },
      learnerBytesPerSec,
    });
    transport.onMessage((_from, _group, message) => replicated.step(message));
    replicas.set(id, replicated);
    return replicated;
  }

  afterEach(() => {
    clearInterval(ticker);
    for (const replica of replicas.values()) replica.close();
    for (const transport of transports.values()) transport.close();
    replicas.clear();
    stores.clear();
    transports.clear();
  });

  async function step(leader: ReplicatedLog, change: ConfChange): Promise<void> {
    const result = await waitFor(`${change.type} ${change.node} accepted`, () => {
      const r = leader.proposeConfChange(change);
      return r.ok || r.reason !== 'confChangePending' ? r : undefined;
    });
    expect(result.ok, JSON.stringify(result)).to.equal(true);
    await waitFor(`${change.type} ${change.node} committed`, () => (leader.confSettled ? true : undefined));
  }

  it('adds a learner, promotes it, removes a voter; offsets stay gapless; a restart keeps the configuration', async () => {
    for (const id of [1, 2, 3]) await open(id, [1, 2, 3]);
    await open(4, [1, 2, 3], [4]);
    ticker = setInterval(() => {
      for (const replica of replicas.values()) replica.tick();
    }, 5);
    replicas.get(1)!.campaign();
    const leader = await waitFor('1 leads', () => (replicas.get(1)!.isLeader ? replicas.get(1)! : undefined));
    const produce = async (value: string) => {
      const batch = encodeBatch([{ value: Buffer.from(value) }]);
      const proposal = leader.propose(batch, readBatchHeader(batch));
      await proposal.committed;
      return proposal.baseOffset;
    };
    const offsets = [await produce('a')];
    await step(leader, { type: 'addLearner', node: 4 });
    offsets.push(await produce('b'));
    await waitFor('4 caught up', () => (leader.matchIndexes().get(4)! >= leader.commitIndex ? true : undefined));
    await step(leader, { type: 'promote', node: 4 });
    offsets.push(await produce('c'));
    await step(leader, { type: 'remove', node: 3 });
    offsets.push(await produce('d'));
    expect(offsets).to.deep.equal([0, 1, 2, 3]);
    expect(leader.voters).to.have.members([1, 2, 4]);
    const four = replicas.get(4)!;
    await waitFor('4 holds every record', () => (four.log.logEndOffset() === 4 ? true : undefined));
    // Configuration entries are zero-record control batches: readers skip them.
    const log = four.log;
    const stored = await log.readEntries(log.firstEntryIndex(), log.lastEntryIndex() + 1, 1 << 20);
    expect(stored.filter((batch) => readBatchHeader(batch).recordCount > 0)).to.have.length(4);
    expect(stored.filter((batch) => readBatchHeader(batch).recordCount === 0 && batch.length > 69)).to.have.length(3);
    // Reopened with the bootstrap configuration of a learner, 4 knows it is a voter now.
    expect(JSON.parse((await stores.get(4)!.getMeta(confRecordsKey(GROUP)))!.toString('utf8'))).to.have.length(3);
    const reopened = await open(4, [1, 2, 3], [4]);
    expect(reopened.voters).to.have.members([1, 2, 4]);
    expect(reopened.learners).to.deep.equal([]);
    // The group still commits with 1, 2 and 4 while 3 is gone.
    replicas.get(3)!.close();
    expect(await produce('e')).to.equal(4);
  });

  it('a learner catches up within reassignment.throttle.bytes.per.sec', async () => {
    await open(1, [1], [], 8_000);
    await open(2, [1], [2]);
    ticker = setInterval(() => {
      for (const replica of replicas.values()) replica.tick();
    }, 5);
    const leader = await waitFor('1 leads', () => (replicas.get(1)!.isLeader ? replicas.get(1)! : undefined));
    for (let i = 0; i < 20; i++) {
      const batch = encodeBatch([{ value: Buffer.alloc(1000, i) }]);
      await leader.propose(batch, readBatchHeader(batch)).committed;
    }
    const started = Date.now();
    await step(leader, { type: 'addLearner', node: 2 });
    await waitFor('2 caught up', () => (leader.matchIndexes().get(2)! >= leader.commitIndex ? true : undefined), 15_000);
    // About 21 KB at 8 KB/s: the first second's worth went at once, the rest waited for tokens.
    expect(leader.throttledBytes).to.be.greaterThan(0);
    expect(Date.now() - started).to.be.at.least(1_000);
    expect(replicas.get(2)!.log.logEndOffset()).to.equal(20);
  });
});
