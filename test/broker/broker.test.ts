import { expect } from 'chai';
import { crc32c } from '@node-rs/crc32';
import { gzipSync } from 'node:zlib';
import { compressSync as lz4CompressSync } from 'lz4-napi';
import { ATTR_CONTROL, BATCH_HEADER_BYTES, decodeBatch, encodeBatch, splitBatches, type DecodedRecord, type RecordInput } from '../../src/protocol/batch.js';
import { codecId, DECOMPRESSED_BYTES_MAX } from '../../src/protocol/compression.js';
import { BrokerProcess, waitFor } from '../helpers/broker-process.js';
import { expectError, RawClient } from '../helpers/raw-client.js';

function records(count: number, prefix: string, extra: Partial<RecordInput> = {}): RecordInput[] {
  return Array.from({ length: count }, (_, i) => ({
    key: Buffer.from(`${prefix}-key-${i}`),
    value: Buffer.from(`${prefix}-value-${i}`),
    headers: [{ key: 'n', value: Buffer.from(String(i)) }],
    ...extra,
  }));
}

async function fetchAll(client: RawClient, topic: string, partition: number, from = 0): Promise<DecodedRecord[]> {
  const out: DecodedRecord[] = [];
  let offset = from;
  for (;;) {
    const response = await client.fetch({ topic, partition, offset, maxBytes: 256 * 1024, maxWaitMs: 0 });
    for (const batch of splitBatches(response.records)) {
      for (const record of decodeBatch(batch).records) if (record.offset >= offset) out.push(record);
    }
    if (response.nextOffset >= response.highWatermark || response.nextOffset === offset) return out;
    offset = response.nextOffset;
  }
}

/** Waits until the broker reports a Fetch in flight (parked in its long-poll). */
async function waitForParkedFetch(broker: BrokerProcess): Promise<void> {
  await waitFor('a parked fetch', async () => {
    const body = await (await fetch(`http://127.0.0.1:${broker.httpPort}/metrics`)).text();
    return /^sluice_requests_in_flight\{method="Fetch"\} [1-9]/m.test(body) ? true : undefined;
  });
}

