import { expect } from 'chai';
import { encodeBatch } from '../../src/protocol/batch.js';
import { SimCluster } from './cluster.js';

const TOPIC = 'orders';

function batch(cluster: SimCluster, text: string): Buffer {
  return encodeBatch([{ key: null, value: Buffer.from(text) }], { nowMs: cluster.clock.nowMs() });
}

/** The broker that leads partition 0 of the topic, as the running brokers see it. */
function leaderOf(cluster: SimCluster): number | undefined {
  return cluster.running().find((b) => b.allPartitions().some((p) => p.topic === TOPIC && p.isLeader))?.identity.brokerId;
}

/**
 * Boots three whole brokers in-process, creates a replicated topic, produces acks=all through the
 * broker's produce path, crashes the partition's leader and produces through the new one. Returns
 * what happened, with virtual times, so that two runs of one seed can be compared.
 */
async function bootAndFailOver(seed: number): Promise<string[]> {
  const trace: string[] = [];
  const cluster = new SimCluster({ seed, brokers: 3, flush: { kind: 'always' } });
  const at = (): string => `${cluster.clock.nowMs() - Date.UTC(2025, 0, 1)}ms`;
  await cluster.startAll();
  expect(await cluster.runFor(10_000, () => cluster.running().every((b) => b.ready)), 'all brokers ready').to.equal(true);
  trace.push(`ready at ${at()}, controller ${cluster.broker(1)!.controllerId()}`);

  const created = await cluster.settle(cluster.broker(2)!.createTopic({ name: TOPIC, partitions: 1, replicationFactor: 3, configs: {} }), 10_000);
  expect(created.partitions[0]!.replicas).to.have.length(3);
  const first = leaderOf(cluster);
  expect(first, 'a leader after createTopic').to.be.a('number');
  trace.push(`leader ${first} at ${at()}`);

  const acked = await cluster.settle(cluster.broker(first!)!.produce(TOPIC, 0, batch(cluster, 'one'), -1, 3_000), 5_000);
  expect(acked.baseOffset).to.equal(0);
  trace.push(`offset ${acked.baseOffset} acknowledged at ${at()}`);

  cluster.crash(first!, 'power');
  const moved = await cluster.runFor(10_000, () => leaderOf(cluster) !== undefined);
  expect(moved, 'a new leader after the crash').to.equal(true);
  const second = leaderOf(cluster)!;
  expect(second).to.not.equal(first);
  trace.push(`leader ${second} at ${at()}`);

  const again = await cluster.settle(cluster.broker(second)!.produce(TOPIC, 0, batch(cluster, 'two'), -1, 3_000), 5_000);
  expect(again.baseOffset).to.equal(1);
  trace.push(`offset ${again.baseOffset} acknowledged at ${at()}`);
  return trace;
}

describe('sim-cluster: whole brokers in one process on a virtual clock', () => {
  it('boots three brokers, replicates a topic, and fails over after the leader crashes, the same way for one seed', async () => {
    const seed = Number(process.env.SEED ?? 7);
    const first = await bootAndFailOver(seed);
    const second = await bootAndFailOver(seed);
    expect(second, `seed ${seed}: a second run differs`).to.deep.equal(first);
  });
});
