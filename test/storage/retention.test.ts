import { expect } from 'chai';
import { isBatchExpired, planRetention, type RetentionInput } from '../../src/storage/retention.js';
import type { BatchMeta } from '../../src/storage/types.js';

const ALL_RECORDS_HAVE_TTL = 0x40;

/** Batches of `recordCount` records, 100 bytes each, the i-th with maxTimestamp timestampsMs[i]. */
function metas(timestampsMs: number[], recordCount = 2): BatchMeta[] {
  return timestampsMs.map((maxTimestamp, i) => ({
    entryIndex: i + 1,
    baseOffset: i * recordCount,
    lastOffset: i * recordCount + recordCount - 1,
    sizeBytes: 100,
    recordCount,
    maxTimestamp,
    leaderEpoch: 1,
    attributes: 0,
    expireTimestamp: -1,
    producerId: -1,
    producerEpoch: -1,
    baseSequence: -1,
  }));
}

function input(batches: BatchMeta[], overrides: Partial<RetentionInput> = {}): RetentionInput {
  const end = batches.at(-1) ? batches.at(-1)!.lastOffset + 1 : 0;
  return {
    batches,
    committedBatches: batches.length,
    committedBytes: batches.reduce((sum, meta) => sum + meta.sizeBytes, 0),
    logStartOffset: batches[0]?.baseOffset ?? 0,
    logEndOffset: end,
    retentionMs: -1,
    retentionBytes: -1,
    messageTtlMs: 0,
    nowMs: 10_000,
    ...overrides,
  };
}

