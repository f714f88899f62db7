/**
 * The Kafka listener against the real kcat (librdkafka) and a real broker process: metadata,
 * produce with keys, headers and compression, consume, and the same records and offsets seen by
 * the Sluice client; bad frames close only their own connection.
 */
import { expect } from 'chai';
import { connect, type Socket } from 'node:net';
import { BrokerProcess, freePort, waitFor } from '../helpers/broker-process.js';
import { ensureKcat, kcat, kcatMetadata, kcatOk } from '../helpers/kcat.js';
import { runCli } from '../helpers/cli-process.js';
import { createClient, type Admin, type ConsumedRecord, type Sluice } from '../../src/client/index.js';

const MAX_FRAME_BYTES = 1024 * 1024;

interface KcatMessage {
  partition: number;
  offset: number;
  key: string | null;
  payload: string | null;
  headers?: string[];
}

function parseMessages(stdout: string): KcatMessage[] {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as KcatMessage);
}

/** A raw connection speaking frames by hand. */
class RawConnection {
  private received = Buffer.alloc(0);
  closed = false;
  constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => (this.received = Buffer.concat([this.received, chunk])));
    socket.on('close', () => (this.closed = true));
    socket.on('error', () => undefined);
  }

  static async open(port: number): Promise<RawConnection> {
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    return new RawConnection(socket);
  }

  /** ApiVersions v0 with `correlationId`; resolves with the answer's correlation id and error code. */
  async apiVersions(correlationId: number): Promise<{ correlationId: number; errorCode: number }> {
    const frame = Buffer.alloc(4 + 10);
    frame.writeInt32BE(10, 0);
    frame.writeInt16BE(18, 4);
    frame.writeInt16BE(0, 6);
    frame.writeInt32BE(correlationId, 8);
    frame.writeInt16BE(-1, 12);
    this.received = Buffer.alloc(0);
    this.socket.write(frame);
    await waitFor('an ApiVersions answer', () => (this.received.length >= 4 && this.received.length >= 4 + this.received.readInt32BE(0) ? true : undefined), 10_000);
    return { correlationId: this.received.readInt32BE(4), errorCode: this.received.readInt16BE(8) };
  }

  async waitClosed(): Promise<void> {
    await waitFor('the broker to close the connection', () => (this.closed ? true : undefined), 10_000);
  }
}

