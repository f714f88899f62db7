/** Producer settings, their defaults and validation. */
import { isCompressionCodec, type CompressionCodec } from '../../protocol/compression.js';
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
  compression?: CompressionCodec;
  /** How long the broker may wait for replication before NOT_ENOUGH_REPLICAS, in ms (0 = broker default). */
  ackTimeoutMs?: number;
  /** Requests per partition at once. Only 1 is supported: it keeps order across retries without idempotence. */
  maxInFlightPerPartition?: 1;
  partitioner?: Partitioner;
}

export interface ResolvedProducerOptions {
  lingerMs: number;
  batchBytesMax: number;
  bufferBytesMax: number;
  acks: Acks;
  compression: CompressionCodec;
  ackTimeoutMs: number;
}

export const DEFAULT_LINGER_MS = 5;
export const DEFAULT_BATCH_BYTES_MAX = 1024 * 1024;
export const DEFAULT_BUFFER_BYTES_MAX = 32 * 1024 * 1024;

export function parseAcks(value: Acks | 'all' | string | number): Acks {
  if (value === 'all' || value === -1 || value === '-1') return -1;
  if (value === 0 || value === '0') return 0;
  if (value === 1 || value === '1') return 1;
  throw new RangeError(`acks must be 0, 1, -1 or all, got ${String(value)}`);
}

export function resolveProducerOptions(options: ProducerOptions = {}): ResolvedProducerOptions {
  const resolved: ResolvedProducerOptions = {
    lingerMs: options.lingerMs ?? DEFAULT_LINGER_MS,
    batchBytesMax: options.batchBytesMax ?? DEFAULT_BATCH_BYTES_MAX,
    bufferBytesMax: options.bufferBytesMax ?? DEFAULT_BUFFER_BYTES_MAX,
    acks: parseAcks(options.acks ?? -1),
    compression: options.compression ?? 'none',
    ackTimeoutMs: options.ackTimeoutMs ?? 0,
  };
  if (!(resolved.lingerMs >= 0)) throw new RangeError('lingerMs must be >= 0');
  if (!(resolved.batchBytesMax > 0)) throw new RangeError('batchBytesMax must be > 0');
  if (!(resolved.bufferBytesMax >= resolved.batchBytesMax)) throw new RangeError('bufferBytesMax must be >= batchBytesMax');
  if (!isCompressionCodec(resolved.compression)) throw new RangeError(`unknown compression ${String(resolved.compression)}`);
  if ((options.maxInFlightPerPartition ?? 1) !== 1) throw new RangeError('maxInFlightPerPartition must be 1 for now');
  return resolved;
}
