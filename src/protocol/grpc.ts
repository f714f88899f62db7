/** Loads the .proto API once and exposes the typed gRPC service definitions of sluice.v1. */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ProtoGrpcType as BrokerProto } from './generated/broker.js';
import type { ProtoGrpcType as RaftProto } from './generated/raft.js';
import type { ProtoGrpcType as ControllerProto } from './generated/controller.js';
import type { ProtoGrpcType as GroupsProto } from './generated/groups.js';

/** The same options the generated types were made with (scripts/gen-proto.sh). */
export const PROTO_LOADER_OPTIONS: protoLoader.Options = {
  keepCase: false,
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
};

/** Finds proto/ whether this module runs from src/ (tsx) or dist/src/ (compiled). */
function protoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'proto');
    if (existsSync(join(candidate, 'sluice', 'v1'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the proto/ directory of the sluice package');
    dir = parent;
  }
}

function load<T>(file: string): T {
  const definition = protoLoader.loadSync(file, { ...PROTO_LOADER_OPTIONS, includeDirs: [protoRoot()] });
  return grpc.loadPackageDefinition(definition) as unknown as T;
}

/** A package loader that reads its .proto file on first use only. */
function lazyPackage<T extends { sluice: { v1: unknown } }>(file: string): () => T['sluice']['v1'] {
  let loaded: T | undefined;
  return () => (loaded ??= load<T>(file)).sluice.v1;
}

/** The data plane and topic admin (proto/sluice/v1/broker.proto). */
export const brokerApi = lazyPackage<BrokerProto>('sluice/v1/broker.proto');
/** The inter-broker Raft service (proto/sluice/v1/raft.proto), used by src/replication/. */
export const raftApi = lazyPackage<RaftProto>('sluice/v1/raft.proto');
/** The consumer-group service (proto/sluice/v1/groups.proto). */
export const groupsApi = lazyPackage<GroupsProto>('sluice/v1/groups.proto');
/** The broker-to-controller service (proto/sluice/v1/controller.proto), used by src/controller/. */
export const controllerApi = lazyPackage<ControllerProto>('sluice/v1/controller.proto');

/** Channel options shared by clients and servers: large batches need more than gRPC's 4 MiB default. */
export const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
export const CHANNEL_OPTIONS: grpc.ChannelOptions = {
  'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
  'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
  'grpc.keepalive_time_ms': 30_000,
  'grpc.keepalive_timeout_ms': 10_000,
  // Reconnect to a peer that was down within a second of its return, as Kafka's clients do
  // (reconnect.backoff.max.ms=1000): grpc-js backs off up to 120 s, and meanwhile fails every call
  // at once, so after a long outage a broker reached its restarted controller only minutes later.
  'grpc.initial_reconnect_backoff_ms': 100,
  'grpc.max_reconnect_backoff_ms': 1_000,
  // Channelz (gRPC's introspection service) is not served by Sluice, but with it on grpc-js keeps
  // per-call counters and call trackers on every channel, subchannel and server socket.
  'grpc.enable_channelz': 0,
};

/**
 * Channels from clients to brokers: a broker that stops answering (frozen, or cut off by the
 * network) is given up within KEEPALIVE_TIME + KEEPALIVE_TIMEOUT, failing its in-flight calls as
 * UNAVAILABLE so that they are retried on the partition's new leader. Without this, a request to a
 * cut-off leader waited for the request timeout (30 s) or for TCP to deliver it after the heal.
 * Brokers answer pings from their event loop, which stays responsive far below the timeout.
 */
export const CLIENT_KEEPALIVE_TIME_MS = 500;
export const CLIENT_KEEPALIVE_TIMEOUT_MS = 1_000;
export const CLIENT_CHANNEL_OPTIONS: grpc.ChannelOptions = {
  ...CHANNEL_OPTIONS,
  'grpc.keepalive_time_ms': CLIENT_KEEPALIVE_TIME_MS,
  'grpc.keepalive_timeout_ms': CLIENT_KEEPALIVE_TIMEOUT_MS,
};
