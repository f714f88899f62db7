import { expect } from 'chai';
import { clusterStatus, type ClusterStatus } from '../../src/cli/cluster.js';
import { encodeBatch, readBatchHeader } from '../../src/protocol/batch.js';
import { SluiceError } from '../../src/protocol/errors.js';
import type { Broker } from '../../src/broker/broker.js';
import { FaultyLogStore } from '../../src/storage/faulty-store.js';
import type { MemoryLogStore } from '../../src/storage/memory-store.js';
import { faultyDisks, SimCluster } from '../sim-cluster/cluster.js';

/** A 3-broker in-process cluster whose stores can refuse writes, with everyone ready. */
async function startCluster(seed: number): Promise<{ cluster: SimCluster; stores: Map<number, FaultyLogStore<MemoryLogStore>> }> {
  const { disks: stores, storeFor } = faultyDisks();
  const cluster = new SimCluster({ seed, brokers: 3, flush: { kind: 'always' }, storeFor });
  await cluster.startAll();
  expect(await cluster.runFor(10_000, () => cluster.running().every((b) => b.ready)), 'brokers ready').to.equal(true);
  return { cluster, stores };
}

async function createTopic(cluster: SimCluster, name: string, replicationFactor: number): Promise<void> {
  await cluster.settle(cluster.broker(1)!.createTopic({ name, partitions: 1, replicationFactor, configs: {} }), 10_000);
  expect(await cluster.runFor(5_000, () => leaderOf(cluster, name) !== undefined), `${name} has a leader`).to.equal(true);
}

function leaderOf(cluster: SimCluster, topic: string): Broker | undefined {
  return cluster.running().find((b) => b.allPartitions().some((p) => p.topic === topic && p.isLeader));
}

function produce(cluster: SimCluster, broker: Broker, topic: string, values: string[]) {
  const batch = encodeBatch(
    values.map((value) => ({ key: null, value: Buffer.from(value) })),
    { nowMs: cluster.clock.nowMs() },
  );
  return cluster.settle(broker.produce(topic, 0, batch, -1, 3_000), 5_000);
}

/**
 * `cluster status` as the CLI computes it, from a client's Metadata call, once `holds` (waits for
 * heartbeats to carry a change to the controller, in virtual time).
 */
async function statusWhen(cluster: SimCluster, holds: (status: ClusterStatus) => boolean): Promise<ClusterStatus> {
  const admin = cluster.client().admin();
  try {
    let status = clusterStatus(await cluster.settle(admin.metadata(), 5_000));
    for (let waitedMs = 0; !holds(status) && waitedMs < 10_000; waitedMs += 100) {
      await cluster.runFor(100);
      status = clusterStatus(await cluster.settle(admin.metadata(), 5_000));
    }
    return status;
  } finally {
    await admin.close();
  }
}

