/** What the consumer hands applications. */
import type { RecordHeader } from '../../protocol/batch.js';

export interface ConsumedRecord {
  topic: string;
  partition: number;
  offset: number;
  /** ms since the epoch. */
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  /** In the order the producer gave them; keys may repeat. */
  headers: RecordHeader[];
  /** The record's own time to live in ms; undefined: the topic's `message.ttl.ms` applies. */
  ttlMs?: number | undefined;
}

export interface ConsumerStats {
  /** Records delivered by poll() or iteration. */
  recordsDelivered: number;
  /** Records not delivered because their TTL had passed (filtered here or skipped by the broker). */
  expiredRecords: number;
  fetchRequests: number;
  /** Fetches that failed (retriable ones are retried after a backoff). */
  fetchErrors: number;
}

export interface PollOptions {
  /** Most records to return, across partitions. */
  maxRecords?: number;
  /** Longest time to wait when nothing is buffered, in ms; resolves with [] then. */
  timeoutMs?: number;
}
