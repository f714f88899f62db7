import { expect } from 'chai';
import { sleep, withTimeout } from '../../src/runtime/clock.js';
import { VirtualClock } from '../../src/runtime/virtual-clock.js';

describe('runtime/VirtualClock', () => {
  it('runs timers by due time, ties in the order they were set, moving time only to each', () => {
    const clock = new VirtualClock(1_000);
    const ran: string[] = [];
    clock.setTimeout(() => ran.push(`b@${clock.nowMs()}`), 20);
    clock.setTimeout(() => ran.push(`a@${clock.nowMs()}`), 10);
    clock.setTimeout(() => ran.push(`c@${clock.nowMs()}`), 20);
    clock.defer(() => ran.push(`d@${clock.nowMs()}`));
    while (clock.runNext());
    expect(ran).to.deep.equal(['d@1000', 'a@1010', 'b@1020', 'c@1020']);
    expect(clock.nowMs()).to.equal(1_020);
  });

  it('repeats intervals until cleared, and skips cleared timers', () => {
    const clock = new VirtualClock(0);
    const ticks: number[] = [];
    const interval = clock.setInterval(() => {
      ticks.push(clock.nowMs());
      if (ticks.length === 3) clock.clearTimer(interval);
    }, 50);
    const cleared = clock.setTimeout(() => ticks.push(-1), 60);
    clock.clearTimer(cleared);
    while (clock.runNext());
    expect(ticks).to.deep.equal([50, 100, 150]);
  });

  it('lets promise jobs finish between timers, and stops when asked or at the end time', async () => {
    const clock = new VirtualClock(0);
    const steps: string[] = [];
    const task = (async () => {
      await sleep(clock, 100);
      steps.push(`slept ${clock.nowMs()}`);
      await withTimeout(clock, new Promise<void>(() => undefined), 50, () => new Error('late')).catch((err: Error) => steps.push(`${err.message} ${clock.nowMs()}`));
    })();
    expect(await clock.run(120)).to.equal(true);
    expect(steps).to.deep.equal(['slept 100']);
    expect(clock.nowMs()).to.equal(120);
    expect(await clock.run(1_000, () => steps.length === 2)).to.equal(false);
    await task;
    expect(steps).to.deep.equal(['slept 100', 'late 150']);
  });

  it('keeps time in whole milliseconds: a fractional delay is rounded up, never run early', () => {
    const clock = new VirtualClock(1_000);
    const ran: number[] = [];
    clock.setTimeout(() => ran.push(clock.nowMs()), 2.3);
    clock.setInterval(() => ran.push(clock.nowMs()), 0.4);
    for (let i = 0; i < 3; i++) clock.runNext();
    expect(ran).to.deep.equal([1_001, 1_002, 1_003]);
    expect(Number.isInteger(clock.nowMs())).to.equal(true);
  });
});
