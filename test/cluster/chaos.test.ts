import { expect } from 'chai';
import { createClient, type ConsumedRecord } from '../../src/client/index.js';
import { seededRng } from '../../src/raft/index.js';
import { waitFor } from '../helpers/broker-process.js';
import { TestCluster } from '../helpers/cluster.js';

const SEED = Number(process.env.SEED ?? Date.now() % 1_000_000);
const ROUNDS = 6;
const PARTITIONS = 3;

describe('chaos: an idempotent acks=all stream while a minority is SIGKILLed or paused, repeatedly', function () {
  this.timeout(180_000);
  let cluster: TestCluster | undefined;

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') console.log(`      chaos seed: SEED=${SEED} to replay the same schedule`);
    if (cluster) for (const broker of cluster.brokers.values()) broker.child.kill('SIGCONT');
    await cluster?.cleanup();
    cluster = undefined;
  });

  it('keeps every acknowledged record exactly once, offsets gapless', async () => {
    const random = seededRng(SEED);
    cluster = await TestCluster.start(3);
    const sluice = createClient({ bootstrap: cluster.bootstrap, retry: { retries: 50, maxBackoffMs: 300 } });
    const admin = sluice.admin();
    await admin.createTopic({ name: 'chaos', partitions: PARTITIONS, replicationFactor: 3 });
    const producer = sluice.producer({ lingerMs: 2, ackTimeoutMs: 60_000 });
    const acked = new Set<string>();
    let next = 0;
    let writing = true;
    let failedSends = 0;
    const writer = (async () => {
      while (writing) {
        const values = Array.from({ length: 20 }, () => `r${next++}`);
        try {
          await producer.send({ topic: 'chaos', records: values.map((value) => ({ key: value, value })) });
          for (const value of values) acked.add(value);
        } catch {
          failedSends++; // not acknowledged: may or may not be stored, never twice
        }
      }
    })();

    for (let round = 0; round < ROUNDS; round++) {
      const victim = 1 + Math.floor(random() * 3);
      const pause = random() < 0.5;
      const before = acked.size;
      if (pause) cluster.broker(victim).child.kill('SIGSTOP');
      else await cluster.kill(victim);
      await new Promise((r) => setTimeout(r, 800 + Math.floor(random() * 1200)));
      if (pause) cluster.broker(victim).child.kill('SIGCONT');
      else await cluster.restart(victim);
      await waitFor(`writes to go on after round ${round}`, () => (acked.size > before + 100 ? true : undefined), 30_000);
    }
    writing = false;
    await writer;
    await producer.close();

    const consumer = sluice.consumer({ autoOffsetReset: 'earliest' });
    consumer.assign(Array.from({ length: PARTITIONS }, (_, partition) => ({ topic: 'chaos', partition })));
    const ends = await Promise.all(Array.from({ length: PARTITIONS }, (_, p) => admin.listOffsets('chaos', p, 'latest')));
    const byPartition: ConsumedRecord[][] = Array.from({ length: PARTITIONS }, () => []);
    await waitFor('every partition read to its end', async () => {
      for (const record of await consumer.poll({ timeoutMs: 500 })) byPartition[record.partition]!.push(record);
      return byPartition.every((records, p) => (records.at(-1)?.offset ?? -1) + 1 >= ends[p]!.offset) ? true : undefined;
    }, 60_000);
    await consumer.close();
    await admin.close();

    const seen = new Set<string>();
    for (const records of byPartition) {
      expect(records.map((r) => r.offset), 'offsets gapless from 0').to.deep.equal(records.map((_, i) => i));
      for (const record of records) {
        const value = record.value!.toString();
        expect(seen.has(value), `${value} stored twice`).to.equal(false);
        seen.add(value);
      }
    }
    const lost = [...acked].filter((value) => !seen.has(value));
    expect(lost, 'acknowledged but lost').to.deep.equal([]);
    console.log(`      seed ${SEED}: ${acked.size} acknowledged, ${seen.size} stored, ${failedSends} sends failed, ${ROUNDS} rounds`);
  });
});
