/**
 * Defaults and derived values of the broker's `# limits` settings (docs/SECURITY.md "Limits").
 * Kafka's names and defaults where Kafka has the setting; elsewhere a bound well above what one
 * healthy workload uses and well below what exhausts a broker.
 */
import { MAX_MESSAGE_BYTES } from '../protocol/grpc.js';
import { BATCH_HEADER_BYTES } from '../protocol/batch.js';

export interface BrokerLimits {
  /** Connections one client address may keep open at once; more are refused. */
  maxConnectionsPerIp: number;
  /** HTTP/2 streams (calls) one connection may have open at once. */
  maxConcurrentStreams: number;
  /** Requests of one ProduceStream/FetchStream being served at once; beyond it the stream is not read. */
  maxInflightRequestsPerStream: number;
  /** Produce bytes being served at once, over all clients; beyond it streams wait and unary produces are refused. */
  queuedMaxRequestBytes: number;
  /** Largest max.message.bytes a topic may have; the gRPC receive size follows from it. */
  messageMaxBytes: number;
  /** Fetches long-polling at once on this broker. */
  maxWaitingFetches: number;
  /** Members one consumer group may have. */
  groupMaxSize: number;
  /** Groups one broker coordinates. */
  maxGroups: number;
  /** Partitions in the cluster, and partition replicas on one broker (checked by the controller on create). */
  maxPartitions: number;
  maxPartitionsPerBroker: number;
}

export const LIMIT_DEFAULTS: Readonly<BrokerLimits> = {
  maxConnectionsPerIp: 1_000,
  maxConcurrentStreams: 1_000,
  maxInflightRequestsPerStream: 1_000,
  queuedMaxRequestBytes: 128 * 1024 * 1024,
  // Twice the topic default (4 MiB).
  messageMaxBytes: 8 * 1024 * 1024,
  maxWaitingFetches: 10_000,
  groupMaxSize: 1_000,
  maxGroups: 10_000,
  maxPartitions: 100_000,
  maxPartitionsPerBroker: 10_000,
};

/** Room for a produce request's own fields around its batch. */
const REQUEST_HEADROOM_BYTES = 64 * 1024;
/** Smallest message.max.bytes: one batch header and a record. */
export const MESSAGE_MAX_BYTES_MIN = BATCH_HEADER_BYTES + 8;
/** Largest message.max.bytes: what one gRPC message may carry, less the headroom. */
export const MESSAGE_MAX_BYTES_MAX = MAX_MESSAGE_BYTES - REQUEST_HEADROOM_BYTES;

/** The client listener's gRPC receive size: its largest produce request (Raft frames come on the inter-broker listener). */
export function receiveBytesMax(messageMaxBytes: number): number {
  return Math.min(MAX_MESSAGE_BYTES, messageMaxBytes + REQUEST_HEADROOM_BYTES);
}

/** Why the limits are not usable, or undefined. */
export function invalidLimit(limits: BrokerLimits): string | undefined {
  for (const key of Object.keys(LIMIT_DEFAULTS) as Array<keyof BrokerLimits>) {
    if (!(Number.isSafeInteger(limits[key]) && limits[key] >= 1)) return `${key} must be >= 1`;
  }
  if (limits.messageMaxBytes < MESSAGE_MAX_BYTES_MIN || limits.messageMaxBytes > MESSAGE_MAX_BYTES_MAX) {
    return `message.max.bytes must be between ${MESSAGE_MAX_BYTES_MIN} and ${MESSAGE_MAX_BYTES_MAX}`;
  }
  if (limits.queuedMaxRequestBytes < limits.messageMaxBytes) return 'queued.max.request.bytes must be >= message.max.bytes';
  return undefined;
}
