/** Group consumer settings, their defaults and validation. */
import type { RetryOptions } from '../retry.js';

export interface GroupConsumerOptions {
  groupId: string;
  /** Static membership: a restarted consumer with the same id gets its partitions back without a reassignment. */
  groupInstanceId?: string;
  /** The coordinator removes this member when it hears nothing for this long, in ms (bounded by the broker). */
  sessionTimeoutMs?: number;
  /** A handler running longer than this marks the member stuck; its partitions move, in ms. */
  maxPollIntervalMs?: number;
  /** Commit the acknowledged prefix every autoCommitIntervalMs (false: only commit() / close()). */
  autoCommit?: boolean;
  autoCommitIntervalMs?: number;
  /**
   * Where a partition without a committed offset starts. Default earliest: a group is a queue, so a
   * new group works through the backlog (Kafka's default is latest; pass it to match).
   */
  autoOffsetReset?: 'earliest' | 'latest';
  /** Deliveries of one record (handler failures, nacks, consumer crashes) before it is dead-lettered. */
  maxAttempts?: number;
  /** Backoff before a failed record is delivered again: initial, growing ×2 per attempt up to the max, in ms. */
  retryBackoffMs?: number;
  retryBackoffMaxMs?: number;
  /** Name of the dead-letter topic for a source topic; default `<topic>.dlq`. */
  deadLetterTopic?: (topic: string) => string;
  /** Fetch settings of the underlying consumer (see ConsumerOptions). */
  maxWaitMs?: number;
  maxBytes?: number;
  /** Most records handed out per poll round (and per eachBatch call). */
  maxPollRecords?: number;
}

export interface ResolvedGroupConsumerOptions {
  groupId: string;
  groupInstanceId: string | undefined;
  sessionTimeoutMs: number;
  maxPollIntervalMs: number;
  autoCommit: boolean;
  autoCommitIntervalMs: number;
  autoOffsetReset: 'earliest' | 'latest';
  maxAttempts: number;
  retryBackoff: RetryOptions;
  deadLetterTopic: (topic: string) => string;
  maxWaitMs: number;
  maxBytes: number;
  maxPollRecords: number;
}

export function resolveGroupConsumerOptions(options: GroupConsumerOptions): ResolvedGroupConsumerOptions {
  if (typeof options.groupId !== 'string' || options.groupId.length === 0) throw new RangeError('groupId is required');
  const resolved: ResolvedGroupConsumerOptions = {
    groupId: options.groupId,
    groupInstanceId: options.groupInstanceId,
    sessionTimeoutMs: options.sessionTimeoutMs ?? 10_000,
    maxPollIntervalMs: options.maxPollIntervalMs ?? 300_000,
    autoCommit: options.autoCommit ?? true,
    autoCommitIntervalMs: options.autoCommitIntervalMs ?? 5_000,
    autoOffsetReset: options.autoOffsetReset ?? 'earliest',
    maxAttempts: options.maxAttempts ?? 5,
    retryBackoff: {
      retries: Number.MAX_SAFE_INTEGER,
      initialBackoffMs: options.retryBackoffMs ?? 100,
      maxBackoffMs: options.retryBackoffMaxMs ?? 30_000,
      multiplier: 2,
      jitter: 0.2,
    },
    deadLetterTopic: options.deadLetterTopic ?? ((topic) => `${topic}.dlq`),
    maxWaitMs: options.maxWaitMs ?? 500,
    maxBytes: options.maxBytes ?? 1024 * 1024,
    maxPollRecords: options.maxPollRecords ?? 500,
  };
  for (const key of ['sessionTimeoutMs', 'maxPollIntervalMs', 'autoCommitIntervalMs', 'maxAttempts', 'maxPollRecords'] as const) {
    if (!(Number.isInteger(resolved[key]) && resolved[key] > 0)) throw new RangeError(`${key} must be a positive integer, got ${resolved[key]}`);
  }
  if (!['earliest', 'latest'].includes(resolved.autoOffsetReset)) throw new RangeError(`autoOffsetReset must be earliest or latest`);
  if (!(resolved.retryBackoff.maxBackoffMs >= resolved.retryBackoff.initialBackoffMs)) throw new RangeError('retryBackoffMaxMs must be >= retryBackoffMs');
  return resolved;
}
