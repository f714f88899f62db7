/** The quota arithmetic on a virtual clock: windowed rates, Kafka's throttle time, forgetting idle principals. */
import { expect } from 'chai';
import { VirtualClock } from '../../src/runtime/virtual-clock.js';
import { QuotaMeter, quotaFor, quotaValueProblem, SampledRate, throttleTimeMs } from '../../src/security/quota.js';

const WINDOW = { samples: 11, sampleMs: 1000 };

describe('quota arithmetic', () => {
  it('measures a steady rate over the window once the window is full', async () => {
    const clock = new VirtualClock(0);
    const rate = new SampledRate(WINDOW);
    // 100 bytes every 100 ms = 1000 B/s, for 20 s.
    clock.setInterval(() => rate.record(100, clock.nowMs()), 100);
    await clock.run(20_000);
    expect(rate.ratePerSec(clock.nowMs())).to.be.closeTo(1000, 60);
    expect(rate.windowMs(clock.nowMs())).to.be.within(10_000, 11_000);
  });

  it('reads an early burst over all but one sample, not over the moment it took', () => {
    const rate = new SampledRate(WINDOW);
    rate.record(10_000, 5);
    // Over 10 s (ten samples) as Kafka's Rate does: 1000 B/s, not 10 kB in 5 ms.
    expect(rate.windowMs(5)).to.equal(10_000);
    expect(rate.ratePerSec(5)).to.equal(1000);
  });

  it('forgets samples that left the window', () => {
    const rate = new SampledRate({ samples: 3, sampleMs: 1000 });
    rate.record(3000, 0);
    expect(rate.total(2_999)).to.equal(3000);
    expect(rate.total(3_000)).to.equal(0);
    expect(rate.idle(3_000)).to.equal(true);
    rate.record(10, 7_500);
    expect(rate.total(7_600)).to.equal(10);
  });

  it('throttles for the time that brings the rate back to the quota, capped', () => {
    expect(throttleTimeMs(900, 1000, 10_000, 30_000)).to.equal(0);
    expect(throttleTimeMs(1000, 1000, 10_000, 30_000)).to.equal(0);
    // 50 % over the quota across 10 s: 5 s more of silence brings it back.
    expect(throttleTimeMs(1500, 1000, 10_000, 30_000)).to.equal(5_000);
    expect(throttleTimeMs(5000, 1000, 10_000, 8_000)).to.equal(8_000);
    expect(throttleTimeMs(5000, 0, 10_000, 8_000)).to.equal(0);
  });

  it('checks a principal against its quota per principal, and records apart from checking', () => {
    const meter = new QuotaMeter({ samples: 3, sampleMs: 1000 }, 5_000);
    meter.record('alice', 4000, 0);
    meter.record('bob', 100, 0);
    // alice: 4000 B over the 2 s minimum window = 2000 B/s against 1000: 2 s.
    expect(meter.throttleMs('alice', 1000, 10)).to.equal(2_000);
    expect(meter.throttleMs('bob', 1000, 10)).to.equal(0);
    expect(meter.throttleMs('carol', 1000, 10)).to.equal(0);
    expect(meter.size).to.equal(2);
  });

  it('forgets principals whose rate left the window', () => {
    const meter = new QuotaMeter({ samples: 2, sampleMs: 100 }, 1_000);
    for (let i = 0; i < 2000; i++) meter.record(`p${i}`, 1, 0);
    // The sweep runs every 1024 records: those of the first sweep were still in the window.
    expect(meter.size).to.equal(2000);
    for (let i = 0; i < 1024; i++) meter.record('late', 1, 10_000);
    expect(meter.size).to.equal(1);
  });

  it('converts request percentage into handler milliseconds per second', () => {
    expect(quotaFor({ requestPercentage: 25 }, 'request')).to.equal(250);
    expect(quotaFor({ producerByteRate: 1024 }, 'produce')).to.equal(1024);
    expect(quotaFor({ producerByteRate: 1024 }, 'fetch')).to.equal(undefined);
  });

  it('refuses quota values that cannot be enforced', () => {
    expect(quotaValueProblem('producer_byte_rate', 1024)).to.equal(undefined);
    expect(quotaValueProblem('producer_byte_rate', 0)).to.match(/positive/);
    expect(quotaValueProblem('consumer_byte_rate', 1.5)).to.match(/whole number/);
    expect(quotaValueProblem('request_percentage', 12.5)).to.equal(undefined);
    expect(quotaValueProblem('request_percentage', 150)).to.match(/at most 100/);
    expect(quotaValueProblem('request_percentage', Number.NaN)).to.match(/positive/);
  });
});
