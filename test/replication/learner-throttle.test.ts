import { expect } from 'chai';
import { LearnerThrottle } from '../../src/replication/learner-throttle.js';
import type { Clock } from '../../src/runtime/clock.js';

/** A clock whose time the test sets (the throttle only reads nowMs). */
function manualClock(): Clock & { at: number } {
  const clock = {
    at: 0,
    nowMs: () => clock.at,
    setTimeout: () => {
      throw new Error('not used');
    },
    setInterval: () => {
      throw new Error('not used');
    },
    clearTimer: () => undefined,
    defer: () => undefined,
  };
  return clock as unknown as Clock & { at: number };
}

describe('LearnerThrottle', () => {
  it('lets a second of bytes through, then as many as time refills', () => {
    const clock = manualClock();
    const throttle = new LearnerThrottle(1000, clock);
    expect(throttle.take(600)).to.equal(true);
    expect(throttle.take(600)).to.equal(false);
    clock.at += 200; // 400 + 200 = 600 tokens
    expect(throttle.take(600)).to.equal(true);
    expect(throttle.take(1)).to.equal(false);
    clock.at += 10_000; // refills to one second's worth, no more
    expect(throttle.take(1000)).to.equal(true);
    expect(throttle.take(1)).to.equal(false);
  });

  it('lets one message larger than a second of bytes through once the bucket is full', () => {
    const clock = manualClock();
    const throttle = new LearnerThrottle(100, clock);
    expect(throttle.take(5000)).to.equal(true);
    expect(throttle.take(1)).to.equal(false);
    clock.at += 500;
    expect(throttle.take(5000)).to.equal(false);
    clock.at += 60_000;
    expect(throttle.take(5000)).to.equal(true);
  });
});
