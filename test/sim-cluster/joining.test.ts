/**
 * Joining and leaving, on whole brokers in one process (SimCluster): a broker that knows only the
 * controller voters joins, adding partitions, and removing a broker that is gone for good.
 */
import { expect } from 'chai';
import type { Broker } from '../../src/broker/broker.js';
import { SluiceError } from '../../src/protocol/errors.js';
import { SimCluster } from './cluster.js';

/** The rejection of `promise` (settled on the cluster's clock), or a failure if it resolved. */
async function refusal(cluster: SimCluster, promise: Promise<unknown>): Promise<SluiceError> {
  const outcome = await cluster.settle(promise.then(() => undefined, (err: unknown) => err), 20_000);
  expect(outcome).to.be.instanceOf(SluiceError);
  return outcome as SluiceError;
}

async function readyCluster(): Promise<SimCluster> {
  const cluster = new SimCluster({ seed: 20, brokers: 3, flush: { kind: 'always' } });
  await cluster.startAll();
  expect(await cluster.runFor(20_000, () => cluster.running().every((b) => b.ready)), 'brokers ready').to.equal(true);
  // The group coordinators create __consumer_offsets on their first ticks: before anyone joins, here.
  expect(await cluster.runFor(20_000, () => cluster.broker(1)!.controller.metadata.topics.__consumer_offsets !== undefined)).to.equal(true);
  return cluster;
}

async function joinFourth(cluster: SimCluster): Promise<Broker> {
  const joined = await cluster.join(4);
  expect(await cluster.runFor(20_000, () => joined.ready), 'broker 4 ready').to.equal(true);
  const seen = (): boolean => [1, 2, 3].every((id) => cluster.broker(id)!.brokers().some((b) => b.id === 4 && b.alive));
  expect(await cluster.runFor(10_000, seen), 'every broker sees broker 4 alive').to.equal(true);
  return joined;
}

