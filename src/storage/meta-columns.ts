/**
 * A log index's batch metas, column by column in typed arrays: 64 bytes per batch outside the V8
 * heap. An object per batch cost ~150 bytes of heap, was promoted to the old generation as the log
 * grew, and had to be marked by every full GC for as long as the batch was stored; columns cost the
 * GC nothing. A deque: batches are added at the back and removed from either end. Positions are
 * 0-based from the oldest stored batch; entry indexes are the owner's business.
 */
import type { BatchMeta } from './types.js';

const INITIAL_CAPACITY = 64;

export class MetaColumns {
  private capacity = INITIAL_CAPACITY;
  /** Slot of the oldest stored batch in every column. */
  private head = 0;
  private count = 0;
  // Offsets, timestamps and producer ids are safe integers: exact in a double.
  private baseOffsets: Float64Array = new Float64Array(INITIAL_CAPACITY);
  private lastOffsets: Float64Array = new Float64Array(INITIAL_CAPACITY);
  private maxTimestamps: Float64Array = new Float64Array(INITIAL_CAPACITY);
  private expireTimestamps: Float64Array = new Float64Array(INITIAL_CAPACITY);
  private producerIds: Float64Array = new Float64Array(INITIAL_CAPACITY);
  private sizes: Int32Array = new Int32Array(INITIAL_CAPACITY);
  private recordCounts: Int32Array = new Int32Array(INITIAL_CAPACITY);
  private leaderEpochs: Int32Array = new Int32Array(INITIAL_CAPACITY);
  private attributes: Int32Array = new Int32Array(INITIAL_CAPACITY);
  private producerEpochs: Int32Array = new Int32Array(INITIAL_CAPACITY);
  private baseSequences: Int32Array = new Int32Array(INITIAL_CAPACITY);

  get length(): number {
    return this.count;
  }

  push(meta: BatchMeta): void {
    if (this.head + this.count === this.capacity) this.resize(this.count < this.capacity / 2 ? this.capacity : this.capacity * 2);
    const slot = this.head + this.count;
    this.baseOffsets[slot] = meta.baseOffset;
    this.lastOffsets[slot] = meta.lastOffset;
    this.maxTimestamps[slot] = meta.maxTimestamp;
    this.expireTimestamps[slot] = meta.expireTimestamp;
    this.producerIds[slot] = meta.producerId;
    this.sizes[slot] = meta.sizeBytes;
    this.recordCounts[slot] = meta.recordCount;
    this.leaderEpochs[slot] = meta.leaderEpoch;
    this.attributes[slot] = meta.attributes;
    this.producerEpochs[slot] = meta.producerEpoch;
    this.baseSequences[slot] = meta.baseSequence;
    this.count++;
  }

  /** The meta at `position`, as a new object carrying `entryIndex`. */
  get(position: number, entryIndex: number): BatchMeta {
    const slot = this.head + position;
    return {
      entryIndex,
      baseOffset: this.baseOffsets[slot]!,
      lastOffset: this.lastOffsets[slot]!,
      sizeBytes: this.sizes[slot]!,
      recordCount: this.recordCounts[slot]!,
      maxTimestamp: this.maxTimestamps[slot]!,
      leaderEpoch: this.leaderEpochs[slot]!,
      attributes: this.attributes[slot]!,
      expireTimestamp: this.expireTimestamps[slot]!,
      producerId: this.producerIds[slot]!,
      producerEpoch: this.producerEpochs[slot]!,
      baseSequence: this.baseSequences[slot]!,
    };
  }

  // Single fields, for the searches and sums that must not build an object per batch.
  baseOffset(position: number): number {
    return this.baseOffsets[this.head + position]!;
  }

  lastOffset(position: number): number {
    return this.lastOffsets[this.head + position]!;
  }

  sizeBytes(position: number): number {
    return this.sizes[this.head + position]!;
  }

  recordCount(position: number): number {
    return this.recordCounts[this.head + position]!;
  }

  producerId(position: number): number {
    return this.producerIds[this.head + position]!;
  }

  maxTimestamp(position: number): number {
    return this.maxTimestamps[this.head + position]!;
  }

  leaderEpoch(position: number): number {
    return this.leaderEpochs[this.head + position]!;
  }

  /** Removes the `n` oldest batches. */
  dropFront(n: number): void {
    this.head += n;
    this.count -= n;
    this.shrinkIfSparse();
  }

  /** Removes the `n` newest batches. */
  dropBack(n: number): void {
    this.count -= n;
    this.shrinkIfSparse();
  }

  clear(): void {
    this.head = 0;
    this.count = 0;
    this.shrinkIfSparse();
  }

  /** Gives memory back once three quarters of the columns are unused. */
  private shrinkIfSparse(): void {
    if (this.count === 0) this.head = 0;
    if (this.capacity > INITIAL_CAPACITY && this.count < this.capacity / 4) {
      this.resize(Math.max(INITIAL_CAPACITY, this.count * 2));
    }
  }

  /** Moves the stored batches to the start of new columns of `capacity` slots. */
  private resize(capacity: number): void {
    const from = this.head;
    const to = this.head + this.count;
    const doubles = (column: Float64Array): Float64Array => {
      const next = new Float64Array(capacity);
      next.set(column.subarray(from, to));
      return next;
    };
    const ints = (column: Int32Array): Int32Array => {
      const next = new Int32Array(capacity);
      next.set(column.subarray(from, to));
      return next;
    };
    this.baseOffsets = doubles(this.baseOffsets);
    this.lastOffsets = doubles(this.lastOffsets);
    this.maxTimestamps = doubles(this.maxTimestamps);
    this.expireTimestamps = doubles(this.expireTimestamps);
    this.producerIds = doubles(this.producerIds);
    this.sizes = ints(this.sizes);
    this.recordCounts = ints(this.recordCounts);
    this.leaderEpochs = ints(this.leaderEpochs);
    this.attributes = ints(this.attributes);
    this.producerEpochs = ints(this.producerEpochs);
    this.baseSequences = ints(this.baseSequences);
    this.capacity = capacity;
    this.head = 0;
  }
}
