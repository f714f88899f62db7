/**
 * An in-memory LogStore with the LevelDB store's semantics (both delegate offsets to LogIndex and
 * run the same contract tests), for fast tests of the broker, replication and groups, and for the
 * cluster simulator, which also needs the LevelDB store's durability: every write is journaled,
 * and the writes up to the last synced one (as LevelDB's fsync of its log file covers every write
 * before it) are what a power loss leaves (`afterPowerLoss`). With flush `always`, writes to logs
 * are synced by group commit, as in the LevelDB store: one sync covers every write journaled before
 * it ran, and a write's promise resolves only once such a sync ran. Reopening a log returns the
 * same object.
 */
import { SluiceError } from '../protocol/errors.js';
import { metaOfBatch } from './batch-meta.js';
import { assertLogId } from './keys.js';
import { IndexedPartitionLog, LogIndex } from './log-index.js';
import { defaultLogName, ReadVerifier } from './read-verifier.js';
import type { AppendResult, BatchMeta, EntryRange, FlushPolicy, LogStore, OpenLogOptions, PartitionLog, StorageHooks } from './types.js';

/** One write, as the journal keeps it. */
type Write =
  | { kind: 'append'; logId: number; batch: Buffer; entryIndex: number }
  | { kind: 'truncateSuffix'; logId: number; entryIndex: number }
  | { kind: 'deletePrefix'; logId: number; offset: number }
  | { kind: 'installSnapshot'; logId: number; snapshot: { logStartOffset: number; index: number; term: number } }
  | { kind: 'dropLog'; logId: number }
  | { kind: 'putMeta'; key: string; value: Buffer }
  | { kind: 'deleteMeta'; key: string };

export interface MemoryLogStoreOptions extends StorageHooks {
  /**
   * Which writes are synced, as in the LevelDB store (default `always`): with `always`, every
   * write; otherwise metadata writes (unless `sync: false`) and `sync()` calls. The memory store
   * keeps no timer: with `interval`, whoever runs it calls `sync()` on the interval.
   */
  flush?: FlushPolicy;
  /**
   * Schedules a group sync (flush `always`); a microtask when omitted. A simulator passes its
   * clock's `defer`, so that a crash can fall between an append and the sync that makes it durable.
   */
  deferSync?: (sync: () => void) => void;
}

export interface MemoryLogStore extends LogStore {
  /** A new store holding what a power loss now would leave: every write up to the last synced one. */
  afterPowerLoss(): MemoryLogStore;
  /** A new store holding every write so far (the process died; the OS kept what it was given). */
  afterProcessKill(): MemoryLogStore;
}

export function openMemoryLogStore(options: MemoryLogStoreOptions = {}): MemoryLogStore {
  return new MemoryStore(
    { flush: options.flush ?? { kind: 'always' }, deferSync: options.deferSync ?? queueMicrotask },
    { warn: options.warn, onCorruption: options.onCorruption },
    [],
  );
}

interface MemoryStoreSettings {
  flush: FlushPolicy;
  deferSync: (sync: () => void) => void;
}

class MemoryStore implements MemoryLogStore {
  private readonly logs = new Map<number, MemoryPartitionLog>();
  private readonly meta = new Map<string, Buffer>();
  private closed = false;
  /** Every write, in order; the first `synced` are durable. */
  private readonly journal: Write[];
  private synced: number;
  /** flush `always`: writes to logs resolve once a group sync covered them. */
  private readonly durable: boolean;
  /** Resolves when the scheduled group sync has run; undefined when none is scheduled. */
  private nextSync: Promise<void> | undefined;

  constructor(
    private readonly settings: MemoryStoreSettings,
    private readonly hooks: StorageHooks,
    durable: readonly Write[],
  ) {
    this.durable = settings.flush.kind === 'always';
    this.journal = [...durable];
    this.synced = durable.length;
    for (const write of durable) this.apply(write);
  }

