/**
 * The console on a 3-broker cluster: whichever broker serves it shows every broker and every
 * partition, and works on partitions and groups that other brokers lead or coordinate.
 */
import { expect } from 'chai';
import type { BrowseView, ClusterView, GroupView, HistoryView, ProducedView, ResetView, TopicView } from '../../src/console/views.js';
import { waitFor } from '../helpers/broker-process.js';
import { TestCluster } from '../helpers/cluster.js';
import { ConsoleApi } from '../helpers/console-api.js';

describe('console on a 3-broker cluster', function () {
  this.timeout(180_000);
  let cluster: TestCluster;
  const apis = new Map<number, ConsoleApi>();

  before(async () => {
    cluster = await TestCluster.start(3, ['--console-history-interval-ms', '300']);
    for (const [id, broker] of cluster.brokers) apis.set(id, new ConsoleApi(broker.httpPort));
  });

  after(async () => {
    await cluster?.cleanup();
  });

  it('shows all three brokers and every partition from each broker', async () => {
    await apis.get(2)!.ok<TopicView>('POST', '/topics', { name: 'spread', partitions: 6, replicationFactor: 3 }, 201);
    for (const [id, api] of apis) {
      const view = await waitFor(`broker ${id}'s view of the cluster`, async () => {
        const c = await api.ok<ClusterView>('GET', '/cluster');
        return c.brokers.every((b) => b.alive) && c.brokers.reduce((sum, b) => sum + b.partitionsLed, 0) === c.partitions && c.underReplicatedPartitions === 0 ? c : undefined;
      }, 30_000, 200);
      expect(view.servedBy).to.equal(id);
      expect(view.brokers.map((b) => b.id)).to.deep.equal([1, 2, 3]);
      expect(view.brokers.filter((b) => b.controller)).to.have.length(1);
      expect(view.offlinePartitions).to.equal(0);
      const topic = await api.ok<TopicView>('GET', '/topics/spread');
      expect(topic.partitions.map((p) => p.replicas.length)).to.deep.equal([3, 3, 3, 3, 3, 3]);
    }
  });

  it('produces through one broker, browses through another, resets a group through a third', async () => {
    const produced: ProducedView[] = [];
    for (let i = 0; i < 12; i++) produced.push(await apis.get(3)!.ok<ProducedView>('POST', '/topics/spread/messages', { key: `k${i}`, value: `v${i}` }, 201));
    expect(new Set(produced.map((p) => p.partition)).size, 'keys spread over partitions led by different brokers').to.be.greaterThan(1);
    const browsed = await apis.get(1)!.ok<BrowseView>('GET', '/topics/spread/messages?from=beginning&limit=100');
    expect(browsed.records.map((r) => r.key).sort()).to.deep.equal(produced.map((_, i) => `k${i}`).sort());
    const found = await apis.get(2)!.ok<BrowseView>('GET', '/topics/spread/messages?from=end&key=k7');
    expect(found.records.map((r) => r.value)).to.deep.equal(['v7']);

    const applied = await apis.get(2)!.ok<ResetView>('POST', '/groups/cluster-readers/reset-offsets', { topic: 'spread', target: { kind: 'latest' }, dryRun: false });
    expect(applied.changes.reduce((sum, c) => sum + c.newOffset, 0)).to.equal(12);
    for (const api of apis.values()) {
      const group = await api.ok<GroupView>('GET', '/groups/cluster-readers');
      expect(group.lag).to.equal(0);
      expect(group.partitions).to.have.length(6);
    }
    // Each broker's history counts the whole cluster's produce rate.
    for (let i = 0; i < 30; i++) await apis.get(3)!.ok('POST', '/topics/spread/messages', { key: `more-${i}`, value: 'x' }, 201);
    for (const [id, api] of apis) {
      await waitFor(`broker ${id}'s history of the produce rate`, async () => {
        const history = await api.ok<HistoryView>('GET', '/history');
        return (history.topicRates.spread ?? []).some((rate) => (rate ?? 0) > 0) ? true : undefined;
      }, 30_000, 200);
    }
  });
});
