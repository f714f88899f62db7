import { expect } from 'chai';
import { encodeBatch, readBatchHeader } from '../../src/protocol/batch.js';
import { SluiceError } from '../../src/protocol/errors.js';
import { faultyDisks, SimCluster } from '../sim-cluster/cluster.js';

const TOPIC = 'orders';

/** The running broker that leads partition 0 of the topic and can store. */
function leaderOf(cluster: SimCluster): number | undefined {
  return cluster.running().find((b) => b.allPartitions().some((p) => p.topic === TOPIC && p.isLeader))?.identity.brokerId;
}

describe('broker: a disk fault on a partition leader (in-process cluster, faulty store)', () => {
  it('answers STORAGE_ERROR naming the cause, moves leadership to a healthy replica, and rejoins once the disk takes writes, losing nothing acknowledged', async () => {
    const { disks: stores, storeFor } = faultyDisks();
    const cluster = new SimCluster({ seed: 11, brokers: 3, flush: { kind: 'always' }, storeFor });
    await cluster.startAll();
    expect(await cluster.runFor(10_000, () => cluster.running().every((b) => b.ready)), 'brokers ready').to.equal(true);
    await cluster.settle(cluster.broker(1)!.createTopic({ name: TOPIC, partitions: 1, replicationFactor: 3, configs: {} }), 10_000);
    expect(await cluster.runFor(5_000, () => leaderOf(cluster) !== undefined), 'a leader').to.equal(true);
    const first = leaderOf(cluster)!;
    const produce = (brokerId: number, text: string) =>
      cluster.settle(cluster.broker(brokerId)!.produce(TOPIC, 0, encodeBatch([{ key: null, value: Buffer.from(text) }], { nowMs: cluster.clock.nowMs() }), -1, 3_000), 5_000);
    const acknowledged = [await produce(first, 'before')];

    stores.get(first)!.failWrites('EIO');
    const refused = await produce(first, 'refused').then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(refused).to.be.instanceOf(SluiceError);
    expect((refused as SluiceError).code).to.equal('STORAGE_ERROR');
    expect((refused as SluiceError).retriable).to.equal(true);
    expect((refused as SluiceError).message).to.include('EIO');
    const failedAt = cluster.clock.nowMs();
    expect(cluster.broker(first)!.storageStatus().fault?.errno).to.equal('EIO');

    // Leadership moves within the failover bar (2 s), not after the failed leader's session ends.
    expect(await cluster.runFor(2_000, () => leaderOf(cluster) !== undefined && leaderOf(cluster) !== first), 'leadership moved').to.equal(true);
    const second = leaderOf(cluster)!;
    expect(cluster.clock.nowMs() - failedAt).to.be.below(2_000);
    acknowledged.push(await produce(second, 'after failover'));
    const stillRefused = await produce(first, 'still refused').catch((err: unknown) => err);
    expect((stillRefused as SluiceError).code, 'the failed replica refuses writes meanwhile').to.equal('STORAGE_ERROR');

    stores.get(first)!.clearFault();
    const rejoined = () => {
      const status = cluster.broker(first)!.storageStatus();
      const leader = cluster.broker(second)!.allPartitions()[0]!;
      return status.fault === undefined && status.failedReplicas === 0 && leader.replicated.inSyncReplicas().includes(first);
    };
    expect(await cluster.runFor(10_000, rejoined), 'the broker resumed and its replica is in sync again').to.equal(true);
    acknowledged.push(await produce(leaderOf(cluster)!, 'after resume'));

    // Every acknowledged record is in the log of each replica, the once-failed one too.
    for (const id of cluster.ids) {
      const log = cluster.broker(id)!.allPartitions()[0]!.log;
      expect(await cluster.runFor(5_000, () => log.logEndOffset() >= 3), `broker ${id} caught up`).to.equal(true);
      const offsets = (await log.read(0, 1 << 20)).map((batch) => readBatchHeader(batch)).filter((h) => h.recordCount > 0).map((h) => h.baseOffset);
      expect(offsets, `broker ${id}`).to.deep.equal([0, 1, 2]);
    }
    expect(acknowledged.map((a) => a.baseOffset)).to.deep.equal([0, 1, 2]);
  });
});
