import { expect } from 'chai';
import { DeliveryLatency } from '../../src/metrics/delivery-latency.js';

describe('metrics: delivery latency tracker', () => {
  it('observes each batch once, at its first delivery', () => {
    const seen: number[] = [];
    const tracker = new DeliveryLatency((ms) => seen.push(ms));
    tracker.appended(10, 1000);
    tracker.appended(20, 1002);
    tracker.appended(30, 1005);
    tracker.delivered(0, 20, 1010); // serves the first two batches
    expect(seen).to.deep.equal([10, 8]);
    tracker.delivered(0, 20, 1020); // a re-read is not a first delivery
    tracker.delivered(20, 35, 1030);
    expect(seen).to.deep.equal([10, 8, 25]);
  });

  it('forgets the oldest undelivered batches beyond its bound', () => {
    const seen: number[] = [];
    const tracker = new DeliveryLatency((ms) => seen.push(ms));
    for (let i = 1; i <= 10_000; i++) tracker.appended(i, i);
    tracker.delivered(0, 10_000, 10_000);
    expect(seen).to.have.length(4096);
    expect(seen[0]).to.equal(10_000 - (10_000 - 4096 + 1));
  });

  it('does not measure batches a reader skipped by starting after them', () => {
    const seen: number[] = [];
    const tracker = new DeliveryLatency((ms) => seen.push(ms));
    tracker.appended(10, 1000);
    tracker.appended(20, 1001);
    tracker.appended(30, 5000);
    tracker.delivered(20, 30, 5004); // a consumer starting at the end
    expect(seen).to.deep.equal([4]);
  });

  it('keeps memory bounded on a partition nobody reads', () => {
    const tracker = new DeliveryLatency(() => undefined);
    for (let i = 1; i <= 100_000; i++) tracker.appended(i, i);
    const internals = tracker as unknown as { endOffsets: number[]; appendedAtMs: number[] };
    expect(internals.endOffsets.length).to.be.at.most(2 * 4096 + 1);
    expect(internals.appendedAtMs.length).to.be.at.most(2 * 4096 + 1);
  });
});
