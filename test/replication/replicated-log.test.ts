/**
 * ReplicatedLog over the in-memory transport and store: what a replica stores is what the leader
 * proposed, and a follower drops an append whose batch was damaged on the way before Raft sees it
 * (the leader checks only its own proposals, which the produce path validated before proposing).
 */
import { expect } from 'chai';
import { encodeBatch, readBatchHeader } from '../../src/protocol/batch.js';
import { seededRng } from '../../src/raft/index.js';
import type { RaftDropReason } from '../../src/replication/inbound-check.js';
import { ReplicatedLog } from '../../src/replication/replicated-log.js';
import { MemoryRaftTransportHub } from '../../src/replication/transport-memory.js';
import { openMemoryLogStore } from '../../src/storage/index.js';
import type { MemoryLogStore } from '../../src/storage/memory-store.js';
import { waitFor } from '../helpers/broker-process.js';

const GROUP = 'orders/0';

/** Transports of open replicas, closed when one is reopened (one per broker at a time). */
const transports = new Map<number, ReturnType<MemoryRaftTransportHub['transport']>>();
/** Why each replica dropped inbound messages (ReplicatedLog.step's answers). */
const drops = new Map<number, RaftDropReason[]>();

/** Opens replica `id` of the group over `store` (its log id is its broker id). */
async function replica(hub: MemoryRaftTransportHub, voters: number[], id: number, store: MemoryLogStore): Promise<ReplicatedLog> {
  transports.get(id)?.close();
  const transport = hub.transport(id);
  transports.set(id, transport);
  const replicated = await ReplicatedLog.open({
    group: GROUP,
    selfId: id,
    voters,
    log: await store.openLog(id),
    store,
    transport,
    random: seededRng(id),
    limits: { electionTicks: 5, heartbeatTicks: 1 },
  });
  transport.onMessage((_from, _group, message) => {
    const reason = replicated.step(message);
    if (reason !== undefined) drops.set(id, [...(drops.get(id) ?? []), reason]);
    return reason;
  });
  return replicated;
}

async function group(hub: MemoryRaftTransportHub, voters: number[], stores = new Map<number, MemoryLogStore>()): Promise<Map<number, ReplicatedLog>> {
  const replicas = new Map<number, ReplicatedLog>();
  for (const id of voters) {
    const store = stores.get(id) ?? openMemoryLogStore();
    stores.set(id, store);
    replicas.set(id, await replica(hub, voters, id, store));
  }
  return replicas;
}

function batchOf(values: string[]): Buffer {
  return encodeBatch(values.map((value) => ({ value: Buffer.from(value) })));
}

