/**
 * The behaviour every LogStore must have, run against each implementation (as nats-server runs one
 * suite against its memory and file stores).
 */
import { expect } from 'chai';
import { encodeBatch, encodeControlBatch, readBatchHeader, stampBatch, validateBatch } from '../../src/protocol/batch.js';
import type { CompressionCodec } from '../../src/protocol/compression.js';
import { SluiceError } from '../../src/protocol/errors.js';
import type { LogStore, PartitionLog } from '../../src/storage/types.js';
import { baseOffsets, makeBatch } from './helpers.js';

export interface StoreFactory {
  /** A fresh, empty store. */
  open(): Promise<LogStore>;
  /** Releases what open() created (called after every test, even a failed one). */
  cleanup(): Promise<void>;
}

async function expectRejects(promise: Promise<unknown>, code?: string): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    expect(err).to.be.instanceOf(Error);
    if (code !== undefined) {
      expect(err).to.be.instanceOf(SluiceError);
      expect((err as SluiceError).code).to.equal(code);
    }
    return err as Error;
  }
  expect.fail('expected a rejection');
}

/** Appends batches of the given record counts; returns their base offsets. */
async function appendAll(log: PartitionLog, recordCounts: number[], options: { timestampMs?: number } = {}): Promise<number[]> {
  const results = [];
  for (const count of recordCounts) results.push(await log.append(makeBatch(count, options), 1));
  return results.map((result) => result.baseOffset);
}

/** One batch whose records carry these timestamps, in this order. */
function timedBatch(timestamps: readonly number[], compression: CompressionCodec = 'none'): Buffer {
  return encodeBatch(timestamps.map((timestamp, i) => ({ key: null, value: Buffer.from(`v${i}`), timestamp })), { compression });
}

