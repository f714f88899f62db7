/**
 * Retries with exponential backoff and jitter. Whether an error may be retried comes from the one
 * error table in src/protocol/errors.ts (`SluiceError.retriable`), never from ad-hoc checks here.
 */
import { fromServiceError, SluiceError } from '../protocol/errors.js';
import { systemClock, type Clock } from '../runtime/clock.js';

export interface RetryOptions {
  /** Attempts after the first one; 0 disables retrying. */
  retries: number;
  /** Backoff before the first retry, in ms. */
  initialBackoffMs: number;
  /** Upper bound of any single backoff, in ms. */
  maxBackoffMs: number;
  /** Growth of the backoff per attempt. */
  multiplier: number;
  /** Fraction of the backoff that is randomised: 0.2 spreads it over ±20%. */
  jitter: number;
}

/**
 * About 8.5 s of retrying in all. The backoff stops growing at 1 s (Kafka's retry.backoff.max.ms):
 * at 5 s a client that had retried through an outage slept for seconds after the cluster was back.
 */
export const DEFAULT_RETRY_OPTIONS: Readonly<RetryOptions> = {
  retries: 12,
  initialBackoffMs: 50,
  maxBackoffMs: 1_000,
  multiplier: 2,
  jitter: 0.2,
};

export function resolveRetryOptions(partial: Partial<RetryOptions> | undefined): RetryOptions {
  const options = { ...DEFAULT_RETRY_OPTIONS, ...partial };
  if (!(options.retries >= 0)) throw new RangeError(`retry.retries must be >= 0, got ${options.retries}`);
  if (!(options.initialBackoffMs >= 0)) throw new RangeError('retry.initialBackoffMs must be >= 0');
  if (!(options.maxBackoffMs >= options.initialBackoffMs)) throw new RangeError('retry.maxBackoffMs must be >= initialBackoffMs');
  if (!(options.multiplier >= 1)) throw new RangeError('retry.multiplier must be >= 1');
  if (!(options.jitter >= 0 && options.jitter <= 1)) throw new RangeError('retry.jitter must be within [0, 1]');
  return options;
}

/** Backoff before retry number `attempt` (0-based), in ms. `random` returns [0, 1) and is injectable for tests. */
export function backoffMs(attempt: number, options: RetryOptions, random: () => number = Math.random): number {
  const baseMs = Math.min(options.maxBackoffMs, options.initialBackoffMs * options.multiplier ** attempt);
  const spreadMs = baseMs * options.jitter;
  const jitteredMs = baseMs - spreadMs + random() * 2 * spreadMs;
  return Math.round(Math.min(options.maxBackoffMs, Math.max(0, jitteredMs)));
}

/** Resolves after `ms` on `clock`, or at once when `signal` aborts. */
export function sleepMs(ms: number, signal?: AbortSignal, clock: Clock = systemClock): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = clock.setTimeout(done, ms);
    function done(): void {
      clock.clearTimer(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

export interface RetryHooks {
  random?: () => number;
  /** Backoffs sleep on this clock unless `sleep` is given (default: Node's clock). */
  clock?: Clock;
  sleep?: (ms: number) => Promise<void>;
  /** Called before each backoff, e.g. to invalidate cached metadata after NOT_LEADER. */
  onRetry?: (err: SluiceError, attempt: number, delayMs: number) => void;
}

/** True for what a gRPC call or the protocol layer throws; false for programmer errors, which keep their stack. */
function isWireError(err: unknown): boolean {
  if (err instanceof SluiceError) return true;
  return typeof err === 'object' && err !== null && typeof (err as { code?: unknown }).code === 'number';
}

/** Runs `operation` until it succeeds, fails with a non-retriable error, or retries run out. */
export async function withRetry<T>(
  operation: (attempt: number) => Promise<T>,
  options: RetryOptions,
  hooks: RetryHooks = {},
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (raw) {
      if (!isWireError(raw)) throw raw;
      const err = fromServiceError(raw);
      if (!err.retriable || attempt >= options.retries) throw err;
      const delayMs = backoffMs(attempt, options, hooks.random);
      hooks.onRetry?.(err, attempt, delayMs);
      await (hooks.sleep ? hooks.sleep(delayMs) : sleepMs(delayMs, undefined, hooks.clock));
    }
  }
}
