/**
 * The producer against a fake transport whose "broker" keeps a log per partition and deduplicates
 * with the broker's own ProducerStateTable: sequences, retries with the same bytes, lost answers,
 * pipelining with a failure in the middle, fatal errors, and the non-idempotent mode.
 */
import { expect } from 'chai';
import { Cluster, Producer, resolveClientOptions, resolveProducerOptions, SluiceError, type ProduceCall, type ProducerOptions, type ProducerTransport } from '../../src/client/index.js';
import { decodeBatch, validateBatch, type BatchHeader } from '../../src/protocol/batch.js';
import type { ErrorCode } from '../../src/protocol/errors.js';
import { ProducerStateTable } from '../../src/broker/producer-state.js';
import { brokerApi } from '../../src/protocol/grpc.js';
import type { ProduceRequest__Output } from '../../src/protocol/generated/sluice/v1/ProduceRequest.js';

/** Decodes a hand-written ProduceRequest envelope with the generated protobuf decoder. */
function decodeRequest(request: Buffer): ProduceRequest__Output {
  return brokerApi().Broker.service.Produce!.requestDeserialize(request) as ProduceRequest__Output;
}

interface StoredBatch {
  header: BatchHeader;
  baseOffset: number;
  values: string[];
}

interface HeldCall {
  call: ProduceCall;
  resolve: (answer: { baseOffset: number }) => void;
  reject: (err: unknown) => void;
}

/** What the fake broker does with one held request. */
type Action = 'process' | 'lose' | ErrorCode;

class FakeBroker implements ProducerTransport {
  readonly calls: ProduceCall[] = [];
  readonly held: HeldCall[] = [];
  /** Hold requests until the test answers them; else answer each at once (after a microtask). */
  hold = false;
  /** Scripted outcomes of the next requests, in order, when not holding. */
  script: Action[] = [];
  /** The topic's max.message.bytes: larger batches are refused before the sequence check, as by Partition.produce. */
  maxBatchBytes = Infinity;
  readonly logs = new Map<number, StoredBatch[]>();
  private readonly states = new Map<number, ProducerStateTable>();
  private readonly ends = new Map<number, number>();
  producerIds = 0;

  cachedPartitionCount(): number {
    return 2;
  }

  async partitionCount(): Promise<number> {
    return 2;
  }

  async initProducerId(): Promise<{ producerId: number; producerEpoch: number }> {
    return { producerId: 1000 + this.producerIds++, producerEpoch: 0 };
  }

  produce(call: ProduceCall): Promise<{ baseOffset: number }> {
    // The envelope the real transport sends must carry exactly these fields and bytes, for any
    // correlation id (rewritten in front of the same batch on every attempt).
    for (const correlationId of [this.calls.length + 1, 2 ** 40 + 3]) {
      const decoded = decodeRequest(call.request!(correlationId));
      expect([decoded.topic, decoded.partition, decoded.acks, decoded.timeoutMs, decoded.correlationId]).to.deep.equal([call.topic, call.partition, call.acks, call.ackTimeoutMs, correlationId]);
      expect(Buffer.from(decoded.batch).equals(call.batch)).to.equal(true);
    }
    this.calls.push({ ...call, batch: Buffer.from(call.batch) });
    return new Promise((resolve, reject) => {
      const held = { call, resolve, reject };
      call.cancellation?.onCancel(() => {
        const at = this.held.indexOf(held);
        if (at >= 0) this.held.splice(at, 1);
        reject(new SluiceError('INTERNAL', 'request cancelled by the client'));
      });
      if (this.hold) this.held.push(held);
      else queueMicrotask(() => this.answer(held, this.script.shift() ?? 'process'));
    });
  }

  /** Leader watches of backing-off partitions, until `moveLeader` ends them. */
  private readonly leaderWatches: Array<(moved: boolean) => void> = [];

  leaderMoved(_topic: string, _partition: number, signal: AbortSignal): Promise<boolean> {
    return new Promise((resolve) => {
      this.leaderWatches.push(resolve);
      signal.addEventListener('abort', () => resolve(false), { once: true });
    });
  }

  /** Names a new leader for every partition being watched. */
  moveLeader(): void {
    for (const resolve of this.leaderWatches.splice(0)) resolve(true);
  }

  get watching(): number {
    return this.leaderWatches.length;
  }

  close(): void {}

  /** Answers the held request at `index` (in arrival order among those still held). */
  answerHeld(index: number, action: Action): void {
    const [held] = this.held.splice(index, 1);
    this.answer(held!, action);
  }

