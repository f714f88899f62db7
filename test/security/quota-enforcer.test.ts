/** QuotaEnforcer on a virtual clock: defaults and per-principal overrides, request share, holds and their release. */
import { expect } from 'chai';
import { VirtualClock } from '../../src/runtime/virtual-clock.js';
import type { QuotaLimits } from '../../src/security/quota.js';
import { QuotaEnforcer } from '../../src/security/quota-enforcer.js';

function enforcer(clock: VirtualClock, overrides: Record<string, QuotaLimits> = {}, throttled: string[] = []): QuotaEnforcer {
  return new QuotaEnforcer({
    defaults: { producerByteRate: 1000, requestPercentage: 10 },
    overrides: (principal) => overrides[principal],
    window: { samples: 3, sampleMs: 1000 },
    throttleMaxMs: 4_000,
    clock,
    onThrottled: (principal, kind, ms) => throttled.push(`${principal} ${kind} ${ms}`),
  });
}

describe('QuotaEnforcer', () => {
  it('throttles by the default, unless the principal has its own quota of that kind', () => {
    const clock = new VirtualClock(0);
    const throttled: string[] = [];
    const quotas = enforcer(clock, { alice: { producerByteRate: 1_000_000 }, bob: { consumerByteRate: 10 } }, throttled);
    // 4000 B over the 2 s minimum window: 2000 B/s against 1000 B/s -> 2 s.
    expect(quotas.record('ANONYMOUS', 'produce', 4000)).to.equal(2_000);
    expect(quotas.record('alice', 'produce', 4000)).to.equal(0);
    // bob's own quota is for fetches: the produce default still applies to him.
    expect(quotas.record('bob', 'produce', 4000)).to.equal(2_000);
    // 100 B over 2 s against 10 B/s: 8 s, capped at 4 s.
    expect(quotas.record('bob', 'fetch', 100)).to.equal(4_000);
    // No consumer default: unlimited.
    expect(quotas.record('ANONYMOUS', 'fetch', 1e9)).to.equal(0);
    expect(throttled).to.deep.equal(['ANONYMOUS produce 2000', 'bob produce 2000', 'bob fetch 4000']);
  });

  it('throttles request time from the next request on, capped', () => {
    const clock = new VirtualClock(0);
    const quotas = enforcer(clock);
    expect(quotas.requestThrottleMs('carol')).to.equal(0);
    // 10 % of a second is 100 ms per second; 1000 ms of handler time over 2 s is 500 ms/s.
    quotas.recordRequestTime('carol', 1000);
    expect(quotas.requestThrottleMs('carol')).to.equal(4_000);
    quotas.recordRequestTime('dave', 250);
    // 250 ms over 2 s: 125 ms/s, a quarter over: a quarter of the window.
    expect(quotas.requestThrottleMs('dave')).to.equal(500);
    expect(quotas.requestThrottleMs('erin')).to.equal(0);
  });

  it('holds an answer for the throttle time on the clock, and releases every hold at shutdown', async () => {
    const clock = new VirtualClock(0);
    const quotas = enforcer(clock);
    const done: string[] = [];
    void quotas.hold(500).then(() => done.push(`short at ${clock.nowMs()}`));
    void quotas.hold(3_000).then(() => done.push(`long at ${clock.nowMs()}`));
    await clock.run(1_000);
    expect(done).to.deep.equal(['short at 500']);
    quotas.release();
    await Promise.resolve();
    expect(done).to.deep.equal(['short at 500', 'long at 1000']);
    let after = false;
    await quotas.hold(10_000).then(() => (after = true));
    expect(after).to.equal(true);
  });
});
