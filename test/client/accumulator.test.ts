import { expect } from 'chai';
import { RecordAccumulator, estimateRecordBytes, type ProducerBatch } from '../../src/client/index.js';
import type { RecordInput } from '../../src/protocol/batch.js';
import { FakeTimers } from './fake-timers.js';

const noop = { resolve: (): void => undefined, reject: (): void => undefined };

function setup(options: { lingerMs?: number; batchBytesMax?: number; bufferBytesMax?: number } = {}) {
  const timers = new FakeTimers();
  const ready: string[] = [];
  const accumulator = new RecordAccumulator({
    lingerMs: options.lingerMs ?? 5,
    batchBytesMax: options.batchBytesMax ?? 1024,
    bufferBytesMax: options.bufferBytesMax ?? 64 * 1024,
    timers,
    onReady: (topic, partition) => ready.push(`${topic}/${partition}`),
  });
  return { timers, ready, accumulator };
}

function record(valueBytes: number): RecordInput {
  return { key: null, value: Buffer.alloc(valueBytes), headers: [], timestamp: 1 };
}

function add(accumulator: RecordAccumulator, partition: number, valueBytes: number, acks: 0 | 1 | -1 = -1): number {
  const input = record(valueBytes);
  const size = estimateRecordBytes(input);
  expect(accumulator.reserve(size)).to.equal(undefined);
  accumulator.append('t', partition, acks, input, size, noop);
  return size;
}

function takeAll(accumulator: RecordAccumulator, partition: number): ProducerBatch[] {
  const batches: ProducerBatch[] = [];
  for (let batch = accumulator.takeReady('t', partition); batch; batch = accumulator.takeReady('t', partition)) batches.push(batch);
  return batches;
}

describe('RecordAccumulator', () => {
  it('closes a batch after lingerMs, not before', () => {
    const { timers, ready, accumulator } = setup({ lingerMs: 5 });
    add(accumulator, 0, 10);
    add(accumulator, 0, 10);
    timers.advance(4);
    expect(ready).to.deep.equal([]);
    timers.advance(1);
    expect(ready).to.deep.equal(['t/0']);
    const [batch] = takeAll(accumulator, 0);
    expect(batch!.records).to.have.length(2);
  });

  it('closes a batch when the next record would exceed batchBytesMax', () => {
    const { ready, accumulator } = setup({ batchBytesMax: 400 });
    for (let i = 0; i < 10; i++) add(accumulator, 0, 76); // 100 estimated bytes each
    const batches = takeAll(accumulator, 0);
    expect(ready.length).to.equal(batches.length);
    for (const batch of batches) expect(batch.sizeBytes).to.be.at.most(400);
    expect(batches.reduce((sum, batch) => sum + batch.records.length, 0)).to.be.lessThan(10); // the last one is still open
  });

  it('sends a record larger than batchBytesMax alone', () => {
    const { accumulator } = setup({ batchBytesMax: 100 });
    add(accumulator, 0, 10);
    add(accumulator, 0, 500);
    const batches = takeAll(accumulator, 0);
    expect(batches.map((batch) => batch.records.length)).to.deep.equal([1, 1]);
  });

  it('keeps partitions apart and closes on an acks change', () => {
    const { timers, accumulator } = setup();
    add(accumulator, 0, 10, -1);
    add(accumulator, 1, 10, -1);
    add(accumulator, 0, 10, 1);
    expect(takeAll(accumulator, 0).map((batch) => batch.acks)).to.deep.equal([-1]);
    timers.advance(5);
    expect(takeAll(accumulator, 0).map((batch) => batch.acks)).to.deep.equal([1]);
    expect(takeAll(accumulator, 1)).to.have.length(1);
    expect(accumulator.isEmpty()).to.equal(true);
  });

  it('closeAll sends open batches at once and clears their linger timers', () => {
    const { timers, ready, accumulator } = setup({ lingerMs: 1000 });
    add(accumulator, 0, 10);
    add(accumulator, 2, 10);
    accumulator.closeAll();
    expect(ready.sort()).to.deep.equal(['t/0', 't/2']);
    expect(timers.pendingCount).to.equal(0);
  });

  it('makes reserve wait while the buffer is full and serves waiters in order', async () => {
    const { accumulator } = setup({ batchBytesMax: 100, bufferBytesMax: 300 });
    expect(accumulator.reserve(250)).to.equal(undefined);
    const order: string[] = [];
    const first = accumulator.reserve(100);
    const second = accumulator.reserve(10); // fits, but must not overtake the first waiter
    expect(first).to.be.instanceOf(Promise);
    expect(second).to.be.instanceOf(Promise);
    void first!.then(() => order.push('first'));
    void second!.then(() => order.push('second'));
    await Promise.resolve();
    expect(order).to.deep.equal([]);
    accumulator.release(200);
    await Promise.all([first, second]);
    expect(order).to.deep.equal(['first', 'second']);
    expect(accumulator.bufferedBytes).to.equal(160);
  });

  it('rejects a record larger than the whole buffer instead of waiting forever', () => {
    const { accumulator } = setup({ batchBytesMax: 100, bufferBytesMax: 200 });
    expect(() => accumulator.reserve(201)).to.throw(RangeError);
  });

  it('abort rejects buffered records and frees their bytes', () => {
    const { accumulator } = setup();
    const errors: Error[] = [];
    const input = record(10);
    const size = estimateRecordBytes(input);
    accumulator.reserve(size);
    accumulator.append('t', 0, -1, input, size, { resolve: () => undefined, reject: (err) => errors.push(err) });
    accumulator.abort(new Error('closed'));
    expect(errors.map((err) => err.message)).to.deep.equal(['closed']);
    expect(accumulator.bufferedBytes).to.equal(0);
  });
});