describe('broker process', function () {
  this.timeout(60_000);
  let broker: BrokerProcess;
  let client: RawClient;

  before(async () => {
    broker = await BrokerProcess.start({ args: ['--retention-check-interval-ms', '50'] });
    client = new RawClient(broker.address);
  });

  after(async () => {
    client?.close();
    await broker?.cleanup();
  });

  it('creates, lists and describes a topic', async () => {
    const created = await client.createTopic({ name: 'described', partitions: 3, replicationFactor: 1, configs: { 'retention.ms': '60000' } });
    expect(created.partitions.map((p) => p.partition)).to.deep.equal([0, 1, 2]);
    expect(created.configs['retention.ms']).to.equal('60000');
    const described = await client.describeTopic('described');
    expect(described.partitions).to.have.length(3);
    for (const p of described.partitions) {
      expect(p.leader).to.equal(1);
      expect(p.logEndOffset).to.equal(0);
      expect(p.highWatermark).to.equal(0);
    }
  });

  it('stores 10,000 records over 3 partitions and serves them back identical and in order', async () => {
    await client.createTopic({ name: 'roundtrip', partitions: 3, replicationFactor: 1 });
    const sent: RecordInput[][] = [[], [], []];
    for (let b = 0; b < 100; b++) {
      const partition = b % 3;
      const batch = records(100, `b${b}`);
      const result = await client.produce({ topic: 'roundtrip', partition, acks: -1, batch: encodeBatch(batch) });
      expect(result.baseOffset).to.equal(sent[partition]!.length);
      expect(result.lastOffset).to.equal(sent[partition]!.length + 99);
      sent[partition]!.push(...batch);
    }
    for (let partition = 0; partition < 3; partition++) {
      const got = await fetchAll(client, 'roundtrip', partition);
      expect(got.map((r) => r.offset)).to.deep.equal(sent[partition]!.map((_, i) => i));
      expect(got.map((r) => r.key!.toString())).to.deep.equal(sent[partition]!.map((r) => r.key!.toString()));
      expect(got.map((r) => r.value!.toString())).to.deep.equal(sent[partition]!.map((r) => r.value!.toString()));
      expect(got.map((r) => r.headers[0]!.value.toString())).to.deep.equal(sent[partition]!.map((r) => r.headers![0]!.value.toString()));
    }
  });

  it('answers a fetch from the middle of a batch starting at that batch, and lists offsets', async () => {
    await client.createTopic({ name: 'offsets', partitions: 1, replicationFactor: 1, configs: { 'retention.ms': '-1' } }); // its timestamps are from 1970
    await client.produce({ topic: 'offsets', partition: 0, acks: -1, batch: encodeBatch(records(10, 'a'), { nowMs: 1_000 }) });
    await client.produce({ topic: 'offsets', partition: 0, acks: -1, batch: encodeBatch(records(10, 'b'), { nowMs: 2_000 }) });
    const response = await client.fetch({ topic: 'offsets', partition: 0, offset: 15, maxBytes: 1 });
    const [batch] = splitBatches(response.records);
    expect(decodeBatch(batch!).header.baseOffset).to.equal(10);
    expect((await client.listOffsets({ topic: 'offsets', partition: 0, timestamp: -2 })).offset).to.equal(0);
    expect((await client.listOffsets({ topic: 'offsets', partition: 0, timestamp: -1 })).offset).to.equal(20);
    expect((await client.listOffsets({ topic: 'offsets', partition: 0, timestamp: 1_500 })).offset).to.equal(10);
  });

  it('lists the offset of the first record at or after a timestamp, inside a batch', async () => {
    await client.createTopic({ name: 'by-time', partitions: 1, replicationFactor: 1, configs: { 'retention.ms': '-1' } });
    const timed = (count: number, from: number) => records(count, 't').map((record, i) => ({ ...record, timestamp: from + i * 1000 }));
    await client.produce({ topic: 'by-time', partition: 0, acks: -1, batch: encodeBatch(timed(100, 1_000_000)) });
    await client.produce({ topic: 'by-time', partition: 0, acks: -1, batch: encodeBatch(timed(100, 1_100_000), { compression: 'gzip' }) });
    const at = async (timestamp: number) => (await client.listOffsets({ topic: 'by-time', partition: 0, timestamp })).offset;
    expect(await at(1_050_500)).to.equal(51);
    expect(await at(1_050_000)).to.equal(50);
    expect(await at(0)).to.equal(0);
    expect(await at(1_150_500)).to.equal(151);
    expect(await at(1_199_001)).to.equal(200); // after every record: the high watermark (latest)
  });

  it('long-polls a fetch at the end of the log until a record arrives', async () => {
    await client.createTopic({ name: 'longpoll', partitions: 1, replicationFactor: 1 });
    const startedAt = Date.now();
    const pending = client.fetch({ topic: 'longpoll', partition: 0, offset: 0, maxWaitMs: 10_000 });
    await waitForParkedFetch(broker);
    await client.produce({ topic: 'longpoll', partition: 0, acks: 1, batch: encodeBatch(records(1, 'x')) });
    const response = await pending;
    expect(splitBatches(response.records)).to.have.length(1);
    expect(Date.now() - startedAt).to.be.below(5_000);
    const empty = await client.fetch({ topic: 'longpoll', partition: 0, offset: 1, maxWaitMs: 200 });
    expect(empty.records.length).to.equal(0);
  });

  /** A one-record batch whose records section is `section`, marked with `codec`, under a valid CRC. */
  function withRecordsSection(section: Buffer, codec: number): Buffer {
    const plain = encodeBatch(records(1, 's'));
    const batch = Buffer.concat([plain.subarray(0, BATCH_HEADER_BYTES), section]);
    batch.writeInt32BE(batch.length - 12, 8);
    batch.writeInt16BE((batch.readInt16BE(21) & ~0x07) | codec, 21);
    batch.writeUInt32BE(crc32c(batch.subarray(21)), 17);
    return batch;
  }

  describe('bad input gets its error code and the broker keeps serving', () => {
    before(async () => {
      await client.createTopic({ name: 'strict', partitions: 2, replicationFactor: 1, configs: { 'max.message.bytes': '2000' } });
    });

    afterEach(async () => {
      const ok = await client.produce({ topic: 'strict', partition: 0, acks: 1, batch: encodeBatch(records(1, 'ok')) });
      expect(ok.baseOffset).to.be.at.least(0);
    });

    const cases: Array<[string, string, () => Promise<unknown>]> = [
      ['a batch with a flipped byte', 'CORRUPT_BATCH', () => {
        const batch = encodeBatch(records(3, 'c'));
        batch[batch.length - 2]! ^= 0xff;
        return client.produce({ topic: 'strict', partition: 0, acks: 1, batch });
      }],
      ['records that do not match the header, behind a valid CRC', 'CORRUPT_BATCH', () => {
        const batch = Buffer.from(encodeBatch(records(1, 'h')));
        batch.writeInt32BE(1_000_000, 65); // record count
        batch.writeInt32BE(999_999, 23); // last offset delta
        batch.writeUInt32BE(crc32c(batch.subarray(21)), 17);
        return client.produce({ topic: 'strict', partition: 0, acks: 1, batch });
      }],
      ['a control batch from a producer', 'CORRUPT_BATCH', () => {
        const batch = Buffer.from(encodeBatch(records(1, 'k')));
        batch.writeInt16BE(batch.readInt16BE(21) | ATTR_CONTROL, 21);
        batch.writeUInt32BE(crc32c(batch.subarray(21)), 17);
        return client.produce({ topic: 'strict', partition: 0, acks: 1, batch });
      }],
      ['a truncated batch', 'CORRUPT_BATCH', () => client.produce({ topic: 'strict', partition: 0, acks: 1, batch: encodeBatch(records(3, 't')).subarray(0, 80) })],
      ['bytes that are not a batch', 'CORRUPT_BATCH', () => client.produce({ topic: 'strict', partition: 0, acks: 1, batch: Buffer.from('hello') })],
      ['a batch over max.message.bytes', 'BATCH_TOO_LARGE', () =>
        client.produce({ topic: 'strict', partition: 0, acks: 1, batch: encodeBatch([{ value: Buffer.alloc(5000, 1) }]) })],
      // Refused by its size before anything decompresses it (it would inflate to 64 MiB).
      ['a gzip bomb over max.message.bytes', 'BATCH_TOO_LARGE', () =>
        client.produce({ topic: 'strict', partition: 0, acks: 1, batch: withRecordsSection(gzipSync(Buffer.alloc(DECOMPRESSED_BYTES_MAX)), codecId('gzip')) })],
      // lz4's decoder allocates what the header claims: 16 s for a claimed 2 GiB before this check.
      ['an lz4 batch whose size header claims 4 GiB', 'CORRUPT_BATCH', () => {
        const section = Buffer.from(lz4CompressSync(Buffer.from('not what it claims')));
        section.writeUInt32LE(0xffffffff, 0);
        return client.produce({ topic: 'strict', partition: 0, acks: 1, batch: withRecordsSection(section, codecId('lz4')) });
      }],
      ['an lz4 batch whose size header is a little off', 'CORRUPT_BATCH', () => {
        const section = Buffer.from(lz4CompressSync(encodeBatch(records(1, 'l')).subarray(BATCH_HEADER_BYTES)));
        section.writeUInt32LE(section.readUInt32LE(0) + 100, 0);
        return client.produce({ topic: 'strict', partition: 0, acks: 1, batch: withRecordsSection(section, codecId('lz4')) });
      }],
      ['an unknown topic', 'UNKNOWN_TOPIC', () => client.produce({ topic: 'nope', partition: 0, acks: 1, batch: encodeBatch(records(1, 'u')) })],
      ['an unknown partition', 'UNKNOWN_PARTITION', () => client.produce({ topic: 'strict', partition: 9, acks: 1, batch: encodeBatch(records(1, 'u')) })],
      ['acks other than 0, 1, -1', 'INVALID_REQUEST', () => client.produce({ topic: 'strict', partition: 0, acks: 5, batch: encodeBatch(records(1, 'a')) })],
      ['a produce without a topic', 'INVALID_REQUEST', () => client.produce({ partition: 0, acks: 1, batch: encodeBatch(records(1, 'a')) })],
      ['a produce without a batch', 'INVALID_REQUEST', () => client.produce({ topic: 'strict', partition: 0, acks: 1 })],
      ['a fetch past the log end', 'OFFSET_OUT_OF_RANGE', () => client.fetch({ topic: 'strict', partition: 1, offset: 1000 })],
      ['a fetch at a negative offset', 'INVALID_REQUEST', () => client.fetch({ topic: 'strict', partition: 1, offset: -5 })],
      ['an invalid topic name', 'INVALID_TOPIC', () => client.createTopic({ name: 'bad/name', partitions: 1, replicationFactor: 1 })],
      ['a reserved topic name', 'INVALID_TOPIC', () => client.createTopic({ name: '__mine', partitions: 1, replicationFactor: 1 })],
      ['zero partitions', 'INVALID_CONFIG', () => client.createTopic({ name: 'zero', partitions: 0, replicationFactor: 1 })],
      ['a replication factor above the broker count', 'INVALID_CONFIG', () => client.createTopic({ name: 'rf', partitions: 1, replicationFactor: 3 })],
      ['an unknown config key', 'INVALID_CONFIG', () => client.createTopic({ name: 'cfg', partitions: 1, replicationFactor: 1, configs: { 'retention.weeks': '1' } })],
      ['a non-numeric config value', 'INVALID_CONFIG', () => client.createTopic({ name: 'cfg', partitions: 1, replicationFactor: 1, configs: { 'retention.ms': 'soon' } })],
      ['an existing topic', 'TOPIC_EXISTS', () => client.createTopic({ name: 'strict', partitions: 1, replicationFactor: 1 })],
    ];
    for (const [what, code, attempt] of cases) {
      it(`${what} → ${code}`, async () => {
        const error = await expectError(attempt);
        expect(error.code, error.message).to.equal(code);
        expect(error.message).to.have.length.above(code.length + 5);
      });
    }
  });

  it('never delivers records whose TTL has passed, and counts them', async () => {
    await client.createTopic({ name: 'ttl', partitions: 1, replicationFactor: 1 });
    const now = Date.now();
    // The expired batch sits between two live ones, so retention cannot delete it: fetch must skip it.
    await client.produce({ topic: 'ttl', partition: 0, acks: 1, batch: encodeBatch(records(5, 'before'), { nowMs: now }) });
    await client.produce({ topic: 'ttl', partition: 0, acks: 1, batch: encodeBatch(records(5, 'short', { ttlMs: 300 }), { nowMs: now }) });
    await client.produce({ topic: 'ttl', partition: 0, acks: 1, batch: encodeBatch(records(5, 'after'), { nowMs: now }) });
    const expired = await waitFor('the short-lived batch to expire', async () => {
      const response = await client.fetch({ topic: 'ttl', partition: 0, offset: 5, maxWaitMs: 0 });
      return response.expiredRecords === 5 ? response : undefined;
    });
    const delivered = splitBatches(expired.records).flatMap((batch) => decodeBatch(batch).records);
    expect(delivered.map((r) => r.value!.toString())).to.deep.equal(records(5, 'after').map((r) => r.value!.toString()));
    expect(delivered[0]!.offset).to.equal(10);
    const all = await fetchAll(client, 'ttl', 0);
    expect(all.map((r) => r.value!.toString())).to.deep.equal([...records(5, 'before'), ...records(5, 'after')].map((r) => r.value!.toString()));
  });

  it('pipelines produce and fetch on request streams: answers by correlation id, errors in the answer, the stream keeps serving', async () => {
    await client.createTopic({ name: 'streamed', partitions: 1, replicationFactor: 1 });
    const corrupt = encodeBatch(records(2, 'bad'));
    corrupt[corrupt.length - 1]! ^= 0xff;
    const produced = await client.produceStream([
      { correlationId: 11, topic: 'streamed', partition: 0, acks: 1, batch: encodeBatch(records(3, 'a')) },
      { correlationId: 12, topic: 'streamed', partition: 0, acks: 1, batch: corrupt },
      { correlationId: 13, topic: 'nope', partition: 0, acks: 1, batch: encodeBatch(records(1, 'u')) },
      { correlationId: 14, topic: 'streamed', partition: 0, acks: 1, batch: encodeBatch(records(2, 'b')) },
    ]);
    const byId = new Map(produced.map((answer) => [answer.correlationId, answer]));
    expect([...byId.keys()].sort()).to.deep.equal([11, 12, 13, 14]);
    // Requests on one stream are appended in the order sent.
    expect([byId.get(11)!.baseOffset, byId.get(14)!.baseOffset]).to.deep.equal([0, 3]);
    expect([byId.get(11)!.error, byId.get(14)!.error]).to.deep.equal([null, null]);
    expect(byId.get(12)!.error?.code).to.equal('CORRUPT_BATCH');
    expect(byId.get(13)!.error?.code).to.equal('UNKNOWN_TOPIC');
    expect(byId.get(13)!.error?.message).to.match(/nope/);

    const fetched = await client.fetchStream([
      { correlationId: 21, topic: 'streamed', partition: 0, offset: 3 },
      { correlationId: 22, topic: 'streamed', partition: 0, offset: 99 },
      { correlationId: 23, topic: 'streamed', partition: 0, offset: 0 },
    ]);
    const fetchById = new Map(fetched.map((answer) => [answer.correlationId, answer]));
    expect(decodeBatch(fetchById.get(21)!.records).records.map((r) => r.value!.toString())).to.deep.equal(['b-value-0', 'b-value-1']);
    expect(fetchById.get(22)!.error?.code).to.equal('OFFSET_OUT_OF_RANGE');
    expect(splitBatches(fetchById.get(23)!.records)).to.have.length(2);
    expect(fetchById.get(23)!.highWatermark).to.equal(5);
  });

  it('parks a long-poll per partition on one fetch stream and answers each when its partition gets data', async () => {
    const partitions = 16;
    await client.createTopic({ name: 'wide', partitions, replicationFactor: 1 });
    const stream = client.broker.FetchStream();
    const request = (p: number) => ({ correlationId: p + 1, topic: 'wide', partition: p, offset: 0, maxWaitMs: 20_000 });
    const answers = new Map<number, number>();
    // A partition still electing its leader answers at once with an error; ask again until all 16 park.
    stream.on('data', (answer: { correlationId: number; records: Buffer; error: unknown }) => {
      if (answer.error && answer.records.length === 0) setTimeout(() => stream.write(request(answer.correlationId - 1)), 50);
      else answers.set(answer.correlationId, answer.records.length);
    });
    stream.on('error', () => undefined);
    for (let p = 0; p < partitions; p++) stream.write(request(p));
    await waitFor('16 parked fetches', async () => {
      const body = await (await fetch(`http://127.0.0.1:${broker.httpPort}/metrics`)).text();
      return /^sluice_requests_in_flight\{method="Fetch"\} 16$/m.test(body) ? true : undefined;
    }, 30_000);
    for (let p = 0; p < partitions; p++) await client.produce({ topic: 'wide', partition: p, acks: 1, batch: encodeBatch(records(1, `w${p}`)) });
    await waitFor('every fetch answered with its record', () => (answers.size === partitions && [...answers.values()].every((n) => n > 0) ? true : undefined));
    stream.end();
    expect(broker.output).to.not.match(/MaxListenersExceeded|memory leak/i);
  });

  it('applies the topic default message.ttl.ms and retention deletes the expired head', async () => {
    await client.createTopic({ name: 'topicttl', partitions: 1, replicationFactor: 1, configs: { 'message.ttl.ms': '200' } });
    await client.produce({ topic: 'topicttl', partition: 0, acks: 1, batch: encodeBatch(records(4, 'old')) });
    await waitFor('retention to drop the expired batch', async () => {
      const described = await client.describeTopic('topicttl');
      return described.partitions[0]!.logStartOffset === 4 ? true : undefined;
    });
    const error = await expectError(() => client.fetch({ topic: 'topicttl', partition: 0, offset: 0 }));
    expect(error.code).to.equal('OFFSET_OUT_OF_RANGE');
  });

  it('deletes whole old batches beyond retention.bytes', async () => {
    await client.createTopic({ name: 'bounded', partitions: 1, replicationFactor: 1, configs: { 'retention.bytes': '3000' } });
    for (let i = 0; i < 10; i++) {
      await client.produce({ topic: 'bounded', partition: 0, acks: 1, batch: encodeBatch([{ value: Buffer.alloc(900, i) }]) });
    }
    const start = await waitFor('size retention', async () => {
      const p = (await client.describeTopic('bounded')).partitions[0]!;
      return p.highWatermark === 10 && p.logStartOffset > 0 && p.sizeBytes <= 3000 ? p.logStartOffset : undefined;
    });
    expect(start).to.be.at.least(7);
    const rest = await fetchAll(client, 'bounded', 0, start);
    expect(rest.map((r) => r.offset)).to.deep.equal(Array.from({ length: 10 - start }, (_, i) => start + i));
  });

  it('deletes a topic', async () => {
    await client.createTopic({ name: 'doomed', partitions: 1, replicationFactor: 1 });
    await client.produce({ topic: 'doomed', partition: 0, acks: 1, batch: encodeBatch(records(3, 'd')) });
    await client.deleteTopic('doomed');
    expect((await expectError(() => client.describeTopic('doomed'))).code).to.equal('UNKNOWN_TOPIC');
    const again = await client.createTopic({ name: 'doomed', partitions: 1, replicationFactor: 1 });
    expect(again.partitions[0]!.logEndOffset).to.equal(0);
  });
});

