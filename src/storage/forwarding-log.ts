/**
 * A PartitionLog that hands every call to another: the base of logs that change a few calls and
 * pass the rest through (a fault-injecting log for tests, the broker's damage-aware view of a log).
 */
import type { AppendResult, BatchMeta, PartitionLog, SnapshotMarker } from './types.js';

export class ForwardingPartitionLog implements PartitionLog {
  constructor(protected readonly inner: PartitionLog) {}

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

  readEntries(lo: number, hi: number, maxBytes: number): Promise<Buffer[]> {
    return this.inner.readEntries(lo, hi, maxBytes);
  }

  read(fromOffset: number, maxBytes: number, upToOffset?: number): Promise<Buffer[]> {
    return this.inner.read(fromOffset, maxBytes, upToOffset);
  }

  offsetForTimestamp(timestampMs: number): Promise<number> {
    return this.inner.offsetForTimestamp(timestampMs);
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
