// Original file: proto/sluice/v1/raft.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { RaftFrame as _sluice_v1_RaftFrame, RaftFrame__Output as _sluice_v1_RaftFrame__Output } from '../../sluice/v1/RaftFrame.js';

export interface RaftClient extends grpc.Client {
  Stream(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_sluice_v1_RaftFrame, _sluice_v1_RaftFrame__Output>;
  Stream(options?: grpc.CallOptions): grpc.ClientDuplexStream<_sluice_v1_RaftFrame, _sluice_v1_RaftFrame__Output>;
  stream(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_sluice_v1_RaftFrame, _sluice_v1_RaftFrame__Output>;
  stream(options?: grpc.CallOptions): grpc.ClientDuplexStream<_sluice_v1_RaftFrame, _sluice_v1_RaftFrame__Output>;
  
}

export interface RaftHandlers extends grpc.UntypedServiceImplementation {
  Stream: grpc.handleBidiStreamingCall<_sluice_v1_RaftFrame__Output, _sluice_v1_RaftFrame>;
  
}

export interface RaftDefinition extends grpc.ServiceDefinition {
  Stream: MethodDefinition<_sluice_v1_RaftFrame, _sluice_v1_RaftFrame, _sluice_v1_RaftFrame__Output, _sluice_v1_RaftFrame__Output>
}
