/**
 * Issue 18: a stored batch is verified whenever it is read back, in both stores. A flipped byte in
 * a stored value (LevelDB: in the database itself; memory: in the stored buffer) makes the read
 * throw CORRUPT_BATCH naming the log and offset, is reported once through onCorruption, and never
 * comes back as bytes. Also the time index across restarts and retention.
 */
import { expect } from 'chai';
import { encodeBatch } from '../../src/protocol/batch.js';
import { SluiceError } from '../../src/protocol/errors.js';
import { batchKey } from '../../src/storage/keys.js';
import { openLogStore } from '../../src/storage/leveldb-store.js';
import { openMemoryLogStore } from '../../src/storage/memory-store.js';
import { RECOVERY_VERIFY_BATCHES_MAX } from '../../src/storage/recovery.js';
import type { CorruptionReport, LogStore, PartitionLog } from '../../src/storage/types.js';
import { baseOffsets, makeBatch, makeTempDir, removeDir } from './helpers.js';
import { withDb } from '../helpers/damage.js';

const LOG_ID = 5;
const LOG_NAME = 'orders/2@9';
/** More batches than recovery checks on open, so the damaged one is left to reads. */
const BATCHES = RECOVERY_VERIFY_BATCHES_MAX + 6;

async function readError(read: Promise<unknown>): Promise<SluiceError> {
  const outcome = await read.then(
    (value) => ({ value }),
    (err: unknown) => ({ err }),
  );
  if (!('err' in outcome)) expect.fail(`expected CORRUPT_BATCH, the read returned ${JSON.stringify(outcome.value).slice(0, 80)}`);
  expect(outcome.err).to.be.instanceOf(SluiceError);
  expect((outcome.err as SluiceError).code).to.equal('CORRUPT_BATCH');
  return outcome.err as SluiceError;
}

interface Damageable {
  /** The log holding BATCHES batches of 2 records (entry i at offset 2 * (i - 1)), its store's reports and log lines. */
  log: PartitionLog;
  reports: CorruptionReport[];
  warnings: string[];
  /** Flips one byte of the stored batch of `entryIndex` at `position` (negative: from its end). */
  damage(entryIndex: number, position: number): Promise<void>;
  close(): Promise<void>;
}

function describeReadVerification(name: string, open: () => Promise<Damageable>): void {
  describe(`read verification (${name})`, () => {
    let subject: Damageable;

    beforeEach(async () => {
      subject = await open();
    });

    afterEach(async () => {
      await subject.close();
    });

    it('a flipped byte in a record makes the read throw CORRUPT_BATCH, reported once', async () => {
      await subject.damage(3, -1);
      const err = await readError(subject.log.read(4, 1 << 20));
      expect(err.message).to.include(LOG_NAME).and.include('offset 4').and.include('CRC32C mismatch');
      // Retried reads throw again without a second report or log line.
      await readError(subject.log.read(5, 1 << 20));
      await readError(subject.log.readEntries(3, 4, 1 << 20));
      expect(subject.reports).to.deep.equal([
        { log: LOG_NAME, logId: LOG_ID, entryIndex: 3, baseOffset: 4, problem: subject.reports[0]!.problem },
      ]);
      expect(subject.reports[0]!.problem).to.match(/^CRC32C mismatch/);
      expect(subject.warnings).to.have.length(1);
      expect(subject.warnings[0]).to.match(/orders\/2@9: the stored batch at offset 4 \(entry 3\) is corrupt/);
    });

    it('a read that reaches a damaged batch stops before it; the batches before it are served intact', async () => {
      await subject.damage(3, -1);
      const batches = await subject.log.read(0, 1 << 20);
      expect(baseOffsets(batches)).to.deep.equal([0, 2]);
      const entries = await subject.log.readEntries(1, 10, 1 << 20);
      expect(entries).to.have.length(2);
      expect(subject.reports.map((r) => r.entryIndex)).to.deep.equal([3]);
      // The batches after it are still served to a reader that starts there.
      expect(baseOffsets(await subject.log.read(6, 1))).to.deep.equal([6]);
    });

    it('a base offset or leader epoch rewritten outside the CRC\'d range does not match the index', async () => {
      await subject.damage(2, 7); // the low byte of the base offset
      const err = await readError(subject.log.read(2, 1));
      expect(err.message).to.match(/does not match its index entry/);
      await subject.damage(4, 15); // the low byte of the leader epoch
      await readError(subject.log.readEntries(4, 5, 1 << 20));
      expect(subject.reports.map((r) => r.entryIndex)).to.deep.equal([2, 4]);
    });

    it('offsetForTimestamp refuses to look inside a damaged batch', async () => {
      await subject.damage(3, -1);
      await readError(subject.log.offsetForTimestamp(1_002));
      expect(await subject.log.offsetForTimestamp(1_001)).to.equal(2);
    });

    it('a damaged entry removed by a truncation no longer fails reads: the batch stored again at its index is served', async () => {
      await subject.damage(3, -1);
      await readError(subject.log.read(4, 1));
      await subject.log.truncateSuffix(3);
      expect(subject.log.logEndOffset()).to.equal(4);
      await subject.log.append(makeBatch(2), 1);
      expect(baseOffsets(await subject.log.read(4, 1))).to.deep.equal([4]);
      expect(subject.reports).to.have.length(1);
    });
  });
}

