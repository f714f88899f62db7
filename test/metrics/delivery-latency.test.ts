import { expect } from 'chai';
import { DeliveryLatency } from '../../src/metrics/delivery-latency.js';

describe('metrics: delivery latency tracker', () => {
  it('observes each batch once, at its first delivery', () => {
    const seen: number[] = [];
    const tracker = new DeliveryLatency((ms) => seen.push(ms));
    tracker.appended(10, 1000);
    tracker.appended(20, 1002);
    tracker.appended(30, 1005);
    tracker.delivered(20, 1010); // serves the first two batches
    expect(seen).to.deep.equal([10, 8]);
    tracker.delivered(20, 1020); // a re-read is not a first delivery
    tracker.delivered(35, 1030);
    expect(seen).to.deep.equal([10, 8, 25]);
  });

  it('forgets the oldest undelivered batches beyond its bound', () => {
    const seen: number[] = [];
    const tracker = new DeliveryLatency((ms) => seen.push(ms));
    for (let i = 1; i <= 10_000; i++) tracker.appended(i, i);
    tracker.delivered(10_000, 10_000);
    expect(seen).to.have.length(4096);
    expect(seen[0]).to.equal(10_000 - (10_000 - 4096 + 1));
  });
});
