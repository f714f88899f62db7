/**
 * The LevelDB LogStore: one database per broker holding every partition log (see keys.ts for the
 * key layout and docs/STORAGE.md for recovery and the flush policies' guarantees).
 */
import assert from 'node:assert/strict';
import { ClassicLevel } from 'classic-level';
import { readBatchHeader, stampBatch } from '../protocol/batch.js';
import { SluiceError } from '../protocol/errors.js';
import { assertLeaderEpoch, assertWholeBatch, metaOfBatch, packMeta } from './batch-meta.js';
import { assertLogId, batchKey, batchKeyRange, encodeLogStartOffset, metaKey, metaKeyName, metaKeyRange, stateKey, SYNC_KEY } from './keys.js';
import { LogIndex } from './log-index.js';
import { recoverLog, type Db } from './recovery.js';
import { TAIL_CACHE_BYTES_MAX_DEFAULT, TailCache } from './tail-cache.js';
import type { AppendResult, BatchMeta, FlushPolicy, LogStore, PartitionLog } from './types.js';
import { WriteQueue } from './write-queue.js';

export interface LevelLogStoreOptions {
  /** Directory of the LevelDB database (created if absent). */
  dir: string;
  flush: FlushPolicy;
  /** Bound of the tail cache shared by every log; TAIL_CACHE_BYTES_MAX_DEFAULT when omitted. */
  tailCacheBytesMax?: number;
  /** Where recovery reports what it dropped; console.warn when omitted. */
  warn?: (line: string) => void;
}

export async function openLogStore(options: LevelLogStoreOptions): Promise<LogStore> {
  if (options.flush.kind === 'interval') {
    assert(Number.isInteger(options.flush.intervalMs) && options.flush.intervalMs > 0, 'flush interval must be a positive integer');
  }
  const db: Db = new ClassicLevel<Buffer, Buffer>(options.dir, { keyEncoding: 'buffer', valueEncoding: 'buffer' });
  await db.open();
  return new LevelLogStore(db, options);
}

