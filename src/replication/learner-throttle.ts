/**
 * Bounds the bytes a leader sends a catching-up learner per second (a token bucket holding one
 * second's worth), so moving a replica does not take the bandwidth produce and followers need. An
 * append over the budget is not sent: Raft takes it as lost and sends it again once the learner
 * answers a heartbeat, by then with tokens to spend.
 */
import type { Clock } from '../runtime/clock.js';

export class LearnerThrottle {
  private tokens: number;
  private lastMs: number;

  constructor(
    private readonly bytesPerSec: number,
    private readonly clock: Clock,
  ) {
    this.tokens = bytesPerSec;
    this.lastMs = clock.nowMs();
  }

  /** Whether `bytes` may be sent now (and takes them from the budget if so). One message may always go when the bucket is full. */
  take(bytes: number): boolean {
    const now = this.clock.nowMs();
    this.tokens = Math.min(this.bytesPerSec, this.tokens + ((now - this.lastMs) * this.bytesPerSec) / 1000);
    this.lastMs = now;
    if (bytes > this.tokens && this.tokens < this.bytesPerSec) return false;
    this.tokens -= bytes;
    return true;
  }
}
