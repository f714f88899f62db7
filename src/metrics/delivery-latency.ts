/**
 * End-to-end latency as the broker sees it: from a batch's append (arrival at the leader) to the
 * first fetch that serves it. One entry per batch, not per record, and at most
 * `PENDING_BATCHES_MAX` per partition: batches nobody reads are forgotten oldest first, so a
 * partition without consumers costs bounded memory (and is simply not measured).
 */
const PENDING_BATCHES_MAX = 4096;

export class DeliveryLatency {
  /** Parallel queues: end offset (exclusive) and append time of each undelivered batch. */
  private endOffsets: number[] = [];
  private appendedAtMs: number[] = [];
  private head = 0;

  constructor(private readonly observe: (latencyMs: number) => void) {}

  appended(endOffset: number, appendedAtMs: number): void {
    if (this.endOffsets.length - this.head >= PENDING_BATCHES_MAX) this.head++;
    this.endOffsets.push(endOffset);
    this.appendedAtMs.push(appendedAtMs);
    this.compact();
  }

  /**
   * A fetch asked from `fromOffset` served everything from there below `endOffset`: each batch it
   * served for the first time is observed; batches ending at or below `fromOffset` were skipped by
   * the reader (it started after them), not delivered, and are forgotten unmeasured.
   */
  delivered(fromOffset: number, endOffset: number, nowMs: number): void {
    while (this.head < this.endOffsets.length && this.endOffsets[this.head]! <= endOffset) {
      if (this.endOffsets[this.head]! > fromOffset) this.observe(nowMs - this.appendedAtMs[this.head]!);
      this.head++;
    }
    this.compact();
  }

  /** Drops the forgotten prefix once it dominates, so the arrays stay O(pending) whoever reads. */
  private compact(): void {
    if (this.head > PENDING_BATCHES_MAX) {
      this.endOffsets = this.endOffsets.slice(this.head);
      this.appendedAtMs = this.appendedAtMs.slice(this.head);
      this.head = 0;
    }
  }
}
