/** Types shared by the producer, consumer and admin clients. */
import type { ChannelInterface, ChannelOptions } from '@grpc/grpc-js';
import type { Clock } from '../runtime/clock.js';
import type { RetryOptions } from './retry.js';
import type { ClientSecurity } from './client-config.js';

export interface TopicPartition {
  topic: string;
  partition: number;
}

/** Settings every client takes; `createClient` passes them on. */
export interface ClientOptions {
  /** `host:port` addresses to learn the cluster from; a comma-separated string is accepted. */
  bootstrap: string[] | string;
  /** Names this client in broker logs. */
  clientId?: string;
  retry?: Partial<RetryOptions>;
  /** Deadline of one request, in ms (a fetch adds its own maxWaitMs on top). */
  requestTimeoutMs?: number;
  /** Cached topic metadata older than this is refreshed before use, in ms. */
  metadataMaxAgeMs?: number;
  /** Time, randomness and connections (default: Node's clock, Math.random, real gRPC channels). */
  runtime?: Partial<ClientRuntime>;
  /** TLS and SCRAM credentials (client-config.ts reads them from a file; `sasl`: see client/auth/sasl-client.ts); default: plaintext, anonymous. */
  security?: ClientSecurity;
}

/**
 * What a client takes from its surroundings. The cluster simulator runs real clients on a virtual
 * clock with seeded randomness over in-memory channels, so one seed replays a run exactly.
 */
export interface ClientRuntime {
  /** Every timer, timeout, backoff and timestamp of the client. */
  clock: Clock;
  /** Jitter and random choices, in [0, 1). */
  random: () => number;
  /** Opens the channel to a broker address; undefined: a real HTTP/2 connection. */
  channel: ((address: string, options: ChannelOptions) => ChannelInterface) | undefined;
}

export interface BrokerInfo {
  id: number;
  host: string;
  port: number;
  /** `host:port`. */
  address: string;
  alive: boolean;
  /** Its current registration with the controller (grows with each restart); -1 when it is not registered. */
  epoch: number;
  /** The cause of the write its storage refused, while it refuses writes; empty when healthy. */
  storageFault: string;
  /** Its replicas that repair their copy or hold damaged offsets. */
  damagedReplicas: ReplicaDamage[];
}

/** Offsets [from, to) of a partition. */
export interface OffsetRange {
  from: number;
  to: number;
}

/** A replica that catches up after losing entries (`repairing`), or a single copy's damaged offsets (`lost`). */
export interface ReplicaDamage {
  topic: string;
  partition: number;
  repairing: boolean;
  lost: OffsetRange[];
}

export interface PartitionMetadata {
  partition: number;
  /** Broker id of the leader, -1 when there is none. */
  leader: number;
  replicas: number[];
  isr: number[];
  leaderEpoch: number;
}

export interface TopicMetadata {
  name: string;
  partitions: PartitionMetadata[];
}

export interface ClusterMetadata {
  brokers: BrokerInfo[];
  /** Broker id of the controller leader, -1 when unknown. */
  controller: number;
  topics: TopicMetadata[];
}

/** Where a consumer starts or an admin looks up an offset. */
export type OffsetSpec = 'earliest' | 'latest' | { timestamp: number };