  afterPowerLoss(): MemoryLogStore {
    return new MemoryStore(this.settings, this.hooks, this.journal.slice(0, this.synced));
  }

  afterProcessKill(): MemoryLogStore {
    return new MemoryStore(this.settings, this.hooks, this.journal);
  }

  async openLog(logId: number, options: OpenLogOptions = {}): Promise<PartitionLog> {
    this.assertOpen();
    assertLogId(logId);
    const log = this.log(logId);
    // Replayed journals create logs before anyone names them.
    if (options.name !== undefined) log.rename(options.name);
    return log;
  }

  private log(logId: number): MemoryPartitionLog {
    let log = this.logs.get(logId);
    if (log === undefined) {
      log = new MemoryPartitionLog(logId, this.hooks, () => this.assertOpen(), (write) => this.recordLogWrite(write));
      this.logs.set(logId, log);
    }
    return log;
  }

  async dropLog(logId: number): Promise<void> {
    this.assertOpen();
    assertLogId(logId);
    const durable = this.recordLogWrite({ kind: 'dropLog', logId });
    this.apply({ kind: 'dropLog', logId });
    await durable;
  }

  async getMeta(key: string): Promise<Buffer | undefined> {
    this.assertOpen();
    const value = this.meta.get(key);
    return value === undefined ? undefined : Buffer.from(value);
  }

  async putMeta(key: string, value: Buffer, options: { sync?: boolean } = {}): Promise<void> {
    this.assertOpen();
    // Copied, as LevelDB would, so a caller reusing its buffer cannot change what is stored.
    const write: Write = { kind: 'putMeta', key, value: Buffer.from(value) };
    this.record(write, options.sync ?? true);
    this.apply(write);
  }

  async deleteMeta(key: string): Promise<void> {
    this.assertOpen();
    const write: Write = { kind: 'deleteMeta', key };
    this.record(write, true);
    this.apply(write);
  }

