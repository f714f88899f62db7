/**
 * Replica moves with real broker processes (docs/CLUSTER.md "Moving replicas"): a fourth broker
 * joins a running three-broker cluster knowing only the controller quorum, holding no replica; a partition moves onto it, then broker
 * 2 is decommissioned and replaced by 4 in the controller quorum, while an idempotent acks=all
 * producer writes and a consumer reads
 * throughout. Every acknowledged record is read exactly once, offsets are gapless, and the
 * brokers a move left hold no replica.
 */
import { expect } from 'chai';
import { createClient, type Admin } from '../../src/client/index.js';
import { waitFor } from '../helpers/broker-process.js';
import { TestCluster } from '../helpers/cluster.js';

const TOPIC = 'moving';

async function movesDone(admin: Admin, expected: (replicas: number[][]) => boolean): Promise<void> {
  await waitFor(
    'the moves to complete',
    async () => {
      const moves = await admin.listReassignments();
      if (moves.reassignments.length > 0) return undefined;
      const description = await admin.describeTopic(TOPIC);
      return expected(description.partitions.map((p) => p.replicas)) ? true : undefined;
    },
    60_000,
  );
}

describe('partition moves between broker processes', function () {
  this.timeout(180_000);
  let cluster: TestCluster | undefined;
  const started: Array<{ close(): Promise<void> }> = [];

  afterEach(async () => {
    await Promise.all(started.splice(0).map((closable) => closable.close().catch(() => undefined)));
    await cluster?.cleanup();
    cluster = undefined;
  });

  it('grows 3 to 4 brokers, moves a partition onto the fourth, decommissions broker 2 and replaces it as a controller voter under an acks=all producer: nothing lost, offsets gapless', async () => {
    cluster = await TestCluster.start(3);
    const sluice = createClient({ bootstrap: cluster.bootstrap, retry: { retries: 300, maxBackoffMs: 200 } });
    const admin = sluice.admin();
    started.push(admin);
    await admin.createTopic({ name: TOPIC, partitions: 2, replicationFactor: 3 });
    // Broker 4 joins knowing only the controller quorum; it holds no replica until one moves to it.
    await cluster.addBroker(4);

    const producer = sluice.producer({ lingerMs: 1, idempotent: true, acks: 'all' });
    const consumer = sluice.consumer({ autoOffsetReset: 'earliest' });
    started.push(producer, consumer);
    consumer.assign([0, 1].map((partition) => ({ topic: TOPIC, partition })));
    const acked: string[] = [];
    const consumed: Array<{ partition: number; offset: number; value: string }> = [];
    let writing = true;
    const writer = (async () => {
      for (let i = 0; writing; i++) {
        await producer.send({ topic: TOPIC, records: [{ value: `r${i}`, partition: i % 2 }] });
        acked.push(`r${i}`);
      }
    })();
    let reading = true;
    // Should the test fail midway, the loops stop before the clients close (afterEach).
    started.unshift({ close: async () => void ((writing = false), (reading = false)) });
    const reader = (async () => {
      while (reading) {
        for (const record of await consumer.poll({ timeoutMs: 200 })) consumed.push({ partition: record.partition, offset: record.offset, value: record.value!.toString() });
      }
    })();
    await waitFor('records flowing', () => (consumed.length >= 50 ? true : undefined), 20_000);

    // Partition 0 moves off its preferred leader onto broker 4.
    const before = (await admin.describeTopic(TOPIC)).partitions[0]!.replicas;
    const target = [...before.slice(1), 4];
    const started0 = await admin.alterReassignments({ moves: [{ topic: TOPIC, partition: 0, replicas: target }] });
    expect(started0.movesStarted).to.equal(1);
    await movesDone(admin, (replicas) => replicas[0]!.join() === target.join());
    const ackedAfterMove = acked.length;
    await waitFor('writes acknowledged after the move', () => (acked.length >= ackedAfterMove + 50 ? true : undefined), 20_000);

    // Broker 2 is emptied: every replica it held moves to another broker.
    await admin.alterReassignments({ decommission: 2 });
    await movesDone(admin, (replicas) => replicas.every((set) => !set.includes(2) && set.length === 3));
    const status = await admin.listReassignments();
    expect(status.decommissioned).to.deep.equal([2]);
    const ackedAfterDecommission = acked.length;
    await waitFor('writes acknowledged after the decommission', () => (acked.length >= ackedAfterDecommission + 50 ? true : undefined), 20_000);

    // Broker 4 replaces broker 2 in the controller quorum too.
    await admin.alterReassignments({ controllerVoters: [1, 3, 4] });
    await waitFor(
      'the controller quorum to move',
      async () => {
        const moves = await admin.listReassignments();
        return moves.controllerTarget.length === 0 && moves.controllerVoters.join() === '1,3,4' ? true : undefined;
      },
      60_000,
    );
    await admin.createTopic({ name: 'after-controller-move', partitions: 1, replicationFactor: 3 });

    writing = false;
    await writer;
    await waitFor('every acknowledged record to be consumed', () => {
      const seen = new Set(consumed.map((record) => record.value));
      return acked.every((value) => seen.has(value)) ? true : undefined;
    }, 30_000);
    reading = false;
    await reader;
    expect(new Set(consumed.map((r) => r.value)).size, 'a record consumed twice').to.equal(consumed.length);
    for (const partition of [0, 1]) {
      const offsets = consumed.filter((r) => r.partition === partition).map((r) => r.offset);
      expect(offsets, `partition ${partition} offsets gapless from 0`).to.deep.equal(offsets.map((_, i) => i));
    }
  });
});
