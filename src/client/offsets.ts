/** ListOffsets, shared by the consumer (seek) and the admin client. */
import { fromServiceError } from '../protocol/errors.js';
import type { ListOffsetsResponse__Output } from '../protocol/generated/sluice/v1/ListOffsetsResponse.js';
import { Cluster, unary } from './cluster.js';
import { withRetry, type RetryHooks } from './retry.js';
import type { OffsetSpec } from './types.js';

export const EARLIEST_TIMESTAMP = -2;
export const LATEST_TIMESTAMP = -1;

export interface ListedOffset {
  offset: number;
  highWatermark: number;
  logStartOffset: number;
}

export function specToTimestamp(spec: OffsetSpec | number): number {
  if (spec === 'earliest') return EARLIEST_TIMESTAMP;
  if (spec === 'latest') return LATEST_TIMESTAMP;
  const timestamp = typeof spec === 'number' ? spec : spec.timestamp;
  if (!(Number.isInteger(timestamp) && timestamp >= 0)) throw new RangeError(`timestamp must be an integer >= 0, got ${timestamp}`);
  return timestamp;
}

/** Asks the partition's leader; retries retriable errors after refreshing its metadata. */
export function listOffset(
  cluster: Cluster,
  topic: string,
  partition: number,
  spec: OffsetSpec | number,
  hooks?: RetryHooks,
): Promise<ListedOffset> {
  const timestamp = specToTimestamp(spec);
  return withRetry(
    async () => {
      const address = await cluster.leaderAddress(topic, partition);
      try {
        const response = await unary<ListOffsetsResponse__Output>((cb) =>
          cluster.broker(address).ListOffsets({ topic, partition, timestamp }, cluster.deadline(), cb),
        );
        return { offset: response.offset, highWatermark: response.highWatermark, logStartOffset: response.logStartOffset };
      } catch (raw) {
        const err = fromServiceError(raw);
        cluster.noteError(topic, err);
        throw err;
      }
    },
    cluster.options.retry,
    hooks ?? cluster.retryHooks,
  );
}
