/**
 * A log index's batch metas, column by column in typed arrays: 80 bytes per slot outside the V8
 * heap (64 of fields, 16 of the time tree). An object per batch cost ~150 bytes of heap, was promoted to the old generation as the log
 * grew, and had to be marked by every full GC for as long as the batch was stored; columns cost the
 * GC nothing. A deque: batches are added at the back and removed from either end. Positions are
 * 0-based from the oldest stored batch; entry indexes are the owner's business.
 *
 * The time tree finds the first batch at or after a position whose maxTimestamp reaches a time in
 * O(log n): a max tree over the slots (node 1 the root, node k's children 2k and 2k+1, slot s the
 * leaf capacity + s; capacity is a power of two). Timestamps need not grow along a log (producers'
 * clocks differ), so a binary search over maxTimestamp alone cannot answer; Kafka's time index
 * keeps a running maximum per segment, which a tree gives for any suffix, also once retention has
 * deleted the batches the maximum came from. Leaves outside the stored slots keep stale values:
 * searches are bounded to the stored slots, so removals cost the tree nothing.
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
  private timeTree: Float64Array = new Float64Array(2 * INITIAL_CAPACITY).fill(-Infinity);

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
    this.setTimeLeaf(slot, meta.recordCount > 0 ? meta.maxTimestamp : -Infinity);
    this.count++;
  }

  /**
   * Position of the first batch at or after `from` that has records and a maxTimestamp >=
   * `timestampMs`, or `length` if none has: O(log capacity).
   */
  firstReachingTimestamp(from: number, timestampMs: number): number {
    const tree = this.timeTree;
    const leaves = this.capacity;
    // The nodes that exactly cover the slots [lo, hi), in order: left-side ones come up in order
    // while climbing, right-side ones in reverse.
    let lo = leaves + this.head + from;
    let hi = leaves + this.head + this.count;
    const rightSide: number[] = [];
    for (; lo < hi; lo >>= 1, hi >>= 1) {
      if (lo & 1) {
        if (tree[lo]! >= timestampMs) return this.firstLeafReaching(lo, timestampMs);
        lo++;
      }
      if (hi & 1) rightSide.push(--hi);
    }
    for (let i = rightSide.length - 1; i >= 0; i--) {
      if (tree[rightSide[i]!]! >= timestampMs) return this.firstLeafReaching(rightSide[i]!, timestampMs);
    }
    return this.count;
  }

  /** The position of the leftmost leaf under `node` (whose maximum reaches the time) that reaches it. */
  private firstLeafReaching(node: number, timestampMs: number): number {
    const tree = this.timeTree;
    while (node < this.capacity) node = tree[2 * node]! >= timestampMs ? 2 * node : 2 * node + 1;
    return node - this.capacity - this.head;
  }

  private setTimeLeaf(slot: number, maxTimestamp: number): void {
    const tree = this.timeTree;
    let node = this.capacity + slot;
    tree[node] = maxTimestamp;
    for (node >>= 1; node >= 1; node >>= 1) tree[node] = Math.max(tree[2 * node]!, tree[2 * node + 1]!);
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
      // A power of two, as the time tree needs: at least twice the batches, at most half the old size.
      let capacity = INITIAL_CAPACITY;
      while (capacity < this.count * 2) capacity *= 2;
      this.resize(capacity);
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
    this.rebuildTimeTree();
  }

  /** The time tree over the columns as they are: O(capacity), after a resize moved every slot. */
  private rebuildTimeTree(): void {
    const leaves = this.capacity;
    const tree = new Float64Array(2 * leaves).fill(-Infinity);
    for (let slot = 0; slot < this.count; slot++) {
      if (this.recordCounts[slot]! > 0) tree[leaves + slot] = this.maxTimestamps[slot]!;
    }
    for (let node = leaves - 1; node >= 1; node--) tree[node] = Math.max(tree[2 * node]!, tree[2 * node + 1]!);
    this.timeTree = tree;
  }
}
