/**
 * The partition log as the broker's read paths see it (fetch, ListOffsets, the scrub): every read
 * that finds a stored batch damaged (DamagedBatchError, see storage/read-verifier.ts) is handed to
 * the log's owner, which starts the repair and says what the reader is told instead.
 */
import type { SluiceError } from '../protocol/errors.js';
import { DamagedBatchError } from '../storage/read-verifier.js';
import type { AppendResult, BatchMeta, PartitionLog, SnapshotMarker } from '../storage/types.js';

export class DamageAwareLog implements PartitionLog {
  constructor(
    private readonly inner: PartitionLog,
    /** Called for each damaged read; returns the error the reader gets. */
    private readonly onDamage: (err: DamagedBatchError) => SluiceError,
  ) {}

  private failed(err: unknown): unknown {
    return err instanceof DamagedBatchError ? this.onDamage(err) : err;
  }

  async read(fromOffset: number, maxBytes: number, upToOffset?: number): Promise<Buffer[]> {
    try {
      return await this.inner.read(fromOffset, maxBytes, upToOffset);
    } catch (err) {
      throw this.failed(err);
    }
  }

  async readEntries(lo: number, hi: number, maxBytes: number): Promise<Buffer[]> {
    try {
      return await this.inner.readEntries(lo, hi, maxBytes);
    } catch (err) {
      throw this.failed(err);
    }
  }

  async offsetForTimestamp(timestampMs: number): Promise<number> {
    try {
      return await this.inner.offsetForTimestamp(timestampMs);
    } catch (err) {
      throw this.failed(err);
    }
  }

  logStartOffset(): number {
    return this.inner.logStartOffset();
  }
  logEndOffset(): number {
    return this.inner.logEndOffset();
  }
  sizeBytes(): number {
    return this.inner.sizeBytes();
  }
  batches(): readonly BatchMeta[] {
    return this.inner.batches();
  }
  producerBatches(perProducer: number, producersMax: number): BatchMeta[] {
    return this.inner.producerBatches(perProducer, producersMax);
  }
  entry(entryIndex: number): BatchMeta | undefined {
    return this.inner.entry(entryIndex);
  }
  firstEntryIndex(): number {
    return this.inner.firstEntryIndex();
  }
  lastEntryIndex(): number {
    return this.inner.lastEntryIndex();
  }
  snapshotMarker(): SnapshotMarker {
    return this.inner.snapshotMarker();
  }
  entryTerm(entryIndex: number): number {
    return this.inner.entryTerm(entryIndex);
  }
  cachedBatch(entryIndex: number): Buffer | undefined {
    return this.inner.cachedBatch(entryIndex);
  }
  append(batch: Buffer, leaderEpoch: number): Promise<AppendResult> {
    return this.inner.append(batch, leaderEpoch);
  }
  appendStamped(batch: Buffer, entryIndex: number): Promise<AppendResult> {
    return this.inner.appendStamped(batch, entryIndex);
  }
  truncateSuffix(entryIndex: number): Promise<void> {
    return this.inner.truncateSuffix(entryIndex);
  }
  deletePrefix(offset: number): Promise<void> {
    return this.inner.deletePrefix(offset);
  }
  installSnapshot(snapshot: { logStartOffset: number; index: number; term: number }): Promise<void> {
    return this.inner.installSnapshot(snapshot);
  }
}
