/**
 * Partition moves in the cluster simulator (docs/CLUSTER.md "Moving replicas"): an idempotent
 * acks=all producer writes throughout while a partition moves to another broker (its leader among
 * the replicas leaving), a broker is decommissioned, a broker is killed in the middle of a move.
 * Afterwards every acknowledged record is stored exactly once at the offset it was acknowledged
 * at, offsets are gapless, the replicas are identical, and the brokers a move left hold no copy.
 */
import { expect } from 'chai';
import type { Broker } from '../../src/broker/broker.js';
import type { Partition } from '../../src/broker/partition.js';
import { METADATA_GROUP } from '../../src/controller/controller.js';
import { seededRng } from '../../src/raft/index.js';
import { checkCluster } from './checker.js';
import { SimCluster } from './cluster.js';
import { PARTITIONS, ProducerApp, TOPIC } from './workload.js';

const SEED = Number(process.env.SEED ?? 11);

function replicasOf(cluster: SimCluster, partition: number): Partition[] {
  return cluster.running().flatMap((b) => b.allPartitions().filter((p) => p.topic === TOPIC && p.index === partition));
}

function metadataReplicas(broker: Broker, partition: number): number[] {
  return broker.controller.metadata.topics[TOPIC]!.replicas[partition]!;
}

async function boot(seed: number): Promise<{ cluster: SimCluster; producer: ProducerApp }> {
  // 1-3 ms per message, a few lost: moves must be safe on a network that loses what Raft resends.
  const rng = seededRng(seed * 31 + 7);
  const cluster = new SimCluster({ seed, brokers: 4, flush: { kind: 'always' }, faults: () => (rng() < 0.01 ? [] : [1 + Math.floor(rng() * 3)]) });
  await cluster.startAll();
  expect(await cluster.runFor(10_000, () => cluster.running().every((b) => b.ready)), 'brokers ready').to.equal(true);
  await cluster.settle(cluster.broker(1)!.createTopic({ name: TOPIC, partitions: PARTITIONS, replicationFactor: 3, configs: {} }), 10_000);
  const producer = new ProducerApp('p', cluster, cluster.client(), seededRng(seed), () => undefined);
  producer.start();
  expect(await cluster.runFor(10_000, () => producer.acknowledged.length >= 20), 'writes acknowledged before the move').to.equal(true);
  return { cluster, producer };
}

/** Waits until no move is under way and every running replica of each partition is one of its replicas. */
async function movesDone(cluster: SimCluster, by: Broker, ms: number): Promise<boolean> {
  return cluster.runFor(ms, () => {
    const image = by.controller.metadata;
    if (Object.keys(image.reassignments ?? {}).length > 0) return false;
    return [0, 1].every((i) => {
      const hosts = replicasOf(cluster, i).map((p) => p.replicated.voters);
      return replicasOf(cluster, i).length === metadataReplicas(by, i).length && hosts.every((voters) => voters.length === metadataReplicas(by, i).length);
    });
  });
}

async function finish(cluster: SimCluster, producer: ProducerApp): Promise<string[]> {
  const before = producer.acknowledged.length;
  expect(await cluster.runFor(10_000, () => producer.acknowledged.length >= before + 20), 'writes acknowledged after the move').to.equal(true);
  await cluster.settle(producer.stop(), 30_000);
  const converged = (): boolean =>
    [0, 1].every((i) => replicasOf(cluster, i).some((p) => p.isLeader) && new Set(replicasOf(cluster, i).map((p) => p.log.lastEntryIndex())).size === 1);
  expect(await cluster.runFor(10_000, converged), 'replicas converged').to.equal(true);
  return checkCluster(PARTITIONS, (i) => replicasOf(cluster, i), [producer]);
}

