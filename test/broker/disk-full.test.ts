/**
 * A real broker whose data directory is a small tmpfs, filled up under load: produces fail with
 * STORAGE_ERROR naming ENOSPC, nothing acknowledged is lost, reads go on, /readyz and the metrics
 * say why, and writes resume by themselves once space is freed. Mounting needs root (as in CI).
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeBatch, encodeBatch, splitBatches } from '../../src/protocol/batch.js';
import type { SluiceError } from '../../src/protocol/errors.js';
import { BrokerProcess, waitFor } from '../helpers/broker-process.js';
import { RawClient } from '../helpers/raw-client.js';

const TOPIC = 'full';
const MOUNT_BYTES = 64 * 1024 * 1024;
/** Room left beside the filler: LevelDB fills it (log file, tables) within a few hundred produces. */
const FREE_BYTES = 12 * 1024 * 1024;
const VALUE_BYTES = 48 * 1024;

function freeBytes(dir: string): number {
  const stats = statfsSync(dir);
  return stats.bavail * stats.bsize;
}

async function readAll(client: RawClient): Promise<Map<number, string>> {
  const values = new Map<number, string>();
  let offset = 0;
  for (;;) {
    const response = await client.fetch({ topic: TOPIC, partition: 0, offset, maxBytes: 4 << 20, maxWaitMs: 0 });
    for (const batch of splitBatches(response.records)) {
      for (const record of decodeBatch(batch).records) values.set(record.offset, record.value!.subarray(0, 16).toString());
    }
    if (response.nextOffset >= response.highWatermark || response.nextOffset === offset) return values;
    offset = response.nextOffset;
  }
}

describe('broker process: a full disk (tmpfs data directory)', function () {
  this.timeout(120_000);
  let mountPoint: string | undefined;
  let broker: BrokerProcess | undefined;
  let client: RawClient | undefined;

  before(function () {
    if (process.getuid?.() !== 0) throw new Error('this test mounts a tmpfs and must run as root (it does in CI)');
    mountPoint = mkdtempSync(join(tmpdir(), 'sluice-disk-full-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${MOUNT_BYTES}`, 'tmpfs', mountPoint]);
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed' && broker !== undefined) console.log(`broker output:\n${broker.output}`);
  });

  after(async function () {
    client?.close();
    await broker?.cleanup();
    if (mountPoint !== undefined) {
      // Lazy: a process that still holds a file there must not keep the mount.
      execFileSync('umount', ['-l', mountPoint]);
      rmSync(mountPoint, { recursive: true, force: true });
    }
  });

  it('refuses produces with STORAGE_ERROR (ENOSPC), keeps every acknowledged record and serving reads, and resumes once space is freed', async () => {
    const dataDir = join(mountPoint!, 'data');
    broker = await BrokerProcess.start({ dataDir, ownsDataDir: false });
    client = new RawClient(broker.address);
    await client.createTopic({ name: TOPIC, partitions: 1, replicationFactor: 1 });
    const filler = join(mountPoint!, 'filler');
    writeFileSync(filler, Buffer.alloc(Math.max(0, freeBytes(mountPoint!) - FREE_BYTES)));

    const acknowledged = new Map<number, string>();
    const produce = (i: number) => {
      const text = `record-${String(i).padStart(9, '0')}`;
      const value = Buffer.alloc(VALUE_BYTES, 0x61);
      value.write(text);
      return client!.produce({ topic: TOPIC, partition: 0, acks: -1, batch: encodeBatch([{ key: null, value }]) }).then((answer) => {
        acknowledged.set(Number(answer.baseOffset), text);
      });
    };
    let refused: SluiceError | undefined;
    for (let i = 0; refused === undefined; i++) {
      expect(i, 'the disk should have filled up').to.be.below(5_000);
      // Eight in flight, as a producer under load has.
      const round = await Promise.allSettled(Array.from({ length: 8 }, (_, k) => produce(i * 8 + k)));
      refused = round.map((r) => (r.status === 'rejected' ? (r.reason as SluiceError) : undefined)).find((e) => e !== undefined);
    }
    expect(refused.code, refused.message).to.equal('STORAGE_ERROR');
    expect(refused.message).to.include('ENOSPC');
    expect(acknowledged.size).to.be.above(0);

    const readiness = await fetch(`http://127.0.0.1:${broker.httpPort}/readyz`);
    expect(readiness.status).to.equal(503);
    expect(await readiness.text()).to.include('ENOSPC');
    const metrics = await (await fetch(`http://127.0.0.1:${broker.httpPort}/metrics`)).text();
    expect(metrics).to.match(/sluice_storage_fault\{cause="ENOSPC"\} 1/);
    // Reads go on while writes are refused: every acknowledged record is there.
    const duringFault = await readAll(client);
    for (const [offset, text] of acknowledged) expect(duringFault.get(offset), `offset ${offset} while the disk is full`).to.equal(text);

    rmSync(filler);
    const resumed = await waitFor('a produce to succeed after space was freed', async () => {
      await produce(1_000_000);
      return true;
    }, 20_000, 200);
    expect(resumed).to.equal(true);
    await broker.waitReady();
    const afterResume = await readAll(client);
    for (const [offset, text] of acknowledged) expect(afterResume.get(offset), `offset ${offset} after resuming`).to.equal(text);
    const offsets = [...afterResume.keys()].sort((a, b) => a - b);
    expect(offsets, 'offsets gapless from 0').to.deep.equal(offsets.map((_, i) => i));
  });
});
