/**
 * The leader's view of one follower: how far its log is known to match and
 * how many appends may be in flight to it (flow control).
 *
 *  - probe: we don't know where the follower's log matches; send one append
 *    at a time and wait for its answer (or the next heartbeat response).
 *  - replicate: the follower is in sync; stream appends optimistically, at
 *    most `maxInflightMsgs` unacknowledged at a time.
 *  - snapshot: a snapshot was sent; wait for the follower to report it, or
 *    retry after a timeout in case the snapshot was lost.
 */
import { NodeId, invariant } from './types.js';

export type ProgressState = 'probe' | 'replicate' | 'snapshot';

/** Bounded FIFO of the last index of each in-flight append. */
export class Inflights {
  private buf: number[] = [];

  constructor(readonly capacity: number) {
    invariant(capacity >= 1, 'maxInflightMsgs must be >= 1');
  }

  full(): boolean {
    return this.buf.length >= this.capacity;
  }

  count(): number {
    return this.buf.length;
  }

  add(lastIndex: number): void {
    invariant(!this.full(), 'inflights overflow');
    this.buf.push(lastIndex);
  }

  /** An ack up to `index` frees every append ending at or before it. */
  freeTo(index: number): void {
    let k = 0;
    while (k < this.buf.length && this.buf[k]! <= index) k++;
    if (k > 0) this.buf.splice(0, k);
  }

  /** Forget the oldest in-flight append (it was probably lost). */
  freeFirstOne(): void {
    this.buf.shift();
  }

  reset(): void {
    this.buf = [];
  }
}

export class Progress {
  /** Highest index known to be replicated on the follower. */
  match = 0;
  /** Next index to send. */
  next: number;
  state: ProgressState = 'probe';
  /** probe state: an append is outstanding, wait for a reply or heartbeat response. */
  probeSent = false;
  /** snapshot state: index of the snapshot sent. */
  pendingSnapshot = 0;
  /** snapshot state: ticks since the snapshot was sent (retry when it reaches the limit). */
  snapshotTicks = 0;
  /** Heard from since the last check-quorum round. */
  recentActive = false;
  readonly inflights: Inflights;

  constructor(readonly id: NodeId, next: number, maxInflight: number) {
    this.next = next;
    this.inflights = new Inflights(maxInflight);
  }

  private resetState(state: ProgressState): void {
    this.state = state;
    this.probeSent = false;
    this.pendingSnapshot = 0;
    this.snapshotTicks = 0;
    this.inflights.reset();
  }

  becomeProbe(): void {
    // After a snapshot, resume right after it (or after match, if further).
    if (this.state === 'snapshot') {
      const pending = this.pendingSnapshot;
      this.resetState('probe');
      this.next = Math.max(this.match + 1, pending + 1);
    } else {
      this.resetState('probe');
      this.next = this.match + 1;
    }
  }

  becomeReplicate(): void {
    this.resetState('replicate');
    this.next = this.match + 1;
  }

  becomeSnapshot(index: number): void {
    this.resetState('snapshot');
    this.pendingSnapshot = index;
  }

  /** Positive ack up to n. Returns false if it was stale (told us nothing new). */
  maybeUpdate(n: number): boolean {
    let updated = false;
    if (this.match < n) {
      this.match = n;
      updated = true;
      this.probeSent = false;
    }
    this.next = Math.max(this.next, n + 1);
    return updated;
  }

  /**
   * A rejection of the append at prevIndex `rejected`; `matchHint` is the
   * highest index that may still match. Returns false if the rejection was
   * stale (for an append we have since superseded).
   */
  maybeDecrTo(rejected: number, matchHint: number): boolean {
    if (this.state === 'replicate') {
      if (rejected <= this.match) return false;
      this.next = this.match + 1;
      return true;
    }
    if (this.next - 1 !== rejected) return false;
    this.next = Math.max(Math.min(rejected, matchHint + 1), this.match + 1);
    this.probeSent = false;
    return true;
  }

  /** Whether sending another append must wait. */
  isPaused(): boolean {
    switch (this.state) {
      case 'probe':
        return this.probeSent;
      case 'replicate':
        return this.inflights.full();
      case 'snapshot':
        return true;
    }
  }
}