describe('sim-cluster: partition moves under an acks=all producer', function () {
  this.timeout(300_000);
  // The brokers log what they do (leaderships, coordinators): kept, and shown only when a test fails.
  const saved = { log: console.log, error: console.error, warn: console.warn };
  let output: string[] = [];
  beforeEach(() => {
    output = [];
    const collect = (...args: unknown[]): void => void output.push(args.map(String).join(' '));
    Object.assign(console, { log: collect, error: collect, warn: collect });
  });
  afterEach(function () {
    Object.assign(console, saved);
    if (this.currentTest?.state === 'failed') console.log(output.join('\n'));
  });

  it('moves a partition off its leader onto the fourth broker: nothing acknowledged lost, offsets gapless, the old copy dropped', async () => {
    const { cluster, producer } = await boot(SEED);
    const admin = cluster.broker(1)!;
    const replicas = metadataReplicas(admin, 0);
    const outsider = cluster.ids.find((id) => !replicas.includes(id))!;
    const leader = replicasOf(cluster, 0).find((p) => p.isLeader)!.replicated.leaderId;
    const target = [...replicas.filter((id) => id !== leader), outsider];
    const answer = await cluster.settle(admin.alterReassignments({ moves: [{ name: TOPIC, partition: 0, target }], decommission: 0, recommission: 0, rebalance: false, maxMoves: 0 }), 10_000);
    expect(answer.movesStarted).to.equal(1);
    expect(await movesDone(cluster, admin, 60_000), 'the move completed').to.equal(true);
    expect(metadataReplicas(admin, 0)).to.deep.equal(target);
    expect(cluster.broker(leader)!.allPartitions().some((p) => p.topic === TOPIC && p.index === 0), 'the old leader dropped its copy').to.equal(false);
    expect(await finish(cluster, producer)).to.deep.equal([]);
  });

  it('decommissions a broker: every replica moves off it; then recommission lets it take new ones', async () => {
    const { cluster, producer } = await boot(SEED + 1);
    const admin = cluster.broker(1)!;
    const gone = 2;
    await cluster.settle(admin.alterReassignments({ moves: [], decommission: gone, recommission: 0, rebalance: false, maxMoves: 0 }), 10_000);
    expect(await movesDone(cluster, admin, 60_000), 'the moves completed').to.equal(true);
    for (const i of [0, 1]) expect(metadataReplicas(admin, i)).to.not.include(gone);
    expect(cluster.broker(gone)!.allPartitions().filter((p) => p.topic === TOPIC)).to.deep.equal([]);
    expect(admin.controller.metadata.decommissioned).to.deep.equal([gone]);
    await cluster.settle(admin.alterReassignments({ moves: [], decommission: 0, recommission: gone, rebalance: false, maxMoves: 0 }), 10_000);
    expect(admin.controller.metadata.decommissioned).to.deep.equal([]);
    expect(await finish(cluster, producer)).to.deep.equal([]);
  });

  it('a broker killed in the middle of a move: the move completes once it is back, nothing acknowledged lost', async () => {
    const { cluster, producer } = await boot(SEED + 2);
    const admin = cluster.broker(1)!;
    const replicas = metadataReplicas(admin, 1);
    const outsider = cluster.ids.find((id) => !replicas.includes(id))!;
    const target = [outsider, ...replicas.slice(1)];
    await cluster.settle(admin.alterReassignments({ moves: [{ name: TOPIC, partition: 1, target }], decommission: 0, recommission: 0, rebalance: false, maxMoves: 0 }), 10_000);
    // As soon as the new replica joined as a learner, kill it.
    expect(await cluster.runFor(20_000, () => replicasOf(cluster, 1).some((p) => p.isLeader && p.replicated.learners.includes(outsider))), 'learner added').to.equal(true);
    cluster.crash(outsider, 'kill');
    await cluster.runFor(3_000);
    await cluster.start(outsider);
    expect(await movesDone(cluster, cluster.broker(outsider === 1 ? 2 : 1)!, 60_000), 'the move completed').to.equal(true);
    expect(metadataReplicas(cluster.broker(outsider === 1 ? 2 : 1)!, 1)).to.deep.equal(target);
    expect(await finish(cluster, producer)).to.deep.equal([]);
  });

  it('replaces a controller voter: broker 4 joins the metadata log, broker 3 leaves it; the controller works on without 1', async () => {
    const { cluster, producer } = await boot(SEED + 3);
    const admin = cluster.broker(1)!;
    await cluster.settle(admin.alterReassignments({ moves: [], decommission: 0, recommission: 0, rebalance: false, maxMoves: 0, controllerVoters: [1, 2, 4] }), 10_000);
    const hasMetadata = (id: number): boolean => cluster.broker(id)?.replicas.get(METADATA_GROUP) !== undefined;
    const done = (): boolean => {
      const image = admin.controller.metadata;
      return image.controllerMove === undefined && image.controllerVoters?.join() === '1,2,4' && hasMetadata(4) && !hasMetadata(3);
    };
    expect(await cluster.runFor(60_000, done), 'the controller quorum moved').to.equal(true);
    const voters = cluster.broker(4)!.replicas.get(METADATA_GROUP)!.voters;
    expect([...voters].sort()).to.deep.equal([1, 2, 4]);
    // Without broker 1, the quorum {2, 4} still takes metadata changes.
    cluster.crash(1, 'kill');
    await cluster.settle(cluster.broker(2)!.createTopic({ name: 'after-move', partitions: 1, replicationFactor: 2, configs: {} }), 20_000);
    expect(cluster.broker(4)!.controller.metadata.topics['after-move']).to.not.equal(undefined);
    await cluster.start(1);
    expect(await finish(cluster, producer)).to.deep.equal([]);
  });
});