describe('planRetention', () => {
  it('deletes nothing with every limit off', () => {
    const plan = planRetention(input(metas([1, 2, 3])));
    expect(plan).to.deep.equal({
      newLogStartOffset: 0,
      batchesDeleted: 0,
      recordsDeleted: 0,
      bytesDeleted: 0,
      reason: 'none',
      recordsDeletedByReason: { time: 0, size: 0, ttl: 0 },
    });
  });

  it('time: deletes leading batches whose maxTimestamp is before now - retention.ms', () => {
    const plan = planRetention(input(metas([1_000, 4_999, 5_000, 2_000]), { retentionMs: 5_000 }));
    expect(plan.newLogStartOffset).to.equal(4);
    expect(plan.batchesDeleted).to.equal(2);
    expect(plan.recordsDeleted).to.equal(4);
    expect(plan.bytesDeleted).to.equal(200);
    expect(plan.reason).to.equal('time');
    // The old batch behind a newer one waits: only a leading run goes.
  });

  it('time: may empty the log, moving the start to the end', () => {
    const plan = planRetention(input(metas([1, 2]), { retentionMs: 0 }));
    expect(plan.newLogStartOffset).to.equal(4);
    expect(plan.batchesDeleted).to.equal(2);
  });

  it('size: deletes the oldest batches while the log is over retention.bytes', () => {
    const plan = planRetention(input(metas([1, 2, 3, 4, 5]), { retentionBytes: 250 }));
    expect(plan.newLogStartOffset).to.equal(6);
    expect(plan.bytesDeleted).to.equal(300);
    expect(plan.reason).to.equal('size');
    expect(plan.recordsDeletedByReason).to.deep.equal({ time: 0, size: 6, ttl: 0 });
    expect(planRetention(input(metas([1, 2, 3]), { retentionBytes: 300 })).batchesDeleted).to.equal(0);
  });

  it('size: never deletes the newest batch, even over the limit', () => {
    const plan = planRetention(input(metas([1, 2, 3]), { retentionBytes: 0 }));
    expect(plan.batchesDeleted).to.equal(2);
    expect(plan.newLogStartOffset).to.equal(4);
  });

  it('ttl: deletes leading batches wholly expired under message.ttl.ms', () => {
    const plan = planRetention(input(metas([1_000, 2_000, 9_000]), { messageTtlMs: 8_000 }));
    // 1_000 + 8_000 <= 10_000 and 2_000 + 8_000 <= 10_000; 9_000 + 8_000 > 10_000.
    expect(plan.newLogStartOffset).to.equal(4);
    expect(plan.reason).to.equal('ttl');
  });

  it('ttl: honours records’ own TTLs without a topic TTL', () => {
    const batches = metas([1_000, 1_000]);
    batches[0] = { ...batches[0]!, attributes: ALL_RECORDS_HAVE_TTL, expireTimestamp: 5_000 };
    batches[1] = { ...batches[1]!, attributes: ALL_RECORDS_HAVE_TTL, expireTimestamp: 20_000 };
    const plan = planRetention(input(batches));
    expect(plan.newLogStartOffset).to.equal(2);
    expect(plan.recordsDeletedByReason.ttl).to.equal(2);
  });

  describe('a new leader\'s zero-record no-op', () => {
    /** The no-op a leader appends when elected at `electedAtMs`, in front of `batches` (offsets from 0). */
    function withNoop(electedAtMs: number, batches: BatchMeta[], at = 0): BatchMeta[] {
      const next = batches[at]?.baseOffset ?? (batches.at(-1)?.lastOffset ?? -1) + 1;
      const noop: BatchMeta = { ...metas([electedAtMs])[0]!, baseOffset: next, lastOffset: next - 1, recordCount: 0, attributes: 0x20 };
      return [...batches.slice(0, at), noop, ...batches.slice(at)].map((meta, i) => ({ ...meta, entryIndex: i + 1 }));
    }

    it('does not stop time retention behind it', () => {
      const plan = planRetention(input(withNoop(9_999, metas([1_000, 2_000, 9_500])), { retentionMs: 5_000 }));
      expect(plan.newLogStartOffset).to.equal(4);
      expect(plan.recordsDeletedByReason.time).to.equal(4);
    });

    it('does not stop TTL retention behind it, without a topic TTL', () => {
      const batches = metas([1_000, 1_000, 1_000]).map((meta, i) => ({ ...meta, attributes: ALL_RECORDS_HAVE_TTL, expireTimestamp: i < 2 ? 5_000 : 20_000 }));
      const plan = planRetention(input(withNoop(9_999, batches)));
      expect(plan.newLogStartOffset).to.equal(4);
      expect(plan.recordsDeletedByReason.ttl).to.equal(4);
    });

    it('is not deleted alone at the end of what goes', () => {
      const plan = planRetention(input(withNoop(9_999, metas([1_000, 9_500]), 1), { retentionMs: 5_000 }));
      expect(plan.batchesDeleted).to.equal(1);
      expect(plan.newLogStartOffset).to.equal(2);
    });
  });

  it('only deletes batches that end below logEndOffset (the high watermark)', () => {
    const batches = metas([1, 2, 3]);
    expect(planRetention(input(batches, { retentionMs: 0, logEndOffset: 3 })).newLogStartOffset).to.equal(2);
    expect(planRetention(input(batches, { retentionMs: 0, logEndOffset: 0 })).batchesDeleted).to.equal(0);
  });

  it('only deletes committed batches, and weighs only their bytes against retention.bytes', () => {
    const batches = metas([1, 2, 3, 4]);
    const twoCommitted = { committedBatches: 2, committedBytes: 200 };
    expect(planRetention(input(batches, { ...twoCommitted, retentionMs: 0 })).newLogStartOffset).to.equal(4);
    // 200 committed bytes over a 150-byte limit: the older of the two goes, never the newest committed one.
    expect(planRetention(input(batches, { ...twoCommitted, retentionBytes: 150 })).batchesDeleted).to.equal(1);
    expect(planRetention(input(batches, { ...twoCommitted, retentionBytes: 200 })).batchesDeleted).to.equal(0);
  });

  it('counts only records at or above the current log start, and never moves the start back', () => {
    const batches = metas([1, 2, 9_999], 4);
    const plan = planRetention(input(batches, { logStartOffset: 3, retentionMs: 1_000 }));
    expect(plan.newLogStartOffset).to.equal(8);
    expect(plan.recordsDeleted).to.equal(1 + 4);
    const none = planRetention(input(batches, { logStartOffset: 3 }));
    expect(none.newLogStartOffset).to.equal(3);
  });

  it('attributes each deleted batch to the first rule that deletes it and names the widest rule', () => {
    const plan = planRetention(input(metas([1, 2, 3, 4, 9_999]), { retentionMs: 9_998, retentionBytes: 200 }));
    // time deletes 0..3 (maxTimestamp < 2); size deletes 3 batches (500 > 200 → keep 2).
    expect(plan.batchesDeleted).to.equal(3);
    expect(plan.recordsDeletedByReason).to.deep.equal({ time: 2, size: 4, ttl: 0 });
    expect(plan.reason).to.equal('size');
  });

  it('handles an empty log', () => {
    const plan = planRetention(input([], { logStartOffset: 7, logEndOffset: 7, retentionMs: 0, retentionBytes: 0, messageTtlMs: 1 }));
    expect(plan.newLogStartOffset).to.equal(7);
    expect(plan.batchesDeleted).to.equal(0);
  });
});

describe('isBatchExpired', () => {
  const [batch] = metas([1_000]);

  it('never expires without a topic TTL or record TTLs', () => {
    expect(isBatchExpired(batch!, 0, Number.MAX_SAFE_INTEGER)).to.equal(false);
  });

  it('expires at maxTimestamp + topic TTL, inclusive', () => {
    expect(isBatchExpired(batch!, 500, 1_499)).to.equal(false);
    expect(isBatchExpired(batch!, 500, 1_500)).to.equal(true);
  });

  it('uses expireTimestamp when every record has its own TTL, whatever the topic TTL', () => {
    const own = { ...batch!, attributes: ALL_RECORDS_HAVE_TTL, expireTimestamp: 1_200 };
    expect(isBatchExpired(own, 0, 1_200)).to.equal(true);
    expect(isBatchExpired(own, 100_000, 1_199)).to.equal(false);
  });

  it('waits for the latest record TTL when only some records have one', () => {
    const mixed = { ...batch!, expireTimestamp: 5_000 };
    expect(isBatchExpired(mixed, 500, 4_999)).to.equal(false);
    expect(isBatchExpired(mixed, 500, 5_000)).to.equal(true);
  });
});
