import { expect } from 'chai';
import { encodeBatch } from '../../src/protocol/batch.js';
import { SimCluster } from '../sim-cluster/cluster.js';

/**
 * Requests reach a partition's log in the order they arrived, whatever each costs to check: a
 * compressed batch (decompressed on the thread pool) is not overtaken by a plain one sent after it.
 */
describe('broker: produce order on one partition (in-process broker)', () => {
  it('appends a gzip batch and the plain batch sent right after it in arrival order', async () => {
    const cluster = new SimCluster({ seed: 5, brokers: 1, flush: { kind: 'always' } });
    await cluster.startAll();
    expect(await cluster.runFor(10_000, () => cluster.running().every((b) => b.ready)), 'broker ready').to.equal(true);
    const broker = cluster.broker(1)!;
    await cluster.settle(broker.createTopic({ name: 'ordered', partitions: 1, replicationFactor: 1, configs: {} }), 10_000);
    expect(await cluster.runFor(5_000, () => broker.allPartitions().some((p) => p.topic === 'ordered' && p.isLeader)), 'leader').to.equal(true);

    const nowMs = cluster.clock.nowMs();
    const big = encodeBatch(Array.from({ length: 2_000 }, (_, i) => ({ value: Buffer.alloc(1_000, i % 7) })), { nowMs, compression: 'gzip' });
    const plain = encodeBatch([{ value: Buffer.from('after') }], { nowMs });
    const first = broker.produce('ordered', 0, big, -1, 5_000);
    const second = broker.produce('ordered', 0, plain, -1, 5_000);
    const [compressed, uncompressed] = await cluster.settle(Promise.all([first, second]), 10_000);
    expect(compressed.baseOffset).to.equal(0);
    expect(uncompressed.baseOffset).to.equal(2_000);
  });
});
