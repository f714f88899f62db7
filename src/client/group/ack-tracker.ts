/**
 * Acknowledgements of one partition: the committable offset is the end of the contiguous
 * acknowledged prefix, so an out-of-order ack waits for the gap before it to close.
 */

/** Most acknowledgements held above a gap; beyond that the consumer stops taking records of the partition. */
export const ACKS_AHEAD_MAX = 100_000;

export class AckTracker {
  private next: number;
  private readonly ahead = new Set<number>();
  /** Offset ranges [from, to) that hold no records to deliver (expired or deleted), waiting for the prefix to reach them. */
  private skips: Array<[number, number]> = [];

  /** `start`: the first offset not yet acknowledged. */
  constructor(start: number) {
    this.next = start;
  }

  /** The offset to commit: every record below it is acknowledged. */
  get committable(): number {
    return this.next;
  }

  isAcked(offset: number): boolean {
    return offset < this.next || this.ahead.has(offset);
  }

  get pendingAhead(): number {
    return this.ahead.size;
  }

  /** Returns true when the committable offset moved. Offsets below it are ignored (duplicates). */
  ack(offset: number): boolean {
    if (offset < this.next) return false;
    if (offset > this.next) {
      this.ahead.add(offset);
      return false;
    }
    this.next++;
    this.advance();
    return true;
  }

  /** No records will come for [from, to): treat them as acknowledged. */
  skip(from: number, to: number): void {
    if (to <= from || to <= this.next) return;
    this.skips.push([Math.max(from, this.next), to]);
    this.advance();
  }

  private advance(): void {
    for (let moved = true; moved; ) {
      moved = false;
      while (this.ahead.delete(this.next)) {
        this.next++;
        moved = true;
      }
      const skip = this.skips.find(([from, to]) => from <= this.next && this.next < to);
      if (skip) {
        this.next = skip[1];
        moved = true;
      }
      this.skips = this.skips.filter(([, to]) => to > this.next);
    }
  }

  /**
   * The records from `offset` on will be delivered again (rewind), or the application jumped
   * there (seek, gap): acknowledgements at or above it are forgotten.
   */
  restartAt(offset: number, { jump }: { jump: boolean }): void {
    for (const acked of [...this.ahead]) if (acked >= offset) this.ahead.delete(acked);
    this.skips = this.skips.filter(([from]) => from < offset).map(([from, to]) => [from, Math.min(to, offset)]);
    if (jump) {
      this.next = offset;
      this.ahead.clear();
      this.skips = [];
    }
  }
}
