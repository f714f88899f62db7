/** Producer settings, their defaults and validation. */
import { isProducerCodec, type ProducerCodec } from '../../protocol/compression.js';
import type { Partitioner } from '../partitioner.js';
import type { Acks } from './types.js';

export interface ProducerOptions {
  /** How long a batch waits for more records before it is sent, in ms. */
  lingerMs?: number;
  /** A batch is sent once it would grow past this, in bytes (a single larger record goes alone). */
  batchBytesMax?: number;
  /** Records buffered and in flight, in bytes; `send` waits (backpressure) while it is full. */
  bufferBytesMax?: number;
  acks?: Acks | 'all';
  compression?: ProducerCodec;
  /** How long the broker may wait for replication before NOT_ENOUGH_REPLICAS, in ms (0 = broker default). */
  ackTimeoutMs?: number;
  /**
   * Idempotent delivery (as in Kafka 3+): the producer gets a producer id from the cluster and stamps
   * every batch with it and a per-partition sequence, so a retried batch whose first answer was lost
   * is stored once (the leader answers the duplicate with its original offsets). Needs acks=all.
   * Default: true when acks is all (the default), false when acks is 0 or 1; `true` with acks 0 or 1
   * is an error.
   */
  idempotent?: boolean;
  /**
   * Produce requests per partition at once, 1 to 5, default 5 (as Kafka's
   * max.in.flight.requests.per.connection). Idempotent: the broker remembers the last 5 batches per
   * producer, so any retried one is recognised and order holds across retries. Not idempotent:
   * requests reach the leader in the order sent (one stream per broker), so order holds unless a
   * batch is retried after a later one was stored; set 1 to keep order across retries too.
   */
  maxInFlightPerPartition?: number;
  partitioner?: Partitioner;
}

export interface ResolvedProducerOptions {
  lingerMs: number;
  batchBytesMax: number;
  bufferBytesMax: number;
  acks: Acks;
  compression: ProducerCodec;
  ackTimeoutMs: number;
  idempotent: boolean;
  maxInFlightPerPartition: number;
}

export const DEFAULT_LINGER_MS = 5;
export const DEFAULT_BATCH_BYTES_MAX = 1024 * 1024;
export const DEFAULT_BUFFER_BYTES_MAX = 32 * 1024 * 1024;
/** As in Kafka: the broker keeps the sequence ranges of this many batches per producer and partition. */
export const IN_FLIGHT_PER_PARTITION_MAX = 5;

export function parseAcks(value: Acks | 'all' | string | number): Acks {
  if (value === 'all' || value === -1 || value === '-1') return -1;
  if (value === 0 || value === '0') return 0;
  if (value === 1 || value === '1') return 1;
  throw new RangeError(`acks must be 0, 1, -1 or all, got ${String(value)}`);
}

export function resolveProducerOptions(options: ProducerOptions = {}): ResolvedProducerOptions {
  const acks = parseAcks(options.acks ?? -1);
  if (options.idempotent === true && acks !== -1) {
    throw new RangeError(`an idempotent producer needs acks=all, got acks=${acks}; set idempotent: false to use acks 0 or 1`);
  }
  const idempotent = options.idempotent ?? acks === -1;
  const resolved: ResolvedProducerOptions = {
    lingerMs: options.lingerMs ?? DEFAULT_LINGER_MS,
    batchBytesMax: options.batchBytesMax ?? DEFAULT_BATCH_BYTES_MAX,
    bufferBytesMax: options.bufferBytesMax ?? DEFAULT_BUFFER_BYTES_MAX,
    acks,
    compression: options.compression ?? 'none',
    ackTimeoutMs: options.ackTimeoutMs ?? 0,
    idempotent,
    maxInFlightPerPartition: options.maxInFlightPerPartition ?? IN_FLIGHT_PER_PARTITION_MAX,
  };
  if (!(resolved.lingerMs >= 0)) throw new RangeError('lingerMs must be >= 0');
  if (!(resolved.batchBytesMax > 0)) throw new RangeError('batchBytesMax must be > 0');
  if (!(resolved.bufferBytesMax >= resolved.batchBytesMax)) throw new RangeError('bufferBytesMax must be >= batchBytesMax');
  // A uint32 in the ProduceRequest: a negative one would be written as a varint the broker cannot decode.
  if (!(Number.isInteger(resolved.ackTimeoutMs) && resolved.ackTimeoutMs >= 0 && resolved.ackTimeoutMs <= 2 ** 32 - 1)) {
    throw new RangeError(`ackTimeoutMs must be an integer from 0 to ${2 ** 32 - 1}, got ${resolved.ackTimeoutMs}`);
  }
  if (!isProducerCodec(resolved.compression)) throw new RangeError(`unknown compression ${String(resolved.compression)}`);
  const inFlight = resolved.maxInFlightPerPartition;
  if (!(Number.isInteger(inFlight) && inFlight >= 1 && inFlight <= IN_FLIGHT_PER_PARTITION_MAX)) {
    throw new RangeError(`maxInFlightPerPartition must be an integer in [1, ${IN_FLIGHT_PER_PARTITION_MAX}], got ${inFlight}`);
  }
  return resolved;
}
