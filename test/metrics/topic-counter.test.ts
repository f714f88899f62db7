/** TopicCounter: hot-path adds reach the Prometheus counter at scrape time, never lost or counted twice. */
import { expect } from 'chai';
import { Registry } from 'prom-client';
import { TopicCounter } from '../../src/metrics/broker-metrics.js';

async function series(registry: Registry, name = 'test_records_total'): Promise<Record<string, number>> {
  const metric = await registry.getSingleMetric(name)!.get();
  return Object.fromEntries(metric.values.map((v) => [Object.values(v.labels).join('/'), v.value]));
}

describe('TopicCounter', () => {
  it('sums adds per topic into the counter at each scrape and keeps counting across scrapes', async () => {
    const registry = new Registry();
    const counter = new TopicCounter({ name: 'test_records_total', help: 'test', registers: [registry], topicExists: () => true });
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

  it('drops the series of a topic deleted since, and keeps an extra label apart', async () => {
    const registry = new Registry();
    const live = new Set(['a', 'b']);
    const counter = new TopicCounter({ name: 'test_deleted_total', help: 'test', registers: [registry], extraLabel: 'reason', topicExists: (topic) => live.has(topic) });
    counter.add('a', 2, 'time');
    counter.add('a', 3, 'size');
    counter.add('b', 1, 'time');
    expect(await series(registry, 'test_deleted_total')).to.deep.equal({ 'a/time': 2, 'a/size': 3, 'b/time': 1 });
    live.delete('a');
    expect(await series(registry, 'test_deleted_total')).to.deep.equal({ 'b/time': 1 });
    // Created again: counts start over, in a new series.
    live.add('a');
    counter.add('a', 4, 'time');
    expect(await series(registry, 'test_deleted_total')).to.deep.equal({ 'a/time': 4, 'b/time': 1 });
  });
});
