import { expect } from 'chai';
import { HighWatermarkHistory, lagOf } from '../../src/metrics/group-lag.js';

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

    it('forgets partitions no lag computation observed for ten minutes, however often they are sampled', () => {
      const history = new HighWatermarkHistory();
      history.observe('t', 0, 10, 0);
      history.observe('u', 1, 10, 0);
      history.observe('u', 1, 12, 500_000);
      for (let ms = 1_000; ms <= 700_000; ms += 1_000) history.sample('t', 0, 10 + ms, ms);
      history.forgetUnused(700_000);
      expect(history.tracked()).to.deep.equal([{ topic: 'u', partition: 1 }]);
    });
  });

  describe('lagOf', () => {
    it('counts from the committed offset, or from the log start when retention passed it', () => {
      expect(lagOf(10, { highWatermark: 25, logStartOffset: 0 })).to.deep.equal({ from: 10, lag: 15 });
      expect(lagOf(10, { highWatermark: 25, logStartOffset: 20 })).to.deep.equal({ from: 20, lag: 5 });
      expect(lagOf(25, { highWatermark: 25, logStartOffset: 0 })).to.deep.equal({ from: 25, lag: 0 });
      expect(lagOf(30, { highWatermark: 25, logStartOffset: 0 })).to.deep.equal({ from: 30, lag: 0 });
    });
  });
});
