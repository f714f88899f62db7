/** TopicCounter: hot-path adds reach the Prometheus counter at scrape time, never lost or counted twice. */
import { expect } from 'chai';
import { Registry } from 'prom-client';
import { TopicCounter } from '../../src/metrics/broker-metrics.js';

async function series(registry: Registry): Promise<Record<string, number>> {
  const metric = await registry.getSingleMetric('test_records_total')!.get();
  return Object.fromEntries(metric.values.map((v) => [String(v.labels['topic']), v.value]));
}

describe('TopicCounter', () => {
  it('sums adds per topic into the counter at each scrape and keeps counting across scrapes', async () => {
    const registry = new Registry();
    const counter = new TopicCounter('test_records_total', 'test', [registry]);
    expect(await series(registry)).to.deep.equal({});
    counter.add('a', 3);
    counter.add('b', 1);
    counter.add('a', 4);
    expect(await series(registry)).to.deep.equal({ a: 7, b: 1 });
    // A scrape with nothing new repeats the totals; later adds go on top of them.
    expect(await series(registry)).to.deep.equal({ a: 7, b: 1 });
    counter.add('b', 2);
    expect(await series(registry)).to.deep.equal({ a: 7, b: 3 });
    expect(await registry.metrics()).to.include('test_records_total{topic="b"} 3');
  });
});
