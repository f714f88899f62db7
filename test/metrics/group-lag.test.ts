import { expect } from 'chai';
import { groupLagEntry, HighWatermarkHistory, type CoordinatorLagView } from '../../src/metrics/group-lag.js';

function view(overrides: Partial<CoordinatorLagView> = {}): CoordinatorLagView {
  return { group: 'g', topic: 't', partition: 0, committedOffset: 10, logEndOffset: -1, lagMs: -1, ...overrides };
}

describe('group lag (metrics/group-lag.ts)', () => {
  describe('HighWatermarkHistory', () => {
    it('interpolates when the high watermark passed an offset', () => {
      const history = new HighWatermarkHistory();
      history.sample('t', 0, 0, 1_000);
      history.sample('t', 0, 100, 11_000);
      // Offset 49 became visible halfway: at 6 s; at 20 s it is 14 s old.
      expect(history.ageMs('t', 0, 49, 20_000)).to.equal(14_000);
      expect(history.ageMs('t', 0, 99, 20_000)).to.equal(9_000);
    });

    it('gives the oldest sample\'s age as a lower bound for older offsets, and 0 for offsets not yet passed', () => {
      const history = new HighWatermarkHistory();
      history.sample('t', 0, 50, 1_000);
      history.sample('t', 0, 60, 3_000);
      expect(history.ageMs('t', 0, 10, 5_000)).to.equal(4_000);
      expect(history.ageMs('t', 0, 60, 5_000)).to.equal(0);
      expect(history.ageMs('other', 0, 1, 5_000)).to.equal(0);
    });

    it('merges samples closer than a second, starts over when the high watermark goes back, and stays bounded', () => {
      const history = new HighWatermarkHistory();
      history.sample('t', 0, 10, 0);
      history.sample('t', 0, 20, 500);
      history.sample('t', 0, 30, 800); // within a second of the first: replaces the one at 0.5 s
      expect(history.ageMs('t', 0, 15, 3_000)).to.equal(3_000 - 800 * (6 / 20));
      history.sample('t', 0, 5, 4_000); // a re-created partition
      expect(history.ageMs('t', 0, 7, 4_000)).to.equal(0);
      expect(history.ageMs('t', 0, 2, 6_000)).to.equal(2_000);
      for (let i = 1; i <= 10_000; i++) history.sample('t', 0, 5 + i, 4_000 + i * 1_000);
      const age = history.ageMs('t', 0, 5 + 9_990, 4_000 + 10_000 * 1_000);
      expect(age).to.be.within(9_000, 11_000); // recent samples keep their resolution
      expect(history.ageMs('t', 0, 6, 4_000 + 10_000 * 1_000)).to.be.greaterThan(9_000_000); // old ones are kept, coarser
    });

    it('forgets partitions no computation asked about for ten minutes', () => {
      const history = new HighWatermarkHistory();
      history.sample('t', 0, 10, 0);
      history.sample('u', 1, 10, 0);
      history.ageMs('u', 1, 5, 500_000);
      history.forgetUnused(700_000);
      expect(history.tracked()).to.deep.equal([{ topic: 'u', partition: 1 }]);
    });
  });

  describe('groupLagEntry', () => {
    it('uses the leader\'s report for a partition without a local replica, and the history for its age', () => {
      const history = new HighWatermarkHistory();
      history.sample('t', 0, 10, 0); // offset 9 was visible by then
      const entry = groupLagEntry(view({ committedOffset: 9 }), { highWatermark: 25, logStartOffset: 0 }, history, 5_000);
      expect(entry).to.deep.equal({ group: 'g', topic: 't', partition: 0, committedOffset: 9, lag: 16, lagSeconds: 5 });
    });

    it('takes the age read from a local replica that is not behind', () => {
      const entry = groupLagEntry(view({ logEndOffset: 25, lagMs: 1_500 }), { highWatermark: 25, logStartOffset: 0 }, new HighWatermarkHistory(), 9_000);
      expect(entry).to.include({ lag: 15, lagSeconds: 1.5 });
    });

    it('counts from the log start when retention passed the committed offset, and reports no lag as 0 s', () => {
      expect(groupLagEntry(view(), { highWatermark: 25, logStartOffset: 20 }, new HighWatermarkHistory(), 0)).to.include({ lag: 5 });
      expect(groupLagEntry(view({ committedOffset: 25 }), { highWatermark: 25, logStartOffset: 0 }, new HighWatermarkHistory(), 0)).to.include({ lag: 0, lagSeconds: 0 });
    });

    it('has nothing to say without a committed offset or a known high watermark', () => {
      expect(groupLagEntry(view({ committedOffset: -1 }), { highWatermark: 5, logStartOffset: 0 }, new HighWatermarkHistory(), 0)).to.equal(undefined);
      expect(groupLagEntry(view(), undefined, new HighWatermarkHistory(), 0)).to.equal(undefined);
    });
  });
});
