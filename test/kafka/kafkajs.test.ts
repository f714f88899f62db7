/**
 * kafkajs (a pure-JavaScript Kafka client) against the Kafka listener: an idempotent producer with
 * acks=-1 on a broker process and on three brokers whose partition leader is SIGKILLed mid-stream
 * (every acknowledged record read back exactly once by offset with Sluice's client), and the admin
 * client's DescribeConfigs.
 */
import { expect } from 'chai';
import kafkajs from 'kafkajs';
import { createClient, type Sluice } from '../../src/client/index.js';
import { BrokerProcess, freePort, waitFor } from '../helpers/broker-process.js';
import { TestCluster } from '../helpers/cluster.js';

const { Kafka, logLevel, CompressionTypes } = kafkajs;

function kafkaClient(brokers: string[]): InstanceType<typeof Kafka> {
  return new Kafka({ clientId: 'kafkajs-test', brokers, logLevel: logLevel.NOTHING, retry: { retries: 30, initialRetryTime: 100, maxRetryTime: 1000 } });
}

/** Every record of partition 0 from offset 0 up to its end, by offset, read with Sluice's consumer. */
async function readAll(sluice: Sluice, topic: string, atLeast: number): Promise<Array<{ offset: number; value: string }>> {
  const consumer = sluice.consumer({ maxWaitMs: 100, autoOffsetReset: 'earliest' });
  try {
    consumer.assign([{ topic, partition: 0 }]);
    const records: Array<{ offset: number; value: string }> = [];
    await waitFor(`${atLeast} records of ${topic}`, async () => {
      for (const r of await consumer.poll({ timeoutMs: 200 })) records.push({ offset: r.offset, value: r.value?.toString() ?? '' });
      return records.length >= atLeast ? true : undefined;
    }, 60_000);
    // Whatever else is there up to the end (retries stored once more would show here).
    for (let round = 0; round < 5; round++) for (const r of await consumer.poll({ timeoutMs: 200 })) records.push({ offset: r.offset, value: r.value?.toString() ?? '' });
    return records;
  } finally {
    await consumer.close();
  }
}

/** Each acknowledged value exactly once; offsets gapless from 0. */
function expectExactlyOnce(records: Array<{ offset: number; value: string }>, acknowledged: Set<string>): void {
  expect(records.map((r) => r.offset)).to.deep.equal(records.map((_, i) => i));
  const seen = new Map<string, number>();
  for (const r of records) seen.set(r.value, (seen.get(r.value) ?? 0) + 1);
  const duplicated = [...seen].filter(([, count]) => count > 1);
  expect(duplicated, 'duplicates').to.deep.equal([]);
  const missing = [...acknowledged].filter((value) => !seen.has(value));
  expect(missing, 'acknowledged but missing').to.deep.equal([]);
}

