/**
 * An elastic cluster with real broker processes (docs/CLUSTER.md): a fourth broker that knows only
 * the controller quorum joins under load and takes replicas of a new topic; a topic grows under a
 * producer and a consumer group; `cluster remove-broker` refuses a broker that is alive or holds
 * replicas and removes one that is gone for good.
 */
import { expect } from 'chai';
import { createClient, type GroupConsumer, type Producer, type Sluice } from '../../src/client/index.js';
import { waitFor } from '../helpers/broker-process.js';
import { runCli } from '../helpers/cli-process.js';
import { TestCluster } from '../helpers/cluster.js';

/** An idempotent acks=all producer sending distinct keyed values to `topic` until stopped; what was acknowledged, where. */
class Load {
  readonly acknowledged = new Map<string, { partition: number; offset: number }>();
  readonly failures: string[] = [];
  private stopped = false;
  private readonly done: Promise<void>;
  private next = 0;

  constructor(private readonly producer: Producer, private readonly topic: string) {
    this.done = this.loop();
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      const values = Array.from({ length: 5 }, () => `${this.topic}-${this.next++}`);
      try {
        const stored = await this.producer.send({ topic: this.topic, records: values.map((value) => ({ key: value, value })) });
        stored.forEach((meta, i) => this.acknowledged.set(values[i]!, { partition: meta.partition, offset: meta.offset }));
      } catch (err) {
        this.failures.push(err instanceof Error ? err.message : String(err));
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.done;
  }

  /** As stop(): a test that fails half-way still ends the loop. */
  close(): Promise<void> {
    return this.stop();
  }

  partitionsWritten(): Set<number> {
    return new Set([...this.acknowledged.values()].map((at) => at.partition));
  }
}

describe('an elastic cluster: brokers join and leave, topics grow (real processes)', function () {
  this.timeout(240_000);
  let cluster: TestCluster;
  const closables: Array<{ close(): Promise<void> }> = [];
  const client = (bootstrap: string[], metadataMaxAgeMs = 1_000): Sluice => {
    return createClient({ bootstrap, metadataMaxAgeMs, retry: { retries: 30, maxBackoffMs: 300 } });
  };
  const cli = async (...args: string[]) => runCli(args, cluster.bootstrap.join(','));

  before(async () => {
    cluster = await TestCluster.start(3);
  });

  afterEach(async () => {
    // In order: the loads stop before their producers close.
    for (const closable of closables.splice(0)) await closable.close().catch(() => undefined);
  });

  after(async () => {
    await cluster?.cleanup();
  });

  it('a fourth broker that knows only the controller quorum joins under load, takes replicas of a new topic and serves produce and consume', async () => {
    const admin = client(cluster.bootstrap).admin();
    closables.push(admin);
    await admin.createTopic({ name: 'steady', partitions: 3, replicationFactor: 3 });
    const producer = client(cluster.bootstrap).producer({ acks: 'all', idempotent: true, lingerMs: 2 });
    closables.push(producer);
    const load = new Load(producer, 'steady');
    closables.unshift(load);
    await waitFor('the load to be acknowledged', () => (load.acknowledged.size >= 50 ? true : undefined), 30_000);

    const fourth = await cluster.addBroker(4);
    const status = await cli('cluster', 'status', '--json');
    expect(status.code, status.stderr).to.equal(0);
    const brokers = (JSON.parse(status.stdout) as { brokers: Array<{ id: number; alive: boolean; state: string; address: string }> }).brokers;
    expect(brokers.find((b) => b.id === 4)).to.deep.include({ alive: true, state: 'unfenced', address: fourth.address });

    const created = await admin.createTopic({ name: 'fresh', partitions: 4, replicationFactor: 3 });
    expect(created.partitions.filter((p) => p.replicas.includes(4)), 'replicas placed on broker 4').to.have.length(3);
    // Through broker 4 only: its clients learn the others from its metadata.
    const viaFourth = client([fourth.address]);
    const freshProducer = viaFourth.producer({ acks: 'all', idempotent: true });
    closables.push(freshProducer);
    const values = Array.from({ length: 200 }, (_, i) => `fresh-${i}`);
    await freshProducer.send({ topic: 'fresh', records: values.map((value) => ({ key: value, value })) });
    // The others dial broker 4 at the address it registered: it replicates, so it is in sync.
    await waitFor('broker 4 in sync on each partition it holds', async () => {
      const partitions = (await admin.describeTopic('fresh')).partitions.filter((p) => p.replicas.includes(4));
      return partitions.every((p) => p.isr.includes(4)) ? true : undefined;
    }, 30_000);
    const consumer = viaFourth.consumer();
    closables.push(consumer);
    consumer.assign([0, 1, 2, 3].map((partition) => ({ topic: 'fresh', partition })));
    for (const partition of [0, 1, 2, 3]) consumer.seek({ topic: 'fresh', partition }, 0);
    const read: string[] = [];
    await waitFor('every fresh record read back through broker 4', async () => {
      read.push(...(await consumer.poll({ timeoutMs: 500 })).map((r) => r.value!.toString()));
      return read.length >= values.length ? true : undefined;
    }, 30_000);
    expect([...read].sort()).to.deep.equal([...values].sort());

    await load.stop();
    expect(load.acknowledged.size).to.be.greaterThan(50);
    // Every acknowledged record of the load is stored once, where it was acknowledged.
    const check = client(cluster.bootstrap).consumer();
    closables.push(check);
    check.assign([0, 1, 2].map((partition) => ({ topic: 'steady', partition })));
    for (const partition of [0, 1, 2]) check.seek({ topic: 'steady', partition }, 0);
    const stored = new Map<string, { partition: number; offset: number }>();
    const duplicates: string[] = [];
    await waitFor('every acknowledged load record read back', async () => {
      for (const record of await check.poll({ timeoutMs: 500 })) {
        const value = record.value!.toString();
        if (stored.has(value)) duplicates.push(value);
        stored.set(value, { partition: record.partition, offset: record.offset });
      }
      return [...load.acknowledged.keys()].every((value) => stored.has(value)) ? true : undefined;
    }, 60_000);
    expect(duplicates, 'records stored twice').to.deep.equal([]);
    for (const [value, at] of load.acknowledged) expect(stored.get(value), value).to.deep.equal(at);
  });

  it('adds partitions under a producer and a consumer group: the producer writes to them, the group is assigned and consumes them', async () => {
    const admin = client(cluster.bootstrap).admin();
    closables.push(admin);
    await admin.createTopic({ name: 'growing', partitions: 2, replicationFactor: 2 });
    const producer = client(cluster.bootstrap, 500).producer({ acks: 'all', idempotent: true, lingerMs: 2 });
    closables.push(producer);
    const load = new Load(producer, 'growing');
    closables.unshift(load);
    const delivered = new Map<string, { partition: number; offset: number }>();
    const errors: unknown[] = [];
    const members: GroupConsumer[] = [0, 1].map(() => {
      const member = client(cluster.bootstrap).groupConsumer({ groupId: 'growers', sessionTimeoutMs: 10_000, autoCommitIntervalMs: 200 }, (err) => errors.push(err));
      closables.push(member);
      member.subscribe(['growing']);
      void member.run({ eachMessage: (message) => void delivered.set(message.value!.toString(), { partition: message.partition, offset: message.offset }) });
      return member;
    });
    await waitFor('records delivered before the growth', () => (delivered.size >= 50 ? true : undefined), 60_000);

    const fewer = await cli('topic', 'alter', 'growing', '--partitions', '1');
    expect(fewer.code).to.equal(1);
    expect(fewer.stderr).to.contain('INVALID_CONFIG: topic "growing" has 2 partitions, cannot have 1: partitions can only be added, never removed');
    const grown = await cli('topic', 'alter', 'growing', '--partitions', '5', '--json');
    expect(grown.code, grown.stderr).to.equal(0);
    const description = JSON.parse(grown.stdout) as { partitions: Array<{ partition: number; replicas: number[] }> };
    expect(description.partitions.map((p) => p.partition)).to.deep.equal([0, 1, 2, 3, 4]);

    await waitFor('acknowledged writes to the new partitions', () => ([2, 3, 4].every((p) => load.partitionsWritten().has(p)) ? true : undefined), 60_000);
    await load.stop();
    await waitFor('the group to be delivered every acknowledged record, new partitions included', () =>
      [...load.acknowledged].every(([value, at]) => delivered.get(value)?.offset === at.offset && delivered.get(value)?.partition === at.partition) ? true : undefined,
    60_000).catch((err: unknown) => {
      const missing = [...load.acknowledged.keys()].filter((value) => !delivered.has(value));
      throw new Error(`${String(err)}; ${missing.length} missing (${missing.slice(0, 5).join(', ')}); member errors: ${errors.map(String).slice(0, 3).join('; ')}`);
    });
    expect(new Set([...delivered.values()].map((at) => at.partition))).to.deep.equal(new Set([0, 1, 2, 3, 4]));
    const assigned = members.flatMap((member) => member.assignment().map((tp) => tp.partition)).sort();
    expect(assigned, 'the group owns every partition, once').to.deep.equal([0, 1, 2, 3, 4]);
  });

  it('remove-broker refuses a live broker and one holding replicas (naming them), then removes a broker gone for good', async () => {
    const alive = await cli('cluster', 'remove-broker', '4');
    expect(alive.code).to.equal(1);
    expect(alive.stderr).to.contain('BROKER_IN_USE: broker 4 is alive');
    const voter = await cli('cluster', 'remove-broker', '1');
    expect(voter.stderr).to.contain('BROKER_IN_USE: broker 1 is a controller voter');

    await cluster.kill(4);
    await waitFor('broker 4 to be fenced', async () => {
      const status = await cli('cluster', 'status', '--json');
      const brokers = (JSON.parse(status.stdout) as { brokers: Array<{ id: number; state: string }> }).brokers;
      return brokers.find((b) => b.id === 4)?.state === 'fenced' ? true : undefined;
    }, 30_000);
    const holding = await cli('cluster', 'remove-broker', '4');
    expect(holding.code).to.equal(1);
    expect(holding.stderr).to.match(/BROKER_IN_USE: broker 4 still holds replicas of .*fresh\/\d.*: move them off it first/);

    const admin = client(cluster.bootstrap).admin();
    closables.push(admin);
    for (const topic of await admin.listTopics({ includeInternal: true })) {
      const replicas = (await admin.describeTopic(topic.name)).partitions.flatMap((p) => p.replicas);
      if (replicas.includes(4)) await admin.deleteTopic(topic.name);
    }
    const removed = await cli('cluster', 'remove-broker', '4');
    expect(removed.code, removed.stderr).to.equal(0);
    expect(removed.stdout).to.equal('Removed broker 4 from the cluster.\n');
    const status = await cli('cluster', 'status', '--json');
    const ids = (JSON.parse(status.stdout) as { brokers: Array<{ id: number }> }).brokers.map((b) => b.id);
    expect(ids).to.deep.equal([1, 2, 3]);
    const unknown = await cli('cluster', 'remove-broker', '4');
    expect(unknown.stderr).to.contain('UNKNOWN_BROKER: broker 4 is not registered');
  });
});