  answer(held: HeldCall, action: Action): void {
    if (action !== 'process' && action !== 'lose') {
      held.reject(new SluiceError(action, 'scripted'));
      return;
    }
    let baseOffset: number;
    try {
      baseOffset = this.append(held.call);
    } catch (err) {
      held.reject(err);
      return;
    }
    if (action === 'lose') held.reject(new SluiceError('REQUEST_TIMED_OUT', 'answer lost'));
    else held.resolve({ baseOffset });
  }

  values(partition: number): string[] {
    return (this.logs.get(partition) ?? []).flatMap((batch) => batch.values);
  }

  private append(call: ProduceCall): number {
    if (call.batch.length > this.maxBatchBytes) throw new SluiceError('BATCH_TOO_LARGE', `batch of ${call.batch.length} bytes`);
    const header = validateBatch(call.batch);
    let state = this.states.get(call.partition);
    if (!state) this.states.set(call.partition, (state = new ProducerStateTable()));
    const check = state.check(header);
    if (check.kind === 'duplicate') return check.batch.baseOffset;
    const baseOffset = this.ends.get(call.partition) ?? 0;
    this.ends.set(call.partition, baseOffset + header.recordCount);
    state.record(header, baseOffset, baseOffset + header.recordCount - 1);
    const values = decodeBatch(call.batch).records.map((record) => record.value!.toString());
    const log = this.logs.get(call.partition) ?? [];
    log.push({ header, baseOffset, values });
    this.logs.set(call.partition, log);
    return baseOffset;
  }
}

function producer(broker: FakeBroker, options: ProducerOptions = {}, backoffMs = 1): Producer {
  const cluster = new Cluster(resolveClientOptions({ bootstrap: '127.0.0.1:1', retry: { retries: 5, initialBackoffMs: backoffMs, maxBackoffMs: 2 * backoffMs } }));
  return new Producer(cluster, { lingerMs: 0, ...options }, { transport: broker });
}