describe('kafkajs against a broker process', function () {
  this.timeout(120_000);
  let broker: BrokerProcess | undefined;
  let sluice: Sluice | undefined;
  let kafka: InstanceType<typeof Kafka>;

  before(async () => {
    const kafkaPort = await freePort();
    broker = await BrokerProcess.start({ args: ['--kafka-port', String(kafkaPort)] });
    sluice = createClient({ bootstrap: broker.address, clientId: 'kafkajs-test' });
    kafka = kafkaClient([`127.0.0.1:${kafkaPort}`]);
  });

  after(async () => {
    await broker?.cleanup();
  });

  it('an idempotent producer with acks=-1 (gzip and uncompressed batches): every acknowledged record once, in order', async () => {
    const topic = `kjs-${process.pid}`;
    const admin = kafka.admin();
    await admin.connect();
    try {
      expect(await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }] })).to.equal(true);
    } finally {
      await admin.disconnect();
    }
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 5 });
    await producer.connect();
    const acknowledged = new Set<string>();
    try {
      for (let batch = 0; batch < 40; batch++) {
        const messages = Array.from({ length: 50 }, (_, i) => ({ key: `k${i % 7}`, value: `v-${batch}-${i}`, headers: { batch: String(batch) } }));
        await producer.send({ topic, acks: -1, compression: batch % 2 === 0 ? CompressionTypes.GZIP : CompressionTypes.None, messages });
        for (const m of messages) acknowledged.add(m.value);
      }
    } finally {
      await producer.disconnect();
    }
    const records = await readAll(sluice!, topic, acknowledged.size);
    expectExactlyOnce(records, acknowledged);
    expect(records.map((r) => r.value)).to.deep.equal([...acknowledged]);
  });

  it('admin.describeConfigs: topic configs under Kafka names and the broker subset', async () => {
    const topic = `kjs-cfg-${process.pid}`;
    const sluiceAdmin = sluice!.admin();
    await sluiceAdmin.createTopic({ name: topic, partitions: 1, replicationFactor: 1, configs: { 'retention.ms': '60000' } });
    await sluiceAdmin.close();
    const admin = kafka.admin();
    await admin.connect();
    try {
      const described = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [
          { type: kafkajs.ConfigResourceTypes.TOPIC, name: topic },
          { type: kafkajs.ConfigResourceTypes.BROKER, name: '1', configNames: ['broker.id', 'num.partitions'] },
        ],
      });
      const [topicResource, brokerResource] = described.resources;
      expect(topicResource!.errorCode).to.equal(0);
      const retention = topicResource!.configEntries.find((e) => e.configName === 'retention.ms')!;
      expect([retention.configValue, retention.isDefault]).to.deep.equal(['60000', false]);
      const cleanup = topicResource!.configEntries.find((e) => e.configName === 'cleanup.policy')!;
      expect([cleanup.configValue, cleanup.isDefault]).to.deep.equal(['delete', true]);
      expect(brokerResource!.errorCode).to.equal(0);
      expect(brokerResource!.configEntries.map((e) => [e.configName, e.configValue])).to.deep.equal([
        ['broker.id', '1'],
        ['num.partitions', '1'],
      ]);
    } finally {
      await admin.disconnect();
    }
  });
});

describe('kafkajs against three brokers with the partition leader SIGKILLed mid-stream', function () {
  this.timeout(240_000);
  let cluster: TestCluster | undefined;
  let sluice: Sluice | undefined;

  after(async () => {
    await cluster?.cleanup();
  });

  it('an idempotent producer (acks=-1) follows the new leader; every acknowledged record is stored exactly once', async () => {
    cluster = await TestCluster.start(3, [], { kafka: true });
    sluice = createClient({ bootstrap: cluster.bootstrap.join(','), clientId: 'kafkajs-cluster-test' });
    const topic = `kjs-kill-${process.pid}`;
    const sluiceAdmin = sluice.admin();
    await sluiceAdmin.createTopic({ name: topic, partitions: 1, replicationFactor: 3 });
    await sluiceAdmin.close();
    const leader = await cluster.leaderOf(topic, 0, 1);
    const kafka = kafkaClient(cluster.kafkaBootstrap.split(','));
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const acknowledged = new Set<string>();
    const failed: string[] = [];
    let killed = false;
    try {
      for (let batch = 0; batch < 60; batch++) {
        if (batch === 20) {
          await cluster.kill(leader);
          killed = true;
        }
        const messages = Array.from({ length: 20 }, (_, i) => ({ value: `kill-${batch}-${i}` }));
        try {
          await producer.send({ topic, acks: -1, messages });
          for (const m of messages) acknowledged.add(m.value);
        } catch (err) {
          // Not acknowledged: may or may not be stored, never twice.
          failed.push(`${batch}: ${(err as Error).message}`);
        }
      }
    } finally {
      await producer.disconnect();
    }
    expect(killed).to.equal(true);
    expect(acknowledged.size, failed.join('\n')).to.be.at.least(40 * 20);
    const survivor = [1, 2, 3].find((id) => id !== leader)!;
    expect(await cluster.leaderOf(topic, 0, survivor, 30_000)).to.not.equal(leader);
    const records = await readAll(sluice, topic, acknowledged.size);
    expectExactlyOnce(records, acknowledged);
  });
});
