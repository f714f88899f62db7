/** A manual clock for the producer's linger timers. */
import type { Timers } from '../../src/client/index.js';

export class FakeTimers implements Timers {
  nowMs = 0;
  private nextId = 1;
  private readonly pending = new Map<number, { atMs: number; callback: () => void }>();

  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.pending.set(id, { atMs: this.nowMs + ms, callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  /** Moves the clock and fires due timers in time order. */
  advance(ms: number): void {
    const targetMs = this.nowMs + ms;
    for (;;) {
      const due = [...this.pending.entries()].filter(([, timer]) => timer.atMs <= targetMs).sort(([, a], [, b]) => a.atMs - b.atMs)[0];
      if (!due) break;
      this.pending.delete(due[0]);
      this.nowMs = due[1].atMs;
      due[1].callback();
    }
    this.nowMs = targetMs;
  }
}
