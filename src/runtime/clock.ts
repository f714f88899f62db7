/**
 * Time as the middle of the house sees it (replication, controller, broker): the current time and
 * timers, injected so that the same code runs on Node's clock in a broker process and on a virtual
 * clock in the cluster simulator (virtual-clock.ts), where time moves only when the simulator runs
 * the next timer and a seed replays a run exactly.
 */

declare const timerHandle: unique symbol;
/** An opaque timer handle; pass it back to `clearTimer`. */
export interface TimerHandle {
  readonly [timerHandle]: true;
}

export interface Clock {
  /** Milliseconds since the Unix epoch (timestamps, deadlines, ages). */
  nowMs(): number;
  /** Runs `callback` once after `delayMs`. */
  setTimeout(callback: () => void, delayMs: number): TimerHandle;
  /**
   * Runs `callback` every `intervalMs` until cleared. A background job: on Node's clock it does not
   * keep the process alive.
   */
  setInterval(callback: () => void, intervalMs: number): TimerHandle;
  /** Cancels a timeout or an interval; undefined and spent handles are ignored. */
  clearTimer(handle: TimerHandle | undefined): void;
  /** Runs `callback` once the current turn (and its promise jobs) is over: Node's setImmediate. */
  defer(callback: () => void): void;
}

/** Resolves after `delayMs` on `clock`. */
export function sleep(clock: Clock, delayMs: number): Promise<void> {
  return new Promise((resolve) => clock.setTimeout(resolve, delayMs));
}

/** Resolves like `promise`, or rejects with `onTimeout()` after `timeoutMs` on `clock`. */
export function withTimeout<T>(clock: Clock, promise: Promise<T>, timeoutMs: number, onTimeout: () => Error): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = clock.setTimeout(() => reject(onTimeout()), timeoutMs);
    promise.then(
      (value) => {
        clock.clearTimer(timer);
        resolve(value);
      },
      (err: unknown) => {
        clock.clearTimer(timer);
        reject(err);
      },
    );
  });
}

/**
 * Node's clock and timers. A handle is Node's own Timeout object (no bookkeeping per timer: produce
 * and fetch arm one per request).
 */
class SystemClock implements Clock {
  nowMs(): number {
    return Date.now();
  }

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    return setTimeout(callback, delayMs) as unknown as TimerHandle;
  }

  setInterval(callback: () => void, intervalMs: number): TimerHandle {
    return setInterval(callback, intervalMs).unref() as unknown as TimerHandle;
  }

  clearTimer(handle: TimerHandle | undefined): void {
    // clearTimeout clears intervals too (one kind of Timeout object in Node).
    clearTimeout(handle as unknown as NodeJS.Timeout | undefined);
  }

  defer(callback: () => void): void {
    setImmediate(callback);
  }
}

/** The one system clock: what every module uses unless a clock is injected. */
export const systemClock: Clock = new SystemClock();