describe('ReplicatedLog', function () {
  this.timeout(20_000);
  let ticker: NodeJS.Timeout | undefined;
  let replicas = new Map<number, ReplicatedLog>();

  afterEach(() => {
    clearInterval(ticker);
    for (const replica of replicas.values()) replica.close();
    for (const transport of transports.values()) transport.close();
    transports.clear();
    drops.clear();
  });

  async function elect(replicas: Map<number, ReplicatedLog>, leaderId: number): Promise<ReplicatedLog> {
    ticker = setInterval(() => {
      for (const replica of replicas.values()) replica.tick();
    }, 5);
    replicas.get(leaderId)!.campaign();
    return waitFor(`broker ${leaderId} leads`, () => (replicas.get(leaderId)!.isLeader ? replicas.get(leaderId)! : undefined), 10_000);
  }

  it('stores on every replica the bytes the leader proposed, offsets gapless from 0', async () => {
    const hub = new MemoryRaftTransportHub();
    replicas = await group(hub, [1, 2, 3]);
    const leader = await elect(replicas, 1);
    const proposed = [batchOf(['a', 'b']), batchOf(['c'])];
    const proposals = proposed.map((batch) => leader.propose(batch, readBatchHeader(batch)));
    await Promise.all(proposals.map((proposal) => proposal.committed));
    expect(proposals.map((proposal) => proposal.baseOffset)).to.deep.equal([0, 2]);
    for (const [id, replica] of replicas) {
      await waitFor(`replica ${id} has both batches`, () => (replica.log.logEndOffset() === 3 ? true : undefined));
      const log = replica.log;
      const stored = await log.readEntries(log.firstEntryIndex(), log.lastEntryIndex() + 1, 1 << 20);
      // The leader's no-op (a zero-record control batch) comes first; then the stamped batches as proposed.
      expect(stored.filter((batch) => readBatchHeader(batch).recordCount > 0).map((batch) => batch.toString('hex'))).to.deep.equal(
        proposed.map((batch) => batch.toString('hex')),
      );
    }
  });

  it('a follower cut off a moment ago is still in sync, but not one leadership can be handed to', async () => {
    const hub = new MemoryRaftTransportHub();
    replicas = await group(hub, [1, 2, 3]);
    const leader = await elect(replicas, 1);
    const batch = batchOf(['a']);
    await leader.propose(batch, readBatchHeader(batch)).committed;
    await waitFor('both followers in sync', () => (leader.canTakeOverNow(2) && leader.canTakeOverNow(3) ? true : undefined));
    clearInterval(ticker); // from here on the test ticks the leader itself
    hub.cut(1, 3);
    for (let tick = 0; tick < 6; tick++) {
      leader.tick();
      await new Promise((resolve) => setTimeout(resolve, 10)); // heartbeats and their answers travel
    }
    expect(leader.inSyncReplicas()).to.deep.equal([1, 2, 3]);
    expect(leader.canTakeOverNow(2)).to.equal(true);
    expect(leader.canTakeOverNow(3)).to.equal(false);
  });

  it('a follower cut off from a live leader still names it while it pre-votes in vain (a bridge partition)', async () => {
    const hub = new MemoryRaftTransportHub();
    replicas = await group(hub, [1, 2, 3]);
    const leader = await elect(replicas, 1);
    const term = leader.term;
    const follower = replicas.get(3)!;
    await waitFor('the follower to hear of the leader', () => (follower.leaderId === 1 ? true : undefined));
    let preVoted = false;
    hub.setFilter((from, _to, _group, message) => {
      if (from === 3 && message.type === 'preVote') preVoted = true;
      return true;
    });
    hub.cut(1, 3); // 3 still reaches 2, which hears from the leader and refuses to pre-vote
    await waitFor('the cut-off follower to pre-vote', () => (preVoted ? true : undefined));
    expect(follower.term).to.equal(term);
    expect(follower.leaderId).to.equal(1);
    expect(leader.isLeader).to.equal(true);
  });

  it('a follower drops an append whose batch was damaged in transit, stores nothing of it, and takes it once it arrives intact', async () => {
    const hub = new MemoryRaftTransportHub();
    replicas = await group(hub, [1, 2]);
    const leader = await elect(replicas, 1);
    const follower = replicas.get(2)!;
    let damaging = true;
    hub.setFilter((_from, to, _group, message) => {
      if (damaging && to === 2 && message.type === 'append') {
        message.entries = message.entries.map((entry) => {
          const damaged = Buffer.from(entry.data);
          if (readBatchHeader(damaged).recordCount > 0) damaged[damaged.length - 1]! ^= 0xff;
          return { ...entry, data: damaged };
        });
      }
      return true;
    });
    const batch = batchOf(['x', 'y']);
    const proposal = leader.propose(batch, readBatchHeader(batch));
    await proposal.persisted; // the leader stored its own proposal without checking it again
    expect(leader.log.logEndOffset()).to.equal(2);
    let committed = false;
    void proposal.committed.then(() => (committed = true), () => undefined);
    await waitFor('the follower to drop the damaged append', () => (drops.get(2)?.includes('bad_batch') ? true : undefined));
    expect(follower.log.logEndOffset()).to.equal(0);
    expect(committed).to.equal(false);
    // The group kept running: the leader's next attempt, undamaged, is stored and commits.
    damaging = false;
    await proposal.committed;
    await waitFor('the follower to store the entry', () => (follower.log.logEndOffset() === 2 ? true : undefined));
  });

  it('a replica whose Raft state was lost (its log kept) votes for nobody until a leader has caught it up', async () => {
    const hub = new MemoryRaftTransportHub();
    const stores = new Map<number, MemoryLogStore>();
    replicas = await group(hub, [1, 2, 3], stores);
    const leader = await elect(replicas, 1);
    await Promise.all(['a', 'b', 'c'].map((value) => leader.propose(batchOf([value]), readBatchHeader(batchOf([value]))).committed));
    await waitFor('replica 3 holds every entry', () => (replicas.get(3)!.commitIndex === leader.commitIndex ? true : undefined));
    // The leader goes away too, so no append can end the repair of the reopened replica 3.
    clearInterval(ticker);
    for (const id of [1, 3]) replicas.get(id)!.close();
    replicas.delete(1);
    // What the leader sent before it went arrives (next turn), at the old replica 3, which ignores it.
    await new Promise((resolve) => setImmediate(resolve));
    await stores.get(3)!.deleteMeta(ReplicatedLog.hardStateKey(GROUP));
    const reopened = await replica(hub, [1, 2, 3], 3, stores.get(3)!);
    replicas.set(3, reopened);
    expect(reopened.damage().repairing, 'repairing right after the restart').to.equal(true);
    ticker = setInterval(() => {
      for (const replica of replicas.values()) replica.tick();
    }, 5);
    // Without 3's vote, 2 cannot win: an absence, so watched for a while (20 election timeouts at most).
    const deadline = Date.now() + 1_000;
    while (Date.now() < deadline) {
      expect([...replicas.values()].some((r) => r.isLeader), 'a leader elected with the vote of a replica that lost its Raft state').to.equal(false);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    replicas.set(1, await replica(hub, [1, 2, 3], 1, stores.get(1)!));
    await waitFor('a leader again, and replica 3 repaired and caught up', () => {
      const current = [...replicas.values()].find((r) => r.isLeader);
      return current && !reopened.damage().repairing && reopened.commitIndex === current.commitIndex && current.commitIndex >= 4 ? true : undefined;
    });
  });

  it('stores the commit index as it moves, so a restart starts at the end instead of re-reading the log', async () => {
    const store = openMemoryLogStore();
    const log = await store.openLog(1);
    const open = (): Promise<ReplicatedLog> =>
      ReplicatedLog.open({ group: GROUP, selfId: 1, voters: [1], log, store, transport: new MemoryRaftTransportHub().transport(1), random: seededRng(1) });
    const first = await open();
    replicas = new Map([[1, first]]);
    await waitFor('the single replica leads', () => (first.isLeader ? true : undefined));
    const proposals = ['a', 'b', 'c'].map((value) => first.propose(batchOf([value]), readBatchHeader(batchOf([value]))));
    await Promise.all(proposals.map((proposal) => proposal.committed));
    // No term or vote changed since the election: only the ticks make the new commit index stored.
    const storedCommit = async (): Promise<number> => (JSON.parse(String(await store.getMeta(ReplicatedLog.hardStateKey(GROUP)))) as { commit: number }).commit;
    await waitFor('the commit index stored', async () => {
      first.tick();
      return (await storedCommit()) === log.lastEntryIndex() ? true : undefined;
    });
    first.close();
    const readEntries = log.readEntries.bind(log);
    const reads: number[] = [];
    log.readEntries = (lo, hi, maxBytes) => {
      reads.push(lo);
      return readEntries(lo, hi, maxBytes);
    };
    const second = await open();
    replicas = new Map([[1, second]]);
    expect(second.highWatermark).to.equal(3);
    await waitFor('the restarted replica leads', () => (second.isLeader ? true : undefined));
    expect(reads, 'entries read back to apply them again').to.deep.equal([]);
  });
});