describe('broker: storage in cluster status (in-process cluster, faulty store)', () => {
  it("shows a broker's storage fault on every broker's Metadata, and clears it once the disk takes writes again", async () => {
    const { cluster, stores } = await startCluster(21);
    await createTopic(cluster, 'orders', 3);
    const leader = leaderOf(cluster, 'orders')!;
    const failing = cluster.ids.find((id) => id !== leader.identity.brokerId)!;

    stores.get(failing)!.failWrites('EIO');
    await produce(cluster, leader, 'orders', ['a']);
    expect(await cluster.runFor(5_000, () => cluster.broker(failing)!.storageStatus().fault !== undefined), 'the follower hit the fault').to.equal(true);

    const faulty = await statusWhen(cluster, (status) => status.storageFaults === 1);
    const reported = faulty.brokers.find((b) => b.id === failing)!;
    expect(reported.storageFault).to.be.a('string').and.include('EIO');
    expect(reported.storageFault).to.not.match(/^STORAGE_ERROR/);
    expect(faulty.brokers.filter((b) => b.id !== failing).map((b) => b.storageFault)).to.deep.equal([null, null]);
    // Every broker answers Metadata with it: the others learned it by heartbeat, through the controller.
    const heard = () => cluster.running().every((b) => b.brokers().find((view) => view.id === failing)!.storageFault.includes('EIO'));
    expect(await cluster.runFor(5_000, heard), 'every broker reports the fault').to.equal(true);

    stores.get(failing)!.clearFault();
    const healed = await statusWhen(cluster, (status) => status.storageFaults === 0);
    expect(healed.brokers.map((b) => b.storageFault)).to.deep.equal([null, null, null]);
  });

  it('shows a replica that repairs its copy until it caught up', async () => {
    const { cluster } = await startCluster(22);
    await createTopic(cluster, 'orders', 3);
    const leader = leaderOf(cluster, 'orders')!;
    for (let i = 0; i < 5; i++) await produce(cluster, leader, 'orders', [`record ${i}`]);
    const followerId = cluster.ids.find((id) => id !== leader.identity.brokerId)!;
    const follower = cluster.broker(followerId)!.allPartitions().find((p) => p.topic === 'orders')!;
    expect(await cluster.runFor(5_000, () => follower.replicated.commitIndex >= follower.log.lastEntryIndex()), 'the follower holds every entry').to.equal(true);

    // Keep the leader's entries from reaching the follower (its heartbeats to the controller still
    // go out), then let it find a committed batch of its copy damaged: it truncates and repairs.
    cluster.network.cut(leader.identity.brokerId, followerId, { oneWay: true });
    const entry = follower.log.firstEntryIndex() + 1;
    const batch = (await follower.log.readEntries(entry, entry + 1, Number.MAX_SAFE_INTEGER))[0]!;
    expect(readBatchHeader(batch).recordCount).to.be.above(0);
    batch[batch.length - 1]! ^= 0x5a; // the memory store hands out the stored buffer itself
    const found = await follower.log.readEntries(entry, entry + 1, Number.MAX_SAFE_INTEGER).catch((err: unknown) => err);
    expect((found as SluiceError).code).to.equal('STORAGE_ERROR');

    const repairing = await statusWhen(cluster, (status) => status.brokers.some((b) => b.repairingReplicas.length > 0));
    expect(repairing.brokers.find((b) => b.id === followerId)!.repairingReplicas).to.deep.equal([{ topic: 'orders', partition: 0 }]);
    expect(repairing.brokers.flatMap((b) => b.damagedReplicas)).to.deep.equal([]);

    cluster.network.heal(leader.identity.brokerId, followerId, { oneWay: true });
    const repaired = await statusWhen(cluster, (status) => status.brokers.every((b) => b.repairingReplicas.length === 0));
    expect(repaired.brokers.flatMap((b) => b.repairingReplicas)).to.deep.equal([]);
  });

  it("shows a single copy's lost offsets until an operator skips them; reads then continue past them, durably", async () => {
    const { cluster } = await startCluster(23);
    await createTopic(cluster, 'single', 1);
    const owner = leaderOf(cluster, 'single')!;
    for (let i = 0; i < 3; i++) await produce(cluster, owner, 'single', [`r${2 * i}`, `r${2 * i + 1}`]);
    const partition = owner.allPartitions().find((p) => p.topic === 'single')!;
    // Offsets 2-3 (the second batch): damaged in the only copy.
    const entry = partition.log.entry(partition.log.firstEntryIndex() + 2)!;
    expect(entry.baseOffset).to.equal(2);
    const batch = (await partition.log.read(2, Number.MAX_SAFE_INTEGER))[0]!;
    batch[batch.length - 1]! ^= 0x5a;

    const admin = cluster.client().admin();
    try {
      const refused = await cluster.settle(admin.skipDamagedOffsets('single', 0), 10_000).catch((err: unknown) => err);
      expect((refused as SluiceError).code, 'no damage known before a read finds it').to.equal('INVALID_REQUEST');

      const read = await partition.log.read(2, Number.MAX_SAFE_INTEGER).catch((err: unknown) => err);
      expect((read as SluiceError).code).to.equal('CORRUPT_BATCH');
      const damaged = await statusWhen(cluster, (status) => status.brokers.some((b) => b.damagedReplicas.length > 0));
      expect(damaged.brokers.find((b) => b.id === owner.identity.brokerId)!.damagedReplicas).to.deep.equal([
        { topic: 'single', partition: 0, lostOffsets: [{ from: 2, to: 4 }] },
      ]);

      expect(await cluster.settle(admin.skipDamagedOffsets('single', 0), 10_000)).to.deep.equal([{ from: 2, to: 4 }]);
      const fetchAll = async (broker: Broker, end: number): Promise<number[]> => {
        const offsets: number[] = [];
        for (let offset = 0; offset < end; ) {
          const result = await cluster.settle(broker.fetch('single', 0, offset, 1 << 20, 0, 1), 5_000);
          for (const served of result.batches) {
            const header = readBatchHeader(served);
            for (let o = header.baseOffset; o <= header.baseOffset + header.lastOffsetDelta; o++) offsets.push(o);
          }
          offset = result.nextOffset;
        }
        return offsets;
      };
      expect(await fetchAll(owner, 6)).to.deep.equal([0, 1, 4, 5]);
      const clean = await statusWhen(cluster, (status) => status.brokers.every((b) => b.damagedReplicas.length === 0));
      expect(clean.brokers.flatMap((b) => b.damagedReplicas)).to.deep.equal([]);
      const again = await cluster.settle(admin.skipDamagedOffsets('single', 0), 10_000).catch((err: unknown) => err);
      expect((again as SluiceError).code, 'nothing left to skip').to.equal('INVALID_REQUEST');

      // Offsets are never reused: the next record goes after the log end.
      expect((await produce(cluster, owner, 'single', ['r6'])).baseOffset).to.equal(6);

      // The skip survives a restart (the damaged batch is still stored, never served).
      const ownerId = owner.identity.brokerId;
      cluster.crash(ownerId, 'kill');
      const restarted = await cluster.start(ownerId);
      expect(await cluster.runFor(10_000, () => restarted.ready && leaderOf(cluster, 'single') === restarted), 'restarted and leading').to.equal(true);
      expect(await fetchAll(restarted, 7)).to.deep.equal([0, 1, 4, 5, 6]);
    } finally {
      await admin.close();
    }
  });

  it('refuses to skip offsets of a replicated partition: its copies repair themselves', async () => {
    const { cluster } = await startCluster(24);
    await createTopic(cluster, 'orders', 3);
    const admin = cluster.client().admin();
    try {
      const refused = await cluster.settle(admin.skipDamagedOffsets('orders', 0), 10_000).catch((err: unknown) => err);
      expect((refused as SluiceError).code).to.equal('INVALID_REQUEST');
      expect((refused as SluiceError).message).to.include('repairs itself');
    } finally {
      await admin.close();
    }
  });
});
