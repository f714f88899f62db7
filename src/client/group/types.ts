/** What the group consumer hands applications. */
import type { ConsumedRecord } from '../consumer/types.js';

export interface GroupMessage extends ConsumedRecord {
  /** Which delivery of this record this is: 1 the first time, counted durably across consumers. */
  attempt: number;
}

export interface EachBatchPayload {
  topic: string;
  partition: number;
  /** In offset order; acknowledge each with ack() (returning does not acknowledge a batch; a throw rewinds to its first record). */
  messages: GroupMessage[];
}

export type RunHandlers =
  | { eachMessage: (message: GroupMessage) => Promise<void> | void; eachBatch?: never }
  | { eachBatch: (batch: EachBatchPayload) => Promise<void> | void; eachMessage?: never };

export interface NackOptions {
  /** Wait this long before delivering the record again, in ms (default: exponential backoff). */
  delayMs?: number;
}

/** Header names on dead-lettered records. */
export const DLQ_HEADERS = {
  topic: 'sluice-dlq-topic',
  partition: 'sluice-dlq-partition',
  offset: 'sluice-dlq-offset',
  attempts: 'sluice-dlq-attempts',
  error: 'sluice-dlq-error',
  group: 'sluice-dlq-group',
} as const;
