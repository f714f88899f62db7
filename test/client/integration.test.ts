/**
 * The client and the CLI against a real broker process (random ports, temporary data directory).
 * Waits for conditions with deadlines, never fixed sleeps.
 */
import { expect } from 'chai';
import { BrokerProcess, waitFor } from '../helpers/broker-process.js';
import { runCli } from '../helpers/cli-process.js';
import { createClient, SluiceError, type Admin, type ConsumedRecord, type Consumer, type RecordMetadata, type Sluice } from '../../src/client/index.js';

async function consumeUntil(consumer: Consumer, count: number, timeoutMs = 20_000): Promise<ConsumedRecord[]> {
  const records: ConsumedRecord[] = [];
  await waitFor(
    `${count} records`,
    async () => {
      records.push(...(await consumer.poll({ timeoutMs: 200 })));
      return records.length >= count ? true : undefined;
    },
    timeoutMs,
  );
  return records;
}

describe('client and CLI against a broker process', function () {
  this.timeout(60_000);
  let broker: BrokerProcess | undefined;
  /** SLUICE_TEST_BOOTSTRAP runs these tests against an already running broker instead of a fresh process. */
  let address = process.env.SLUICE_TEST_BOOTSTRAP ?? '';
  let client: Sluice;
  let admin: Admin;
  const closers: Array<() => Promise<void>> = [];
  let topicSeq = 0;
  const uniqueTopic = (prefix: string): string => `${prefix}-${process.pid}-${Date.now()}-${topicSeq++}`;

  before(async () => {
    if (!address) {
      broker = await BrokerProcess.start();
      address = broker.address;
    }
    client = createClient({ bootstrap: address, clientId: 'integration-test' });
    admin = client.admin();
    closers.push(() => admin.close());
  });

  after(async () => {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    await broker?.cleanup();
  });

  function consumer(): Consumer {
    const created = client.consumer({ maxWaitMs: 100, autoOffsetReset: 'earliest' });
    closers.push(() => created.close());
    return created;
  }

  it('produces 10,000 keyed records with headers over 3 partitions and consumes them back in order', async () => {
    const topic = uniqueTopic('roundtrip');
    await admin.createTopic({ name: topic, partitions: 3, replicationFactor: 1 });
    const producer = client.producer({ lingerMs: 5, batchBytesMax: 64 * 1024 });
    closers.push(() => producer.close());

    const total = 10_000;
    const sends: Array<Promise<RecordMetadata[]>> = [];
    for (let start = 0; start < total; start += 250) {
      const records = Array.from({ length: 250 }, (_, j) => {
        const i = start + j;
        return { key: `key-${i % 97}`, value: `value-${i}`, headers: { seq: String(i), kind: 'test' } };
      });
      sends.push(producer.send({ topic, records }));
    }
    const acknowledged = (await Promise.all(sends)).flat();
    await producer.flush();
    expect(acknowledged).to.have.length(total);

    // Offsets are gapless per partition, and every partition got records.
    const expectedByPartition = new Map<number, Array<{ offset: number; i: number }>>();
    acknowledged.forEach((metadata, i) => {
      const list = expectedByPartition.get(metadata.partition) ?? [];
      list.push({ offset: metadata.offset, i });
      expectedByPartition.set(metadata.partition, list);
    });
    expect([...expectedByPartition.keys()].sort()).to.deep.equal([0, 1, 2]);
    for (const list of expectedByPartition.values()) {
      expect(list.map((entry) => entry.offset)).to.deep.equal(list.map((_, n) => n));
    }

    const reader = consumer();
    reader.assign([0, 1, 2].map((partition) => ({ topic, partition })));
    const received = await consumeUntil(reader, total);
    expect(received).to.have.length(total);
    for (const [partition, expected] of expectedByPartition) {
      const got = received.filter((record) => record.partition === partition);
      expect(got.map((record) => record.offset)).to.deep.equal(expected.map((entry) => entry.offset));
      got.forEach((record, n) => {
        const i = expected[n]!.i;
        expect(record.key?.toString()).to.equal(`key-${i % 97}`);
        expect(record.value?.toString()).to.equal(`value-${i}`);
        expect(record.headers.map((h) => [h.key, h.value.toString()])).to.deep.equal([
          ['seq', String(i)],
          ['kind', 'test'],
        ]);
      });
    }
    expect(reader.stats().recordsDelivered).to.equal(total);
  });

  it('splits batches above the topic max.message.bytes; a record alone above it fails its own send only', async () => {
    const topic = uniqueTopic('split');
    await admin.createTopic({ name: topic, partitions: 1, replicationFactor: 1, configs: { 'max.message.bytes': '1000' } });
    const producer = client.producer({ lingerMs: 50 });
    closers.push(() => producer.close());
    const values = Array.from({ length: 20 }, (_, i) => `${String(i).padStart(2, '0')}-${'v'.repeat(97)}`);
    // Sent together: one batch of about 2.2 kB, which the broker refuses as a whole.
    const sends = values.map((value) => producer.send({ topic, records: [{ value }] }));
    const tooLarge = producer.send({ topic, records: [{ value: 'x'.repeat(2000) }] }).catch((err: unknown) => err);
    const last = producer.send({ topic, records: [{ value: 'last' }] });
    expect((await Promise.all(sends)).map((metadata) => metadata[0]!.offset)).to.deep.equal(values.map((_, i) => i));
    const err = await tooLarge;
    expect(err).to.be.instanceOf(SluiceError);
    expect((err as SluiceError).code).to.equal('BATCH_TOO_LARGE');
    expect((await last)[0]!.offset).to.equal(20);
    const reader = consumer();
    reader.assign([{ topic, partition: 0 }]);
    const received = await consumeUntil(reader, 21);
    expect(received.map((record) => record.value?.toString())).to.deep.equal([...values, 'last']);
  });

  it('seeks to earliest, latest and a timestamp', async () => {
    const topic = uniqueTopic('seek');
    await admin.createTopic({ name: topic, partitions: 1, replicationFactor: 1 });
    const producer = client.producer({ lingerMs: 0 });
    closers.push(() => producer.close());
    const baseMs = Date.now() - 60_000;
    // Separate sends so each record is its own batch, and the lookup crosses batches.
    for (let i = 0; i < 3; i++) await producer.send({ topic, records: [{ value: `r${i}`, timestamp: baseMs + i * 1000 }] });

    const tp = { topic, partition: 0 };
    const reader = consumer();
    reader.assign([tp]);

    reader.seek(tp, { timestamp: baseMs + 1000 });
    expect((await consumeUntil(reader, 2)).map((r) => r.value?.toString())).to.deep.equal(['r1', 'r2']);

    reader.seek(tp, 'earliest');
    expect((await consumeUntil(reader, 3)).map((r) => r.offset)).to.deep.equal([0, 1, 2]);

    reader.seek(tp, 'latest');
    await waitFor('position at latest', () => (reader.position(tp) === 3 ? true : undefined));
    expect(await reader.poll({ timeoutMs: 200 })).to.deep.equal([]);
    await producer.send({ topic, records: [{ value: 'after-latest' }] });
    const [next] = await consumeUntil(reader, 1);
    expect(next!.offset).to.equal(3);
    expect(next!.value?.toString()).to.equal('after-latest');

    reader.seek(tp, 1);
    expect((await consumeUntil(reader, 3))[0]!.offset).to.equal(1);

    expect((await admin.listOffsets(topic, 0, 'earliest')).offset).to.equal(0);
    expect((await admin.listOffsets(topic, 0, 'latest')).offset).to.equal(4);
    expect((await admin.listOffsets(topic, 0, { timestamp: baseMs + 2000 })).offset).to.equal(2);
  });

  it('skips and counts expired records', async () => {
    const topic = uniqueTopic('ttl');
    await admin.createTopic({ name: topic, partitions: 1, replicationFactor: 1 });
    const producer = client.producer();
    closers.push(() => producer.close());
    const nowMs = Date.now();
    await producer.send({
      topic,
      records: [
        { value: 'expired', timestamp: nowMs - 10_000, ttlMs: 1_000 },
        { value: 'alive', timestamp: nowMs, ttlMs: 3_600_000 },
        { value: 'forever' },
      ],
    });
    const reader = consumer();
    reader.assign([{ topic, partition: 0 }]);
    const records = await consumeUntil(reader, 2);
    expect(records.map((r) => r.value?.toString())).to.deep.equal(['alive', 'forever']);
    expect(reader.stats().expiredRecords).to.equal(1);
  });

  it('administers topics and reports wire errors as SluiceError codes', async () => {
    const topic = uniqueTopic('admin');
    const created = await admin.createTopic({ name: topic, partitions: 2, replicationFactor: 1, configs: { 'retention.ms': '60000' } });
    expect(created.partitions.map((p) => p.partition)).to.deep.equal([0, 1]);
    expect((await admin.listTopics()).map((t) => t.name)).to.include(topic);
    const altered = await admin.alterTopicConfig({ name: topic, set: { 'message.ttl.ms': '5000' } });
    expect(altered.configs['message.ttl.ms']).to.equal('5000');
    const exists = await admin.createTopic({ name: topic, partitions: 1, replicationFactor: 1 }).catch((err: unknown) => err);
    expect((exists as SluiceError).code).to.equal('TOPIC_EXISTS');
    await admin.deleteTopic(topic);
    const missing = await admin.describeTopic(topic).catch((err: unknown) => err);
    expect((missing as SluiceError).code).to.equal('UNKNOWN_TOPIC');
    const metadata = await admin.metadata();
    expect(metadata.brokers).to.have.length.at.least(1);
  });

  it('CLI: topic create/describe --json, produce from a pipe, consume --max-messages', async () => {
    const topic = uniqueTopic('cli');
    const created = await runCli(['--json', 'topic', 'create', topic, '--partitions', '2', '--replication', '1'], address);
    expect(created.code, created.stderr).to.equal(0);
    expect(JSON.parse(created.stdout).name).to.equal(topic);

    const described = await runCli(['--json', 'topic', 'describe', topic], address);
    expect(described.code, described.stderr).to.equal(0);
    const description = JSON.parse(described.stdout) as { name: string; partitions: Array<Record<string, unknown>> };
    expect(description.partitions).to.have.length(2);
    expect(description.partitions[0]).to.include.all.keys('partition', 'leader', 'replicas', 'isr', 'logStartOffset', 'logEndOffset', 'highWatermark');

    const lines = Array.from({ length: 500 }, (_, i) => `k${i % 7}:line-${i}`);
    const produced = await runCli(['produce', topic, '--key-separator', ':', '--header', 'src=cli'], address, async (stdin) => {
      // The first line must be sent before end of input: wait until the broker has it.
      stdin.write(`${lines[0]}\n`);
      await waitFor('first line acknowledged before EOF', async () => {
        const ends = await Promise.all([0, 1].map((p) => admin.listOffsets(topic, p, 'latest')));
        return ends.some((end) => end.offset > 0) ? true : undefined;
      });
      stdin.end(lines.slice(1).join('\n') + '\n');
    });
    expect(produced.code, produced.stderr).to.equal(0);

    const consumed = await runCli(['consume', topic, '--from-beginning', '--max-messages', '500', '--format', 'json'], address);
    expect(consumed.code, consumed.stderr).to.equal(0);
    const records = consumed.stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as { key: string; value: string; headers: Record<string, string>; partition: number; offset: number });
    expect(records).to.have.length(500);
    expect(records.map((r) => r.value).sort()).to.deep.equal(lines.map((line) => line.slice(line.indexOf(':') + 1)).sort());
    for (const record of records) {
      expect(record.headers).to.deep.equal({ src: 'cli' });
      expect(record.value.startsWith('line-')).to.equal(true);
      expect(`line-${record.value.slice(5)}`).to.equal(record.value);
    }
    // Per key (hence per partition), lines arrive in input order.
    for (let k = 0; k < 7; k++) {
      const got = records.filter((r) => r.key === `k${k}`).map((r) => Number(r.value.slice(5)));
      expect(got).to.deep.equal([...got].sort((a, b) => a - b));
    }

    const values = await runCli(['consume', topic, '--partition', '0', '--offset', '0', '--max-messages', '3'], address);
    expect(values.code, values.stderr).to.equal(0);
    expect(values.stdout.trimEnd().split('\n')).to.have.length(3);

    const idle = await runCli(['consume', topic, '--timeout-ms', '300'], address);
    expect(idle.code, idle.stderr).to.equal(0);
    expect(idle.stdout).to.equal('');
  });

  it('CLI: exits 1 with one error line when produce fails', async () => {
    const result = await runCli(['produce', uniqueTopic('missing')], address, (stdin) => void stdin.end('hello\n'));
    expect(result.code).to.equal(1);
    expect(result.stderr).to.match(/^sluice: UNKNOWN_TOPIC: [^\n]*\n$/);
  });
});
