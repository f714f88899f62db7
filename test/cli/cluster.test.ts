import { expect } from 'chai';
import { clusterStatus, clusterStatusTable, isUnderReplicated } from '../../src/cli/cluster.js';
import { run } from '../../src/cli/program.js';
import type { ClusterMetadata, PartitionMetadata } from '../../src/client/index.js';
import { fakeIo } from './fake-io.js';

function broker(id: number, alive = true, epoch = 10 + id): ClusterMetadata['brokers'][number] {
  return { id, host: '127.0.0.1', port: 7100 + id, address: `127.0.0.1:${7100 + id}`, alive, epoch, storageFault: '', damagedReplicas: [] };
}

function partition(p: number, leader: number, replicas: number[], isr: number[]): PartitionMetadata {
  return { partition: p, leader, replicas, isr, leaderEpoch: 3 };
}

const healthy: ClusterMetadata = {
  brokers: [broker(2), broker(1), broker(3)],
  controller: 2,
  topics: [
    { name: 'orders', partitions: [partition(1, 2, [2, 3, 1], [2, 3, 1]), partition(0, 1, [1, 2, 3], [1, 2, 3])] },
    { name: '__consumer_offsets', partitions: [partition(0, 3, [3, 1, 2], [3, 1, 2])] },
  ],
};

/** Broker 1 died: the controller marked it dead, moved leadership of orders/0 and shrank some ISRs. */
const degraded: ClusterMetadata = {
  brokers: [broker(1, false), broker(2), broker(3)],
  controller: 2,
  topics: [
    {
      name: 'orders',
      partitions: [
        partition(0, 2, [1, 2, 3], [2, 3]), // ISR shrank
        partition(1, 2, [2, 3, 1], [2, 3, 1]), // ISR not shrunk yet, but 1 is dead
        partition(2, -1, [1], []), // its only replica died
      ],
    },
    { name: 'single', partitions: [partition(0, 3, [3], [3])] },
    { name: '__consumer_offsets', partitions: [partition(0, 1, [1, 2, 3], [1, 2, 3]), partition(1, 3, [3, 2], [3, 2])] },
  ],
};