async function until(what: string, condition: () => boolean): Promise<void> {
  for (let i = 0; i < 10_000; i++) {
    if (condition()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Polls `condition` on Node's clock (the producer's timers run on it here) until it holds. */
async function waitUntil(what: string, condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const values = (...list: string[]) => list.map((value) => ({ value }));
const headerOf = (call: ProduceCall) => validateBatch(call.batch);

describe('Producer (idempotent, fake transport)', () => {
  it('is idempotent by default with acks=all, 5 in flight; off by default with acks 0/1; refuses idempotence with acks 1', () => {
    expect(resolveProducerOptions()).to.include({ idempotent: true, maxInFlightPerPartition: 5, acks: -1 });
    expect(resolveProducerOptions({ acks: 1 })).to.include({ idempotent: false, maxInFlightPerPartition: 5 });
    expect(resolveProducerOptions({ idempotent: false, maxInFlightPerPartition: 1 })).to.include({ idempotent: false, maxInFlightPerPartition: 1 });
    expect(() => resolveProducerOptions({ acks: 1, idempotent: true })).to.throw(RangeError, /acks=all/);
    expect(() => resolveProducerOptions({ maxInFlightPerPartition: 6 })).to.throw(RangeError);
    expect(() => resolveProducerOptions({ idempotent: false, maxInFlightPerPartition: 0 })).to.throw(RangeError);
  });

  it('stamps producer id, epoch and per-partition sequences that grow by record count', async () => {
    const broker = new FakeBroker();
    const p = producer(broker);
    await p.send({ topic: 't', records: [...values('a', 'b', 'c').map((r) => ({ ...r, partition: 0 })), { value: 'x', partition: 1 }] });
    await p.send({ topic: 't', records: values('d', 'e').map((r) => ({ ...r, partition: 0 })) });
    await p.send({ topic: 't', records: [{ value: 'y', partition: 1 }] });
    const stamps = broker.calls.map((call) => {
      const header = headerOf(call);
      return [call.partition, header.producerId, header.producerEpoch, header.baseSequence, header.recordCount];
    });
    expect(stamps).to.deep.equal([
      [0, 1000, 0, 0, 3],
      [1, 1000, 0, 0, 1],
      [0, 1000, 0, 3, 2],
      [1, 1000, 0, 1, 1],
    ]);
    expect(p.idempotence).to.deep.equal({ producerId: 1000, producerEpoch: 0 });
    await p.close();
  });

  it('resolves a send once, with each record’s partition and offset, across partitions', async () => {
    const broker = new FakeBroker();
    const p = producer(broker);
    await p.send({ topic: 't', records: [{ value: 'p', partition: 1 }] });
    const metadata = await p.send({ topic: 't', records: [{ value: 'a', partition: 0 }, { value: 'b', partition: 1 }, { value: 'c', partition: 0, timestamp: Date.now() + 5 }] });
    expect(metadata.map((m) => [m.topic, m.partition, m.offset])).to.deep.equal([
      ['t', 0, 0],
      ['t', 1, 1],
      ['t', 0, 1],
    ]);
    expect(metadata[2]!.timestamp).to.be.greaterThan(metadata[0]!.timestamp);
    await p.close();
  });

  it('retries NOT_LEADER and BROKER_NOT_AVAILABLE with the same bytes and stores the batch once', async () => {
    const broker = new FakeBroker();
    broker.script = ['NOT_LEADER', 'BROKER_NOT_AVAILABLE'];
    const p = producer(broker);
    const metadata = await p.send({ topic: 't', records: values('a', 'b').map((r) => ({ ...r, partition: 0 })) });
    expect(broker.calls).to.have.length(3);
    expect(broker.calls[1]!.batch.equals(broker.calls[0]!.batch)).to.equal(true);
    expect(broker.calls[2]!.batch.equals(broker.calls[0]!.batch)).to.equal(true);
    expect(broker.values(0)).to.deep.equal(['a', 'b']);
    expect(metadata.map((m) => m.offset)).to.deep.equal([0, 1]);
    await p.close();
  });

  it('resends at once when a new leader is named during the backoff, not when the backoff ends', async () => {
    const broker = new FakeBroker();
    broker.script = ['NOT_LEADER'];
    const p = producer(broker, {}, 3_600_000);
    const sent = p.send({ topic: 't', records: [{ value: 'v0', partition: 0 }] });
    await until('the backoff watches the leader', () => broker.watching === 1);
    broker.moveLeader();
    const [metadata] = await sent;
    expect(metadata!.offset).to.equal(0);
    expect(broker.calls).to.have.length(2);
    await p.close();
  });

  it('gives up a request left unanswered once another leader is named, and resends its batch there', async () => {
    const broker = new FakeBroker();
    broker.hold = true;
    const p = producer(broker);
    const sent = p.send({ topic: 't', records: [{ value: 'v0', partition: 0 }] });
    // Unanswered past STALLED_REQUEST_MS: the producer watches the partition's leader.
    await waitUntil('the stalled request to be watched', () => broker.watching === 1, 5_000);
    broker.moveLeader();
    await waitUntil('the batch to be resent', () => broker.held.length === 1 && broker.calls.length === 2, 5_000);
    broker.answerHeld(0, 'process');
    const [metadata] = await sent;
    expect(metadata!.offset).to.equal(0);
    expect(broker.values(0)).to.deep.equal(['v0']);
    await p.close();
  });

  it('a lost answer (stored, then timed out) is retried and answered with the original offsets, no duplicate', async () => {
    const broker = new FakeBroker();
    const p = producer(broker);
    await p.send({ topic: 't', records: [{ value: 'first', partition: 0 }] });
    broker.script = ['lose', 'lose'];
    const metadata = await p.send({ topic: 't', records: values('a', 'b', 'c').map((r) => ({ ...r, partition: 0 })) });
    expect(broker.calls).to.have.length(4);
    expect(broker.calls[3]!.batch.equals(broker.calls[1]!.batch)).to.equal(true);
    expect(broker.values(0)).to.deep.equal(['first', 'a', 'b', 'c']);
    expect(metadata.map((m) => m.offset)).to.deep.equal([1, 2, 3]);
    await p.close();
  });

  it('pipelines up to maxInFlightPerPartition and keeps order when a batch in the middle fails', async () => {
    const broker = new FakeBroker();
    broker.hold = true;
    const p = producer(broker, { batchBytesMax: 200 });
    const first = p.send({ topic: 't', records: [{ value: 'v0', partition: 0 }] });
    // One request at a time until the leader knows the producer.
    await until('the first request', () => broker.held.length === 1);
    const sends = Array.from({ length: 6 }, (_, i) => p.send({ topic: 't', records: [{ value: `v${i + 1}-${'x'.repeat(150)}`, partition: 0 }] }));
    await new Promise((resolve) => setImmediate(resolve));
    expect(broker.held).to.have.length(1);
    broker.answerHeld(0, 'process');
    await first;
    await until('5 requests in flight', () => broker.held.length === 5);
    await new Promise((resolve) => setImmediate(resolve));
    expect(broker.held).to.have.length(5); // the sixth waits for a free slot
    expect(broker.held.map((held) => headerOf(held.call).baseSequence)).to.deep.equal([1, 2, 3, 4, 5]);
    broker.answerHeld(1, 'BROKER_NOT_AVAILABLE'); // v2 not stored
    broker.answerHeld(0, 'process'); // v1 stored
    // v3..v5 reach the broker without v2: refused as out of order.
    broker.answerHeld(0, 'process');
    broker.answerHeld(0, 'process');
    broker.answerHeld(0, 'process');
    // Recovery: nothing new while the failed ones are resent one at a time, in sequence order.
    for (const expected of [2, 3, 4, 5]) {
      await until(`resend of sequence ${expected}`, () => broker.held.length > 0);
      expect(broker.held.map((held) => headerOf(held.call).baseSequence)).to.deep.equal([expected]);
      broker.answerHeld(0, 'process');
    }
    broker.hold = false;
    await until('the sixth request', () => broker.held.length > 0 || broker.values(0).length === 7);
    while (broker.held.length > 0) broker.answerHeld(0, 'process');
    const offsets = (await Promise.all(sends)).map((metadata) => metadata[0]!.offset);
    expect(offsets).to.deep.equal([1, 2, 3, 4, 5, 6]);
    expect(broker.values(0).map((v) => v.split('-')[0])).to.deep.equal(['v0', 'v1', 'v2', 'v3', 'v4', 'v5', 'v6']);
    // Every resend carried the bytes first sent for that sequence.
    const firstBytes = new Map<number, Buffer>();
    for (const call of broker.calls) {
      const sequence = headerOf(call).baseSequence;
      const first = firstBytes.get(sequence);
      if (first) expect(call.batch.equals(first)).to.equal(true);
      else firstBytes.set(sequence, call.batch);
    }
    await p.close();
  });

  it('a batch whose request overtook its predecessor is resent after it (OUT_OF_ORDER_SEQUENCE is not fatal then)', async () => {
    const broker = new FakeBroker();
    broker.hold = true;
    const p = producer(broker, { batchBytesMax: 200 });
    broker.hold = false;
    await p.send({ topic: 't', records: [{ value: 'v0', partition: 0 }] });
    broker.hold = true;
    const sends = [1, 2].map((i) => p.send({ topic: 't', records: [{ value: `v${i}-${'x'.repeat(150)}`, partition: 0 }] }));
    await until('2 requests in flight', () => broker.held.length === 2);
    broker.answerHeld(1, 'process'); // v2 arrives first: out of order
    broker.answerHeld(0, 'process');
    await until('resend of v2', () => broker.held.length === 1);
    broker.answerHeld(0, 'process');
    expect((await Promise.all(sends)).map((m) => m[0]!.offset)).to.deep.equal([1, 2]);
    expect(broker.values(0).map((v) => v.split('-')[0])).to.deep.equal(['v0', 'v1', 'v2']);
    await p.close();
  });

  it('a fatal error fails its batch and the later ones in flight, then the partition restarts its sequence under the next epoch', async () => {
    const broker = new FakeBroker();
    broker.hold = true;
    const p = producer(broker, { batchBytesMax: 200 });
    const sends = [0, 1, 2].map((i) => p.send({ topic: 't', records: [{ value: `v${i}-${'x'.repeat(150)}`, partition: 0 }] }));
    const settled = sends.map((send) => send.then(() => 'ok', (err: SluiceError) => err.code));
    await until('the first request', () => broker.held.length === 1);
    broker.answerHeld(0, 'process');
    await sends[0];
    broker.logs.clear();
    await until('2 more requests in flight', () => broker.held.length === 2);
    broker.answerHeld(0, 'CORRUPT_BATCH');
    broker.answerHeld(0, 'process'); // refused: sequence 2 without 1
    expect(await Promise.all(settled)).to.deep.equal(['ok', 'CORRUPT_BATCH', 'OUT_OF_ORDER_SEQUENCE']);
    broker.hold = false;
    const [after] = await p.send({ topic: 't', records: [{ value: 'v3', partition: 0 }] });
    expect(after!.offset).to.equal(1);
    const last = headerOf(broker.calls[broker.calls.length - 1]!);
    expect([last.producerEpoch, last.baseSequence]).to.deep.equal([1, 0]);
    expect(broker.values(0).map((v) => v.split('-')[0])).to.deep.equal(['v3']);
    expect(p.bufferedBytes).to.equal(0);
    await p.close();
  });

  for (const idempotent of [true, false]) {
    it(`splits a batch refused as too large into halves, recursively, until each fits (idempotent: ${idempotent})`, async () => {
      const broker = new FakeBroker();
      broker.maxBatchBytes = 300;
      const p = producer(broker, idempotent ? {} : { idempotent: false, acks: 1 });
      const sent = Array.from({ length: 20 }, (_, i) => `r${String(i).padStart(2, '0')}-${'x'.repeat(40)}`);
      const metadata = await p.send({ topic: 't', records: sent.map((value) => ({ value, partition: 0 })) });
      expect(metadata.map((m) => m.offset)).to.deep.equal(sent.map((_, i) => i));
      expect(broker.values(0)).to.deep.equal(sent);
      const stored = broker.logs.get(0)!;
      expect(stored.length).to.be.greaterThan(1);
      let sequence = 0;
      for (const batch of stored) {
        expect(batch.header.batchLength + 12).to.be.at.most(300);
        expect(batch.header.baseSequence).to.equal(idempotent ? sequence : -1);
        sequence += batch.header.recordCount;
      }
      expect(p.bufferedBytes).to.equal(0);
      await p.close();
    });
  }

  it('resends batches pipelined behind a split one after its halves, with their own bytes: no duplicate, no reordering', async () => {
    const broker = new FakeBroker();
    broker.maxBatchBytes = 400;
    const p = producer(broker, { batchBytesMax: 2000 });
    await p.send({ topic: 't', records: [{ value: 'e0', partition: 0 }] }); // the leader knows the producer: pipelining
    broker.hold = true;
    const big = Array.from({ length: 10 }, (_, i) => `a${i}-${'x'.repeat(60)}`);
    const first = p.send({ topic: 't', records: big.map((value) => ({ value, partition: 0 })) });
    await until('the big batch', () => broker.held.length === 1);
    const second = p.send({ topic: 't', records: [{ value: 'b', partition: 0 }] });
    await until('the batch behind it', () => broker.held.length === 2);
    const behind = Buffer.from(broker.held[1]!.call.batch);
    expect(headerOf(broker.held[1]!.call).baseSequence).to.equal(11);
    broker.answerHeld(0, 'process'); // refused: too large
    broker.hold = false;
    broker.answerHeld(0, 'process'); // refused: sequence 11 without 1..10
    expect((await first).map((m) => m.offset)).to.deep.equal(big.map((_, i) => i + 1));
    expect((await second)[0]!.offset).to.equal(11);
    expect(broker.values(0)).to.deep.equal(['e0', ...big, 'b']);
    const stored = broker.logs.get(0)!;
    let sequence = 0;
    for (const batch of stored) {
      expect([batch.header.producerEpoch, batch.header.baseSequence]).to.deep.equal([0, sequence]);
      sequence += batch.header.recordCount;
    }
    expect(broker.calls[broker.calls.length - 1]!.batch.equals(behind)).to.equal(true);
    expect(p.bufferedBytes).to.equal(0);
    await p.close();
  });

  it('a single record above the limit fails its own send only; the rest are stored in order under the next epoch', async () => {
    const broker = new FakeBroker();
    broker.maxBatchBytes = 300;
    const p = producer(broker, { batchBytesMax: 2000 });
    await p.send({ topic: 't', records: [{ value: 'e0', partition: 0 }] });
    broker.hold = true;
    // Three sends in one batch: the middle one's record alone is too large.
    const sends = ['a', 'x'.repeat(500), 'b'].map((value) => p.send({ topic: 't', records: [{ value, partition: 0 }] }));
    await until('their batch', () => broker.held.length === 1);
    sends.push(p.send({ topic: 't', records: [{ value: 'c', partition: 0 }] }));
    await until('the batch behind it', () => broker.held.length === 2);
    broker.answerHeld(0, 'process'); // refused: too large
    broker.hold = false;
    broker.answerHeld(0, 'process'); // refused: out of order
    const settled = await Promise.all(sends.map((send) => send.then((m) => m[0]!.offset, (err: SluiceError) => err.code)));
    expect(settled).to.deep.equal([1, 'BATCH_TOO_LARGE', 2, 3]);
    expect(broker.values(0)).to.deep.equal(['e0', 'a', 'b', 'c']);
    const stamps = broker.logs.get(0)!.map((batch) => [batch.header.producerEpoch, batch.header.baseSequence]);
    expect(stamps).to.deep.equal([[0, 0], [0, 1], [1, 0], [1, 1]]);
    expect(p.bufferedBytes).to.equal(0);
    await p.close();
  });

  it('gives up after the configured retries with the last error', async () => {
    const broker = new FakeBroker();
    broker.script = Array.from({ length: 6 }, () => 'NOT_ENOUGH_REPLICAS' as const);
    const p = producer(broker);
    const err = await p.send({ topic: 't', records: [{ value: 'a', partition: 0 }] }).catch((e: unknown) => e);
    expect((err as SluiceError).code).to.equal('NOT_ENOUGH_REPLICAS');
    expect(broker.calls).to.have.length(6);
    expect(p.bufferedBytes).to.equal(0);
    await p.close();
  });

  for (const [inFlight, expected] of [[undefined, 3], [1, 1]] as const) {
    it(`with idempotent: false pipelines unstamped batches, ${expected} at a time per partition (maxInFlightPerPartition ${inFlight ?? 'default'})`, async () => {
      const broker = new FakeBroker();
      broker.hold = true;
      const p = producer(broker, { acks: 1, batchBytesMax: 200, ...(inFlight ? { maxInFlightPerPartition: inFlight } : {}) });
      const sends = [0, 1, 2].map((i) => p.send({ topic: 't', records: [{ value: `v${i}-${'x'.repeat(150)}`, partition: 0 }] }));
      await until('a request', () => broker.held.length === expected);
      await new Promise((resolve) => setImmediate(resolve));
      expect(broker.held).to.have.length(expected);
      for (const held of broker.held) expect(headerOf(held.call)).to.include({ producerId: -1, baseSequence: -1 });
      broker.hold = false;
      while (broker.held.length > 0) broker.answerHeld(0, 'process');
      expect((await Promise.all(sends)).map((m) => m[0]!.offset)).to.deep.equal([0, 1, 2]);
      expect(broker.producerIds).to.equal(0);
      await p.close();
    });
  }

  it('writes the ProduceRequest envelope in front of the batch without copying it (any topic, acks, compression)', async () => {
    for (const [topic, acks, compression] of [
      ['t', -1, 'none'],
      ['a-much-longer-topic-name-ü-' + 'x'.repeat(200), 1, 'gzip'],
      ['z', 0, 'lz4'],
    ] as const) {
      const broker = new FakeBroker();
      const p = producer(broker, { acks, compression, ackTimeoutMs: 1234 });
      await p.send({ topic, records: [{ value: 'a', partition: 1 }, { value: 'b', partition: 1 }] });
      expect(broker.calls).to.have.length(1); // decoded and compared by FakeBroker.produce
      expect(broker.values(1)).to.deep.equal(['a', 'b']);
      await p.close();
    }
  });

  it('waits for buffer space (backpressure), keeps call order, and frees every byte once acknowledged or failed', async () => {
    const broker = new FakeBroker();
    const p = producer(broker, { batchBytesMax: 1024, bufferBytesMax: 2048, lingerMs: 1 });
    const sends = Array.from({ length: 40 }, (_, i) => p.send({ topic: 't', records: [{ value: `v${i}-${'x'.repeat(300)}`, partition: 0 }, { value: `w${i}`, partition: 1 }] }));
    sends.push(p.send({ topic: 't', records: [{ value: 'bad', partition: 7 }] }));
    const results = await Promise.all(sends.map((send) => send.then(() => 'ok', (err: SluiceError) => err.code)));
    expect(results.slice(0, 40).every((r) => r === 'ok')).to.equal(true);
    expect(results[40]).to.equal('UNKNOWN_PARTITION');
    expect(broker.values(0).map((v) => v.split('-')[0])).to.deep.equal(Array.from({ length: 40 }, (_, i) => `v${i}`));
    await p.flush();
    expect(p.bufferedBytes).to.equal(0);
    await p.close();
  });

  it('refuses a per-send acks other than all on an idempotent producer', async () => {
    const p = producer(new FakeBroker());
    const err = await p.send({ topic: 't', acks: 1, records: [{ value: 'a' }] }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(RangeError);
    await p.close();
  });
});