class LevelLogStore implements LogStore {
  private readonly logs = new Map<number, Promise<LevelPartitionLog>>();
  private readonly cache: TailCache;
  private readonly syncEveryWrite: boolean;
  private readonly warn: (line: string) => void;
  private readonly timer: NodeJS.Timeout | undefined;
  private syncing: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly db: Db,
    options: LevelLogStoreOptions,
  ) {
    this.cache = new TailCache(options.tailCacheBytesMax ?? TAIL_CACHE_BYTES_MAX_DEFAULT);
    this.syncEveryWrite = options.flush.kind === 'always';
    this.warn = options.warn ?? ((line) => console.warn(line));
    if (options.flush.kind === 'interval') {
      this.timer = setInterval(() => this.syncInBackground(), options.flush.intervalMs);
      // The timer must not keep a process alive that is otherwise done.
      this.timer.unref();
    }
  }

  openLog(logId: number): Promise<PartitionLog> {
    try {
      this.assertOpen();
      assertLogId(logId);
    } catch (err) {
      return Promise.reject(err);
    }
    let log = this.logs.get(logId);
    if (log === undefined) {
      log = recoverLog(this.db, logId, this.warn).then(
        ({ metas, logStartOffset }) =>
          new LevelPartitionLog({
            db: this.db,
            logId,
            index: new LogIndex(metas, logStartOffset),
            cache: this.cache,
            syncEveryWrite: this.syncEveryWrite,
            assertOpen: () => this.assertOpen(),
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
    assertLogId(logId);
    const opened = this.logs.get(logId);
    this.logs.delete(logId);
    if (opened !== undefined) await (await opened).drop();
    // One atomic batch removes the index and the state; the data range is cleared after it. A crash
    // in between leaves data without index, which the next recovery of this log id clears.
    const indexKeys: Buffer[] = [];
    for await (const key of this.db.keys(batchKeyRange('index', logId))) indexKeys.push(key);
    const dels = [...indexKeys, stateKey(logId)].map((key) => ({ type: 'del' as const, key }));
    await this.db.batch(dels, { sync: this.syncEveryWrite });
    await this.db.clear(batchKeyRange('data', logId));
  }

  async getMeta(key: string): Promise<Buffer | undefined> {
    this.assertOpen();
    return this.db.get(metaKey(key));
  }

  async putMeta(key: string, value: Buffer): Promise<void> {
    this.assertOpen();
    await this.db.put(metaKey(key), value, { sync: true });
  }

  async deleteMeta(key: string): Promise<void> {
    this.assertOpen();
    await this.db.del(metaKey(key), { sync: true });
  }

  async listMeta(prefix: string): Promise<Array<[string, Buffer]>> {
    this.assertOpen();
    const entries: Array<[string, Buffer]> = [];
    for await (const [key, value] of this.db.iterator(metaKeyRange(prefix))) entries.push([metaKeyName(key), value]);
    return entries;
  }

  async sync(): Promise<void> {
    this.assertOpen();
    await this.syncAll();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    clearInterval(this.timer);
    await this.syncAll();
    this.closed = true;
    await this.db.close();
  }

  /**
   * Waits for every write issued so far, then makes one sync write: LevelDB appends writes to its
   * log file in order, and the fsync of a sync write covers everything before it in that file.
   */
  private async syncAll(): Promise<void> {
    const logs = await Promise.allSettled([...this.logs.values()]);
    await Promise.all(logs.map((log) => (log.status === 'fulfilled' ? log.value.settled() : undefined)));
    await this.db.put(SYNC_KEY, Buffer.alloc(0), { sync: true });
  }

  private syncInBackground(): void {
    if (this.syncing !== undefined || this.closed) return;
    this.syncing = this.syncAll()
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
  cache: TailCache;
  syncEveryWrite: boolean;
  assertOpen: () => void;
}

class LevelPartitionLog implements PartitionLog {
  private readonly db: Db;
  private readonly logId: number;
  private readonly index: LogIndex;
  private readonly cache: TailCache;
  private readonly syncEveryWrite: boolean;
  private readonly assertStoreOpen: () => void;
  private readonly writes = new WriteQueue();
  /** Batches appended but not yet in LevelDB, so reads see every offset below logEndOffset. */
  private readonly unwritten = new Map<number, Buffer>();
  /** Resolves with the last append's result; each append's promise chains on it. */
  private lastAck: Promise<unknown> = Promise.resolve();
  /** Set when a write failed or the log was dropped: the in-memory index no longer matches disk. */
  private unusable: Error | undefined;

  constructor(deps: LevelPartitionLogDeps) {
    this.db = deps.db;
    this.logId = deps.logId;
    this.index = deps.index;
    this.cache = deps.cache;
    this.syncEveryWrite = deps.syncEveryWrite;
    this.assertStoreOpen = deps.assertOpen;
  }

  logStartOffset(): number {
    return this.index.logStartOffset();
  }

  logEndOffset(): number {
    return this.index.logEndOffset();
  }

  sizeBytes(): number {
    return this.index.sizeBytes();
  }

  batches(): readonly BatchMeta[] {
    return this.index.batches();
  }

  append(batch: Buffer, leaderEpoch: number): Promise<AppendResult> {
    try {
      this.assertUsable();
      assertLeaderEpoch(leaderEpoch);
      assertWholeBatch(batch);
      stampBatch(batch, this.index.logEndOffset(), leaderEpoch);
      return this.store(batch);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  appendStamped(batch: Buffer): Promise<AppendResult> {
    try {
      this.assertUsable();
      assertWholeBatch(batch);
      const { baseOffset } = readBatchHeader(batch);
      if (baseOffset !== this.index.logEndOffset()) {
        throw new Error(`log ${this.logId}: stamped batch starts at ${baseOffset}, log ends at ${this.index.logEndOffset()}`);
      }
      return this.store(batch);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  async read(fromOffset: number, maxBytes: number, upToOffset?: number): Promise<Buffer[]> {
    this.assertUsable();
    const planned = this.index.planRead(fromOffset, maxBytes, upToOffset);
    const found = planned.map((meta) => this.unwritten.get(meta.baseOffset) ?? this.cache.get(this.logId, meta.baseOffset));
    const missing = planned.filter((_, i) => found[i] === undefined);
    if (missing.length > 0) {
      const values = await this.db.getMany(missing.map((meta) => batchKey('data', this.logId, meta.baseOffset)));
      let next = 0;
      for (let i = 0; i < found.length; i++) if (found[i] === undefined) found[i] = values[next++];
    }
    // A batch deleted by a prefix deletion or truncation while LevelDB was read ends the result.
    const end = found.indexOf(undefined);
    const batches = (end < 0 ? found : found.slice(0, end)) as Buffer[];
    if (batches.length === 0 && planned.length > 0) {
      throw new SluiceError('OFFSET_OUT_OF_RANGE', `offset ${fromOffset} was deleted while being read`);
    }
    return batches;
  }

  offsetForTimestamp(timestampMs: number): number {
    return this.index.offsetForTimestamp(timestampMs);
  }

  async truncateSuffix(offset: number): Promise<void> {
    this.assertUsable();
    const removed = this.index.truncateSuffix(offset);
    await this.remove(removed, []);
  }

  async deletePrefix(offset: number): Promise<void> {
    this.assertUsable();
    const removed = this.index.deletePrefix(offset);
    // The new start goes in the same atomic write as the deletes, so a restart sees both or neither.
    await this.remove(removed, [{ type: 'put', key: stateKey(this.logId), value: encodeLogStartOffset(offset) }]);
  }

  /** Waits for every write issued so far (never rejects). */
  settled(): Promise<void> {
    return this.writes.settled();
  }

  /** Makes this object unusable and waits for its writes; the store then deletes its keys. */
  async drop(): Promise<void> {
    this.unusable ??= new Error(`log ${this.logId} was dropped`);
    this.cache.evict(this.logId, this.index.batches().map((meta) => meta.baseOffset));
    this.unwritten.clear();
    await this.writes.settled();
  }

  private store(batch: Buffer): Promise<AppendResult> {
    const meta = metaOfBatch(batch);
    this.index.push(meta);
    this.unwritten.set(meta.baseOffset, batch);
    this.cache.put(this.logId, meta.baseOffset, batch);
    const operations = [
      { type: 'put' as const, key: batchKey('data', this.logId, meta.baseOffset), value: batch },
      { type: 'put' as const, key: batchKey('index', this.logId, meta.baseOffset), value: packMeta(meta) },
    ];
    const written = this.writes.shared(() => this.db.batch(operations, { sync: this.syncEveryWrite }));
    written.then(
      () => {
        if (this.unwritten.get(meta.baseOffset) === batch) this.unwritten.delete(meta.baseOffset);
      },
      (err: unknown) => this.fail(err),
    );
    const result: AppendResult = { baseOffset: meta.baseOffset, lastOffset: meta.lastOffset };
    const ack = this.lastAck.then(() => written).then(() => result);
    this.lastAck = ack;
    return ack;
  }

  private async remove(removed: readonly BatchMeta[], extra: Array<{ type: 'put'; key: Buffer; value: Buffer }>): Promise<void> {
    const baseOffsets = removed.map((meta) => meta.baseOffset);
    this.cache.evict(this.logId, baseOffsets);
    for (const baseOffset of baseOffsets) this.unwritten.delete(baseOffset);
    const dels = baseOffsets.flatMap((baseOffset) => [
      { type: 'del' as const, key: batchKey('data', this.logId, baseOffset) },
      { type: 'del' as const, key: batchKey('index', this.logId, baseOffset) },
    ]);
    if (dels.length === 0 && extra.length === 0) return;
    const done = this.writes.exclusive(() => this.db.batch([...dels, ...extra], { sync: this.syncEveryWrite }));
    done.catch((err: unknown) => this.fail(err));
    await done;
  }

  private fail(err: unknown): void {
    const why = err instanceof Error ? err.message : String(err);
    this.unusable ??= new Error(`log ${this.logId}: a LevelDB write failed (${why}); reopen the store to recover`);
  }

  private assertUsable(): void {
    this.assertStoreOpen();
    if (this.unusable !== undefined) throw this.unusable;
  }
}
