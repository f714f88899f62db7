import { expect } from 'chai';
import { ClassicLevel } from 'classic-level';
import { encodeBatch, encodeControlBatch } from '../../src/protocol/batch.js';
import { batchKey, encodeLogState, stateKey } from '../../src/storage/keys.js';
import { openLogStore } from '../../src/storage/leveldb-store.js';
import { damageRecordKey, INDEX_READ_ENTRIES, parseDamageRecord, RECOVERY_VERIFY_BATCHES_MAX, type DamageRecord } from '../../src/storage/recovery.js';
import type { LogStore, PartitionLog } from '../../src/storage/types.js';
import { expectError } from '../helpers/raw-client.js';
import { baseOffsets, makeBatch, makeTempDir, removeDir } from './helpers.js';
import { withDb } from '../helpers/damage.js';

const LOG_ID = 3;

describe('LevelDB store recovery', () => {
  let dir: string;
  let store: LogStore | undefined;
  let warnings: string[];

  async function reopen(): Promise<PartitionLog> {
    await store?.close();
    store = await openLogStore({ dir, flush: { kind: 'never' }, warn: (line) => warnings.push(line) });
    return store.openLog(LOG_ID);
  }

  /** Edits the database directly, as a disk fault or a torn write would. */
  async function withRawDb(edit: (db: ClassicLevel<Buffer, Buffer>) => Promise<void>): Promise<void> {
    await store?.close();
    store = undefined;
    await withDb(dir, edit);
  }

  async function damageRecord(): Promise<DamageRecord | undefined> {
    const value = await store!.getMeta(damageRecordKey(LOG_ID));
    return value === undefined ? undefined : parseDamageRecord(value);
  }

  async function appendBatches(log: PartitionLog, count: number): Promise<void> {
    for (let i = 0; i < count; i++) await log.append(makeBatch(2, { timestampMs: 1_000 + i }), 1 + (i % 3));
  }

  beforeEach(() => {
    dir = makeTempDir();
    warnings = [];
  });

  afterEach(async () => {
    await store?.close().catch(() => undefined);
    store = undefined;
    removeDir(dir);
  });

  it('reads back an index longer than one read from LevelDB', async () => {
    const log = await reopen();
    const count = INDEX_READ_ENTRIES + 5;
    for (let i = 0; i < count; i += 1_000) {
      const appends: Array<Promise<unknown>> = [];
      for (let j = i; j < Math.min(i + 1_000, count); j++) appends.push(log.append(makeBatch(1), 1));
      await Promise.all(appends);
    }
    const again = await reopen();
    expect([again.logEndOffset(), again.lastEntryIndex(), again.entry(INDEX_READ_ENTRIES + 1)?.baseOffset]).to.deep.equal([count, count, INDEX_READ_ENTRIES]);
    expect(warnings).to.deep.equal([]);
  });

  it('reopens with identical state after close', async () => {
    const log = await reopen();
    await appendBatches(log, 10);
    await log.deletePrefix(5);
    await log.truncateSuffix(9);
    const before = { start: log.logStartOffset(), end: log.logEndOffset(), size: log.sizeBytes(), batches: [...log.batches()] };
    const data = await log.read(5, 1 << 20);
    const again = await reopen();
    expect({ start: again.logStartOffset(), end: again.logEndOffset(), size: again.sizeBytes(), batches: [...again.batches()] }).to.deep.equal(before);
    expect(await again.read(5, 1 << 20)).to.deep.equal(data);
    expect(warnings).to.deep.equal([]);
  });

  it('recovers entry indices, zero-record batches, the marker and idempotence fields after reopen', async () => {
    const log = await reopen();
    await appendBatches(log, 4);
    await log.append(encodeControlBatch({ nowMs: 7 }), 5);
    await log.append(encodeBatch([{ value: Buffer.from('v') }], { producerId: 9, producerEpoch: 1, baseSequence: 4, nowMs: 8 }), 5);
    await log.append(encodeControlBatch({ nowMs: 9 }), 6);
    await log.deletePrefix(4);
    await log.truncateSuffix(7);
    const snapshot = () => ({
      start: log.logStartOffset(),
      end: log.logEndOffset(),
      marker: log.snapshotMarker(),
      first: log.firstEntryIndex(),
      last: log.lastEntryIndex(),
      batches: [...log.batches()],
    });
    const before = snapshot();
    expect(before.marker).to.deep.equal({ index: 2, term: 2 });
    expect(before.batches.map((m) => [m.entryIndex, m.recordCount])).to.deep.equal([
      [3, 2],
      [4, 2],
      [5, 0],
      [6, 1],
    ]);
    const entries = await log.readEntries(3, 7, 1 << 20);
    const again = await reopen();
    expect({
      start: again.logStartOffset(),
      end: again.logEndOffset(),
      marker: again.snapshotMarker(),
      first: again.firstEntryIndex(),
      last: again.lastEntryIndex(),
      batches: [...again.batches()],
    }).to.deep.equal(before);
    expect(again.batches().at(-1)).to.include({ producerId: 9, producerEpoch: 1, baseSequence: 4 });
    expect(await again.readEntries(3, 7, 1 << 20)).to.deep.equal(entries);
    expect(again.entryTerm(2)).to.equal(2);
    expect((await again.append(makeBatch(1), 7)).entryIndex).to.equal(7);
    expect(warnings).to.deep.equal([]);
  });

  it('recovers an installed snapshot and what was appended after it', async () => {
    const log = await reopen();
    await appendBatches(log, 3);
    await log.installSnapshot({ logStartOffset: 100, index: 40, term: 6 });
    let again = await reopen();
    expect([again.logStartOffset(), again.logEndOffset(), again.lastEntryIndex()]).to.deep.equal([100, 100, 40]);
    expect(again.snapshotMarker()).to.deep.equal({ index: 40, term: 6 });
    await again.append(encodeControlBatch(), 7);
    await again.append(makeBatch(2), 7);
    again = await reopen();
    expect(again.batches().map((m) => [m.entryIndex, m.baseOffset, m.lastOffset])).to.deep.equal([
      [41, 100, 99],
      [42, 100, 101],
    ]);
    expect(baseOffsets(await again.read(100, 1 << 20))).to.deep.equal([100]);
    await withRawDb(async (db) => {
      expect(await db.get(batchKey('data', LOG_ID, 1))).to.equal(undefined);
    });
    expect(warnings).to.deep.equal([]);
  });

  it('keeps a torn zero-record tail batch and records it by entry index for the owner', async () => {
    const log = await reopen();
    await appendBatches(log, 2);
    await log.append(encodeControlBatch(), 3);
    await withRawDb(async (db) => {
      const key = batchKey('data', LOG_ID, 3);
      await db.put(key, (await db.get(key))!.subarray(0, 30));
    });
    const again = await reopen();
    expect([again.logEndOffset(), again.lastEntryIndex()]).to.deep.equal([4, 3]);
    expect(warnings.join('\n')).to.match(/entry 3 \(offsets 4\.\.3\) is corrupt/);
    const record = await damageRecord();
    expect(record?.damaged.map((entry) => [entry.entryIndex, entry.baseOffset, entry.lastOffset])).to.deep.equal([[3, 4, 3]]);
    expect([record?.lastIndex, record?.lastTerm]).to.deep.equal([3, 3]);
  });

  it('keeps a lost head entry as lost (its offsets named, never reused) rather than moving the log start', async () => {
    const log = await reopen();
    await appendBatches(log, 4);
    await withRawDb(async (db) => {
      await db.batch([
        { type: 'del', key: batchKey('index', LOG_ID, 1) },
        { type: 'del', key: batchKey('data', LOG_ID, 1) },
      ]);
    });
    const again = await reopen();
    expect(again.snapshotMarker()).to.deep.equal({ index: 0, term: 0 });
    expect([again.logStartOffset(), again.firstEntryIndex(), again.lastEntryIndex(), again.logEndOffset()]).to.deep.equal([0, 1, 4, 8]);
    expect((await expectError(() => again.read(0, 1 << 20))).code).to.equal('CORRUPT_BATCH');
    expect(baseOffsets(await again.read(2, 1 << 20))).to.deep.equal([2, 4, 6]);
    expect(warnings.join('\n')).to.match(/entry 1 \(offsets 0\.\.1\) lost its index entry/);
    expect(await damageRecord()).to.deep.equal({ damaged: [{ entryIndex: 1, baseOffset: 0, lastOffset: 1, problem: 'lost its index entry' }], lastIndex: 4, lastTerm: 1 });
  });

  it('keeps a log emptied by deletePrefix beyond its end empty at the new start', async () => {
    const log = await reopen();
    await appendBatches(log, 2);
    await log.deletePrefix(100);
    const again = await reopen();
    expect([again.logStartOffset(), again.logEndOffset(), again.batches().length]).to.deep.equal([100, 100, 0]);
  });

  it('keeps un-awaited appends that resolved before close', async () => {
    const log = await reopen();
    const results = await Promise.all(Array.from({ length: 50 }, () => log.append(makeBatch(3), 1)));
    const again = await reopen();
    expect(again.logEndOffset()).to.equal(results.at(-1)!.lastOffset + 1);
  });

  it('keeps a corrupt tail batch (never served) and what follows it, records it, and drops nothing on its own', async () => {
    const log = await reopen();
    await appendBatches(log, 6);
    const all = await log.read(0, 1 << 20);
    await withRawDb(async (db) => {
      const key = batchKey('data', LOG_ID, 4);
      const value = (await db.get(key))!;
      value.fill(0x5a, 40, 60);
      await db.put(key, value);
    });
    const again = await reopen();
    expect(again.logEndOffset()).to.equal(12);
    // Readable below and above the damage, never the damaged batch itself.
    expect(await again.read(0, 1 << 20)).to.deep.equal(all.slice(0, 3));
    expect(await again.read(8, 1 << 20)).to.deep.equal(all.slice(4));
    await again.read(6, 1 << 20).then(
      () => expect.fail('the damaged batch was served'),
      (err: Error) => expect(err.message).to.match(/^CORRUPT_BATCH: .*offset 6 \(entry 4\)/),
    );
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.match(/entry 4 \(offsets 6\.\.7\) is corrupt.*kept for repair/);
    expect(await damageRecord()).to.deep.include({ lastIndex: 6, lastTerm: 3 });
    // A second open finds it again and keeps one record of it.
    await reopen();
    expect((await damageRecord())?.damaged.map((entry) => entry.entryIndex)).to.deep.equal([4]);
  });

  it('records a truncated (torn) tail batch', async () => {
    const log = await reopen();
    await appendBatches(log, 3);
    await withRawDb(async (db) => {
      const key = batchKey('data', LOG_ID, 3);
      await db.put(key, (await db.get(key))!.subarray(0, 30));
    });
    const again = await reopen();
    expect(again.logEndOffset()).to.equal(6);
    expect(warnings.join('\n')).to.match(/entry 3 \(offsets 4\.\.5\) is corrupt/);
    expect((await damageRecord())?.damaged.map((entry) => entry.entryIndex)).to.deep.equal([3]);
  });

  it('records index entries whose data is missing', async () => {
    const log = await reopen();
    await appendBatches(log, 4);
    await withRawDb((db) => db.del(batchKey('data', LOG_ID, 4)));
    const again = await reopen();
    expect(again.logEndOffset()).to.equal(8);
    expect(warnings.join('\n')).to.match(/entry 4 \(offsets 6\.\.7\) has no data/);
    expect((await damageRecord())?.damaged.map((entry) => entry.problem)).to.deep.equal(['has no data']);
  });

  it('keeps entries whose index entries were lost as lost entries, and everything after them', async () => {
    const log = await reopen();
    await appendBatches(log, 6);
    await withRawDb(async (db) => {
      await db.del(batchKey('index', LOG_ID, 3));
      await db.del(batchKey('index', LOG_ID, 4));
    });
    const again = await reopen();
    expect(again.logEndOffset()).to.equal(12);
    expect(baseOffsets(await again.read(0, 1 << 20))).to.deep.equal([0, 2]);
    const lost = await expectError(() => again.read(4, 1 << 20));
    expect(lost.code).to.equal('CORRUPT_BATCH');
    expect(lost.message).to.include('offset 4');
    // The offsets of both lost entries go to the first (how they were split is unknown); the rest is readable.
    expect(baseOffsets(await again.read(8, 1 << 20))).to.deep.equal([8, 10]);
    expect(warnings.join('\n')).to.match(/entry 3 \(offsets 4\.\.7\) lost its index entry \(as did entries up to 4\)/);
    // The owner learns which offsets went and the newest entry the log held (what it may have acknowledged).
    expect(await damageRecord()).to.deep.equal({
      damaged: [{ entryIndex: 3, baseOffset: 4, lastOffset: 7, problem: 'lost its index entry (as did entries up to 4)' }],
      lastIndex: 6,
      lastTerm: 3,
    });
  });

  it('treats a malformed index entry (size 0) as a gap', async () => {
    const log = await reopen();
    await appendBatches(log, 5);
    await withRawDb(async (db) => {
      const key = batchKey('index', LOG_ID, 3);
      const value = Buffer.from((await db.get(key))!);
      value.writeUInt32BE(0, 13); // the packed meta's size field
      await db.put(key, value);
    });
    const again = await reopen();
    expect(again.logEndOffset()).to.equal(4);
    expect(warnings.join('\n')).to.match(/gap after entry 2; dropped 3 batches from entry 3/);
  });

  it('only verifies the newest batches on open (older corruption is left to reads)', async () => {
    const log = await reopen();
    await appendBatches(log, RECOVERY_VERIFY_BATCHES_MAX + 2);
    await withRawDb(async (db) => {
      const key = batchKey('data', LOG_ID, 1);
      const value = (await db.get(key))!;
      value[value.length - 1]! ^= 0xff;
      await db.put(key, value);
    });
    const again = await reopen();
    expect(again.logEndOffset()).to.equal(2 * (RECOVERY_VERIFY_BATCHES_MAX + 2));
    expect(warnings).to.deep.equal([]);
  });

  it('clears orphaned data left by a drop interrupted after its index was deleted', async () => {
    const log = await reopen();
    await appendBatches(log, 3);
    await withRawDb(async (db) => {
      await db.batch([
        { type: 'del', key: batchKey('index', LOG_ID, 1) },
        { type: 'del', key: batchKey('index', LOG_ID, 2) },
        { type: 'del', key: batchKey('index', LOG_ID, 3) },
        { type: 'del', key: stateKey(LOG_ID) },
      ]);
    });
    const again = await reopen();
    expect(again.logEndOffset()).to.equal(0);
    await withRawDb(async (db) => {
      expect(await db.get(batchKey('data', LOG_ID, 2))).to.equal(undefined);
    });
  });

  it('a snapshot over a longer log leaves only the log state on disk', async () => {
    const log = await reopen();
    await appendBatches(log, 5);
    await log.installSnapshot({ logStartOffset: 100, index: 3, term: 6 });
    await withRawDb(async (db) => {
      const keys = [];
      for await (const key of db.keys()) keys.push(key);
      expect(keys.filter((key) => key[0] !== 0x7a)).to.deep.equal([stateKey(LOG_ID)]);
    });
    const again = await reopen();
    expect([again.logStartOffset(), again.logEndOffset(), again.snapshotMarker()]).to.deep.equal([100, 100, { index: 3, term: 6 }]);
    expect(warnings).to.deep.equal([]);
  });

  it('repairs a crash after a new log start was written and before the batches below it were deleted', async () => {
    const log = await reopen();
    await appendBatches(log, 5); // entries 1-5, two records each: offsets 0-9
    // What a prefix deletion to offset 6 writes first: the new start and marker (entry 3, term 1).
    await withRawDb((db) => db.put(stateKey(LOG_ID), encodeLogState({ logStartOffset: 6, markerIndex: 3, markerTerm: 1 })));
    const again = await reopen();
    expect([again.logStartOffset(), again.firstEntryIndex(), again.logEndOffset()]).to.deep.equal([6, 4, 10]);
    expect(baseOffsets(await again.read(6, 1 << 20))).to.deep.equal([6, 8]);
    expect(warnings.join('\n')).to.match(/dropped 3 stale index entries at or below marker index 3/);
    await withRawDb(async (db) => {
      expect([await db.get(batchKey('index', LOG_ID, 3)), await db.get(batchKey('data', LOG_ID, 3))]).to.deep.equal([undefined, undefined]);
    });
  });

  it('dropLog removes every key of the log from disk', async () => {
    const log = await reopen();
    await appendBatches(log, 3);
    await log.deletePrefix(3);
    await store!.dropLog(LOG_ID);
    await withRawDb(async (db) => {
      const keys = [];
      for await (const key of db.keys()) keys.push(key);
      expect(keys.filter((key) => key[0] !== 0x7a)).to.deep.equal([]);
    });
  });

  it('serves reads of evicted batches from LevelDB when the tail cache is small', async () => {
    await store?.close();
    store = await openLogStore({ dir, flush: { kind: 'always' }, tailCacheBytesMax: 300 });
    const log = await store.openLog(LOG_ID);
    await appendBatches(log, 20);
    const all = await log.read(0, 1 << 20);
    expect(baseOffsets(all)).to.deep.equal(Array.from({ length: 20 }, (_, i) => 2 * i));
    expect((await store.openLog(LOG_ID)).logEndOffset()).to.equal(40);
  });
});
