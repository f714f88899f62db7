/** Consumer settings, their defaults and validation. */

/** Where to go when the position is unknown or OFFSET_OUT_OF_RANGE: 'none' surfaces the error instead. */
export type AutoOffsetReset = 'earliest' | 'latest' | 'none';

export interface ConsumerOptions {
  /**
   * Consumer groups are not available yet; passing one fails. This is the seam where the groups
   * issue plugs in a coordinator that calls `assign` and commits `position`s.
   */
  groupId?: string;
  autoOffsetReset?: AutoOffsetReset;
  /** Longest time a fetch waits at the broker for `minBytes`, in ms. */
  maxWaitMs?: number;
  /** A fetch answers once this many bytes are available. */
  minBytes?: number;
  /** Upper bound on one fetch's record bytes per partition (a larger first batch still comes whole). */
  maxBytes?: number;
  /** Default of `poll({ maxRecords })`. */
  maxPollRecords?: number;
  /** Default of `poll({ timeoutMs })`, in ms. */
  pollTimeoutMs?: number;
  /**
   * Verify the CRC32C of every fetched batch before decoding it (Kafka's `check.crcs`; default
   * true): a damaged batch fails the partition with CORRUPT_BATCH and is never delivered. Costs a
   * hardware CRC over the bytes; false trusts the network and the broker.
   */
  checkCrcs?: boolean;
}

export interface ResolvedConsumerOptions {
  autoOffsetReset: AutoOffsetReset;
  maxWaitMs: number;
  minBytes: number;
  maxBytes: number;
  maxPollRecords: number;
  pollTimeoutMs: number;
  checkCrcs: boolean;
}

export function resolveConsumerOptions(options: ConsumerOptions = {}): ResolvedConsumerOptions {
  if (options.groupId !== undefined) throw new Error('consumer groups are not available yet');
  const resolved: ResolvedConsumerOptions = {
    autoOffsetReset: options.autoOffsetReset ?? 'latest',
    maxWaitMs: options.maxWaitMs ?? 500,
    minBytes: options.minBytes ?? 1,
    maxBytes: options.maxBytes ?? 1024 * 1024,
    maxPollRecords: options.maxPollRecords ?? 10_000,
    pollTimeoutMs: options.pollTimeoutMs ?? 1_000,
    checkCrcs: options.checkCrcs ?? true,
  };
  if (!['earliest', 'latest', 'none'].includes(resolved.autoOffsetReset)) {
    throw new RangeError(`autoOffsetReset must be earliest, latest or none, got ${String(resolved.autoOffsetReset)}`);
  }
  if (!(resolved.maxWaitMs >= 0)) throw new RangeError('maxWaitMs must be >= 0');
  if (!(resolved.minBytes >= 0)) throw new RangeError('minBytes must be >= 0');
  if (!(resolved.maxBytes > 0)) throw new RangeError('maxBytes must be > 0');
  if (!(resolved.maxPollRecords > 0)) throw new RangeError('maxPollRecords must be > 0');
  if (typeof resolved.checkCrcs !== 'boolean') throw new TypeError(`checkCrcs must be a boolean, got ${String(resolved.checkCrcs)}`);
  return resolved;
}
