/**
 * A leader that stops answering without closing its connections (SIGSTOP: a frozen VM, a stuck
 * process, or a host cut off by the network) must not hold its partition's clients until their
 * request timeout: writes and reads go on at the new leader while the old one is still frozen.
 */
import { expect } from 'chai';
import { createClient } from '../../src/client/index.js';
import { waitFor } from '../helpers/broker-process.js';
import { TestCluster } from '../helpers/cluster.js';

describe('failover from a frozen leader', function () {
  this.timeout(120_000);
  let cluster: TestCluster | undefined;
  const started: Array<{ close(): Promise<void> }> = [];

  afterEach(async () => {
    await Promise.all(started.splice(0).map((closable) => closable.close().catch(() => undefined)));
    if (cluster) for (const broker of cluster.brokers.values()) broker.child.kill('SIGCONT');
    await cluster?.cleanup();
    cluster = undefined;
  });

  it('producers and consumers carry on at the new leader while the old one is frozen, losing and duplicating nothing', async () => {
    cluster = await TestCluster.start(3);
    // The default request timeout (30 s) is longer than the freeze: only giving up on the silent
    // broker early lets the writes below succeed while it is frozen.
    const sluice = createClient({ bootstrap: cluster.bootstrap, retry: { retries: 1_000, maxBackoffMs: 200 } });
    const admin = sluice.admin();
    started.push(admin);
    await admin.createTopic({ name: 'frozen', partitions: 1, replicationFactor: 3 });
    const producer = sluice.producer({ lingerMs: 1, idempotent: true });
    const consumer = sluice.consumer({ autoOffsetReset: 'earliest' });
    started.push(producer, consumer);
    consumer.assign([{ topic: 'frozen', partition: 0 }]);
    const acked: string[] = [];
    const consumed: string[] = [];
    let writing = true;
    const writer = (async () => {
      for (let i = 0; writing; i++) {
        await producer.send({ topic: 'frozen', records: [{ value: `r${i}` }] });
        acked.push(`r${i}`);
      }
    })();
    let reading = true;
    const reader = (async () => {
      while (reading) for (const record of await consumer.poll({ timeoutMs: 200 })) consumed.push(record.value!.toString());
    })();
    await waitFor('the first records to go through', () => (consumed.length >= 20 ? true : undefined), 15_000);

    const leader = await cluster.leaderOf('frozen', 0, 1);
    cluster.broker(leader).child.kill('SIGSTOP');
    const ackedAtFreeze = acked.length;
    const consumedAtFreeze = consumed.length;
    await waitFor('writes acknowledged by a new leader while the old one is frozen', () => (acked.length >= ackedAtFreeze + 20 ? true : undefined), 20_000);
    await waitFor('reads from the new leader while the old one is frozen', () => (consumed.length >= consumedAtFreeze + 20 ? true : undefined), 20_000);
    cluster.broker(leader).child.kill('SIGCONT');

    writing = false;
    await writer;
    await waitFor('every acknowledged record to be consumed', () => {
      const seen = new Set(consumed);
      return acked.every((value) => seen.has(value)) ? true : undefined;
    }, 20_000);
    reading = false;
    await reader;
    expect(new Set(consumed).size, 'a record consumed twice').to.equal(consumed.length);
    expect(consumed.slice(0, acked.length)).to.deep.equal(acked);
  });
});
