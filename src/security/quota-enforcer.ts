/**
 * Per-principal quotas of a broker (produce bytes, fetch bytes, request-handling time), enforced as
 * Kafka does, by throttling: usage is recorded per principal, a principal over a quota has its
 * answer held back for the throttle time, and the answer says how long. Holding an answer is a
 * timer, never a wait on the event loop: other principals' requests, and this principal's other
 * requests, are served meanwhile.
 */
import type { Clock, TimerHandle } from '../runtime/clock.js';
import { QuotaMeter, quotaFor, type QuotaKind, type QuotaLimits, type QuotaWindow } from './quota.js';

export interface QuotaEnforcerOptions {
  /** Quotas of every principal without its own (broker settings `quota.*.default`). */
  defaults: QuotaLimits;
  /** A principal's own quotas (from the metadata log), each overriding its default. */
  overrides(principal: string): QuotaLimits | undefined;
  window: QuotaWindow;
  /** Longest throttle (`quota.throttle.max.ms`). */
  throttleMaxMs: number;
  clock: Clock;
  /** Usage as recorded: bytes for produce and fetch, handler ms for request. */
  onRecorded?(principal: string, kind: QuotaKind, amount: number): void;
  onThrottled?(principal: string, kind: QuotaKind, throttleMs: number): void;
}

export class QuotaEnforcer {
  private readonly meters: Record<QuotaKind, QuotaMeter>;
  private readonly held = new Map<TimerHandle, () => void>();
  private released = false;

  constructor(private readonly options: QuotaEnforcerOptions) {
    const meter = (): QuotaMeter => new QuotaMeter(options.window, options.throttleMaxMs);
    this.meters = { produce: meter(), fetch: meter(), request: meter() };
  }

  /** The quota of `kind` that applies to `principal`, in its measured unit; undefined: unlimited. */
  private quota(principal: string, kind: QuotaKind): number | undefined {
    const own = this.options.overrides(principal);
    return (own === undefined ? undefined : quotaFor(own, kind)) ?? quotaFor(this.options.defaults, kind);
  }

  /** Records `amount` of `kind` for `principal`; returns its throttle time (ms, 0 = none). */
  record(principal: string, kind: QuotaKind, amount: number): number {
    this.options.onRecorded?.(principal, kind, amount);
    const quota = this.quota(principal, kind);
    if (quota === undefined) return 0;
    const nowMs = this.options.clock.nowMs();
    const meter = this.meters[kind];
    meter.record(principal, amount, nowMs);
    const throttleMs = meter.throttleMs(principal, quota, nowMs);
    if (throttleMs > 0) this.options.onThrottled?.(principal, kind, throttleMs);
    return throttleMs;
  }

  /**
   * The request-time throttle `principal` has earned so far (recorded by `recordRequestTime`): a
   * request's own handling time is known only once its answer is built, so it counts from the next.
   */
  requestThrottleMs(principal: string): number {
    const quota = this.quota(principal, 'request');
    if (quota === undefined) return 0;
    const throttleMs = this.meters.request.throttleMs(principal, quota, this.options.clock.nowMs());
    if (throttleMs > 0) this.options.onThrottled?.(principal, 'request', throttleMs);
    return throttleMs;
  }

  recordRequestTime(principal: string, handlerMs: number): void {
    this.options.onRecorded?.(principal, 'request', handlerMs);
    if (this.quota(principal, 'request') !== undefined) this.meters.request.record(principal, handlerMs, this.options.clock.nowMs());
  }

  /** Resolves after `throttleMs`, or at once after `release` (a stopping broker answers now). */
  hold(throttleMs: number): Promise<void> {
    if (this.released || throttleMs <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = this.options.clock.setTimeout(() => {
        this.held.delete(timer);
        resolve();
      }, throttleMs);
      this.held.set(timer, resolve);
    });
  }

  /** Ends every hold, now and from now on (shutdown). */
  release(): void {
    this.released = true;
    for (const [timer, resolve] of this.held) {
      this.options.clock.clearTimer(timer);
      resolve();
    }
    this.held.clear();
  }
}
