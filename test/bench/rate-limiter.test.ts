import { expect } from 'chai';
import { RateLimiter } from '../../src/bench/rate-limiter.js';

describe('bench: rate limiter', () => {
  it('grants records on a fixed schedule from the start', () => {
    let nowMs = 0;
    const limiter = new RateLimiter(1000, () => nowMs);
    expect(limiter.take(100)).to.equal(0);
    expect(limiter.waitMs()).to.equal(1);
    nowMs = 10;
    expect(limiter.take(100)).to.equal(10);
    expect(limiter.take(100)).to.equal(0);
    nowMs = 10.5;
    expect(limiter.waitMs()).to.equal(0.5);
  });

  it('catches up after a stall, bounded by max per call', () => {
    let nowMs = 0;
    const limiter = new RateLimiter(10_000, () => nowMs);
    nowMs = 100; // 1000 records due
    expect(limiter.take(300)).to.equal(300);
    expect(limiter.take(10_000)).to.equal(700);
    expect(limiter.take(10_000)).to.equal(0);
  });

  it('is unlimited at rate 0 and rejects negative rates', () => {
    const limiter = new RateLimiter(0, () => 0);
    expect(limiter.take(12345)).to.equal(12345);
    expect(limiter.waitMs()).to.equal(0);
    expect(() => new RateLimiter(-1)).to.throw(RangeError);
  });
});