  async listMeta(prefix: string): Promise<Array<[string, Buffer]>> {
    this.assertOpen();
    // LevelDB orders keys by their UTF-8 bytes; compare the same way.
    return [...this.meta.entries()]
      .filter(([key]) => key.startsWith(prefix))
      .sort(([a], [b]) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')))
      .map(([key, value]) => [key, Buffer.from(value)]);
  }

  async sync(): Promise<void> {
    this.assertOpen();
    this.synced = this.journal.length;
  }

  /** No write of the memory store fails (FaultyLogStore injects failures around it). */
  async resume(): Promise<void> {
    this.assertOpen();
  }

  async close(): Promise<void> {
    if (!this.closed) this.synced = this.journal.length;
    this.closed = true;
  }

  private record(write: Write, sync: boolean): void {
    this.journal.push(write);
    if (sync) this.synced = this.journal.length;
  }

  /** Journals a write of the logs; resolves once it is as durable as the flush policy makes it. */
  private recordLogWrite(write: Write): Promise<void> {
    this.journal.push(write);
    return this.durable ? this.groupSync() : Promise.resolve();
  }

  /** Group commit: one sync, scheduled once, covers every write journaled before it runs. */
  private groupSync(): Promise<void> {
    this.nextSync ??= new Promise<void>((resolve) =>
      this.settings.deferSync(() => {
        this.nextSync = undefined;
        this.synced = this.journal.length;
        resolve();
      }),
    );
    return this.nextSync;
  }

  /** Applies a write to the in-memory state (already checked, when it comes from the journal). */
  private apply(write: Write): void {
    switch (write.kind) {
      case 'putMeta':
        this.meta.set(write.key, write.value);
        return;
      case 'deleteMeta':
        this.meta.delete(write.key);
        return;
      case 'dropLog':
        this.logs.get(write.logId)?.drop();
        this.logs.delete(write.logId);
        return;
      default:
        this.log(write.logId).replay(write);
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new SluiceError('SHUTTING_DOWN', 'the log store is closed');
  }
}

/** A write to one log's entries (dropping a log is the store's). */
type LogWrite = Exclude<Extract<Write, { logId: number }>, { kind: 'dropLog' }>;

class MemoryPartitionLog extends IndexedPartitionLog implements PartitionLog {
  protected readonly index = new LogIndex([], 0);
  /** Stored batches by entry index: what the medium holds, so reads verify them (a test may damage one in place). */
  private readonly data = new Map<number, Buffer>();
  private dropped = false;
  private verifier: ReadVerifier;

  constructor(
    protected readonly logId: number,
    private readonly hooks: StorageHooks,
    private readonly assertStoreOpen: () => void,
    /** Journals a write of this log; resolves once it is as durable as the store's flush policy makes it. */
    private readonly record: (write: LogWrite) => Promise<void>,
  ) {
    super();
    this.verifier = new ReadVerifier(defaultLogName(logId), logId, hooks);
  }

  rename(name: string): void {
    if (name !== this.verifier.log) this.verifier = new ReadVerifier(name, this.logId, this.hooks);
  }

  cachedBatch(entryIndex: number): Buffer | undefined {
    return this.index.entry(entryIndex) === undefined ? undefined : this.data.get(entryIndex);
  }

  async readEntries(lo: number, hi: number, maxBytes: number): Promise<Buffer[]> {
    this.assertUsable();
    return this.verified(this.index.planEntries(lo, hi, maxBytes));
  }

  async read(fromOffset: number, maxBytes: number, upToOffset?: number): Promise<Buffer[]> {
    this.assertUsable();
    return this.verified(this.index.planRead(fromOffset, maxBytes, upToOffset));
  }

  private verified(planned: readonly BatchMeta[]): Buffer[] {
    return this.verifier.verifiedPrefix(
      planned,
      planned.map((meta) => this.data.get(meta.entryIndex)),
      () => false,
    );
  }

  async truncateSuffix(entryIndex: number): Promise<void> {
    this.assertUsable();
    await this.write({ kind: 'truncateSuffix', logId: this.logId, entryIndex });
  }

  async deletePrefix(offset: number): Promise<void> {
    this.assertUsable();
    await this.write({ kind: 'deletePrefix', logId: this.logId, offset });
  }

  async installSnapshot(snapshot: { logStartOffset: number; index: number; term: number }): Promise<void> {
    this.assertUsable();
    await this.write({ kind: 'installSnapshot', logId: this.logId, snapshot: { ...snapshot } });
  }

  /** Applies a checked write and journals it (after: a write that throws was never made). */
  private write(write: LogWrite): Promise<void> {
    this.replay(write);
    return this.record(write);
  }

  /** Applies a write to the index and the data. */
  replay(write: LogWrite): void {
    switch (write.kind) {
      case 'append':
        this.index.push(metaOfBatch(write.batch, write.entryIndex));
        this.data.set(write.entryIndex, write.batch);
        return;
      case 'truncateSuffix':
        return this.forget(this.index.truncateSuffix(write.entryIndex));
      case 'deletePrefix':
        return this.forget(this.index.deletePrefix(write.offset));
      case 'installSnapshot':
        return this.forget(this.index.installSnapshot(write.snapshot.logStartOffset, write.snapshot));
    }
  }

  private forget(removed: EntryRange): void {
    this.verifier.forget(removed);
    for (let entryIndex = removed.from; entryIndex < removed.to; entryIndex++) this.data.delete(entryIndex);
  }

  drop(): void {
    this.dropped = true;
    this.data.clear();
  }

  protected async store(batch: Buffer, entryIndex: number): Promise<AppendResult> {
    const durable = this.write({ kind: 'append', logId: this.logId, batch, entryIndex });
    const meta = this.index.entry(entryIndex)!;
    await durable;
    return { baseOffset: meta.baseOffset, lastOffset: meta.lastOffset, entryIndex };
  }

  protected assertUsable(): void {
    this.assertStoreOpen();
    if (this.dropped) throw new Error(`log ${this.logId} was dropped`);
  }
}
