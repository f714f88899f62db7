/**
 * A LogStore that injects storage faults around any other (for tests and the cluster simulator):
 * - `failWrites(errno)`: from now on writes fail as a disk full (ENOSPC), failing (EIO) or out of
 *   descriptors (EMFILE) fails them; as the LevelDB store, the first failure makes the store refuse
 *   every write (StorageFault, `onWriteFailure` once) while reads go on, until `resume` finds the
 *   cause cleared (`clearFault`). A refused write never reaches the inner store, so the inner store
 *   holds what a reopened LevelDB would: every write that succeeded.
 * - `damage(logId, entryIndex)`: reads that reach that entry behave as a verifying store's do on a
 *   bad CRC (CORRUPT_BATCH when it is the first batch asked, cut short before it otherwise).
 * - Lost unsynced writes on a crash: `afterPowerLoss` / `afterProcessKill` when the inner store is
 *   the memory store, whose journal knows what was synced.
 */
import { readBatchHeader } from '../protocol/batch.js';
import { SluiceError } from '../protocol/errors.js';
import type { MemoryLogStore } from './memory-store.js';
import { ForwardingPartitionLog } from './forwarding-log.js';
import { StorageFault, storageFault } from './storage-fault.js';
import type { AppendResult, LogStore, OpenLogOptions, PartitionLog, StorageHooks } from './types.js';

/** strerror texts of the errno names tests inject, as LevelDB reports them. */
const ERRNO_TEXT: Readonly<Record<string, string>> = {
  ENOSPC: 'No space left on device',
  EIO: 'Input/output error',
  EMFILE: 'Too many open files',
};

/** A promise rejected with `err` that no caller is obliged to await (as an earlier append's is not). */
function refused<T>(err: Error): Promise<T> {
  const promise = Promise.reject(err);
  promise.catch(() => undefined);
  return promise;
}

export class FaultyLogStore<Inner extends LogStore = LogStore> implements LogStore {
  /** The injected cause, while it lasts (`failWrites` .. `clearFault`). */
  private cause: string | undefined;
  /** Set by the first failed write: every write is refused until `resume` works. */
  private fault: StorageFault | undefined;
  /** Entries whose reads fail verification, by log id. */
  private readonly damaged = new Map<number, Set<number>>();
  private readonly logs = new Map<number, FaultyPartitionLog>();

  constructor(
    readonly inner: Inner,
    private readonly hooks: Pick<StorageHooks, 'onWriteFailure'> = {},
  ) {}

  /** Writes fail from now on with this errno (ENOSPC, EIO, EMFILE), until `clearFault`. */
  failWrites(errno: string): void {
    this.cause = errno;
  }

  /** The cause is gone (space freed, descriptors available): the next `resume` succeeds. */
  clearFault(): void {
    this.cause = undefined;
  }

  /** Whether the store refuses writes now. */
  get refusingWrites(): boolean {
    return this.fault !== undefined;
  }

  damage(logId: number, entryIndex: number): void {
    let entries = this.damaged.get(logId);
    if (entries === undefined) this.damaged.set(logId, (entries = new Set()));
    entries.add(entryIndex);
  }

  /** Throws (and from then on refuses writes) when a write must fail now. */
  checkWrite(what: string): void {
    if (this.fault !== undefined) throw this.fault;
    if (this.cause === undefined) return;
    const errno = this.cause;
    this.fault = storageFault(Object.assign(new Error(`IO error: ${ERRNO_TEXT[errno] ?? errno}`), { code: errno }), what);
    this.hooks.onWriteFailure?.(this.fault);
    throw this.fault;
  }

  hasDamage(logId: number): boolean {
    return (this.damaged.get(logId)?.size ?? 0) > 0;
  }

  isDamaged(logId: number, entryIndex: number): boolean {
    return this.damaged.get(logId)?.has(entryIndex) ?? false;
  }

  async openLog(logId: number, options?: OpenLogOptions): Promise<PartitionLog> {
    const existing = this.logs.get(logId);
    if (existing !== undefined && !existing.writeFailed) return existing;
    const log = new FaultyPartitionLog(await this.inner.openLog(logId, options), logId, options?.name ?? `log ${logId}`, this);
    this.logs.set(logId, log);
    return log;
  }

  async dropLog(logId: number): Promise<void> {
    this.checkWrite(`dropping log ${logId}`);
    this.logs.delete(logId);
    await this.inner.dropLog(logId);
  }

  getMeta(key: string): Promise<Buffer | undefined> {
    return this.inner.getMeta(key);
  }

  async putMeta(key: string, value: Buffer, options?: { sync?: boolean }): Promise<void> {
    this.checkWrite(`writing ${key}`);
    await this.inner.putMeta(key, value, options);
  }

