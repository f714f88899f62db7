/**
 * Issue 18: a partition whose only copy is damaged names the lost offsets, and an operator skips
 * them on purpose (`sluice topic repair --skip-damaged`): consumers then read everything below and
 * above the damage, the skip survives a restart, and nothing is skipped silently before that.
 * A real broker; one byte flipped in stored values of its LevelDB while it is stopped.
 */
import { expect } from 'chai';
import { run } from '../../src/cli/program.js';
import type { ClusterStatus } from '../../src/cli/cluster.js';
import { createClient } from '../../src/client/index.js';
import { batchKeyRange } from '../../src/storage/keys.js';
import { waitFor } from '../helpers/broker-process.js';
import { TestCluster } from '../helpers/cluster.js';
import { fakeIo } from './fake-io.js';
import { logIdOf, withDb } from '../helpers/damage.js';

const TOPIC = 'rot-single';
/** One batch per record: more than recovery checks at open (64), so old damage is found by a read. */
const RECORDS = 80;
/** Where a stored batch's record count sits (protocol/batch.ts): no-op batches have none. */
const RECORD_COUNT_AT = 65;

/** Flips a byte inside the value of the `nth` stored batch with records (batch n holds offset n here) of a stopped broker. */
async function flipByte(dataDir: string, nth: number): Promise<void> {
  await withDb(dataDir, async (db) => {
    const logId = await logIdOf(db, TOPIC);
    const keys: Buffer[] = [];
    for await (const [key, value] of db.iterator(batchKeyRange('data', logId))) {
      if (value.readInt32BE(RECORD_COUNT_AT) > 0) keys.push(key);
    }
    const value = Buffer.from((await db.get(keys[nth]!))!);
    value[value.length - 3] ^= 0x55;
    await db.put(keys[nth]!, value, { sync: true });
  });
}

describe('sluice topic repair --skip-damaged (a single damaged copy, real broker)', function () {
  this.timeout(120_000);
  let cluster: TestCluster | undefined;

  afterEach(async () => {
    await cluster?.cleanup();
    cluster = undefined;
  });

  async function sluice(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const io = fakeIo();
    const code = await run(['--bootstrap', cluster!.bootstrap.join(','), ...args], io);
    return { code, stdout: io.stdout.text, stderr: io.stderr.text };
  }

  async function status(): Promise<ClusterStatus> {
    const result = await sluice(['--json', 'cluster', 'status']);
    expect(result.code, result.stderr).to.equal(0);
    return JSON.parse(result.stdout) as ClusterStatus;
  }

  async function consumeOffsets(count: number): Promise<Array<{ offset: number; value: string }>> {
    const result = await sluice(['consume', TOPIC, '--from-beginning', '--max-messages', String(count), '--timeout-ms', '10000', '--format', 'json']);
    expect(result.code, result.stderr).to.equal(0);
    return result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { offset: number; value: string })
      .map(({ offset, value }) => ({ offset, value }));
  }

  it('names the lost offsets, then skips exactly them on purpose; consumers read every other record, also after a restart', async () => {
    // The scrub off: it would find the old damage before the consumer does.
    cluster = await TestCluster.start(1, ['--scrub-bytes-per-sec', '0']);
    const client = createClient({ bootstrap: cluster.bootstrap });
    const admin = client.admin();
    const producer = client.producer({ lingerMs: 0, acks: 'all' });
    const values: string[] = [];
    try {
      await admin.createTopic({ name: TOPIC, partitions: 1, replicationFactor: 1 });
      for (let i = 0; i < RECORDS; i++) {
        values.push(`record ${i}`);
        await producer.send({ topic: TOPIC, records: [{ value: values[i]! }] });
      }
    } finally {
      await producer.close();
      await admin.close();
    }
    await cluster.broker(1).stop();
    await flipByte(cluster.broker(1).dataDir, 5); // old: found when read
    await flipByte(cluster.broker(1).dataDir, RECORDS - 2); // recent: found at open
    const restarted = await cluster.restart(1);
    await waitFor('the lost offsets to be reported', () => (/the only copy lost offsets \[78, 79\)/.test(restarted.output) ? true : undefined));

    // Found at open; offset 5 too once anything reads it (Raft re-reading entries past its stored commit may).
    const reported = await status();
    expect(reported.brokers[0]!.damagedReplicas[0]!.lostOffsets).to.deep.include({ from: 78, to: 79 });

    // Never a silent skip: until the operator acts, a consumer stops at the damage with an error naming it.
    const stopped = await sluice(['consume', TOPIC, '--from-beginning', '--max-messages', String(RECORDS), '--timeout-ms', '10000']);
    expect(stopped.code).to.equal(1);
    expect(stopped.stderr).to.match(/CORRUPT_BATCH[^\n]*offset 5/);
    expect((await status()).brokers[0]!.damagedReplicas).to.deep.equal([
      { topic: TOPIC, partition: 0, lostOffsets: [{ from: 5, to: 6 }, { from: 78, to: 79 }] },
    ]);

    const unasked = await sluice(['topic', 'repair', TOPIC, '--partition', '0']);
    expect(unasked.code, 'the skip must be asked for').to.not.equal(0);
    expect(unasked.stderr).to.include('--skip-damaged');

    const repaired = await sluice(['--json', 'topic', 'repair', TOPIC, '--partition', '0', '--skip-damaged']);
    expect(repaired.code, repaired.stderr).to.equal(0);
    expect(JSON.parse(repaired.stdout)).to.deep.equal({ topic: TOPIC, partition: 0, skipped: [{ from: 5, to: 6 }, { from: 78, to: 79 }] });
    await waitFor('the skip to be logged', () => (/an operator skipped the damaged offsets \[5, 6\), \[78, 79\)/.test(restarted.output) ? true : undefined));

    const expected = values.map((value, offset) => ({ offset, value })).filter(({ offset }) => offset !== 5 && offset !== 78);
    expect(await consumeOffsets(RECORDS - 2)).to.deep.equal(expected);
    expect((await status()).brokers[0]!.damagedReplicas).to.deep.equal([]);

    const again = await sluice(['topic', 'repair', TOPIC, '--partition', '0', '--skip-damaged']);
    expect(again.code).to.equal(1);
    expect(again.stderr).to.match(/INVALID_REQUEST[^\n]*no damaged offsets/);

    // Durable: after a restart the same records are served, and the skip is reported, not the loss.
    await cluster.broker(1).stop();
    const second = await cluster.restart(1);
    expect(await consumeOffsets(RECORDS - 2)).to.deep.equal(expected);
    expect(second.output).to.match(/offsets \[5, 6\), \[78, 79\) were skipped by an operator/);
    expect(second.output).to.not.match(/the only copy lost offsets/);
  });
});
