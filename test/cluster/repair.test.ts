/**
 * Issue 18: replicas repair themselves. A byte flipped in a stored value in one replica's LevelDB
 * (broker stopped, damaged, restarted) never reaches a consumer: a replicated partition's damaged
 * replica truncates at the damage, catches up from the leader and is in sync again, whether the
 * damage is found at open (the newest batches) or on a read once it leads (older batches); a
 * single copy names the lost offsets and stays readable around them.
 */
import { expect } from 'chai';
import { createClient } from '../../src/client/index.js';
import { batchKeyRange, entryIndexOfKey, metaKey } from '../../src/storage/keys.js';
import { waitFor } from '../helpers/broker-process.js';
import { TestCluster } from '../helpers/cluster.js';
import { consumeValues, logIdOf, waitInSync, withDb } from '../helpers/damage.js';
import { expectError } from '../helpers/raw-client.js';

/** One record (and so one batch) per send: enough batches that the oldest lie outside recovery's check. */
const RECORDS = 120;

/** Where a stored batch's record count sits (protocol/batch.ts): no-op batches have none. */
const RECORD_COUNT_AT = 65;

/** Flips one byte inside the value (a record) of the `nth` stored batch with records; returns its base offset. */
async function flipByte(dataDir: string, topic: string, nth: (count: number) => number): Promise<void> {
  await withDb(dataDir, async (db) => {
    const logId = await logIdOf(db, topic);
    const keys: Buffer[] = [];
    for await (const [key, value] of db.iterator(batchKeyRange('data', logId))) if (value.readInt32BE(RECORD_COUNT_AT) > 0) keys.push(key);
    const key = keys[nth(keys.length)]!;
    const value = Buffer.from((await db.get(key))!);
    value[value.length - 3] ^= 0x55;
    await db.put(key, value, { sync: true });
  });
}

/** Every stored batch with records of the partition, by entry index (no-ops differ in their timestamps). */
async function storedBatches(dataDir: string, topic: string): Promise<Map<number, string>> {
  return withDb(dataDir, async (db) => {
    const logId = await logIdOf(db, topic);
    const out = new Map<number, string>();
    for await (const [key, value] of db.iterator(batchKeyRange('data', logId))) {
      if (value.readInt32BE(RECORD_COUNT_AT) > 0) out.set(entryIndexOfKey(key), value.toString('hex'));
    }
    expect(await db.get(metaKey(`damaged-log/${logId}`))).to.equal(undefined);
    return out;
  });
}