async function appendBatches(log: PartitionLog): Promise<void> {
  for (let i = 0; i < BATCHES; i++) await log.append(makeBatch(2, { timestampMs: 1_000 + i }), 1);
}

describeReadVerification('memory store', async () => {
  const reports: CorruptionReport[] = [];
  const warnings: string[] = [];
  const store = openMemoryLogStore({ onCorruption: (report) => reports.push(report), warn: (line) => warnings.push(line) });
  const log = await store.openLog(LOG_ID, { name: LOG_NAME });
  const stored: Buffer[] = [];
  for (let i = 0; i < BATCHES; i++) {
    const batch = makeBatch(2, { timestampMs: 1_000 + i });
    stored.push(batch);
    await log.append(batch, 1);
  }
  return {
    log,
    reports,
    warnings,
    // The memory store keeps the appended buffer itself: damage it in place.
    damage: async (entryIndex, position) => {
      const batch = stored[entryIndex - 1]!;
      batch[position < 0 ? batch.length + position : position]! ^= 0x5a;
    },
    close: () => store.close(),
  };
});

describeReadVerification('LevelDB store', async () => {
  const dir = makeTempDir();
  const reports: CorruptionReport[] = [];
  const warnings: string[] = [];
  const openStore = (): Promise<LogStore> =>
    openLogStore({ dir, flush: { kind: 'never' }, onCorruption: (report) => reports.push(report), warn: (line) => warnings.push(line) });
  let store = await openStore();
  await appendBatches(await store.openLog(LOG_ID, { name: LOG_NAME }));
  await store.close();
  const subject: Damageable = {
    log: await (store = await openStore()).openLog(LOG_ID, { name: LOG_NAME }),
    reports,
    warnings,
    // Into the database file itself, as bit rot would; the store is closed and reopened around it.
    damage: async (entryIndex, position) => {
      await store.close();
      await withDb(dir, async (db) => {
        const key = batchKey('data', LOG_ID, entryIndex);
        const value = (await db.get(key))!;
        value[position < 0 ? value.length + position : position]! ^= 0x5a;
        await db.put(key, value);
      });
      store = await openStore();
      subject.log = await store.openLog(LOG_ID, { name: LOG_NAME });
    },
    close: async () => {
      await store.close();
      removeDir(dir);
    },
  };
  return subject;
});

