/** The console's history (pure): rates from cumulative samples, quantiles from histogram deltas, bounds. */
import { expect } from 'chai';
import { History, quantileMs, SERIES_PER_POINT_MAX, type BucketCounts, type Sample } from '../../src/console/history.js';

function sample(timeMs: number, ends: Record<string, number>, committed: Record<string, number> = {}, lag: Record<string, number> = {}, latency?: BucketCounts): Sample {
  return {
    timeMs,
    topicEnds: new Map(Object.entries(ends)),
    groupCommitted: new Map(Object.entries(committed)),
    groupLag: new Map(Object.entries(lag)),
    produceLatency: latency,
    endToEndLatency: undefined,
  };
}

describe('console history', () => {
  it('turns cumulative offsets into records per second, a point per sample after the first', () => {
    const history = new History(1000);
    history.add(sample(0, { a: 100, b: 0 }, { g: 10 }, { g: 90 }));
    expect(history.view({ group: () => true, topic: () => true }).points).to.deep.equal([]);
    history.add(sample(2000, { a: 300, b: 50 }, { g: 60 }, { g: 40 }));
    const point = history.latest()!;
    expect([point.produceRecordsPerSec, point.consumeRecordsPerSec]).to.deep.equal([125, 25]);
    expect(history.topicRate('a')).to.equal(100);
    // A topic re-created (its end went back) counts 0, not a negative rate; a new one counts from its second sample.
    history.add(sample(3000, { a: 10, b: 50, c: 5 }, { g: 60 }, { g: 40 }));
    expect(history.topicRate('a')).to.equal(0);
    expect(history.topicRate('c')).to.equal(0);
    const view = history.view({ group: () => true, topic: (name) => name !== 'b' });
    expect(view.topicRates).to.deep.equal({ a: [100, 0], c: [null, 0] });
    expect(view.groupLag).to.deep.equal({ g: [40, 40] });
  });

  it('keeps one hour of points and a bounded number of series per point', () => {
    const history = new History(60_000);
    expect(history.pointsMax).to.equal(60);
    const many = Object.fromEntries(Array.from({ length: SERIES_PER_POINT_MAX + 50 }, (_, i) => [`t${i}`, i * 1000]));
    for (let i = 0; i <= 100; i++) history.add(sample(i * 60_000, Object.fromEntries(Object.entries(many).map(([k, v]) => [k, v * (i + 1)]))));
    const view = history.view({ group: () => true, topic: () => true });
    expect(view.points).to.have.length(60);
    expect(Object.keys(view.topicRates)).to.have.length(SERIES_PER_POINT_MAX);
    expect(view.topicRates).to.have.property(`t${SERIES_PER_POINT_MAX + 49}`);
    expect(view.topicRates).not.to.have.property('t0');
  });

  it('computes latency quantiles from the observations between two histogram snapshots', () => {
    const le = [0.001, 0.01, 0.1, Infinity];
    expect(quantileMs(undefined, { le, counts: [0, 0, 0, 0] }, 0.5)).to.equal(null);
    // 100 observations, all in (1 ms, 10 ms]: the median interpolates to 5.5 ms.
    const before = { le, counts: [50, 50, 50, 50] };
    const after = { le, counts: [50, 150, 150, 150] };
    expect(quantileMs(before, after, 0.5)).to.be.closeTo(5.5, 1e-9);
    expect(quantileMs(before, after, 0.99)).to.be.closeTo(9.91, 1e-9);
    // Beyond the last finite bound: the bound itself.
    expect(quantileMs(undefined, { le, counts: [0, 0, 0, 10] }, 0.5)).to.equal(100);
    const history = new History(1000);
    history.add(sample(0, {}, {}, {}, before));
    history.add(sample(1000, {}, {}, {}, after));
    expect(history.latest()!.produceLatencyP50Ms).to.be.closeTo(5.5, 1e-9);
    expect(history.latest()!.endToEndLatencyP99Ms).to.equal(null);
  });
});
