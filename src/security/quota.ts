/**
 * Quota arithmetic, as Kafka's client quotas do it: an amount (bytes, or handler milliseconds) is
 * measured as a rate over a window of `samples` aligned samples of `sampleMs` each, and a principal
 * above its quota is throttled for the time that brings the rate back to the quota:
 * (rate - quota) / quota × window, capped. Pure: time is passed in, nothing is scheduled here.
 */

export interface QuotaWindow {
  /** Samples kept (Kafka's `quota.window.num`, 11: ten whole samples and the current one). */
  samples: number;
  /** Length of one sample in ms (Kafka's `quota.window.size.seconds`, 1 s). */
  sampleMs: number;
}

/** A rate over the last `samples` aligned samples: record amounts, read amount per second. */
export class SampledRate {
  /** Per slot: the sample index (time / sampleMs) it holds, and the amount recorded in it. */
  private readonly indexes: Float64Array;
  private readonly amounts: Float64Array;

  constructor(private readonly window: QuotaWindow) {
    if (!(Number.isInteger(window.samples) && window.samples >= 2)) throw new RangeError(`quota window samples must be an integer >= 2, got ${window.samples}`);
    if (!(window.sampleMs > 0)) throw new RangeError(`quota sample length must be > 0 ms, got ${window.sampleMs}`);
    this.indexes = new Float64Array(window.samples).fill(-1);
    this.amounts = new Float64Array(window.samples);
  }

  record(amount: number, nowMs: number): void {
    const index = Math.floor(nowMs / this.window.sampleMs);
    const slot = index % this.window.samples;
    if (this.indexes[slot] !== index) {
      this.indexes[slot] = index;
      this.amounts[slot] = 0;
    }
    this.amounts[slot]! += amount;
  }

  /**
   * The window the rate is taken over, in ms: from the start of the oldest live sample to now, and
   * never less than all but one sample's length, so that one early burst does not read as a huge
   * rate (Kafka's `Rate.windowSize`).
   */
  windowMs(nowMs: number): number {
    const { samples, sampleMs } = this.window;
    const current = Math.floor(nowMs / sampleMs);
    let oldest = current;
    for (let slot = 0; slot < samples; slot++) {
      const index = this.indexes[slot]!;
      if (index > current - samples && index < oldest) oldest = index;
    }
    return Math.max(nowMs - oldest * sampleMs, (samples - 1) * sampleMs);
  }

  /** Amount recorded in the live samples. */
  total(nowMs: number): number {
    const { samples, sampleMs } = this.window;
    const current = Math.floor(nowMs / sampleMs);
    let sum = 0;
    for (let slot = 0; slot < samples; slot++) {
      const index = this.indexes[slot]!;
      if (index > current - samples && index <= current) sum += this.amounts[slot]!;
    }
    return sum;
  }

  /** Amount per second over the window. */
  ratePerSec(nowMs: number): number {
    return (this.total(nowMs) * 1000) / this.windowMs(nowMs);
  }

  /** Whether nothing recorded is still in the window (the rate can be forgotten). */
  idle(nowMs: number): boolean {
    return this.total(nowMs) === 0;
  }
}

/**
 * How long to throttle a principal whose rate over `windowMs` is `rate` against `quota` (same
 * unit): the time that brings the rate back to the quota, at most `maxMs`; 0 at or under it.
 */
export function throttleTimeMs(rate: number, quota: number, windowMs: number, maxMs: number): number {
  if (!(quota > 0) || rate <= quota) return 0;
  return Math.min(Math.round(((rate - quota) / quota) * windowMs), maxMs);
}

/** The three quotas a principal may have (Kafka's names); undefined = unlimited. */
export interface QuotaLimits {
  /** Bytes per second of produce requests. */
  producerByteRate?: number;
  /** Bytes per second of fetch responses. */
  consumerByteRate?: number;
  /** Percentage of the broker's request-handling time (its event loop) per window. */
  requestPercentage?: number;
}

export type QuotaKind = 'produce' | 'fetch' | 'request';

/** Kafka's config names of the quotas, as `quota set` and the Admin RPC spell them. */
export const QUOTA_KEYS = {
  producer_byte_rate: 'producerByteRate',
  consumer_byte_rate: 'consumerByteRate',
  request_percentage: 'requestPercentage',
} as const satisfies Record<string, keyof QuotaLimits>;

export type QuotaKey = keyof typeof QUOTA_KEYS;

export function isQuotaKey(key: string): key is QuotaKey {
  return Object.prototype.hasOwnProperty.call(QUOTA_KEYS, key);
}

/** The quota of one kind in its measured unit: bytes/s, or handler ms per second for request time. */
export function quotaFor(limits: QuotaLimits, kind: QuotaKind): number | undefined {
  switch (kind) {
    case 'produce':
      return limits.producerByteRate;
    case 'fetch':
      return limits.consumerByteRate;
    case 'request':
      // Handler time is recorded in ms: P % of a second is P × 10 ms per second.
      return limits.requestPercentage === undefined ? undefined : limits.requestPercentage * 10;
  }
}

/** Checks one quota value; returns the reason it is refused, or undefined. */
export function quotaValueProblem(key: QuotaKey, value: number): string | undefined {
  if (!Number.isFinite(value) || value <= 0) return `${key} must be a positive number, got ${value}`;
  if (key === 'request_percentage') return value > 100 ? `request_percentage must be at most 100 (one event loop), got ${value}` : undefined;
  return Number.isSafeInteger(value) ? undefined : `${key} must be a whole number of bytes per second, got ${value}`;
}

/** Rates of one quota kind per principal; entries idle for a whole window are forgotten. */
export class QuotaMeter {
  private readonly rates = new Map<string, SampledRate>();
  private recordsSinceSweep = 0;

  constructor(
    private readonly window: QuotaWindow,
    private readonly throttleMaxMs: number,
  ) {}

  record(principal: string, amount: number, nowMs: number): void {
    let rate = this.rates.get(principal);
    if (rate === undefined) {
      rate = new SampledRate(this.window);
      this.rates.set(principal, rate);
    }
    rate.record(amount, nowMs);
    if (++this.recordsSinceSweep >= SWEEP_EVERY_RECORDS) this.sweep(nowMs);
  }

  /** How long `principal` is throttled against `quota` for what it recorded (ms, 0 = not). */
  throttleMs(principal: string, quota: number, nowMs: number): number {
    const rate = this.rates.get(principal);
    return rate === undefined ? 0 : throttleTimeMs(rate.ratePerSec(nowMs), quota, rate.windowMs(nowMs), this.throttleMaxMs);
  }

  /** Principals with a rate still in the window. */
  get size(): number {
    return this.rates.size;
  }

  private sweep(nowMs: number): void {
    this.recordsSinceSweep = 0;
    for (const [principal, rate] of this.rates) if (rate.idle(nowMs)) this.rates.delete(principal);
  }
}

/** How often a meter forgets idle principals (bounds its map by the principals active in a window). */
const SWEEP_EVERY_RECORDS = 1024;