describe('Kafka listener with kcat (librdkafka) against a broker process', function () {
  this.timeout(120_000);
  let broker: BrokerProcess | undefined;
  let kafkaPort = 0;
  let bootstrap = '';
  let client: Sluice;
  let admin: Admin;
  const closers: Array<() => Promise<void>> = [];
  let topicSeq = 0;
  const uniqueTopic = (prefix: string): string => `${prefix}-${process.pid}-${topicSeq++}`;

  before(async () => {
    ensureKcat();
    kafkaPort = await freePort();
    broker = await BrokerProcess.start({ args: ['--kafka-port', String(kafkaPort), '--kafka-max-frame-bytes', String(MAX_FRAME_BYTES)] });
    bootstrap = `127.0.0.1:${kafkaPort}`;
    client = createClient({ bootstrap: broker.address, clientId: 'kcat-test' });
    admin = client.admin();
    closers.push(() => admin.close());
  });

  after(async () => {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    await broker?.cleanup();
  });

  async function sluiceRecords(topic: string, partition: number, count: number): Promise<ConsumedRecord[]> {
    const consumer = client.consumer({ maxWaitMs: 100, autoOffsetReset: 'earliest' });
    closers.push(() => consumer.close());
    consumer.assign([{ topic, partition }]);
    const records: ConsumedRecord[] = [];
    await waitFor(`${count} records of ${topic}/${partition}`, async () => {
      records.push(...(await consumer.poll({ timeoutMs: 200 })));
      return records.length >= count ? true : undefined;
    }, 30_000);
    return records;
  }

  it('kcat -L lists the broker with its Kafka port, the topic, its partitions and leaders', async () => {
    const topic = uniqueTopic('meta');
    await admin.createTopic({ name: topic, partitions: 3, replicationFactor: 1 });
    const metadata = await kcatMetadata(['-b', bootstrap]);
    expect(metadata.brokers).to.deep.equal([{ id: 1, name: `127.0.0.1:${kafkaPort}` }]);
    const listed = metadata.topics.find((t) => t.topic === topic);
    expect(listed, JSON.stringify(metadata)).to.not.equal(undefined);
    expect(listed!.partitions.map((p) => [p.partition, p.leader, p.replicas.map((r) => r.id)]).sort()).to.deep.equal([
      [0, 1, [1]],
      [1, 1, [1]],
      [2, 1, [1]],
    ]);
    // Sluice's internal topics are not offered to Kafka clients.
    expect(metadata.topics.map((t) => t.topic)).to.not.include('__consumer_offsets');
    // Kafka requests are counted with the broker's other requests.
    const metrics = await (await fetch(`http://127.0.0.1:${broker!.httpPort}/metrics`)).text();
    expect(metrics).to.match(/method="KafkaMetadata"/);
    expect(metrics).to.match(/method="KafkaApiVersions"/);
  });

  it('kcat -P with keys and headers, then kcat -C from the beginning, from an offset, and the Sluice client, see the same records and offsets', async () => {
    const topic = uniqueTopic('keys');
    await admin.createTopic({ name: topic, partitions: 1, replicationFactor: 1 });
    const lines = Array.from({ length: 50 }, (_, i) => `key-${i}:value-${i}`);
    await kcatOk(['-b', bootstrap, '-t', topic, '-p', '0', '-P', '-K:', '-H', 'source=kcat', '-H', 'n=1'], lines.join('\n') + '\n');
    const consumed = parseMessages(await kcatOk(['-b', bootstrap, '-t', topic, '-C', '-o', 'beginning', '-e', '-J']));
    expect(consumed.map((m) => [m.offset, m.key, m.payload])).to.deep.equal(lines.map((_, i) => [i, `key-${i}`, `value-${i}`]));
    for (const m of consumed) expect(m.headers).to.deep.equal(['source', 'kcat', 'n', '1']);
    const fromOffset = parseMessages(await kcatOk(['-b', bootstrap, '-t', topic, '-C', '-o', '45', '-e', '-J']));
    expect(fromOffset.map((m) => m.offset)).to.deep.equal([45, 46, 47, 48, 49]);
    const viaSluice = await sluiceRecords(topic, 0, 50);
    expect(viaSluice.map((r) => [r.offset, r.key?.toString(), r.value?.toString(), r.headers.map((h) => `${h.key}=${h.value.toString()}`)])).to.deep.equal(
      lines.map((_, i) => [i, `key-${i}`, `value-${i}`, ['source=kcat', 'n=1']]),
    );
  });

  for (const codec of ['lz4', 'gzip', 'snappy', 'zstd']) {
    it(`kcat -P -z ${codec}: 5,000 records stored, read back by kcat, the Sluice client and sluice consume`, async () => {
      const topic = uniqueTopic(codec);
      await admin.createTopic({ name: topic, partitions: 1, replicationFactor: 1 });
      const values = Array.from({ length: 5000 }, (_, i) => `${codec}-record-${i}-${'x'.repeat(i % 50)}`);
      await kcatOk(['-b', bootstrap, '-t', topic, '-p', '0', '-P', '-z', codec], values.join('\n') + '\n');
      const consumed = parseMessages(await kcatOk(['-b', bootstrap, '-t', topic, '-C', '-o', 'beginning', '-e', '-J']));
      expect(consumed.map((m) => m.payload)).to.deep.equal(values);
      expect(consumed.map((m) => m.offset)).to.deep.equal(values.map((_, i) => i));
      const viaSluice = await sluiceRecords(topic, 0, values.length);
      expect(viaSluice.map((r) => r.value?.toString())).to.deep.equal(values);
      // A fresh CLI process: the zstd decoder loads on its first zstd batch.
      const cli = await runCli(['consume', topic, '--from-beginning', '--max-messages', String(values.length)], broker!.address);
      expect(cli.code, cli.stderr).to.equal(0);
      expect(cli.stdout.split('\n').filter(Boolean)).to.deep.equal(values);
    });
  }

  it('kcat -P to a topic nobody created creates it (auto.create.topics.enable), with num.partitions partitions', async () => {
    const topic = uniqueTopic('auto');
    await kcatOk(['-b', bootstrap, '-t', topic, '-P'], 'a\nb\nc\n');
    const described = await admin.describeTopic(topic);
    expect(described.partitions).to.have.length(1);
    const consumed = parseMessages(await kcatOk(['-b', bootstrap, '-t', topic, '-C', '-o', 'beginning', '-e', '-J']));
    expect(consumed.map((m) => m.payload)).to.deep.equal(['a', 'b', 'c']);
  });

  it('kcat -C -o end sees only records produced after it started', async () => {
    const topic = uniqueTopic('end');
    await admin.createTopic({ name: topic, partitions: 1, replicationFactor: 1 });
    await kcatOk(['-b', bootstrap, '-t', topic, '-p', '0', '-P'], 'old-1\nold-2\n');
    const tail = kcat(['-b', bootstrap, '-t', topic, '-p', '0', '-C', '-o', 'end', '-c', '2', '-f', '%o %s\n'], '', 60_000);
    // kcat prints nothing until records come; produce until the two new ones reach it.
    let round = 0;
    const result = await waitFor('kcat -o end to print two new records', async () => {
      await kcatOk(['-b', bootstrap, '-t', topic, '-p', '0', '-P'], `new-${round++}\n`);
      return Promise.race([tail, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 500))]);
    }, 50_000);
    expect(result.code).to.equal(0);
    const lines = result.stdout.split('\n').filter(Boolean);
    expect(lines).to.have.length(2);
    for (const line of lines) expect(line).to.match(/^\d+ new-\d+$/);
    expect(Number(lines[0]!.split(' ')[0])).to.be.at.least(2);
  });

  it('sluice produce -> kcat -C and kcat -P -> sluice consume, with keys', async () => {
    const topic = uniqueTopic('cli');
    await admin.createTopic({ name: topic, partitions: 1, replicationFactor: 1 });
    const fromSluice = Array.from({ length: 100 }, (_, i) => `sk${i}:sluice-${i}`);
    const produced = await runCli(['produce', topic, '--key-separator', ':'], broker!.address, (stdin) => void stdin.end(fromSluice.join('\n') + '\n'));
    expect(produced.code, produced.stderr).to.equal(0);
    const seenByKcat = parseMessages(await kcatOk(['-b', bootstrap, '-t', topic, '-C', '-o', 'beginning', '-e', '-J']));
    expect(seenByKcat.map((m) => `${m.key}:${m.payload}`)).to.deep.equal(fromSluice);
    const fromKcat = Array.from({ length: 100 }, (_, i) => `kk${i}:kcat-${i}`);
    await kcatOk(['-b', bootstrap, '-t', topic, '-p', '0', '-P', '-K:', '-z', 'snappy'], fromKcat.join('\n') + '\n');
    const consumed = await runCli(['consume', topic, '--from-beginning', '--max-messages', '200', '--format', 'json'], broker!.address);
    expect(consumed.code, consumed.stderr).to.equal(0);
    const records = consumed.stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as { offset: number; key: string; value: string });
    expect(records.map((r) => `${r.key}:${r.value}`)).to.deep.equal([...fromSluice, ...fromKcat]);
    expect(records.map((r) => r.offset)).to.deep.equal(records.map((_, i) => i));
  });

  it('an idempotent kcat producer (InitProducerId, acks=all) stores every record once, in order', async () => {
    const topic = uniqueTopic('idem');
    await admin.createTopic({ name: topic, partitions: 1, replicationFactor: 1 });
    const values = Array.from({ length: 3000 }, (_, i) => `idem-${i}`);
    await kcatOk(['-b', bootstrap, '-t', topic, '-p', '0', '-P', '-X', 'enable.idempotence=true', '-X', 'acks=all', '-z', 'lz4'], values.join('\n') + '\n');
    const consumed = parseMessages(await kcatOk(['-b', bootstrap, '-t', topic, '-C', '-o', 'beginning', '-e', '-J']));
    expect(consumed.map((m) => [m.offset, m.payload])).to.deep.equal(values.map((value, i) => [i, value]));
    // The Sluice client reads the same records.
    const viaSluice = await sluiceRecords(topic, 0, values.length);
    expect(viaSluice).to.have.length(values.length);
  });

  it('records from the Sluice producer (lz4, TTLs) are read by kcat at the offsets the producer was given', async () => {
    const topic = uniqueTopic('native');
    await admin.createTopic({ name: topic, partitions: 2, replicationFactor: 1 });
    const producer = client.producer({ lingerMs: 5, compression: 'lz4' });
    closers.push(() => producer.close());
    const records = Array.from({ length: 200 }, (_, i) => ({
      key: `k${i}`,
      value: `native-${i}`,
      partition: 1,
      headers: { i: String(i) },
      ...(i % 2 === 0 ? { ttlMs: 3_600_000 } : {}),
    }));
    const acknowledged = await producer.send({ topic, records });
    await producer.flush();
    const consumed = parseMessages(await kcatOk(['-b', bootstrap, '-t', topic, '-p', '1', '-C', '-o', 'beginning', '-e', '-J']));
    expect(consumed.map((m) => [m.offset, m.key, m.payload, m.headers])).to.deep.equal(
      acknowledged.map((meta, i) => [meta.offset, `k${i}`, `native-${i}`, ['i', String(i)]]),
    );
  });

  it('kcat with a group id commits its position (FindCoordinator, OffsetCommit), the next kcat resumes there (OffsetFetch), and Sluice sees the commit', async () => {
    const topic = uniqueTopic('commits');
    const group = `g-${topic}`;
    await admin.createTopic({ name: topic, partitions: 1, replicationFactor: 1 });
    const values = Array.from({ length: 10 }, (_, i) => `c${i}`);
    await kcatOk(['-b', bootstrap, '-t', topic, '-p', '0', '-P'], values.join('\n') + '\n');
    const consumerArgs = ['-b', bootstrap, '-t', topic, '-p', '0', '-C', '-X', `group.id=${group}`, '-X', 'auto.offset.reset=earliest', '-o', 'stored', '-J'];
    const first = parseMessages(await kcatOk([...consumerArgs, '-c', '4']));
    expect(first.map((m) => m.offset)).to.deep.equal([0, 1, 2, 3]);
    const groups = client.groupAdmin();
    closers.push(() => groups.close());
    const described = await groups.describeGroup(group);
    expect(described.partitions.map((p) => [p.topic, p.partition, p.committedOffset, p.lag])).to.deep.equal([[topic, 0, 4, 6]]);
    const rest = parseMessages(await kcatOk([...consumerArgs, '-e']));
    expect(rest.map((m) => [m.offset, m.payload])).to.deep.equal(values.slice(4).map((value, i) => [i + 4, value]));
  });

  it('a malformed frame and an oversized frame close only their own connection; the broker keeps serving', async () => {
    const healthy = await RawConnection.open(kafkaPort);
    closers.push(async () => void healthy.socket.destroy());
    expect(await healthy.apiVersions(11)).to.deep.equal({ correlationId: 11, errorCode: 0 });

    const garbage = await RawConnection.open(kafkaPort);
    garbage.socket.write(Buffer.from([0, 0, 0, 8, 0x7f, 0x7f, 0, 0, 0, 0, 0, 1])); // API key 32639
    await garbage.waitClosed();

    const truncated = await RawConnection.open(kafkaPort);
    // Metadata v1 whose topic array claims 5 entries and holds none.
    truncated.socket.write(Buffer.from([0, 0, 0, 14, 0, 3, 0, 1, 0, 0, 0, 2, 0xff, 0xff, 0, 0, 0, 5]));
    await truncated.waitClosed();

    const oversized = await RawConnection.open(kafkaPort);
    const prefix = Buffer.alloc(4);
    prefix.writeInt32BE(MAX_FRAME_BYTES + 1, 0);
    oversized.socket.write(prefix);
    await oversized.waitClosed();

    expect(healthy.closed).to.equal(false);
    expect(await healthy.apiVersions(12)).to.deep.equal({ correlationId: 12, errorCode: 0 });
    const listed = await kcat(['-b', bootstrap, '-L']);
    expect(listed.code).to.equal(0);
    expect(broker!.child.exitCode).to.equal(null);
    expect(broker!.output).to.match(/frame of 1048577 bytes refused/);
  });
});

