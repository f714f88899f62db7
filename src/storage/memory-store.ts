/**
 * An in-memory LogStore with the LevelDB store's semantics (both delegate offsets to LogIndex and
 * run the same contract tests), for fast tests of the broker, replication and groups.
 * Nothing survives the process; reopening a log returns the same object.
 */
import { SluiceError } from '../protocol/errors.js';
import { metaOfBatch } from './batch-meta.js';
import { assertLogId } from './keys.js';
import { IndexedPartitionLog, LogIndex } from './log-index.js';
import type { AppendResult, EntryRange, LogStore, PartitionLog } from './types.js';

export function openMemoryLogStore(): LogStore {
  return new MemoryLogStore();
}

class MemoryLogStore implements LogStore {
  private readonly logs = new Map<number, MemoryPartitionLog>();
  private readonly meta = new Map<string, Buffer>();
  private closed = false;

  async openLog(logId: number): Promise<PartitionLog> {
    this.assertOpen();
    assertLogId(logId);
    let log = this.logs.get(logId);
    if (log === undefined) {
      log = new MemoryPartitionLog(logId, () => this.assertOpen());
      this.logs.set(logId, log);
    }
    return log;
  }

  async dropLog(logId: number): Promise<void> {
    this.assertOpen();
    assertLogId(logId);
    this.logs.get(logId)?.drop();
    this.logs.delete(logId);
  }

  async getMeta(key: string): Promise<Buffer | undefined> {
    this.assertOpen();
    const value = this.meta.get(key);
    return value === undefined ? undefined : Buffer.from(value);
  }

  async putMeta(key: string, value: Buffer): Promise<void> {
    this.assertOpen();
    // Copied, as LevelDB would, so a caller reusing its buffer cannot change what is stored.
    this.meta.set(key, Buffer.from(value));
  }

  async deleteMeta(key: string): Promise<void> {
    this.assertOpen();
    this.meta.delete(key);
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
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private assertOpen(): void {
    if (this.closed) throw new SluiceError('SHUTTING_DOWN', 'the log store is closed');
  }
}

class MemoryPartitionLog extends IndexedPartitionLog implements PartitionLog {
  protected readonly index = new LogIndex([], 0);
  /** Stored batches by entry index. */
  private readonly data = new Map<number, Buffer>();
  private dropped = false;

  constructor(
    protected readonly logId: number,
    private readonly assertStoreOpen: () => void,
  ) {
    super();
  }









  cachedBatch(entryIndex: number): Buffer | undefined {
    return this.index.entry(entryIndex) === undefined ? undefined : this.data.get(entryIndex);
  }

  async readEntries(lo: number, hi: number, maxBytes: number): Promise<Buffer[]> {
    this.assertUsable();
    return this.index.planEntries(lo, hi, maxBytes).map((meta) => this.data.get(meta.entryIndex)!);
  }

  async read(fromOffset: number, maxBytes: number, upToOffset?: number): Promise<Buffer[]> {
    this.assertUsable();
    return this.index.planRead(fromOffset, maxBytes, upToOffset).map((meta) => this.data.get(meta.entryIndex)!);
  }


  async truncateSuffix(entryIndex: number): Promise<void> {
    this.assertUsable();
    this.forget(this.index.truncateSuffix(entryIndex));
  }

  async deletePrefix(offset: number): Promise<void> {
    this.assertUsable();
    this.forget(this.index.deletePrefix(offset));
  }

  async installSnapshot(snapshot: { logStartOffset: number; index: number; term: number }): Promise<void> {
    this.assertUsable();
    this.forget(this.index.installSnapshot(snapshot.logStartOffset, snapshot));
  }

  private forget(removed: EntryRange): void {
    for (let entryIndex = removed.from; entryIndex < removed.to; entryIndex++) this.data.delete(entryIndex);
  }

  drop(): void {
    this.dropped = true;
    this.data.clear();
  }

  protected store(batch: Buffer, entryIndex: number): AppendResult {
    const meta = metaOfBatch(batch, entryIndex);
    this.index.push(meta);
    this.data.set(entryIndex, batch);
    return { baseOffset: meta.baseOffset, lastOffset: meta.lastOffset, entryIndex };
  }

  protected assertUsable(): void {
    this.assertStoreOpen();
    if (this.dropped) throw new Error(`log ${this.logId} was dropped`);
  }
}
