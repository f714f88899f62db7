import { expect } from 'chai';
import { RecordAccumulator, estimateRecordBytes, type BatchOwner, type ProducerBatch } from '../../src/client/index.js';
import { decodeBatch, type RecordInput } from '../../src/protocol/batch.js';
import { VirtualClock } from '../../src/runtime/virtual-clock.js';

const noop: BatchOwner = { acknowledged: (): void => undefined, failed: (): void => undefined };

function setup(options: { lingerMs?: number; batchBytesMax?: number; bufferBytesMax?: number } = {}) {
  const clock = new VirtualClock(0);
  const ready: string[] = [];
  const accumulator = new RecordAccumulator({
    lingerMs: options.lingerMs ?? 5,
    batchBytesMax: options.batchBytesMax ?? 1024,
    bufferBytesMax: options.bufferBytesMax ?? 64 * 1024,
    clock,
    onReady: (topic, partition) => ready.push(`${topic}/${partition}`),
  });
  return { clock, ready, accumulator };
}

function record(valueBytes: number): RecordInput {
  return { key: null, value: Buffer.alloc(valueBytes), headers: [], timestamp: 1 };
}

function append(accumulator: RecordAccumulator, partition: number, input: RecordInput, acks: 0 | 1 | -1, owner: BatchOwner, index: number): number {
  const size = estimateRecordBytes(input);
  expect(accumulator.reserve(size)).to.equal(undefined);
  const queue = accumulator.queue('t', partition);
  const timestamp = input.timestamp ?? 1;
  const batch = accumulator.batchFor(queue, acks, size, timestamp);
  const key = input.key ?? null;
  expect(batch.builder.append(key, key?.length ?? -1, input.value, input.value?.length ?? -1, input.headers, timestamp, input.ttlMs)).to.equal(true);
  accumulator.appended(queue, batch, size, owner, index);
  return size;
}

function add(accumulator: RecordAccumulator, partition: number, valueBytes: number, acks: 0 | 1 | -1 = -1): number {
  return append(accumulator, partition, record(valueBytes), acks, noop, 0);
}

function recordsOf(batch: ProducerBatch): number {
  return batch.builder.recordCount;
}

function takeAll(accumulator: RecordAccumulator, partition: number): ProducerBatch[] {
  const batches: ProducerBatch[] = [];
  for (let batch = accumulator.takeReady('t', partition); batch; batch = accumulator.takeReady('t', partition)) batches.push(batch);
  return batches;
}

