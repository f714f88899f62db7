/**
 * A deterministic clock for simulation: timers wait in one queue ordered by due time, ties by the
 * order they were set; time jumps to a timer's due time when the simulator runs it, and nothing
 * else moves it. Between two timers, `run` lets every promise job the first one started finish,
 * so code written with async/await runs as it would on Node's loop, in one replayable order.
 */
import type { Clock, TimerHandle } from './clock.js';

class VirtualTimer {
  cancelled = false;
  constructor(
    public atMs: number,
    public seq: number,
    readonly callback: () => void,
    readonly intervalMs: number | undefined,
  ) {}
}

function before(a: VirtualTimer, b: VirtualTimer): boolean {
  return a.atMs < b.atMs || (a.atMs === b.atMs && a.seq < b.seq);
}

/** Lets every pending promise job run: nothing else is scheduled on Node's loop during a simulation. */
function drainPromiseJobs(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export class VirtualClock implements Clock {
  /** A binary min-heap by (atMs, seq). */
  private readonly heap: VirtualTimer[] = [];
  private seq = 0;
  private now: number;
  /** Timers run so far (a measure of simulated work). */
  fired = 0;

  /** `startMs`: the Unix time the simulation starts at (timestamps in batches look real). */
  constructor(startMs = Date.UTC(2025, 0, 1)) {
    this.now = startMs;
  }

  nowMs(): number {
    return this.now;
  }

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    return this.push(callback, delayMs, undefined);
  }

  setInterval(callback: () => void, intervalMs: number): TimerHandle {
    return this.push(callback, intervalMs, Math.max(1, Math.ceil(intervalMs)));
  }

  clearTimer(handle: TimerHandle | undefined): void {
    if (handle !== undefined) (handle as unknown as VirtualTimer).cancelled = true;
  }

  defer(callback: () => void): void {
    this.push(callback, 0, undefined);
  }

  /** Due time of the next live timer, or undefined when none is set. */
  nextDueMs(): number | undefined {
    this.dropCancelled();
    return this.heap[0]?.atMs;
  }

  /** Runs the next timer (moving time to its due time); false when no timer is set. */
  runNext(): boolean {
    this.dropCancelled();
    const timer = this.pop();
    if (timer === undefined) return false;
    this.now = Math.max(this.now, timer.atMs);
    if (timer.intervalMs !== undefined) {
      timer.atMs = this.now + timer.intervalMs;
      timer.seq = this.seq++;
      this.insert(timer);
    }
    this.fired++;
    timer.callback();
    return true;
  }

  /**
   * Runs timers due up to `untilMs` (then leaves time there), letting promise jobs finish after
   * each, until `stop()` says so. Returns false when `stop` ended it.
   */
  async run(untilMs: number, stop: () => boolean = () => false): Promise<boolean> {
    await drainPromiseJobs();
    for (;;) {
      if (stop()) return false;
      const next = this.nextDueMs();
      if (next === undefined || next > untilMs) break;
      this.runNext();
      await drainPromiseJobs();
    }
    this.now = Math.max(this.now, untilMs);
    return true;
  }

  private push(callback: () => void, delayMs: number, intervalMs: number | undefined): TimerHandle {
    // Whole milliseconds, as Date.now() reads on Node's clock: a fractional delay (a rate limit's
    // wait) would otherwise make every later timestamp fractional.
    const timer = new VirtualTimer(this.now + Math.max(0, Math.ceil(delayMs)), this.seq++, callback, intervalMs);
    this.insert(timer);
    return timer as unknown as TimerHandle;
  }

  private dropCancelled(): void {
    while (this.heap.length > 0 && this.heap[0]!.cancelled) this.pop();
  }

  private insert(timer: VirtualTimer): void {
    const heap = this.heap;
    heap.push(timer);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  private pop(): VirtualTimer | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined || heap.length === 0) return top;
    heap[0] = last;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let least = i;
      if (left < heap.length && before(heap[left]!, heap[least]!)) least = left;
      if (right < heap.length && before(heap[right]!, heap[least]!)) least = right;
      if (least === i) return top;
      [heap[i], heap[least]] = [heap[least]!, heap[i]!];
      i = least;
    }
  }
}