describe('Kafka listener on a broker that requires authentication', function () {
  this.timeout(60_000);
  let broker: BrokerProcess | undefined;

  after(async () => {
    await broker?.cleanup();
  });

  it('closes an ANONYMOUS connection at its first request past ApiVersions and SASL, and every connection when there is no way to authenticate', async () => {
    ensureKcat();
    const kafkaPort = await freePort();
    broker = await BrokerProcess.start({ args: ['--kafka-port', String(kafkaPort), '--authentication-required', 'true'] });
    const listed = await kcat(['-b', `127.0.0.1:${kafkaPort}`, '-L', '-m', '3']);
    expect(listed.code).to.not.equal(0);
    await waitFor('the refusal in the broker log', () => (/Metadata before authenticating/.test(broker!.output) ? true : undefined));
    const dataDir = broker.dataDir;
    await broker.stop();
    broker = await BrokerProcess.start({ dataDir, ownsDataDir: true, args: ['--kafka-port', String(kafkaPort), '--authentication-required', 'true', '--sasl-enabled-mechanisms', ''] });
    expect((await kcat(['-b', `127.0.0.1:${kafkaPort}`, '-L', '-m', '3'])).code).to.not.equal(0);
    await waitFor('the refusal in the broker log', () => (/no SASL mechanism is enabled nor TLS on the Kafka listener/.test(broker!.output) ? true : undefined));
  });
});

