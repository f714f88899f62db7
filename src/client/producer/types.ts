/** What applications hand the producer and get back. */

/** 0: no acknowledgement; 1: the leader appended; -1 / 'all': the in-sync replicas committed. */
export type Acks = 0 | 1 | -1;

export type HeaderValue = string | Buffer;

export interface ProducerRecord {
  key?: Buffer | string | null;
  value: Buffer | string | null;
  /** Repeated keys are allowed in the array form. */
  headers?: Record<string, HeaderValue> | Array<{ key: string; value: HeaderValue }>;
  /** Sends to this partition instead of hashing the key. */
  partition?: number;
  /** ms since the epoch, an integer >= 0; the time of `send` when omitted. */
  timestamp?: number;
  /** Time to live from `timestamp`, in ms; overrides the topic's `message.ttl.ms`. */
  ttlMs?: number;
}

export interface SendRequest {
  topic: string;
  records: ProducerRecord[];
  /** Overrides the producer's `acks` for these records. */
  acks?: Acks | 'all';
}

/** Where an acknowledged record was stored. `offset` is -1 with acks=0. */
export interface RecordMetadata {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
}
