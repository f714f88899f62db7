/**
 * The LevelDB LogStore: one database per broker holding every partition log, each also a Raft log
 * (batches keyed by Raft entry index; see keys.ts for the key layout and docs/STORAGE.md for recovery and the flush policies' guarantees).
 */
import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ClassicLevel } from 'classic-level';
import { SluiceError } from '../protocol/errors.js';
import { metaOfBatch, packMeta } from './batch-meta.js';
import { GroupWrite } from './group-write.js';
import { assertLogId, batchKey, batchKeyRange, encodeLogState, metaKey, metaKeyName, metaKeyRange, stateKey, SYNC_KEY } from './keys.js';
import { IndexedPartitionLog, LogIndex } from './log-index.js';
import { defaultLogName, ReadVerifier } from './read-verifier.js';
import { recoverLog, type Db } from './recovery.js';
import { WriteFaults } from './storage-fault.js';
import { TAIL_CACHE_BYTES_MAX_DEFAULT, TailCache } from './tail-cache.js';
import type { AppendResult, BatchMeta, EntryRange, FlushPolicy, LogStore, OpenLogOptions, PartitionLog, StorageHooks } from './types.js';
import { WriteQueue } from './write-queue.js';
import { logger } from '../observability/log.js';

const log = logger('storage');

export interface LevelLogStoreOptions extends StorageHooks {
  /** Directory of the LevelDB database (created if absent). */
  dir: string;
  flush: FlushPolicy;
  /** Bound of the tail cache shared by every log; TAIL_CACHE_BYTES_MAX_DEFAULT when omitted. */
  tailCacheBytesMax?: number;
}

/** Entries deleted per LevelDB write when a log drops a range of entries (two keys each). */
const DELETE_CHUNK_ENTRIES = 4096;

/**
 * One sync write: LevelDB appends writes to its log file in order, and the fsync of a sync write
 * covers everything before it in that file (unsynced puts, and the deletes of `db.clear`).
 */
function syncWal(db: Db): Promise<void> {
  return db.put(SYNC_KEY, Buffer.alloc(0), { sync: true });
}

/** Where damage, repairs and failed syncs are reported when the store's owner gives no `warn`. */
const storageProblem = (line: string): void => log.error(line);

export async function openLogStore(options: LevelLogStoreOptions): Promise<LogStore> {
  if (options.flush.kind === 'interval') {
    assert(Number.isInteger(options.flush.intervalMs) && options.flush.intervalMs > 0, 'flush interval must be a positive integer');
  }
  const db = await openDamageTolerant(options.dir, options.warn ?? storageProblem);
  return new LevelLogStore(db, options);
}

/**
 * Opens LevelDB; should a table file be missing (LevelDB refuses to open: "Corruption: N missing
 * files") or not the size its manifest says (a truncated table fails every read that touches it,
 * index reads at recovery included), runs LevelDB's repair first: it rebuilds the manifest from the
 * table files it can read and sets the others aside (`lost/`). What they held is gone from this
 * copy; recovery then finds the missing entries (a gap, batches without data) and records them, and
 * their owner repairs them from the leader or, a single copy, reports their offsets lost.
 */
async function openDamageTolerant(dir: string, warn: (line: string) => void): Promise<Db> {
  const open = async (): Promise<Db> => {
    const db: Db = new ClassicLevel<Buffer, Buffer>(dir, { keyEncoding: 'buffer', valueEncoding: 'buffer' });
    await db.open();
    return db;
  };
  let db: Db;
  try {
    db = await open();
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    if (cause?.code !== 'LEVEL_CORRUPTION') throw err;
    warn(`storage: LevelDB at ${dir} does not open (${cause.message ?? 'corruption'}): repairing it; entries it lost are recovered from peers or reported`);
    await ClassicLevel.repair(dir);
    return open();
  }
  const damaged = await damagedTables(dir, db);
  if (damaged.length === 0) return db;
  warn(`storage: LevelDB at ${dir}: ${damaged.join('; ')}: repairing it; entries it lost are recovered from peers or reported`);
  await db.close();
  await ClassicLevel.repair(dir);
  return open();
}

