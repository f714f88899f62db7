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

let brokerProto: BrokerProto | undefined;

export function brokerApi(): BrokerProto['sluice']['v1'] {
  brokerProto ??= load<BrokerProto>('sluice/v1/broker.proto');
  return brokerProto.sluice.v1;
}

let raftProto: RaftProto | undefined;

/** The inter-broker Raft service (proto/sluice/v1/raft.proto), used by src/replication/. */
export function raftApi(): RaftProto['sluice']['v1'] {
  raftProto ??= load<RaftProto>('sluice/v1/raft.proto');
  return raftProto.sluice.v1;
}

let groupsProto: GroupsProto | undefined;

/** The consumer-group service (proto/sluice/v1/groups.proto). */
export function groupsApi(): GroupsProto['sluice']['v1'] {
  groupsProto ??= load<GroupsProto>('sluice/v1/groups.proto');
  return groupsProto.sluice.v1;
}

let controllerProto: ControllerProto | undefined;

/** The broker-to-controller service (proto/sluice/v1/controller.proto), used by src/controller/. */
export function controllerApi(): ControllerProto['sluice']['v1'] {
  controllerProto ??= load<ControllerProto>('sluice/v1/controller.proto');
  return controllerProto.sluice.v1;
}

/** Channel options shared by clients and servers: large batches need more than gRPC's 4 MiB default. */
export const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
export const CHANNEL_OPTIONS: grpc.ChannelOptions = {
  'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
  'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
  'grpc.keepalive_time_ms': 30_000,
  'grpc.keepalive_timeout_ms': 10_000,
  // Channelz (gRPC's introspection service) is not served by Sluice, but with it on grpc-js keeps
  // per-call counters and call trackers on every channel, subchannel and server socket.
  'grpc.enable_channelz': 0,
};
