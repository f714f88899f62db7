/**
 * kcat against a 3-broker cluster through the Kafka listeners: Metadata names every broker at its
 * Kafka port and the partition's Raft leader; after the leader is SIGKILLed, kcat follows the new
 * leader and every acknowledged record (snappy before the kill, zstd after) is read back once, in
 * offset order.
 */
import { expect } from 'chai';
import { TestCluster } from '../helpers/cluster.js';
import { ensureKcat, kcatMetadata, kcatOk } from '../helpers/kcat.js';
import { waitFor } from '../helpers/broker-process.js';
import { createClient, type Admin } from '../../src/client/index.js';

describe('Kafka listener with kcat against a 3-broker cluster', function () {
  this.timeout(180_000);
  let cluster: TestCluster | undefined;
  let admin: Admin | undefined;

  after(async () => {
    await admin?.close().catch(() => undefined);
    await cluster?.cleanup();
  });

  it('lists every broker at its Kafka port with the Raft leader, and follows a new leader after the old one is killed', async () => {
    ensureKcat();
    cluster = await TestCluster.start(3, [], { kafka: true });
    admin = createClient({ bootstrap: cluster.bootstrap.join(','), clientId: 'kcat-cluster-test' }).admin();
    const topic = `kc-${process.pid}`;
    await admin.createTopic({ name: topic, partitions: 1, replicationFactor: 3 });
    const leader = await cluster.leaderOf(topic, 0, 1);

    const viaBroker2 = `127.0.0.1:${cluster.kafkaPorts.get(2)}`;
    // Kafka metadata is eventually consistent: a broker learns the others' liveness from the controller.
    const metadata = await waitFor('broker 2 to list all three brokers', async () => {
      const answer = await kcatMetadata(['-b', viaBroker2, '-t', topic]);
      return answer.brokers.length === 3 ? answer : undefined;
    }, 30_000);
    // Every partition's leader is always among the listed brokers, or clients stall.
    const isr = metadata.topics[0]!.partitions[0]!.isrs.map((r) => r.id);
    expect(isr).to.include(leader);
    expect(metadata.brokers.map((b) => [b.id, b.name]).sort()).to.deep.equal([1, 2, 3].map((id) => [id, `127.0.0.1:${cluster!.kafkaPorts.get(id)}`]));
    expect(metadata.topics[0]!.partitions[0]!.leader).to.equal(leader);
    expect(metadata.topics[0]!.partitions[0]!.replicas.map((r) => r.id).sort()).to.deep.equal([1, 2, 3]);

    const first = Array.from({ length: 1000 }, (_, i) => `before-${i}`);
    // Compressed as Kafka clients compress (stored as sent, replicated, served back by the new leader).
    await kcatOk(['-b', cluster.kafkaBootstrap, '-t', topic, '-P', '-X', 'acks=all', '-z', 'snappy'], first.join('\n') + '\n');
    await cluster.kill(leader);
    const survivor = [1, 2, 3].find((id) => id !== leader)!;
    const newLeader = await cluster.leaderOf(topic, 0, survivor, 30_000);
    expect(newLeader).to.not.equal(leader);

    const second = Array.from({ length: 1000 }, (_, i) => `after-${i}`);
    await kcatOk(['-b', cluster.kafkaBootstrap, '-t', topic, '-P', '-X', 'acks=all', '-z', 'zstd'], second.join('\n') + '\n');
    const survivors = [1, 2, 3].filter((id) => id !== leader).map((id) => `127.0.0.1:${cluster!.kafkaPorts.get(id)}`).join(',');
    const consumed = await waitFor('all 2000 records through kcat', async () => {
      const lines = (await kcatOk(['-b', survivors, '-t', topic, '-C', '-o', 'beginning', '-e', '-f', '%o %s\n'])).split('\n').filter(Boolean);
      return lines.length >= 2000 ? lines : undefined;
    }, 60_000);
    expect(consumed).to.deep.equal([...first, ...second].map((value, offset) => `${offset} ${value}`));
  });
});