describe('Kafka listener with auto.create.topics.enable=false', function () {
  this.timeout(60_000);
  let broker: BrokerProcess | undefined;

  after(async () => {
    await broker?.cleanup();
  });

  it('answers UNKNOWN_TOPIC_OR_PARTITION for a topic nobody created, and creates nothing', async () => {
    ensureKcat();
    const kafkaPort = await freePort();
    broker = await BrokerProcess.start({ args: ['--kafka-port', String(kafkaPort), '--auto-create-topics-enable', 'false'] });
    const produced = await kcat(['-b', `127.0.0.1:${kafkaPort}`, '-t', 'never-created', '-P', '-X', 'message.timeout.ms=3000'], 'x\n');
    expect(produced.code).to.not.equal(0);
    // librdkafka retries an unknown topic until its message timeout; Metadata tells why.
    expect(await kcatOk(['-b', `127.0.0.1:${kafkaPort}`, '-L', '-t', 'never-created'])).to.match(/Unknown topic or partition/);
    const metadata = await kcatMetadata(['-b', `127.0.0.1:${kafkaPort}`]);
    expect(metadata.topics.map((t) => t.topic)).to.not.include('never-created');
  });
});

describe('Kafka listener connection limits on a broker process', function () {
  this.timeout(60_000);
  let broker: BrokerProcess | undefined;
  const sockets: Socket[] = [];

  after(async () => {
    for (const socket of sockets) socket.destroy();
    await broker?.cleanup();
  });

  it('closes connections beyond kafka.max.connections at once, and idle ones after kafka.connections.max.idle.ms', async () => {
    const kafkaPort = await freePort();
    broker = await BrokerProcess.start({ args: ['--kafka-port', String(kafkaPort), '--kafka-max-connections', '2', '--kafka-connections-max-idle-ms', '1500'] });
    const first = await RawConnection.open(kafkaPort);
    const second = await RawConnection.open(kafkaPort);
    sockets.push(first.socket, second.socket);
    expect(await first.apiVersions(1)).to.deep.equal({ correlationId: 1, errorCode: 0 });
    expect(await second.apiVersions(2)).to.deep.equal({ correlationId: 2, errorCode: 0 });
    const third = await RawConnection.open(kafkaPort);
    sockets.push(third.socket);
    await third.waitClosed();
    // The two that were let in stay usable until they idle out.
    expect(await first.apiVersions(3)).to.deep.equal({ correlationId: 3, errorCode: 0 });
    await first.waitClosed();
    await second.waitClosed();
    expect(broker.output).to.match(/idle for 1500 ms/);
    expect(broker.output).to.match(/kafka.max.connections=2 are open/);
  });
});
