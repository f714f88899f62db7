/**
 * Paces a producer at a target rate without bursts piling up: records are due on a fixed schedule
 * from the start (record n at n / rate seconds), so a late tick sends what is due and no more, and a
 * stall is caught up rather than forgotten. A rate of 0 means unlimited.
 */
export class RateLimiter {
  private granted = 0;
  private readonly startMs: number;

  constructor(
    private readonly recordsPerSec: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!(recordsPerSec >= 0)) throw new RangeError(`rate must be >= 0, got ${recordsPerSec}`);
    this.startMs = now();
  }

  get unlimited(): boolean {
    return this.recordsPerSec === 0;
  }

  /** How many records may be sent now, at most `max`; they count as sent. */
  take(max: number): number {
    if (this.unlimited) return max;
    const due = Math.floor(((this.now() - this.startMs) * this.recordsPerSec) / 1000);
    const n = Math.max(0, Math.min(max, due - this.granted));
    this.granted += n;
    return n;
  }

  /** Milliseconds until the next record is due (0 when one already is, or unlimited). */
  waitMs(): number {
    if (this.unlimited) return 0;
    const nextDueMs = this.startMs + ((this.granted + 1) * 1000) / this.recordsPerSec;
    return Math.max(0, nextDueMs - this.now());
  }
}