describe('broker durability across restarts', function () {
  this.timeout(60_000);
  let broker: BrokerProcess;

  afterEach(async () => {
    await broker?.cleanup();
  });

  it('keeps every record after a clean restart', async () => {
    broker = await BrokerProcess.start();
    let client = new RawClient(broker.address);
    await client.createTopic({ name: 'kept', partitions: 2, replicationFactor: 1 });
    for (let i = 0; i < 20; i++) await client.produce({ topic: 'kept', partition: i % 2, acks: -1, batch: encodeBatch(records(50, `r${i}`)) });
    client.close();
    const restarted = await broker.restart('SIGTERM');
    broker = restarted;
    client = new RawClient(broker.address);
    for (const partition of [0, 1]) expect((await fetchAll(client, 'kept', partition)).length).to.equal(500);
    client.close();
  });

  it('keeps every acknowledged record after SIGKILL during a stream of writes', async () => {
    broker = await BrokerProcess.start();
    let client = new RawClient(broker.address);
    await client.createTopic({ name: 'killed', partitions: 1, replicationFactor: 1 });
    const acked = new Map<number, string>();
    let stop = false;
    const writer = (async () => {
      for (let i = 0; !stop; i++) {
        try {
          const result = await client.produce({ topic: 'killed', partition: 0, acks: -1, batch: encodeBatch([{ value: Buffer.from(`v${i}`) }]) });
          acked.set(result.baseOffset, `v${i}`);
        } catch {
          return;
        }
      }
    })();
    await waitFor('some acknowledged writes', () => (acked.size >= 300 ? true : undefined));
    await broker.stop('SIGKILL');
    stop = true;
    await writer;
    client.close();
    broker = await BrokerProcess.start({ dataDir: broker.dataDir, ownsDataDir: true });
    client = new RawClient(broker.address);
    const stored = await fetchAll(client, 'killed', 0);
    const byOffset = new Map(stored.map((r) => [r.offset, r.value!.toString()]));
    for (const [offset, value] of acked) expect(byOffset.get(offset), `offset ${offset}`).to.equal(value);
    expect(stored.map((r) => r.offset)).to.deep.equal(stored.map((_, i) => i));
    client.close();
  });

  it('answers a long-poll waiting on an open fetch stream, ends the stream and exits 0 on SIGTERM', async () => {
    broker = await BrokerProcess.start();
    const client = new RawClient(broker.address);
    await client.createTopic({ name: 'quiet', partitions: 1, replicationFactor: 1 });
    const stream = client.broker.FetchStream();
    const answers: Array<{ correlationId: number; records: Buffer }> = [];
    const ended = new Promise<void>((resolve, reject) => {
      stream.on('data', (answer: { correlationId: number; records: Buffer }) => answers.push(answer));
      stream.on('end', resolve);
      stream.on('error', reject);
    });
    stream.write({ correlationId: 7, topic: 'quiet', partition: 0, offset: 0, maxWaitMs: 20_000 });
    await waitForParkedFetch(broker);
    const startedAt = Date.now();
    const code = await broker.stop('SIGTERM');
    await ended;
    expect(answers.map((a) => [a.correlationId, a.records.length])).to.deep.equal([[7, 0]]);
    expect(code).to.equal(0);
    expect(Date.now() - startedAt).to.be.below(5_000);
    client.close();
  });

  it('answers a waiting long-poll and exits 0 on SIGTERM', async () => {
    broker = await BrokerProcess.start();
    const client = new RawClient(broker.address);
    await client.createTopic({ name: 'quiet', partitions: 1, replicationFactor: 1 });
    const pending = client.fetch({ topic: 'quiet', partition: 0, offset: 0, maxWaitMs: 20_000 });
    await waitForParkedFetch(broker);
    const startedAt = Date.now();
    const code = await broker.stop('SIGTERM');
    const response = await pending;
    expect(response.records.length).to.equal(0);
    expect(code).to.equal(0);
    expect(Date.now() - startedAt).to.be.below(5_000);
    client.close();
  });
});