/** The live table files (LevelDB's "sstables" property: ` number:size[...]` per file) that are missing or not their recorded size. */
async function damagedTables(dir: string, db: Db): Promise<string[]> {
  const problems: string[] = [];
  for (const match of db.getProperty('leveldb.sstables').matchAll(/^ (\d+):(\d+)\[/gm)) {
    const number = match[1]!.padStart(6, '0');
    const size = Number(match[2]);
    const actual = (await sizeOf(join(dir, `${number}.ldb`))) ?? (await sizeOf(join(dir, `${number}.sst`)));
    if (actual !== size) problems.push(`table ${number} is ${actual === undefined ? 'missing' : `${actual} bytes`}, its manifest says ${size}`);
  }
  return problems;
}

async function sizeOf(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

class LevelLogStore implements LogStore {
  private readonly logs = new Map<number, Promise<LevelPartitionLog>>();
  private readonly cache: TailCache;
  /** flush `always`: every write to the logs is a sync write, appends in group commits. */
  private readonly durable: boolean;
  private readonly group: GroupWrite;
  private readonly warn: (line: string) => void;
  private readonly hooks: StorageHooks;
  private readonly timer: NodeJS.Timeout | undefined;
  private syncing: Promise<void> | undefined;
  private closed = false;
  /** Write failures: the store refuses writes after one until `resume` reopens LevelDB. */
  private readonly faults: WriteFaults;

  constructor(
    private readonly db: Db,
    options: LevelLogStoreOptions,
  ) {
    this.cache = new TailCache(options.tailCacheBytesMax ?? TAIL_CACHE_BYTES_MAX_DEFAULT);
    this.durable = options.flush.kind === 'always';
    this.group = new GroupWrite(db, this.durable, options.onSync);
    this.warn = options.warn ?? storageProblem;
    this.hooks = { warn: this.warn, onCorruption: options.onCorruption, onSync: options.onSync };
    this.faults = new WriteFaults({ dir: options.dir, warn: this.warn, onWriteFailure: options.onWriteFailure });
    if (options.flush.kind === 'interval') {
      this.timer = setInterval(() => this.syncInBackground(), options.flush.intervalMs);
      // The timer must not keep a process alive that is otherwise done.
      this.timer.unref();
    }
  }

  openLog(logId: number, options: OpenLogOptions = {}): Promise<PartitionLog> {
    try {
      this.assertOpen();
      assertLogId(logId);
    } catch (err) {
      return Promise.reject(err);
    }
    let log = this.logs.get(logId);
    if (log === undefined) {
      const verifier = new ReadVerifier(options.name ?? defaultLogName(logId), logId, this.hooks);
      log = recoverLog(this.db, logId, this.warn, verifier).then(
        (index) =>
          new LevelPartitionLog({
            db: this.db,
            logId,
            index,
            verifier,
            cache: this.cache,
            group: this.group,
            assertOpen: () => this.assertOpen(),
            faults: this.faults,
          }),
      );
      this.logs.set(logId, log);
      // A failed open must not be cached: the next openLog retries.
      log.catch(() => this.logs.delete(logId));
    }
    return log;
  }

  async dropLog(logId: number): Promise<void> {
    this.assertOpen();
    this.faults.assertWritable();
    assertLogId(logId);
    const opened = this.logs.get(logId);
    this.logs.delete(logId);
    if (opened !== undefined) await (await opened).drop();
    // Ranges, cleared in LevelDB, not a key per batch from JavaScript (one atomic batch of deletes
    // cost an object per stored batch). Not atomic: a crash partway leaves keys of a log id that is
    // never opened again (replica-manager never reuses one), garbage rather than a log.
    await this.db.clear(batchKeyRange('index', logId));
    await this.db.del(stateKey(logId));
    await this.db.clear(batchKeyRange('data', logId));
    if (this.durable) await syncWal(this.db);
  }

  async getMeta(key: string): Promise<Buffer | undefined> {
    this.assertOpen();
    await this.faults.beforeRead(this.db);
    return this.db.get(metaKey(key));
  }

  async putMeta(key: string, value: Buffer, options: { sync?: boolean } = {}): Promise<void> {
    this.assertOpen();
    await this.faults.guard(`writing ${key}`, () => this.db.put(metaKey(key), value, { sync: options.sync ?? true }));
  }

  async deleteMeta(key: string): Promise<void> {
    this.assertOpen();
    await this.faults.guard(`deleting ${key}`, () => this.db.del(metaKey(key), { sync: true }));
  }

  async listMeta(prefix: string): Promise<Array<[string, Buffer]>> {
    this.assertOpen();
    await this.faults.beforeRead(this.db);
    const entries: Array<[string, Buffer]> = [];
    for await (const [key, value] of this.db.iterator(metaKeyRange(prefix))) entries.push([metaKeyName(key), value]);
    return entries;
  }

  async sync(): Promise<void> {
    this.assertOpen();
    await this.faults.guard('syncing', () => this.syncAll());
  }

  async resume(): Promise<void> {
    this.assertOpen();
    const settled = async (): Promise<void> => {
      const logs = await Promise.allSettled([...this.logs.values()]);
      await Promise.all(logs.map((log) => (log.status === 'fulfilled' ? log.value.settled() : undefined)));
    };
    if (!(await this.faults.resume(this.db, settled, () => syncWal(this.db)))) return;
    // Their in-memory index may hold entries LevelDB never got: the next openLog recovers them.
    for (const [logId, log] of this.logs) {
      const opened = await log.catch(() => undefined);
      if (opened?.writeFailed === true && this.logs.get(logId) === log) this.logs.delete(logId);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    clearInterval(this.timer);
    await this.syncAll();
    this.closed = true;
    await this.db.close();
  }

  /** Waits for every write issued so far, then syncs LevelDB's log file. */
  private async syncAll(): Promise<void> {
    const logs = await Promise.allSettled([...this.logs.values()]);
    await Promise.all(logs.map((log) => (log.status === 'fulfilled' ? log.value.settled() : undefined)));
    await syncWal(this.db);
  }

  private syncInBackground(): void {
    if (this.syncing !== undefined || this.closed) return;
    const startedAt = performance.now();
    this.syncing = this.syncAll()
      .then(() => this.hooks.onSync?.(performance.now() - startedAt))
      .catch((err: unknown) => this.warn(`storage: periodic sync failed: ${err instanceof Error ? err.message : String(err)}`))
      .finally(() => {
        this.syncing = undefined;
      });
  }

  private assertOpen(): void {
    if (this.closed) throw new SluiceError('SHUTTING_DOWN', 'the log store is closed');
  }
}

interface LevelPartitionLogDeps {
  db: Db;
  logId: number;
  index: LogIndex;
  verifier: ReadVerifier;
  cache: TailCache;
  group: GroupWrite;
  assertOpen: () => void;
  faults: WriteFaults;
}

class LevelPartitionLog extends IndexedPartitionLog implements PartitionLog {
  private readonly db: Db;
  protected readonly logId: number;
  protected readonly index: LogIndex;
  private readonly verifier: ReadVerifier;
  private readonly cache: TailCache;
  private readonly group: GroupWrite;
  private readonly assertStoreOpen: () => void;
  private readonly faults: WriteFaults;
  private readonly writes = new WriteQueue();
  /** Batches appended but not yet in LevelDB, by entry index, so reads see every stored entry. */
  private readonly unwritten = new Map<number, Buffer>();
  /** Resolves with the last append's result; each append's promise chains on it. */
  private lastAck: Promise<unknown> = Promise.resolve();
  /** Set when the log was dropped. */
  private unusable: Error | undefined;
  /** Set when a write of this log failed: its index may hold entries LevelDB never got, so it takes no more writes (reads go on). */
  private writeFailure: Error | undefined;
  /** Bumped by every removal of entries, so a read can tell a value deleted under it from a lost one. */
  private removals = 0;

  constructor(deps: LevelPartitionLogDeps) {
    super();
    this.db = deps.db;
    this.logId = deps.logId;
    this.index = deps.index;
    this.verifier = deps.verifier;
    this.cache = deps.cache;
    this.group = deps.group;
    this.assertStoreOpen = deps.assertOpen;
    this.faults = deps.faults;
  }

  get writeFailed(): boolean {
    return this.writeFailure !== undefined;
  }

  cachedBatch(entryIndex: number): Buffer | undefined {
    if (this.unusable !== undefined || this.index.entry(entryIndex) === undefined) return undefined;
    return this.unwritten.get(entryIndex) ?? this.cache.get(this.logId, entryIndex);
  }

  async readEntries(lo: number, hi: number, maxBytes: number): Promise<Buffer[]> {
    this.assertReadable();
    const planned = this.index.planEntries(lo, hi, maxBytes);
    const batches = await this.fetch(planned);
    if (batches.length === 0 && planned.length > 0) throw new RangeError(`entry ${lo} was removed while being read`);
    return batches;
  }

  async read(fromOffset: number, maxBytes: number, upToOffset?: number): Promise<Buffer[]> {
    this.assertReadable();
    const planned = this.index.planRead(fromOffset, maxBytes, upToOffset);
    const batches = await this.fetch(planned);
    if (batches.length === 0 && planned.length > 0) {
      throw new SluiceError('OFFSET_OUT_OF_RANGE', `offset ${fromOffset} was deleted while being read`);
    }
    return batches;
  }


  async truncateSuffix(entryIndex: number): Promise<void> {
    this.assertUsable();
    const removed = this.index.truncateSuffix(entryIndex);
    await this.remove(removed, false);
  }

  async deletePrefix(offset: number): Promise<void> {
    this.assertUsable();
    const removed = this.index.deletePrefix(offset);
    await this.remove(removed, true);
  }

  async installSnapshot(snapshot: { logStartOffset: number; index: number; term: number }): Promise<void> {
    this.assertUsable();
    const removed = this.index.installSnapshot(snapshot.logStartOffset, snapshot);
    await this.remove(removed, true);
  }

  /** Waits for every write issued so far (never rejects). */
  settled(): Promise<void> {
    return this.writes.settled();
  }

  /** Makes this object unusable and waits for its writes; the store then deletes its keys. */
  async drop(): Promise<void> {
    this.unusable ??= new Error(`log ${this.logId} was dropped`);
    this.removals++;
    this.cache.evictRange(this.logId, 0, Number.POSITIVE_INFINITY);
    this.unwritten.clear();
    await this.writes.settled();
  }

  protected store(batch: Buffer, entryIndex: number): Promise<AppendResult> {
    const meta = metaOfBatch(batch, entryIndex);
    this.index.push(meta);
    this.unwritten.set(entryIndex, batch);
    this.cache.put(this.logId, entryIndex, batch);
    // Data and index in one group write (atomic), shared with the appends of every other log.
    const written = this.writes.shared(() =>
      this.group.join((group) => group.put(batchKey('data', this.logId, entryIndex), batch).put(batchKey('index', this.logId, entryIndex), packMeta(meta))),
    );
    written.then(
      () => {
        if (this.unwritten.get(entryIndex) === batch) this.unwritten.delete(entryIndex);
      },
      (err: unknown) => this.fail(err),
    );
    const result: AppendResult = { baseOffset: meta.baseOffset, lastOffset: meta.lastOffset, entryIndex };
    const ack = this.lastAck.then(() => written).then(() => result);
    this.lastAck = ack;
    return ack;
  }

  /**
   * The planned batches' bytes, in order: from memory (not yet written, tail cache) or LevelDB,
   * whose values are verified (ReadVerifier). Cut short at the first one removed while LevelDB was
   * read, or before the first damaged one (CORRUPT_BATCH if that is the first).
   */
  private async fetch(planned: readonly BatchMeta[]): Promise<Buffer[]> {
    const inMemory = planned.map((meta) => this.unwritten.get(meta.entryIndex) ?? this.cache.get(this.logId, meta.entryIndex));
    const missing = planned.filter((_, i) => inMemory[i] === undefined);
    if (missing.length === 0) return inMemory as Buffer[];
    const removals = this.removals;
    await this.faults.beforeRead(this.db);
    const values = await this.db.getMany(missing.map((meta) => batchKey('data', this.logId, meta.entryIndex)));
    const found = inMemory.slice();
    let next = 0;
    for (let i = 0; i < found.length; i++) if (found[i] === undefined) found[i] = values[next++];
    // Entries removed during the read: a value may be gone with them, which is no damage.
    const removed = this.removals === removals ? -1 : found.indexOf(undefined);
    const kept = removed < 0 ? planned : planned.slice(0, removed);
    return this.verifier.verifiedPrefix(kept, found, (i) => inMemory[i] !== undefined);
  }

  /**
   * Deletes the removed entries, after every earlier write and before every later one; with
   * `writeState`, persists the log's new start and marker. By key ranges, not a key per batch: a
   * snapshot replacing a 300,000-batch log took 5.4 s and 520 MB as one atomic batch of deletes. The
   * steps are ordered so that a crash between any two leaves what recovery repairs (docs/STORAGE.md).
   */
  private async remove(removed: EntryRange, writeState: boolean): Promise<void> {
    this.removals++;
    this.verifier.forget(removed);
    this.cache.evictRange(this.logId, removed.from, removed.to);
    for (const entryIndex of this.unwritten.keys()) {
      if (entryIndex >= removed.from && entryIndex < removed.to) this.unwritten.delete(entryIndex);
    }
    if (removed.from === removed.to && !writeState) return;
    const marker = this.index.snapshotMarker();
    const state = encodeLogState({ logStartOffset: this.index.logStartOffset(), markerIndex: marker.index, markerTerm: marker.term });
    const done = this.writes.exclusive(async () => {
      // Entries above the new marker first (a truncation; a snapshot over a longer log): a crash
      // then leaves the old state with a prefix of the old log.
      await this.clearEntries(writeState ? Math.max(removed.from, marker.index + 1) : removed.from, removed.to);
      if (writeState) {
        await this.group.join((group) => group.put(stateKey(this.logId), state));
        // A crash from here on leaves entries at or below the marker, which recovery drops as stale.
        await this.clearEntries(removed.from, Math.min(removed.to, marker.index + 1));
      }
    });
    done.catch((err: unknown) => this.fail(err));
    await done;
  }

  /**
   * Deletes the index, then the data, of the entries [from, to), each in ascending order: a crash in
   * between leaves data without index, which recovery clears; a crash inside leaves a gap above what
   * precedes it, which recovery keeps. By keys computed from the entry indexes (a log's are
   * contiguous), a chunk per group write (each lands, synced when durable, before the next one):
   * `db.clear` walks the range with an iterator and so reads every batch it deletes, which kept ~1 GB of LevelDB's memory-mapped tables resident in a broker
   * whose retention deleted behind a 1 GiB topic (PERFORMANCE.md, tenth pass).
   */
  private async clearEntries(from: number, to: number): Promise<void> {
    for (const keyspace of ['index', 'data'] as const) {
      for (let start = from; start < to; start += DELETE_CHUNK_ENTRIES) {
        const end = Math.min(to, start + DELETE_CHUNK_ENTRIES);
        await this.group.join((group) => {
          for (let entryIndex = start; entryIndex < end; entryIndex++) group.del(batchKey(keyspace, this.logId, entryIndex));
        });
      }
    }
  }

  private fail(err: unknown): void {
    this.writeFailure ??= this.faults.failed(err, `writing ${this.verifier.log}`);
  }

  /** Writes: refused once the log was dropped, a write of it failed, or the store refuses writes. */
  protected assertUsable(): void {
    this.assertReadable();
    if (this.writeFailure !== undefined) throw this.writeFailure;
    this.faults.assertWritable();
  }

  private assertReadable(): void {
    this.assertStoreOpen();
    if (this.unusable !== undefined) throw this.unusable;
  }
}
