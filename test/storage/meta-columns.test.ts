import { expect } from 'chai';
import { MetaColumns } from '../../src/storage/meta-columns.js';
import type { BatchMeta } from '../../src/storage/types.js';

function meta(n: number): BatchMeta {
  return {
    entryIndex: n,
    baseOffset: n * 1_000_003,
    lastOffset: n * 1_000_003 + 999,
    sizeBytes: 100 + (n % 7),
    recordCount: 1_000,
    maxTimestamp: 1_764_000_000_000 + n,
    leaderEpoch: n % 5,
    attributes: n % 2 === 0 ? 0x40 : 0,
    expireTimestamp: n % 3 === 0 ? -1 : 1_764_000_100_000 + n,
    producerId: n % 4 === 0 ? -1 : 2 ** 40 + n,
    producerEpoch: n % 4 === 0 ? -1 : 7,
    baseSequence: n % 4 === 0 ? -1 : 2 ** 30 + n,
  };
}

describe('MetaColumns', () => {
  it('gives back every field exactly, including -1s and values past 32 bits', () => {
    const columns = new MetaColumns();
    for (let n = 1; n <= 8; n++) columns.push(meta(n));
    for (let n = 1; n <= 8; n++) expect(columns.get(n - 1, n)).to.deep.equal(meta(n));
    expect([columns.baseOffset(2), columns.lastOffset(2), columns.sizeBytes(2), columns.leaderEpoch(2)]).to.deep.equal([
      meta(3).baseOffset,
      meta(3).lastOffset,
      meta(3).sizeBytes,
      meta(3).leaderEpoch,
    ]);
  });

  it('behaves as a deque through growth, compaction and shrinking (model check, seeded)', () => {
    const seed = 20261126;
    let state = seed;
    const random = (): number => ((state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const columns = new MetaColumns();
    const model: BatchMeta[] = [];
    let next = 1;
    for (let step = 0; step < 3_000; step++) {
      const roll = random();
      if (roll < 0.6) {
        const n = 1 + Math.floor(random() * 50);
        for (let i = 0; i < n; i++) {
          const added = meta(next++);
          columns.push(added);
          model.push(added);
        }
      } else if (roll < 0.85) {
        const n = Math.floor(random() * (model.length + 1));
        columns.dropFront(n);
        model.splice(0, n);
      } else if (roll < 0.98) {
        const n = Math.floor(random() * (model.length + 1) * 0.3);
        columns.dropBack(n);
        model.splice(model.length - n, n);
      } else {
        columns.clear();
        model.length = 0;
      }
      expect(columns.length, `seed ${seed}, step ${step}`).to.equal(model.length);
      if (model.length > 0) {
        const probe = Math.floor(random() * model.length);
        expect(columns.get(probe, model[probe]!.entryIndex), `seed ${seed}, step ${step}`).to.deep.equal(model[probe]);
        expect(columns.lastOffset(model.length - 1), `seed ${seed}, step ${step}`).to.equal(model.at(-1)!.lastOffset);
      }
    }
  });

  it('finds the first batch reaching a time through growth, compaction, shrinking and drops at both ends (model check, seeded)', () => {
    const seed = 18;
    let state = seed;
    const random = (): number => ((state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const columns = new MetaColumns();
    const model: BatchMeta[] = [];
    let next = 1;
    /** Brute force: the first data batch at or after `from` whose maxTimestamp >= t. */
    const firstReaching = (from: number, t: number): number => {
      for (let k = from; k < model.length; k++) if (model[k]!.recordCount > 0 && model[k]!.maxTimestamp >= t) return k;
      return model.length;
    };
    for (let step = 0; step < 3_000; step++) {
      const roll = random();
      if (roll < 0.6) {
        const n = 1 + Math.floor(random() * 50);
        for (let i = 0; i < n; i++) {
          // Timestamps jump around (clock skew); some batches are zero-record no-ops with a late time.
          const noOp = random() < 0.1;
          const added = { ...meta(next++), recordCount: noOp ? 0 : 3, maxTimestamp: noOp ? 10_000 : Math.floor(random() * 1_000) };
          columns.push(added);
          model.push(added);
        }
      } else if (roll < 0.85) {
        const n = Math.floor(random() * (model.length + 1));
        columns.dropFront(n);
        model.splice(0, n);
      } else {
        const n = Math.floor(random() * (model.length + 1) * 0.3);
        columns.dropBack(n);
        model.splice(model.length - n, n);
      }
      for (let probe = 0; probe < 3; probe++) {
        const from = Math.floor(random() * (model.length + 1));
        const t = Math.floor(random() * 1_100);
        expect(columns.firstReachingTimestamp(from, t), `seed ${seed}, step ${step}, from ${from}, t ${t}`).to.equal(firstReaching(from, t));
      }
    }
  });
});