export function describeLogStoreContract(name: string, factory: StoreFactory): void {
  describe(`LogStore contract: ${name}`, () => {
    let store: LogStore;
    let log: PartitionLog;

    beforeEach(async () => {
      store = await factory.open();
      log = await store.openLog(7);
    });

    afterEach(async () => {
      await store.close().catch(() => undefined);
      await factory.cleanup();
    });

    it('starts empty', async () => {
      expect(log.logStartOffset()).to.equal(0);
      expect(log.logEndOffset()).to.equal(0);
      expect(log.sizeBytes()).to.equal(0);
      expect(log.batches()).to.deep.equal([]);
      expect(await log.read(0, 1000)).to.deep.equal([]);
    });

    it('assigns gapless offsets and stamps base offset and leader epoch', async () => {
      const first = await log.append(makeBatch(3), 4);
      const second = await log.append(makeBatch(2), 5);
      expect(first).to.deep.equal({ baseOffset: 0, lastOffset: 2, entryIndex: 1 });
      expect(second).to.deep.equal({ baseOffset: 3, lastOffset: 4, entryIndex: 2 });
      expect(log.logEndOffset()).to.equal(5);
      const batches = await log.read(0, 1 << 20);
      expect(batches.map((b) => readBatchHeader(b).leaderEpoch)).to.deep.equal([4, 5]);
      for (const batch of batches) validateBatch(batch);
      expect(log.batches().map((m) => [m.baseOffset, m.lastOffset, m.recordCount, m.leaderEpoch])).to.deep.equal([
        [0, 2, 3, 4],
        [3, 4, 2, 5],
      ]);
      expect(log.sizeBytes()).to.equal(batches.reduce((sum, b) => sum + b.length, 0));
    });

    it('keeps offsets gapless and resolves in call order across many un-awaited appends', async () => {
      const resolvedOrder: number[] = [];
      const pending = [];
      for (let i = 0; i < 200; i++) {
        const promise = log.append(makeBatch(1 + (i % 4)), 1);
        pending.push(promise.then((result) => (resolvedOrder.push(result.baseOffset), result)));
      }
      const results = await Promise.all(pending);
      let expected = 0;
      for (const result of results) {
        expect(result.baseOffset).to.equal(expected);
        expected = result.lastOffset + 1;
      }
      expect(resolvedOrder).to.deep.equal(results.map((r) => r.baseOffset));
      expect(log.logEndOffset()).to.equal(expected);
      const all = await log.read(0, Number.MAX_SAFE_INTEGER);
      expect(baseOffsets(all)).to.deep.equal(results.map((r) => r.baseOffset));
    });

    it('reads from an offset in the middle of a batch, returning that whole batch', async () => {
      await appendAll(log, [5, 5, 5]);
      expect(baseOffsets(await log.read(7, 1 << 20))).to.deep.equal([5, 10]);
      expect(baseOffsets(await log.read(14, 1 << 20))).to.deep.equal([10]);
      expect(await log.read(15, 1 << 20)).to.deep.equal([]);
    });

    it('limits a read by maxBytes but returns at least one batch', async () => {
      await appendAll(log, [2, 2, 2, 2]);
      const size = log.batches()[0]!.sizeBytes;
      expect(baseOffsets(await log.read(0, 1))).to.deep.equal([0]);
      expect(baseOffsets(await log.read(0, size * 2))).to.deep.equal([0, 2]);
      expect(baseOffsets(await log.read(0, size * 2 + size - 1))).to.deep.equal([0, 2]);
      expect(baseOffsets(await log.read(3, 0))).to.deep.equal([2]);
    });

    it('stops before batches starting at or after upToOffset', async () => {
      await appendAll(log, [2, 2, 2]);
      expect(baseOffsets(await log.read(0, 1 << 20, 4))).to.deep.equal([0, 2]);
      expect(baseOffsets(await log.read(0, 1 << 20, 3))).to.deep.equal([0, 2]);
      expect(baseOffsets(await log.read(2, 1 << 20, 2))).to.deep.equal([]);
    });

    it('rejects reads outside [logStartOffset, logEndOffset] with OFFSET_OUT_OF_RANGE', async () => {
      await appendAll(log, [3]);
      await expectRejects(log.read(4, 100), 'OFFSET_OUT_OF_RANGE');
      await log.deletePrefix(2);
      await expectRejects(log.read(1, 100), 'OFFSET_OUT_OF_RANGE');
      expect(baseOffsets(await log.read(2, 100))).to.deep.equal([0]);
    });

    it('appendStamped stores the next entry carrying the log end offset and rejects any other', async () => {
      const leader = await store.openLog(8);
      await leader.append(makeBatch(2), 3);
      await leader.append(encodeControlBatch({ nowMs: 5 }), 4);
      await leader.append(makeBatch(3), 4);
      const copied = await leader.readEntries(1, 4, 1 << 20);
      expect(copied).to.have.length(3);
      expect(await log.appendStamped(Buffer.from(copied[0]!), 1)).to.deep.equal({ baseOffset: 0, lastOffset: 1, entryIndex: 1 });
      // Same offset but the wrong entry index, the right index but the wrong offset, a stale entry.
      await expectRejects(log.appendStamped(Buffer.from(copied[1]!), 3));
      const misplaced = Buffer.from(copied[2]!);
      stampBatch(misplaced, 3, 4);
      await expectRejects(log.appendStamped(misplaced, 2));
      await expectRejects(log.appendStamped(Buffer.from(copied[0]!), 2));
      expect(log.lastEntryIndex()).to.equal(1);
      expect(await log.appendStamped(Buffer.from(copied[1]!), 2)).to.deep.equal({ baseOffset: 2, lastOffset: 1, entryIndex: 2 });
      expect(await log.appendStamped(Buffer.from(copied[2]!), 3)).to.deep.equal({ baseOffset: 2, lastOffset: 4, entryIndex: 3 });
      expect(log.batches()).to.deep.equal(leader.batches());
      expect([2, 3].map((i) => log.entryTerm(i))).to.deep.equal([4, 4]);
    });

    it('rejects a buffer whose length does not match its length field', async () => {
      const batch = makeBatch(2);
      await expectRejects(log.append(Buffer.concat([batch, Buffer.alloc(1)]), 1), 'CORRUPT_BATCH');
      await expectRejects(log.append(batch.subarray(0, 10), 1), 'CORRUPT_BATCH');
      expect(log.logEndOffset()).to.equal(0);
    });

    it('offsetForTimestamp finds the first batch whose maxTimestamp reaches the time', async () => {
      await appendAll(log, [2], { timestampMs: 100 });
      await appendAll(log, [2], { timestampMs: 200 });
      await appendAll(log, [2], { timestampMs: 300 });
      expect(await log.offsetForTimestamp(0)).to.equal(0);
      expect(await log.offsetForTimestamp(100)).to.equal(0);
      expect(await log.offsetForTimestamp(150)).to.equal(2);
      expect(await log.offsetForTimestamp(300)).to.equal(4);
      expect(await log.offsetForTimestamp(301)).to.equal(6);
      await log.deletePrefix(1);
      expect(await log.offsetForTimestamp(0)).to.equal(1);
    });

    for (const compression of ['none', 'gzip', 'lz4'] as const) {
      it(`offsetForTimestamp finds the record inside a batch (compression ${compression})`, async () => {
        const times = Array.from({ length: 100 }, (_, i) => 1_000_000 + i * 1000);
        await log.append(timedBatch(times, compression), 1);
        expect(await log.offsetForTimestamp(1_050_500)).to.equal(51);
        expect(await log.offsetForTimestamp(1_050_000)).to.equal(50);
        expect(await log.offsetForTimestamp(0)).to.equal(0);
        expect(await log.offsetForTimestamp(1_099_000)).to.equal(99);
        expect(await log.offsetForTimestamp(1_099_001)).to.equal(100);
        await log.deletePrefix(60);
        expect(await log.offsetForTimestamp(1_050_500)).to.equal(60);
        expect(await log.offsetForTimestamp(1_070_000)).to.equal(70);
      });
    }

    it('offsetForTimestamp finds the record inside a later batch', async () => {
      await log.append(timedBatch(Array.from({ length: 10 }, (_, i) => 1_000 + i * 1_000)), 1);
      await log.append(timedBatch(Array.from({ length: 10 }, (_, i) => 11_000 + i * 1_000)), 1);
      expect(await log.offsetForTimestamp(10_500)).to.equal(10);
      expect(await log.offsetForTimestamp(15_500)).to.equal(15);
      expect(await log.offsetForTimestamp(20_000)).to.equal(19);
    });

    it('offsetForTimestamp answers the earliest offset when timestamps are out of order', async () => {
      await log.append(timedBatch([5_000, 1_000, 7_000, 2_000]), 1);
      expect(await log.offsetForTimestamp(1_500)).to.equal(0);
      expect(await log.offsetForTimestamp(5_500)).to.equal(2);
      expect(await log.offsetForTimestamp(7_001)).to.equal(4);
    });

    it('offsetForTimestamp looks again when retention removes the batch it is reading', async () => {
      await log.append(timedBatch(Array.from({ length: 100 }, (_, i) => 1_000_000 + i * 1000)), 1);
      const read = log.read.bind(log);
      log.read = async (fromOffset, maxBytes, upToOffset) => {
        log.read = read;
        await log.deletePrefix(60);
        return read(fromOffset, maxBytes, upToOffset);
      };
      expect(await log.offsetForTimestamp(1_050_500)).to.equal(60);
    });

    it('offsetForTimestamp skips records before the log start, on to the next batch', async () => {
      await log.append(timedBatch([9_000, 1_000, 1_000]), 1);
      await log.append(timedBatch([1_000, 8_000]), 1);
      expect(await log.offsetForTimestamp(5_000)).to.equal(0);
      await log.deletePrefix(1);
      // The first batch's maxTimestamp qualifies, but only through a record retention removed.
      expect(await log.offsetForTimestamp(5_000)).to.equal(4);
    });

    it('truncateSuffix removes every entry from an entry index on and appends continue there', async () => {
      await appendAll(log, [2, 3, 4]);
      await log.truncateSuffix(3);
      expect(log.logEndOffset()).to.equal(5);
      expect(log.lastEntryIndex()).to.equal(2);
      expect(baseOffsets(await log.read(0, 1 << 20))).to.deep.equal([0, 2]);
      expect(await log.append(makeBatch(1), 2)).to.deep.equal({ baseOffset: 5, lastOffset: 5, entryIndex: 3 });
      await log.truncateSuffix(4);
      expect(log.lastEntryIndex()).to.equal(3);
      await log.truncateSuffix(2);
      expect(log.logEndOffset()).to.equal(2);
      expect(log.sizeBytes()).to.equal(log.batches()[0]!.sizeBytes);
      await log.truncateSuffix(1);
      expect(log.logEndOffset()).to.equal(0);
      expect(log.lastEntryIndex()).to.equal(0);
      expect(log.sizeBytes()).to.equal(0);
      expect(await log.append(makeBatch(1), 3)).to.deep.equal({ baseOffset: 0, lastOffset: 0, entryIndex: 1 });
    });

    it('truncateSuffix rejects an entry index outside [firstEntryIndex, lastEntryIndex + 1]', async () => {
      await appendAll(log, [2, 3]);
      await expectRejects(log.truncateSuffix(0));
      await expectRejects(log.truncateSuffix(4));
      await expectRejects(log.truncateSuffix(1.5));
      expect(log.logEndOffset()).to.equal(5);
      expect(log.lastEntryIndex()).to.equal(2);
    });

    it('truncateSuffix waits for un-awaited appends and re-appends land after it', async () => {
      const appends = [log.append(makeBatch(2), 1), log.append(encodeControlBatch(), 1), log.append(makeBatch(2), 1), log.append(makeBatch(2), 1)];
      const truncated = log.truncateSuffix(2);
      const again = log.append(makeBatch(5), 2);
      await Promise.all([...appends, truncated, again]);
      expect(await again).to.deep.equal({ baseOffset: 2, lastOffset: 6, entryIndex: 2 });
      expect(log.batches().map((m) => [m.entryIndex, m.baseOffset, m.lastOffset])).to.deep.equal([
        [1, 0, 1],
        [2, 2, 6],
      ]);
      const read = await log.read(0, 1 << 20);
      expect(read.map((b) => readBatchHeader(b).recordCount)).to.deep.equal([2, 5]);
      expect((await log.readEntries(1, 3, 1 << 20)).map((b) => readBatchHeader(b).recordCount)).to.deep.equal([2, 5]);
    });

    it('deletePrefix removes whole batches below the new start, which may fall inside a batch', async () => {
      await appendAll(log, [3, 3, 3]);
      await log.deletePrefix(4);
      expect(log.logStartOffset()).to.equal(4);
      expect(log.logEndOffset()).to.equal(9);
      expect(log.batches().map((m) => m.baseOffset)).to.deep.equal([3, 6]);
      expect(baseOffsets(await log.read(4, 1 << 20))).to.deep.equal([3, 6]);
      await log.deletePrefix(6);
      expect(log.batches().map((m) => m.baseOffset)).to.deep.equal([6]);
      await expectRejects(log.deletePrefix(5));
    });

    it('keeps offsets, entries and reads in line through many prefix deletions between appends', async () => {
      // Deleted index entries are skipped and compacted away in bulk: cross that point many times.
      let start = 0;
      for (let round = 0; round < 40; round++) {
        await appendAll(log, [2, 2, 2]);
        start += round % 3 === 0 ? 4 : 2;
        await log.deletePrefix(start);
        const end = log.logEndOffset();
        const batches = log.batches();
        expect(batches[0]!.baseOffset).to.equal(start);
        expect(batches.at(-1)!.lastOffset + 1).to.equal(end);
        expect(log.firstEntryIndex()).to.equal(batches[0]!.entryIndex);
        expect(log.lastEntryIndex()).to.equal(batches.at(-1)!.entryIndex);
        expect(log.entry(log.firstEntryIndex())).to.deep.equal(batches[0]);
        expect(log.entry(log.firstEntryIndex() - 1)).to.equal(undefined);
        expect(log.entry(log.lastEntryIndex() + 1)).to.equal(undefined);
        expect(log.sizeBytes()).to.equal(batches.reduce((sum, meta) => sum + meta.sizeBytes, 0));
        expect(baseOffsets(await log.read(start, 1 << 20))).to.deep.equal(batches.map((meta) => meta.baseOffset));
      }
      await log.truncateSuffix(log.lastEntryIndex());
      expect(log.logEndOffset()).to.equal(log.batches().at(-1)!.lastOffset + 1);
      expect((await log.append(makeBatch(2), 1)).baseOffset).to.equal(log.logEndOffset() - 2);
    });

    it('deletePrefix beyond the end empties the log, which then starts and ends there', async () => {
      await appendAll(log, [3]);
      await log.deletePrefix(10);
      expect(log.logStartOffset()).to.equal(10);
      expect(log.logEndOffset()).to.equal(10);
      expect(log.sizeBytes()).to.equal(0);
      expect(await log.read(10, 100)).to.deep.equal([]);
      expect((await log.append(makeBatch(2), 1)).baseOffset).to.equal(10);
    });

    it('starts a new log at the marker { index: 0, term: 0 }, so the first entry is index 1', async () => {
      expect(log.snapshotMarker()).to.deep.equal({ index: 0, term: 0 });
      expect([log.firstEntryIndex(), log.lastEntryIndex()]).to.deep.equal([1, 0]);
      expect(log.entryTerm(0)).to.equal(0);
      expect(() => log.entryTerm(1)).to.throw(RangeError);
      expect(await log.readEntries(1, 1, 100)).to.deep.equal([]);
      expect(log.cachedBatch(1)).to.equal(undefined);
    });

    it('assigns consecutive entry indices across appends, with the leader epoch as term', async () => {
      const results = await Promise.all([log.append(makeBatch(2), 1), log.append(makeBatch(1), 1), log.append(makeBatch(3), 2)]);
      expect(results.map((r) => r.entryIndex)).to.deep.equal([1, 2, 3]);
      expect(log.batches().map((m) => m.entryIndex)).to.deep.equal([1, 2, 3]);
      expect([log.firstEntryIndex(), log.lastEntryIndex()]).to.deep.equal([1, 3]);
      expect([0, 1, 2, 3].map((i) => log.entryTerm(i))).to.deep.equal([0, 1, 1, 2]);
      expect(() => log.entryTerm(4)).to.throw(RangeError);
      expect(() => log.entryTerm(-1)).to.throw(RangeError);
    });

    it('keeps the idempotence header fields in the index', async () => {
      const batch = encodeBatch([{ value: Buffer.from('x') }, { value: Buffer.from('y') }], { producerId: 42, producerEpoch: 3, baseSequence: 17, nowMs: 5 });
      await log.append(batch, 1);
      await log.append(makeBatch(1), 1);
      expect(log.batches().map((m) => [m.producerId, m.producerEpoch, m.baseSequence])).to.deep.equal([
        [42, 3, 17],
        [-1, -1, -1],
      ]);
    });

    it('stores zero-record batches as entries that consume no offset', async () => {
      const results = [
        await log.append(makeBatch(3, { timestampMs: 100 }), 1),
        await log.append(encodeControlBatch({ nowMs: 500 }), 2),
        await log.append(encodeControlBatch({ nowMs: 500 }), 3),
        await log.append(makeBatch(2, { timestampMs: 200 }), 3),
        await log.append(encodeControlBatch({ nowMs: 500 }), 4),
      ];
      expect(results).to.deep.equal([
        { baseOffset: 0, lastOffset: 2, entryIndex: 1 },
        { baseOffset: 3, lastOffset: 2, entryIndex: 2 },
        { baseOffset: 3, lastOffset: 2, entryIndex: 3 },
        { baseOffset: 3, lastOffset: 4, entryIndex: 4 },
        { baseOffset: 5, lastOffset: 4, entryIndex: 5 },
      ]);
      expect(log.logEndOffset()).to.equal(5);
      expect(log.batches().map((m) => m.recordCount)).to.deep.equal([3, 0, 0, 2, 0]);
      // The first batch returned holds the offset; zero-record batches after it come as stored; one
      // at the log end is not returned before a data batch follows it.
      const counts = (batches: Buffer[]) => batches.map((b) => readBatchHeader(b).recordCount);
      expect(counts(await log.read(0, 1 << 20))).to.deep.equal([3, 0, 0, 2]);
      expect(counts(await log.read(2, 1 << 20))).to.deep.equal([3, 0, 0, 2]);
      expect(counts(await log.read(3, 1 << 20))).to.deep.equal([2]);
      expect(counts(await log.read(4, 1 << 20))).to.deep.equal([2]);
      expect(await log.read(5, 1 << 20)).to.deep.equal([]);
      expect(counts(await log.read(0, 1 << 20, 3))).to.deep.equal([3]);
      for (const batch of await log.read(0, 1 << 20)) validateBatch(batch, { allowZeroRecords: true });
      expect(await log.offsetForTimestamp(150)).to.equal(3);
      expect(await log.offsetForTimestamp(300)).to.equal(5);
      expect(await log.append(makeBatch(1), 4)).to.deep.equal({ baseOffset: 5, lastOffset: 5, entryIndex: 6 });
      expect(counts(await log.read(5, 1 << 20))).to.deep.equal([1]);
      expect(counts(await log.read(4, 1 << 20))).to.deep.equal([2, 0, 1]);
      expect(log.entryTerm(5)).to.equal(4);
    });

    it('a log can start with a zero-record batch', async () => {
      await log.append(encodeControlBatch(), 1);
      expect([log.logStartOffset(), log.logEndOffset(), log.lastEntryIndex()]).to.deep.equal([0, 0, 1]);
      expect(await log.read(0, 100)).to.deep.equal([]);
      await appendAll(log, [2]);
      expect(baseOffsets(await log.read(0, 100))).to.deep.equal([0]);
      expect(await log.offsetForTimestamp(0)).to.equal(0);
    });

    it('truncateSuffix by entry index can cut at a zero-record batch', async () => {
      await appendAll(log, [2]);
      await log.append(encodeControlBatch(), 2);
      await appendAll(log, [3]);
      await log.truncateSuffix(3);
      expect([log.logEndOffset(), log.lastEntryIndex()]).to.deep.equal([2, 2]);
      await log.truncateSuffix(2);
      expect([log.logEndOffset(), log.lastEntryIndex()]).to.deep.equal([2, 1]);
      expect(await log.append(makeBatch(1), 3)).to.deep.equal({ baseOffset: 2, lastOffset: 2, entryIndex: 2 });
    });

    it('deletePrefix moves the marker to the last deleted entry', async () => {
      await log.append(makeBatch(3), 1);
      await log.append(encodeControlBatch(), 2);
      await log.append(makeBatch(3), 2);
      await log.append(makeBatch(3), 3);
      await log.deletePrefix(1);
      expect(log.snapshotMarker()).to.deep.equal({ index: 0, term: 0 });
      // Offset 3: the batch [0, 2] and the zero-record batch at 3 go.
      await log.deletePrefix(3);
      expect(log.snapshotMarker()).to.deep.equal({ index: 2, term: 2 });
      expect([log.firstEntryIndex(), log.lastEntryIndex()]).to.deep.equal([3, 4]);
      expect(log.entryTerm(2)).to.equal(2);
      expect(() => log.entryTerm(1)).to.throw(RangeError);
      await expectRejects(log.readEntries(2, 3, 100).then(() => undefined));
      expect(baseOffsets(await log.readEntries(3, 5, 1 << 20))).to.deep.equal([3, 6]);
      await log.deletePrefix(20);
      expect(log.snapshotMarker()).to.deep.equal({ index: 4, term: 3 });
      expect([log.firstEntryIndex(), log.lastEntryIndex(), log.logEndOffset()]).to.deep.equal([5, 4, 20]);
      expect(await log.append(makeBatch(1), 5)).to.deep.equal({ baseOffset: 20, lastOffset: 20, entryIndex: 5 });
    });

    it('installSnapshot empties the log and the next append follows the marker', async () => {
      await appendAll(log, [2, 2]);
      await log.installSnapshot({ logStartOffset: 50, index: 10, term: 4 });
      expect([log.logStartOffset(), log.logEndOffset(), log.sizeBytes(), log.batches().length]).to.deep.equal([50, 50, 0, 0]);
      expect(log.snapshotMarker()).to.deep.equal({ index: 10, term: 4 });
      expect([log.firstEntryIndex(), log.lastEntryIndex(), log.entryTerm(10)]).to.deep.equal([11, 10, 4]);
      expect(log.cachedBatch(1)).to.equal(undefined);
      await expectRejects(log.read(0, 100), 'OFFSET_OUT_OF_RANGE');
      expect(await log.append(makeBatch(2), 5)).to.deep.equal({ baseOffset: 50, lastOffset: 51, entryIndex: 11 });
      expect(baseOffsets(await log.read(50, 100))).to.deep.equal([50]);
      // Neither the offset nor the index moves backwards.
      await expectRejects(log.installSnapshot({ logStartOffset: 40, index: 20, term: 5 }));
      await expectRejects(log.installSnapshot({ logStartOffset: 60, index: 9, term: 5 }));
      await log.installSnapshot({ logStartOffset: 52, index: 11, term: 5 });
      expect(await log.append(encodeControlBatch(), 6)).to.deep.equal({ baseOffset: 52, lastOffset: 51, entryIndex: 12 });
    });

    it('installSnapshot waits for un-awaited appends', async () => {
      const appends = [log.append(makeBatch(2), 1), log.append(makeBatch(2), 1)];
      const installed = log.installSnapshot({ logStartOffset: 10, index: 5, term: 2 });
      const again = log.append(makeBatch(3), 3);
      await Promise.all([...appends, installed]);
      expect(await again).to.deep.equal({ baseOffset: 10, lastOffset: 12, entryIndex: 6 });
      expect(baseOffsets(await log.readEntries(6, 7, 0))).to.deep.equal([10]);
    });

    it('readEntries reads [lo, hi) by entry index, capped by bytes but at least one', async () => {
      await appendAll(log, [2, 2, 2, 2]);
      const size = log.batches()[0]!.sizeBytes;
      expect(baseOffsets(await log.readEntries(1, 5, 1 << 20))).to.deep.equal([0, 2, 4, 6]);
      expect(baseOffsets(await log.readEntries(2, 4, 1 << 20))).to.deep.equal([2, 4]);
      expect(baseOffsets(await log.readEntries(2, 5, 0))).to.deep.equal([2]);
      expect(baseOffsets(await log.readEntries(1, 5, size * 2 + 1))).to.deep.equal([0, 2]);
      expect(await log.readEntries(3, 3, 100)).to.deep.equal([]);
      for (const [lo, hi] of [[0, 2], [1, 6], [3, 2]] as const) {
        await expectRejects(log.readEntries(lo, hi, 100).then(() => undefined));
      }
      const viaRead = await log.read(0, 1 << 20);
      expect(await log.readEntries(1, 5, 1 << 20)).to.deep.equal(viaRead);
    });

    it('cachedBatch returns recently appended batches without I/O, undefined outside the log', async () => {
      const batch = makeBatch(2);
      const pending = log.append(batch, 1);
      // Even before the write lands, the batch is in memory.
      expect(log.cachedBatch(1)).to.equal(batch);
      await pending;
      await appendAll(log, [1]);
      const second = log.cachedBatch(2);
      if (second !== undefined) expect(readBatchHeader(second).baseOffset).to.equal(2);
      expect(log.cachedBatch(0)).to.equal(undefined);
      expect(log.cachedBatch(3)).to.equal(undefined);
      await log.truncateSuffix(2);
      expect(log.cachedBatch(2)).to.equal(undefined);
    });

    it('keeps logs apart', async () => {
      const other = await store.openLog(8);
      await appendAll(log, [2]);
      await appendAll(other, [5]);
      expect(log.logEndOffset()).to.equal(2);
      expect(other.logEndOffset()).to.equal(5);
      expect(await store.openLog(7)).to.equal(log);
    });

    it('dropLog deletes the log; opening the id again gives an empty log', async () => {
      await appendAll(log, [2, 2]);
      const other = await store.openLog(8);
      await appendAll(other, [1]);
      await store.dropLog(7);
      await expectRejects(log.read(0, 100));
      const reopened = await store.openLog(7);
      expect(reopened.logEndOffset()).to.equal(0);
      expect(reopened.logStartOffset()).to.equal(0);
      expect(await reopened.read(0, 100)).to.deep.equal([]);
      expect(other.logEndOffset()).to.equal(1);
    });

    it('stores, lists and deletes metadata', async () => {
      await store.putMeta('topic/a', Buffer.from('1'));
      await store.putMeta('topic/b', Buffer.from('2'));
      await store.putMeta('topix', Buffer.from('3'));
      await store.putMeta('raft/hard', Buffer.from('4'));
      expect((await store.getMeta('topic/a'))?.toString()).to.equal('1');
      expect(await store.getMeta('missing')).to.equal(undefined);
      const listed = await store.listMeta('topic/');
      expect(listed.map(([k, v]) => [k, v.toString()])).to.deep.equal([
        ['topic/a', '1'],
        ['topic/b', '2'],
      ]);
      expect((await store.listMeta('')).map(([k]) => k)).to.deep.equal(['raft/hard', 'topic/a', 'topic/b', 'topix']);
      await store.deleteMeta('topic/a');
      expect(await store.getMeta('topic/a')).to.equal(undefined);
      await store.sync();
    });

    it('rejects use after close with SHUTTING_DOWN', async () => {
      await store.close();
      await expectRejects(log.read(0, 1), 'SHUTTING_DOWN');
      await expectRejects(log.append(makeBatch(1), 1), 'SHUTTING_DOWN');
      await expectRejects(store.getMeta('x'), 'SHUTTING_DOWN');
    });
  });
}