describe('replicas repair damaged storage', function () {
  this.timeout(120_000);
  let cluster: TestCluster | undefined;
  const started: Array<{ close(): Promise<void> }> = [];

  afterEach(async () => {
    await Promise.all(started.splice(0).map((closable) => closable.close().catch(() => undefined)));
    await cluster?.cleanup();
    cluster = undefined;
  });

  async function produceAll(topic: string, replication: number): Promise<string[]> {
    const sluice = createClient({ bootstrap: cluster!.bootstrap, retry: { retries: 1_000, maxBackoffMs: 200 } });
    const admin = sluice.admin();
    started.push(admin);
    await admin.createTopic({ name: topic, partitions: 1, replicationFactor: replication });
    const producer = sluice.producer({ lingerMs: 0, acks: 'all' });
    started.push(producer);
    const acked: string[] = [];
    for (let i = 0; i < RECORDS; i++) {
      const value = `record ${i} `.padEnd(200, String.fromCharCode(97 + (i % 26)));
      await producer.send({ topic, records: [{ value }] });
      acked.push(value);
    }
    return acked;
  }

  /** Stops every broker and checks that the repaired copy holds exactly the batches of a healthy one. */
  async function expectIdenticalCopies(topic: string, repaired: number, healthy: number): Promise<void> {
    for (const broker of cluster!.brokers.values()) await broker.stop();
    const expected = await storedBatches(cluster!.broker(healthy).dataDir, topic);
    expect(expected.size).to.equal(RECORDS);
    expect(await storedBatches(cluster!.broker(repaired).dataDir, topic)).to.deep.equal(expected);
  }

  it('a follower whose newest batches are damaged truncates there (at open, or at its next read), repairs from the leader and is in sync again', async () => {
    cluster = await TestCluster.start(3);
    const acked = await produceAll('rot-follower', 3);
    const leader = await cluster.leaderOf('rot-follower', 0, 1);
    const follower = [1, 2, 3].find((id) => id !== leader)!;
    await cluster.broker(follower).stop();
    await flipByte(cluster.broker(follower).dataDir, 'rot-follower', (count) => count - 10);
    const restarted = await cluster.restart(follower);
    // Found at open, or by a read or the scrub soon after: either way the copy is truncated and repaired.
    await waitFor('the damaged follower to truncate and repair', () => (/is damaged: log truncated there[;,].* the replica repairs from the leader/.test(restarted.output) ? true : undefined), 30_000);
    await waitInSync(cluster, 'rot-follower', follower, leader);
    expect(await consumeValues(cluster, 'rot-follower', RECORDS, started)).to.deep.equal(acked);
    await expectIdenticalCopies('rot-follower', follower, leader);
  });

  it('a leader that finds an older batch damaged on a read steps down, serves no bad byte and repairs', async () => {
    // The scrub off: it would find the damage first, while the replica still follows.
    cluster = await TestCluster.start(3, ['--leader-balance-interval-ms', '500', '--scrub-bytes-per-sec', '0']);
    const acked = await produceAll('rot-leader', 3);
    // The preferred replica leads again once it is back in sync (leader balancing).
    const preferred = await cluster.leaderOf('rot-leader', 0, 1);
    await cluster.broker(preferred).stop();
    // An old batch: recovery checks only the newest ones, so the damage is found when it is read.
    await flipByte(cluster.broker(preferred).dataDir, 'rot-leader', () => 5);
    const restarted = await cluster.restart(preferred);
    const other = [1, 2, 3].find((id) => id !== preferred)!;
    await waitFor('the damaged replica to lead again', async () => ((await cluster!.leaderOf('rot-leader', 0, other)) === preferred ? true : undefined), 30_000);
    expect(await consumeValues(cluster, 'rot-leader', RECORDS, started)).to.deep.equal(acked);
    expect(restarted.output).to.match(/offset 5 \(entry \d+\) is damaged: log truncated there, leadership given up/);
    await waitInSync(cluster, 'rot-leader', preferred, other);
    await expectIdenticalCopies('rot-leader', preferred, other);
  });

  it('the background scrub finds an old damaged batch on a follower nobody reads, which repairs', async () => {
    cluster = await TestCluster.start(3, ['--scrub-bytes-per-sec', '4000000']);
    const acked = await produceAll('rot-scrub', 3);
    const leader = await cluster.leaderOf('rot-scrub', 0, 1);
    const follower = [1, 2, 3].find((id) => id !== leader)!;
    await cluster.broker(follower).stop();
    await flipByte(cluster.broker(follower).dataDir, 'rot-scrub', () => 3);
    const restarted = await cluster.restart(follower);
    await waitFor('the scrub to find the damage', () => (/offset 3 \(entry \d+\) is damaged: log truncated there; the replica repairs/.test(restarted.output) ? true : undefined), 30_000);
    await waitInSync(cluster, 'rot-scrub', follower, leader);
    const metrics = async (): Promise<string> => (await fetch(`http://127.0.0.1:${restarted.httpPort}/metrics`)).text();
    await waitFor('a completed scrub pass', async () => (/sluice_storage_scrub_last_pass_completed_timestamp_seconds [1-9]/.test(await metrics()) ? true : undefined), 30_000);
    expect(await metrics()).to.match(/sluice_storage_corruptions_total\{topic="rot-scrub",partition="0"\} 1/);
    expect(await consumeValues(cluster, 'rot-scrub', RECORDS, started)).to.deep.equal(acked);
    await expectIdenticalCopies('rot-scrub', follower, leader);
  });

  it('a single copy names the damaged offsets and stays readable below and above them', async () => {
    cluster = await TestCluster.start(1);
    await produceAll('rot-single', 1);
    await cluster.broker(1).stop();
    await flipByte(cluster.broker(1).dataDir, 'rot-single', () => 5);
    await flipByte(cluster.broker(1).dataDir, 'rot-single', (count) => count - 2);
    const restarted = await cluster.restart(1);
    await waitFor('the lost offsets to be reported', () => (/the only copy lost offsets \[118, 119\)/.test(restarted.output) ? true : undefined));
    const client = cluster.clientFor(1);
    try {
      // Everything committed is served (a damaged entry holds no later commit back).
      await waitFor('the high watermark past the damage', async () => ((await client.listOffsets({ topic: 'rot-single', partition: 0, timestamp: -1 })).offset === RECORDS ? true : undefined));
      const fetch = (offset: number) => client.fetch({ topic: 'rot-single', partition: 0, offset, maxBytes: 1 << 20, maxWaitMs: 0 });
      expect((await fetch(0)).nextOffset).to.equal(5);
      for (const offset of [5, 118]) {
        const err = await expectError(() => fetch(offset));
        expect(err.code).to.equal('CORRUPT_BATCH');
        expect(err.message).to.include(`offset ${offset}`);
      }
      expect((await fetch(6)).nextOffset).to.equal(118);
      expect((await fetch(119)).nextOffset).to.equal(RECORDS);
    } finally {
      client.close();
    }
    expect(restarted.output).to.match(/rot-single\/0@\d+: the stored batch at offset 5 \(entry \d+\) is corrupt/);
  });
});