  async deleteMeta(key: string): Promise<void> {
    this.checkWrite(`deleting ${key}`);
    await this.inner.deleteMeta(key);
  }

  listMeta(prefix: string): Promise<Array<[string, Buffer]>> {
    return this.inner.listMeta(prefix);
  }

  async sync(): Promise<void> {
    this.checkWrite('syncing');
    await this.inner.sync();
  }

  async resume(): Promise<void> {
    if (this.fault === undefined) return;
    if (this.cause !== undefined) throw this.fault;
    this.fault = undefined;
    await this.inner.resume();
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  /** The store a power cut leaves now (synced writes only), with no fault injected. */
  afterPowerLoss(this: FaultyLogStore<MemoryLogStore>): FaultyLogStore<MemoryLogStore> {
    return new FaultyLogStore(this.inner.afterPowerLoss(), this.hooks);
  }

  /** The store a killed process leaves now (every write), with no fault injected. */
  afterProcessKill(this: FaultyLogStore<MemoryLogStore>): FaultyLogStore<MemoryLogStore> {
    return new FaultyLogStore(this.inner.afterProcessKill(), this.hooks);
  }
}

/** A log of a FaultyLogStore: writes pass its checks first; reads see the damage injected. */
class FaultyPartitionLog extends ForwardingPartitionLog {
  /** Set when a write of this log failed: as in the LevelDB store, it takes no more writes. */
  private failure: StorageFault | undefined;

  constructor(
    inner: PartitionLog,
    private readonly logId: number,
    private readonly name: string,
    private readonly store: FaultyLogStore,
  ) {
    super(inner);
  }

  get writeFailed(): boolean {
    return this.failure !== undefined;
  }

  private check(what: string): void {
    if (this.failure !== undefined) throw this.failure;
    try {
      this.store.checkWrite(`${what} ${this.name}`);
    } catch (err) {
      if (err instanceof StorageFault) this.failure = err;
      throw err;
    }
  }

  override append(batch: Buffer, leaderEpoch: number): Promise<AppendResult> {
    try {
      this.check('appending to');
    } catch (err) {
      return refused(err as Error);
    }
    return this.inner.append(batch, leaderEpoch);
  }

  override appendStamped(batch: Buffer, entryIndex: number): Promise<AppendResult> {
    try {
      this.check('appending to');
    } catch (err) {
      return refused(err as Error);
    }
    return this.inner.appendStamped(batch, entryIndex);
  }

  override async truncateSuffix(entryIndex: number): Promise<void> {
    this.check('truncating');
    await this.inner.truncateSuffix(entryIndex);
  }

  override async deletePrefix(offset: number): Promise<void> {
    this.check('deleting a prefix of');
    await this.inner.deletePrefix(offset);
  }

  override async installSnapshot(snapshot: { logStartOffset: number; index: number; term: number }): Promise<void> {
    this.check('installing a snapshot in');
    await this.inner.installSnapshot(snapshot);
  }

  override async readEntries(lo: number, hi: number, maxBytes: number): Promise<Buffer[]> {
    const batches = await this.inner.readEntries(lo, hi, maxBytes);
    return this.verified(batches.map((batch, i) => ({ batch, entryIndex: lo + i })));
  }

  override async read(fromOffset: number, maxBytes: number, upToOffset?: number): Promise<Buffer[]> {
    const batches = await this.inner.read(fromOffset, maxBytes, upToOffset);
    if (!this.store.hasDamage(this.logId)) return batches;
    return this.verified(batches.map((batch) => ({ batch, entryIndex: this.entryOf(batch) })));
  }

  /** The entry index of a batch read by offset: the stored entry with its base offset and record count. */
  private entryOf(batch: Buffer): number {
    const header = readBatchHeader(batch);
    for (let entryIndex = this.inner.firstEntryIndex(); entryIndex <= this.inner.lastEntryIndex(); entryIndex++) {
      const meta = this.inner.entry(entryIndex);
      if (meta !== undefined && meta.baseOffset === header.baseOffset && meta.recordCount === header.recordCount) return entryIndex;
    }
    return -1;
  }

  /** As a verifying store: CORRUPT_BATCH when the first batch is damaged, cut short before a later one. */
  private verified(read: ReadonlyArray<{ batch: Buffer; entryIndex: number }>): Buffer[] {
    const bad = read.findIndex((item) => this.store.isDamaged(this.logId, item.entryIndex));
    if (bad === 0) {
      const { entryIndex, batch } = read[0]!;
      throw new SluiceError('CORRUPT_BATCH', `${this.name}: entry ${entryIndex} (offset ${readBatchHeader(batch).baseOffset}) is damaged (injected)`);
    }
    return (bad < 0 ? read : read.slice(0, bad)).map((item) => item.batch);
  }
}