describe('CLI cluster status', () => {
  describe('isUnderReplicated', () => {
    const alive = new Set([1, 2, 3]);
    it('is false when every replica is in the ISR and alive', () => {
      expect(isUnderReplicated(partition(0, 1, [1, 2, 3], [3, 2, 1]), alive)).to.equal(false);
      expect(isUnderReplicated(partition(0, 1, [1], [1]), alive)).to.equal(false);
    });
    it('is true when the ISR is smaller than the replica set', () => {
      expect(isUnderReplicated(partition(0, 1, [1, 2, 3], [1, 2]), alive)).to.equal(true);
    });
    it('is true without a leader, even with a full ISR', () => {
      expect(isUnderReplicated(partition(0, -1, [1, 2, 3], [1, 2, 3]), alive)).to.equal(true);
    });
    it('is true when the leader or an ISR member is not alive', () => {
      expect(isUnderReplicated(partition(0, 1, [1, 2, 3], [1, 2, 3]), new Set([2, 3]))).to.equal(true);
      expect(isUnderReplicated(partition(0, 1, [1, 2, 3], [1, 2, 3]), new Set([1, 2]))).to.equal(true);
    });
  });

  describe('clusterStatus', () => {
    it('reports a healthy cluster with zero under-replicated partitions, sorted', () => {
      const status = clusterStatus(healthy);
      expect(status.controller).to.equal(2);
      expect(status.underReplicatedPartitions).to.equal(0);
      expect(status.underReplicated).to.deep.equal([]);
      expect(status.offlinePartitions).to.equal(0);
      const healthyStorage = { storageFault: null, repairingReplicas: [], damagedReplicas: [] };
      expect(status.brokers).to.deep.equal([
        { id: 1, address: '127.0.0.1:7101', alive: true, state: 'unfenced', leaderOf: 1, ...healthyStorage },
        { id: 2, address: '127.0.0.1:7102', alive: true, state: 'unfenced', leaderOf: 1, ...healthyStorage },
        { id: 3, address: '127.0.0.1:7103', alive: true, state: 'unfenced', leaderOf: 1, ...healthyStorage },
      ]);
      expect(status.storageFaults).to.equal(0);
      expect(status.partitions.map((p) => `${p.topic}/${p.partition}@${p.leader}`)).to.deep.equal([
        '__consumer_offsets/0@3',
        'orders/0@1',
        'orders/1@2',
      ]);
    });

    it('counts and lists under-replicated and offline partitions', () => {
      const status = clusterStatus(degraded);
      expect(status.underReplicatedPartitions).to.equal(4);
      expect(status.underReplicated).to.deep.equal([
        { topic: '__consumer_offsets', partition: 0 },
        { topic: 'orders', partition: 0 },
        { topic: 'orders', partition: 1 },
        { topic: 'orders', partition: 2 },
      ]);
      expect(status.offlinePartitions).to.equal(2); // orders/2 (no leader), __consumer_offsets/0 (dead leader)
      expect(status.brokers.find((b) => b.id === 1)).to.deep.include({ alive: false, state: 'fenced', leaderOf: 1 });
      expect(status.brokers.find((b) => b.id === 2)).to.deep.include({ alive: true, leaderOf: 2 });
    });

    it('has the contract JSON shape', () => {
      const json = JSON.parse(JSON.stringify(clusterStatus(degraded))) as Record<string, unknown>;
      expect(json).to.include.all.keys('brokers', 'controller', 'underReplicatedPartitions', 'underReplicated', 'partitions');
      expect(json.underReplicatedPartitions).to.be.a('number');
      expect((json.brokers as object[])[0]).to.include.all.keys('id', 'address', 'alive');
      expect((json.partitions as object[])[0]).to.include.all.keys('topic', 'partition', 'leader', 'replicas', 'isr');
    });

    it('tells fenced brokers (registered, silent) from unregistered ones (configured only, or removed)', () => {
      const status = clusterStatus({ ...healthy, brokers: [broker(1), broker(2, false), broker(3, false, -1)] });
      expect(status.brokers.map((b) => b.state)).to.deep.equal(['unfenced', 'fenced', 'unregistered']);
      expect(clusterStatusTable(status)).to.match(/^3 +127\.0\.0\.1:7103 +NO +unregistered +1 +-$/m);
    });

    it('handles an empty cluster with no known controller', () => {
      const status = clusterStatus({ brokers: [], controller: -1, topics: [] });
      expect(status).to.deep.include({ controller: -1, underReplicatedPartitions: 0, topics: 0, partitions: [] });
      expect(clusterStatusTable(status)).to.match(/^Controller: none {2}Brokers: 0 \(0 alive\)/);
    });
  });

  describe('clusterStatusTable', () => {
    it('shows brokers, the controller and every partition with its state', () => {
      const lines = clusterStatusTable(clusterStatus(degraded)).trimEnd().split('\n');
      expect(lines[0]).to.equal('Controller: 2  Brokers: 3 (2 alive)  Topics: 3  Partitions: 6  Under-replicated: 4  Offline: 2  Storage faults: 0  Moving: 0');
      expect(lines[2]!.split(/\s+/)).to.deep.equal(['BROKER', 'ADDRESS', 'ALIVE', 'STATE', 'CONTROLLER', 'LEADER-OF', 'STORAGE']);
      expect(lines[3]!.split(/\s+/)).to.deep.equal(['1', '127.0.0.1:7101', 'NO', 'fenced', '1', '-']);
      expect(lines[4]!.split(/\s+/)).to.deep.equal(['2', '127.0.0.1:7102', 'yes', 'unfenced', 'leader', '2', 'ok']);
      const rows = lines.slice(lines.findIndex((line) => line.startsWith('TOPIC')) + 1).map((line) => line.split(/\s+/));
      expect(rows).to.deep.include(['orders', '0', '2', '1,2,3', '2,3', 'UNDER-REPLICATED']);
      expect(rows).to.deep.include(['orders', '2', 'none', '1', '-', 'OFFLINE']);
      expect(rows).to.deep.include(['single', '0', '3', '3', '3', 'ok']);
      expect(rows).to.deep.include(['__consumer_offsets', '0', '1', '1,2,3', '1,2,3', 'OFFLINE']);
    });

    it('hides healthy internal partitions unless asked', () => {
      const status = clusterStatus(degraded);
      expect(clusterStatusTable(status)).to.not.match(/__consumer_offsets +1 /);
      expect(clusterStatusTable(status)).to.contain('1 healthy partitions of internal topics not shown');
      expect(clusterStatusTable(status, { showInternal: true })).to.match(/__consumer_offsets +1 +3 +3,2 +3,2 +ok/);
    });
  });

  describe('storage', () => {
    /** Broker 3's disk refuses writes; broker 2 repairs orders/0 and its single copy of single/0 lost offsets. */
    const damaged: ClusterMetadata = {
      ...healthy,
      brokers: [
        broker(1),
        {
          ...broker(2),
          damagedReplicas: [
            { topic: 'orders', partition: 0, repairing: true, lost: [] },
            { topic: 'single', partition: 0, repairing: false, lost: [{ from: 500, to: 750 }, { from: 900, to: 901 }] },
          ],
        },
        { ...broker(3), storageFault: 'storing orders/1@5 failed (EIO): write EIO' },
      ],
    };

    it('reports each broker\'s storage fault, repairing replicas and lost offsets in the JSON', () => {
      const status = JSON.parse(JSON.stringify(clusterStatus(damaged))) as ReturnType<typeof clusterStatus>;
      expect(status.storageFaults).to.equal(1);
      expect(status.brokers[0]).to.deep.include({ storageFault: null, repairingReplicas: [], damagedReplicas: [] });
      expect(status.brokers[1]).to.deep.include({
        storageFault: null,
        repairingReplicas: [{ topic: 'orders', partition: 0 }],
        damagedReplicas: [{ topic: 'single', partition: 0, lostOffsets: [{ from: 500, to: 750 }, { from: 900, to: 901 }] }],
      });
      expect(status.brokers[2]).to.deep.include({ storageFault: 'storing orders/1@5 failed (EIO): write EIO', repairingReplicas: [], damagedReplicas: [] });
    });

    it('shows them in the table', () => {
      const table = clusterStatusTable(clusterStatus(damaged));
      expect(table).to.contain('Storage faults: 1');
      expect(table).to.match(/^3 +127\.0\.0\.1:7103 +yes +unfenced +1 +storing orders\/1@5 failed \(EIO\): write EIO$/m);
      expect(table).to.match(/^1 +127\.0\.0\.1:7101 +yes +unfenced +1 +ok$/m);
      expect(table).to.match(/^2 +orders +0 +REPAIRING \(catching up from the leader\)$/m);
      expect(table).to.match(/^2 +single +0 +DAMAGED: lost offsets \[500, 750\), \[900, 901\)$/m);
    });
  });

  it('registers `sluice cluster status` with help', async () => {
    const io = fakeIo();
    const code = await run(['cluster', 'status', '--help'], io);
    expect(code).to.equal(0);
    expect(io.stdout.text).to.contain('under-replicated');
  });
});