describe('RecordAccumulator', () => {
  it('closes a batch after lingerMs, not before', async () => {
    const { clock, ready, accumulator } = setup({ lingerMs: 5 });
    add(accumulator, 0, 10);
    add(accumulator, 0, 10);
    await clock.run(clock.nowMs() + 4);
    expect(ready).to.deep.equal([]);
    await clock.run(clock.nowMs() + 1);
    expect(ready).to.deep.equal(['t/0']);
    const [batch] = takeAll(accumulator, 0);
    expect(recordsOf(batch!)).to.equal(2);
  });

  it('with lingerMs 0, makes a batch sendable on the next turn (defer), and only the batch that was open then', async () => {
    const { clock, ready, accumulator } = setup({ lingerMs: 0, batchBytesMax: 200 });
    add(accumulator, 0, 150); // 174 estimated bytes: the next record closes it
    add(accumulator, 0, 10); // a new open batch, deferred on its own
    expect(ready).to.deep.equal(['t/0']);
    expect(clock.nowMs()).to.equal(0);
    await clock.run(0);
    expect(ready).to.deep.equal(['t/0', 't/0']);
    expect(takeAll(accumulator, 0).map(recordsOf)).to.deep.equal([1, 1]);
    add(accumulator, 0, 10);
    accumulator.closeAll(); // sendable now; its deferred linger must not signal it again
    await clock.run(0);
    expect(ready).to.deep.equal(['t/0', 't/0', 't/0']);
  });

  it('closes a batch when the next record would exceed batchBytesMax', () => {
    const { ready, accumulator } = setup({ batchBytesMax: 400 });
    for (let i = 0; i < 10; i++) add(accumulator, 0, 76); // 100 estimated bytes each
    const batches = takeAll(accumulator, 0);
    expect(ready.length).to.equal(batches.length);
    for (const batch of batches) expect(batch.sizeBytes).to.be.at.most(400);
    expect(batches.reduce((sum, batch) => sum + recordsOf(batch), 0)).to.be.lessThan(10); // the last one is still open
  });

  it('sends a record larger than batchBytesMax alone', () => {
    const { accumulator } = setup({ batchBytesMax: 100 });
    add(accumulator, 0, 10);
    add(accumulator, 0, 500);
    const batches = takeAll(accumulator, 0);
    expect(batches.map(recordsOf)).to.deep.equal([1, 1]);
  });

  it('keeps partitions apart and closes on an acks change', async () => {
    const { clock, accumulator } = setup();
    add(accumulator, 0, 10, -1);
    add(accumulator, 1, 10, -1);
    add(accumulator, 0, 10, 1);
    expect(takeAll(accumulator, 0).map((batch) => batch.acks)).to.deep.equal([-1]);
    await clock.run(clock.nowMs() + 5);
    expect(takeAll(accumulator, 0).map((batch) => batch.acks)).to.deep.equal([1]);
    expect(takeAll(accumulator, 1)).to.have.length(1);
    expect(accumulator.isEmpty()).to.equal(true);
  });

  it('closeAll makes open batches sendable at once and clears their linger timers', () => {
    const { clock, ready, accumulator } = setup({ lingerMs: 1000 });
    add(accumulator, 0, 10);
    add(accumulator, 2, 10);
    accumulator.closeAll();
    expect(ready.sort()).to.deep.equal(['t/0', 't/2']);
    expect(clock.nextDueMs()).to.equal(undefined);
    expect(takeAll(accumulator, 0).map(recordsOf)).to.deep.equal([1]);
  });

  it('a sendable batch the sender has not taken keeps growing until it is full', async () => {
    const { clock, ready, accumulator } = setup({ lingerMs: 5, batchBytesMax: 1000 });
    add(accumulator, 0, 10);
    await clock.run(clock.nowMs() + 5);
    expect(ready).to.deep.equal(['t/0']);
    add(accumulator, 0, 10);
    add(accumulator, 0, 10);
    expect(clock.nextDueMs()).to.equal(undefined);
    expect(takeAll(accumulator, 0).map(recordsOf)).to.deep.equal([3]);
  });

  it('starts a new batch for a record stamped before the open batch began (firstTimestamp is the smallest)', () => {
    const { accumulator } = setup();
    append(accumulator, 0, { value: Buffer.from('a'), timestamp: 100 }, -1, noop, 0);
    append(accumulator, 0, { value: Buffer.from('b'), timestamp: 150 }, -1, noop, 1);
    append(accumulator, 0, { value: Buffer.from('c'), timestamp: 50 }, -1, noop, 2);
    accumulator.closeAll();
    const batches = takeAll(accumulator, 0);
    expect(batches.map(recordsOf)).to.deep.equal([2, 1]);
    const first = decodeBatch(batches[0]!.builder.finish());
    expect(first.header.firstTimestamp).to.equal(100);
    expect(first.header.maxTimestamp).to.equal(150);
    expect(first.records.map((r) => [r.value!.toString(), r.timestamp])).to.deep.equal([['a', 100], ['b', 150]]);
  });

  it('records runs of one owner as segments with their offset deltas', () => {
    const { accumulator } = setup();
    const a: BatchOwner = { acknowledged: () => undefined, failed: () => undefined };
    const b: BatchOwner = { acknowledged: () => undefined, failed: () => undefined };
    append(accumulator, 0, record(1), -1, a, 0);
    append(accumulator, 0, record(1), -1, a, 1);
    append(accumulator, 0, record(1), -1, b, 0);
    append(accumulator, 0, record(1), -1, a, 3);
    accumulator.closeAll();
    const [batch] = takeAll(accumulator, 0);
    expect(batch!.segments.map((s) => [s.owner === a ? 'a' : 'b', s.first, s.batchIndex, s.count])).to.deep.equal([
      ['a', 0, 0, 2],
      ['b', 0, 2, 1],
      ['a', 3, 3, 1],
    ]);
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
    append(accumulator, 0, input, -1, { acknowledged: () => undefined, failed: (err) => errors.push(err) }, 0);
    accumulator.abort(new Error('closed'));
    expect(errors.map((err) => err.message)).to.deep.equal(['closed']);
    expect(accumulator.bufferedBytes).to.equal(0);
  });
});