describe('LevelDB store: a value missing under a stored index entry', () => {
  it('is reported as damage, not served as a shorter log', async () => {
    const dir = makeTempDir();
    const reports: CorruptionReport[] = [];
    try {
      let store = await openLogStore({ dir, flush: { kind: 'never' }, warn: () => undefined });
      await appendBatches(await store.openLog(LOG_ID));
      await store.close();
      await withDb(dir, (db) => db.del(batchKey('data', LOG_ID, 2)));
      store = await openLogStore({ dir, flush: { kind: 'never' }, warn: () => undefined, onCorruption: (report) => reports.push(report) });
      const log = await store.openLog(LOG_ID);
      const err = await readError(log.read(2, 1));
      expect(err.message).to.match(/log 5: the stored batch at offset 2 \(entry 2\) has no data/);
      expect(baseOffsets(await log.read(0, 1 << 20))).to.deep.equal([0]);
      expect(reports.map((r) => [r.entryIndex, r.problem])).to.deep.equal([[2, 'has no data']]);
      await store.close();
    } finally {
      removeDir(dir);
    }
  });
});

describe('LevelDB store: recovery reports a damaged tail batch through onCorruption', () => {
  it('counts it once', async () => {
    const dir = makeTempDir();
    const reports: CorruptionReport[] = [];
    try {
      let store = await openLogStore({ dir, flush: { kind: 'never' }, warn: () => undefined });
      await appendBatches(await store.openLog(LOG_ID));
      await store.close();
      await withDb(dir, async (db) => {
        const key = batchKey('data', LOG_ID, BATCHES);
        const value = (await db.get(key))!;
        value[value.length - 1]! ^= 1;
        await db.put(key, value);
      });
      store = await openLogStore({ dir, flush: { kind: 'never' }, warn: () => undefined, onCorruption: (report) => reports.push(report) });
      await store.openLog(LOG_ID, { name: LOG_NAME });
      expect(reports.map((r) => [r.log, r.entryIndex])).to.deep.equal([[LOG_NAME, BATCHES]]);
      await store.close();
    } finally {
      removeDir(dir);
    }
  });
});

/** One batch whose records carry these timestamps, in offset order. */
function timedBatch(timestamps: readonly number[]): Buffer {
  return encodeBatch(timestamps.map((timestamp, i) => ({ value: Buffer.from(`v${i}`), timestamp })));
}

describe('time index (offsetForTimestamp) on a LevelDB store', () => {
  let dir: string;
  let store: LogStore;

  beforeEach(() => {
    dir = makeTempDir();
  });

  afterEach(async () => {
    await store.close();
    removeDir(dir);
  });

  /** Earliest offset whose timestamp >= t, or the end: Kafka's answer, by brute force. */
  function expected(timestamps: readonly number[], start: number, t: number): number {
    for (let offset = start; offset < timestamps.length; offset++) if (timestamps[offset]! >= t) return offset;
    return timestamps.length;
  }

  it('answers Kafka\'s earliest offset >= t on non-monotonic timestamps, after a restart and across retention', async () => {
    store = await openLogStore({ dir, flush: { kind: 'never' }, warn: () => undefined });
    let log = await store.openLog(LOG_ID);
    // Batches of 3 records; batch times jump around (producers' clocks), records within a batch too.
    const timestamps: number[] = [];
    let seed = 7;
    const next = (): number => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31);
    for (let b = 0; b < 200; b++) {
      const base = 10_000 + (next() % 5_000);
      const batch = [base + (next() % 50), base, base + (next() % 50)];
      timestamps.push(...batch);
      await log.append(timedBatch(batch), 1);
    }
    const probes = [0, 9_999, 10_000, 11_234, 12_500, 13_000, 14_000, 14_990, 15_049, 15_050, 99_999];
    const check = async (start: number): Promise<void> => {
      for (const t of probes) expect(await log.offsetForTimestamp(t), `t=${t}`).to.equal(expected(timestamps, start, t));
    };
    await check(0);

    await store.close();
    store = await openLogStore({ dir, flush: { kind: 'never' }, warn: () => undefined });
    log = await store.openLog(LOG_ID);
    await check(0);

    // Retention deletes a prefix (also inside a batch): answers never point before the log start,
    // and a maximum that only deleted batches held no longer counts.
    await log.deletePrefix(301);
    await check(301);
    await store.close();
    store = await openLogStore({ dir, flush: { kind: 'never' }, warn: () => undefined });
    log = await store.openLog(LOG_ID);
    expect(log.logStartOffset()).to.equal(301);
    await check(301);
  });
});