describe('sim-cluster: brokers join and leave, topics grow', function () {
  this.timeout(120_000);

  it('a broker knowing only the controller voters registers, gets the metadata, learns and is learnt, and takes replicas of new topics', async () => {
    const cluster = await readyCluster();
    await cluster.settle(cluster.broker(1)!.createTopic({ name: 'before', partitions: 2, replicationFactor: 3, configs: {} }), 20_000);
    const joined = await joinFourth(cluster);
    expect(Object.keys(joined.controller.metadata.topics)).to.include('before');
    expect(joined.allPartitions(), 'no replica of an older topic moves by itself').to.have.length(0);
    // The others learnt its inter-broker address from its registration; it learnt none it needs (lower ids dial it).
    for (const id of [1, 2, 3]) expect(cluster.peerAddressesOf(id).get(4), `broker ${id}`).to.equal('broker-4:7200');

    const view = await cluster.settle(cluster.broker(2)!.createTopic({ name: 'after', partitions: 4, replicationFactor: 3, configs: {} }), 20_000);
    expect(view.partitions.filter((p) => p.replicas.includes(4)), 'replicas on broker 4').to.have.length(3);
    expect(await cluster.runFor(10_000, () => joined.allPartitions().filter((p) => p.topic === 'after').length === 3)).to.equal(true);

    // Produce and consume through the new broker only.
    const client = cluster.client({ bootstrap: ['broker-4:7000'] });
    const producer = client.producer({ acks: 'all', idempotent: true });
    const values = Array.from({ length: 20 }, (_, i) => `v${i}`);
    const stored = await cluster.settle(producer.send({ topic: 'after', records: values.map((value) => ({ key: value, value })) }), 20_000);
    const consumer = client.consumer();
    consumer.assign([0, 1, 2, 3].map((partition) => ({ topic: 'after', partition })));
    for (const partition of [0, 1, 2, 3]) consumer.seek({ topic: 'after', partition }, 0);
    const read: string[] = [];
    while (read.length < values.length) {
      const records = await cluster.settle(consumer.poll({ timeoutMs: 1_000 }), 5_000);
      if (records.length === 0 && cluster.clock.nowMs() > 600_000) break;
      read.push(...records.map((r) => r.value!.toString()));
    }
    expect([...read].sort()).to.deep.equal([...values].sort());
    expect(new Set(stored.map((m) => m.partition)).size, 'keys spread over partitions').to.be.greaterThan(1);
    await cluster.settle(Promise.all([producer.close(), consumer.close()]), 10_000);
  });

  it('adds partitions to a topic, placed on the live brokers; never fewer, never to an internal topic', async () => {
    const cluster = await readyCluster();
    const broker = cluster.broker(3)!;
    await cluster.settle(broker.createTopic({ name: 'orders', partitions: 2, replicationFactor: 2, configs: {} }), 20_000);
    const grown = await cluster.settle(broker.createPartitions('orders', 5), 20_000);
    expect(grown.partitions.map((p) => p.partition)).to.deep.equal([0, 1, 2, 3, 4]);
    expect(grown.partitions.every((p) => p.replicas.length === 2 && p.leader > 0), 'replicated and led').to.equal(true);
    const topicId = broker.controller.metadata.topics.orders!.topicId;
    expect(cluster.broker(1)!.controller.metadata.topics.orders!.topicId, 'the same topic, grown').to.equal(topicId);

    const fewer = await refusal(cluster, broker.createPartitions('orders', 3));
    expect(fewer.code).to.equal('INVALID_CONFIG');
    expect(fewer.message).to.contain('topic "orders" has 5 partitions, cannot have 3: partitions can only be added, never removed');
    expect((await refusal(cluster, broker.createPartitions('orders', 5))).code).to.equal('INVALID_CONFIG');
    expect((await refusal(cluster, broker.createPartitions('nope', 5))).code).to.equal('UNKNOWN_TOPIC');
    expect((await refusal(cluster, broker.createPartitions('__consumer_offsets', 100))).code).to.equal('INVALID_TOPIC');
  });

  it('removes a broker gone for good, refusing while it is alive, a voter, or holds replicas (named)', async () => {
    const cluster = await readyCluster();
    await joinFourth(cluster);
    const admin = cluster.broker(1)!;
    const alive = await refusal(cluster, admin.unregisterBroker(4));
    expect(alive.code).to.equal('BROKER_IN_USE');
    expect(alive.message).to.contain('broker 4 is alive');
    expect((await refusal(cluster, admin.unregisterBroker(2))).message).to.contain('broker 2 is a controller voter');
    expect((await refusal(cluster, admin.unregisterBroker(9))).code).to.equal('UNKNOWN_BROKER');

    await cluster.settle(admin.createTopic({ name: 'wide', partitions: 4, replicationFactor: 3, configs: {} }), 20_000);
    cluster.crash(4, 'kill');
    expect(await cluster.runFor(10_000, () => !admin.brokers().find((b) => b.id === 4)!.alive), 'broker 4 seen dead').to.equal(true);
    const holding = await refusal(cluster, admin.unregisterBroker(4));
    expect(holding.code).to.equal('BROKER_IN_USE');
    expect(holding.message).to.match(/broker 4 still holds replicas of wide\/\d, wide\/\d, wide\/\d: move them off it first/);

    await cluster.settle(admin.deleteTopic('wide'), 20_000);
    await cluster.settle(admin.unregisterBroker(4), 20_000);
    expect(await cluster.runFor(10_000, () => [1, 2, 3].every((id) => cluster.broker(id)!.brokers().every((b) => b.id !== 4)))).to.equal(true);
    for (const id of [1, 2, 3]) expect(cluster.peerAddressesOf(id).has(4), `broker ${id} forgot its address`).to.equal(false);
    const placed = await cluster.settle(admin.createTopic({ name: 'later', partitions: 3, replicationFactor: 3, configs: {} }), 20_000);
    expect(placed.partitions.flatMap((p) => p.replicas)).to.not.include(4);
  });
});
