// Original file: proto/sluice/v1/broker.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { FetchRequest as _sluice_v1_FetchRequest, FetchRequest__Output as _sluice_v1_FetchRequest__Output } from '../../sluice/v1/FetchRequest.js';
import type { FetchResponse as _sluice_v1_FetchResponse, FetchResponse__Output as _sluice_v1_FetchResponse__Output } from '../../sluice/v1/FetchResponse.js';
import type { InitProducerIdRequest as _sluice_v1_InitProducerIdRequest, InitProducerIdRequest__Output as _sluice_v1_InitProducerIdRequest__Output } from '../../sluice/v1/InitProducerIdRequest.js';
import type { InitProducerIdResponse as _sluice_v1_InitProducerIdResponse, InitProducerIdResponse__Output as _sluice_v1_InitProducerIdResponse__Output } from '../../sluice/v1/InitProducerIdResponse.js';
import type { ListOffsetsRequest as _sluice_v1_ListOffsetsRequest, ListOffsetsRequest__Output as _sluice_v1_ListOffsetsRequest__Output } from '../../sluice/v1/ListOffsetsRequest.js';
import type { ListOffsetsResponse as _sluice_v1_ListOffsetsResponse, ListOffsetsResponse__Output as _sluice_v1_ListOffsetsResponse__Output } from '../../sluice/v1/ListOffsetsResponse.js';
import type { MetadataRequest as _sluice_v1_MetadataRequest, MetadataRequest__Output as _sluice_v1_MetadataRequest__Output } from '../../sluice/v1/MetadataRequest.js';
import type { MetadataResponse as _sluice_v1_MetadataResponse, MetadataResponse__Output as _sluice_v1_MetadataResponse__Output } from '../../sluice/v1/MetadataResponse.js';
import type { ProduceRequest as _sluice_v1_ProduceRequest, ProduceRequest__Output as _sluice_v1_ProduceRequest__Output } from '../../sluice/v1/ProduceRequest.js';
import type { ProduceResponse as _sluice_v1_ProduceResponse, ProduceResponse__Output as _sluice_v1_ProduceResponse__Output } from '../../sluice/v1/ProduceResponse.js';

export interface BrokerClient extends grpc.Client {
  Fetch(argument: _sluice_v1_FetchRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_FetchResponse__Output>): grpc.ClientUnaryCall;
  Fetch(argument: _sluice_v1_FetchRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sluice_v1_FetchResponse__Output>): grpc.ClientUnaryCall;
  Fetch(argument: _sluice_v1_FetchRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_FetchResponse__Output>): grpc.ClientUnaryCall;
  Fetch(argument: _sluice_v1_FetchRequest, callback: grpc.requestCallback<_sluice_v1_FetchResponse__Output>): grpc.ClientUnaryCall;
  fetch(argument: _sluice_v1_FetchRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_FetchResponse__Output>): grpc.ClientUnaryCall;
  fetch(argument: _sluice_v1_FetchRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sluice_v1_FetchResponse__Output>): grpc.ClientUnaryCall;
  fetch(argument: _sluice_v1_FetchRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_FetchResponse__Output>): grpc.ClientUnaryCall;
  fetch(argument: _sluice_v1_FetchRequest, callback: grpc.requestCallback<_sluice_v1_FetchResponse__Output>): grpc.ClientUnaryCall;
  
  FetchStream(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_sluice_v1_FetchRequest, _sluice_v1_FetchResponse__Output>;
  FetchStream(options?: grpc.CallOptions): grpc.ClientDuplexStream<_sluice_v1_FetchRequest, _sluice_v1_FetchResponse__Output>;
  fetchStream(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_sluice_v1_FetchRequest, _sluice_v1_FetchResponse__Output>;
  fetchStream(options?: grpc.CallOptions): grpc.ClientDuplexStream<_sluice_v1_FetchRequest, _sluice_v1_FetchResponse__Output>;
  
  InitProducerId(argument: _sluice_v1_InitProducerIdRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_InitProducerIdResponse__Output>): grpc.ClientUnaryCall;
  InitProducerId(argument: _sluice_v1_InitProducerIdRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sluice_v1_InitProducerIdResponse__Output>): grpc.ClientUnaryCall;
  InitProducerId(argument: _sluice_v1_InitProducerIdRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_InitProducerIdResponse__Output>): grpc.ClientUnaryCall;
  InitProducerId(argument: _sluice_v1_InitProducerIdRequest, callback: grpc.requestCallback<_sluice_v1_InitProducerIdResponse__Output>): grpc.ClientUnaryCall;
  initProducerId(argument: _sluice_v1_InitProducerIdRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_InitProducerIdResponse__Output>): grpc.ClientUnaryCall;
  initProducerId(argument: _sluice_v1_InitProducerIdRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sluice_v1_InitProducerIdResponse__Output>): grpc.ClientUnaryCall;
  initProducerId(argument: _sluice_v1_InitProducerIdRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_InitProducerIdResponse__Output>): grpc.ClientUnaryCall;
  initProducerId(argument: _sluice_v1_InitProducerIdRequest, callback: grpc.requestCallback<_sluice_v1_InitProducerIdResponse__Output>): grpc.ClientUnaryCall;
  
  ListOffsets(argument: _sluice_v1_ListOffsetsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_ListOffsetsResponse__Output>): grpc.ClientUnaryCall;
  ListOffsets(argument: _sluice_v1_ListOffsetsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sluice_v1_ListOffsetsResponse__Output>): grpc.ClientUnaryCall;
  ListOffsets(argument: _sluice_v1_ListOffsetsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_ListOffsetsResponse__Output>): grpc.ClientUnaryCall;
  ListOffsets(argument: _sluice_v1_ListOffsetsRequest, callback: grpc.requestCallback<_sluice_v1_ListOffsetsResponse__Output>): grpc.ClientUnaryCall;
  listOffsets(argument: _sluice_v1_ListOffsetsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_ListOffsetsResponse__Output>): grpc.ClientUnaryCall;
  listOffsets(argument: _sluice_v1_ListOffsetsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sluice_v1_ListOffsetsResponse__Output>): grpc.ClientUnaryCall;
  listOffsets(argument: _sluice_v1_ListOffsetsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_ListOffsetsResponse__Output>): grpc.ClientUnaryCall;
  listOffsets(argument: _sluice_v1_ListOffsetsRequest, callback: grpc.requestCallback<_sluice_v1_ListOffsetsResponse__Output>): grpc.ClientUnaryCall;
  
  Metadata(argument: _sluice_v1_MetadataRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_MetadataResponse__Output>): grpc.ClientUnaryCall;
  Metadata(argument: _sluice_v1_MetadataRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sluice_v1_MetadataResponse__Output>): grpc.ClientUnaryCall;
  Metadata(argument: _sluice_v1_MetadataRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_MetadataResponse__Output>): grpc.ClientUnaryCall;
  Metadata(argument: _sluice_v1_MetadataRequest, callback: grpc.requestCallback<_sluice_v1_MetadataResponse__Output>): grpc.ClientUnaryCall;
  metadata(argument: _sluice_v1_MetadataRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_MetadataResponse__Output>): grpc.ClientUnaryCall;
  metadata(argument: _sluice_v1_MetadataRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sluice_v1_MetadataResponse__Output>): grpc.ClientUnaryCall;
  metadata(argument: _sluice_v1_MetadataRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_MetadataResponse__Output>): grpc.ClientUnaryCall;
  metadata(argument: _sluice_v1_MetadataRequest, callback: grpc.requestCallback<_sluice_v1_MetadataResponse__Output>): grpc.ClientUnaryCall;
  
  Produce(argument: _sluice_v1_ProduceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_ProduceResponse__Output>): grpc.ClientUnaryCall;
  Produce(argument: _sluice_v1_ProduceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sluice_v1_ProduceResponse__Output>): grpc.ClientUnaryCall;
  Produce(argument: _sluice_v1_ProduceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_ProduceResponse__Output>): grpc.ClientUnaryCall;
  Produce(argument: _sluice_v1_ProduceRequest, callback: grpc.requestCallback<_sluice_v1_ProduceResponse__Output>): grpc.ClientUnaryCall;
  produce(argument: _sluice_v1_ProduceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_ProduceResponse__Output>): grpc.ClientUnaryCall;
  produce(argument: _sluice_v1_ProduceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sluice_v1_ProduceResponse__Output>): grpc.ClientUnaryCall;
  produce(argument: _sluice_v1_ProduceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_ProduceResponse__Output>): grpc.ClientUnaryCall;
  produce(argument: _sluice_v1_ProduceRequest, callback: grpc.requestCallback<_sluice_v1_ProduceResponse__Output>): grpc.ClientUnaryCall;
  
  ProduceStream(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_sluice_v1_ProduceRequest, _sluice_v1_ProduceResponse__Output>;
  ProduceStream(options?: grpc.CallOptions): grpc.ClientDuplexStream<_sluice_v1_ProduceRequest, _sluice_v1_ProduceResponse__Output>;
  produceStream(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_sluice_v1_ProduceRequest, _sluice_v1_ProduceResponse__Output>;
  produceStream(options?: grpc.CallOptions): grpc.ClientDuplexStream<_sluice_v1_ProduceRequest, _sluice_v1_ProduceResponse__Output>;
  
}

export interface BrokerHandlers extends grpc.UntypedServiceImplementation {
  Fetch: grpc.handleUnaryCall<_sluice_v1_FetchRequest__Output, _sluice_v1_FetchResponse>;
  
  FetchStream: grpc.handleBidiStreamingCall<_sluice_v1_FetchRequest__Output, _sluice_v1_FetchResponse>;
  
  InitProducerId: grpc.handleUnaryCall<_sluice_v1_InitProducerIdRequest__Output, _sluice_v1_InitProducerIdResponse>;
  
  ListOffsets: grpc.handleUnaryCall<_sluice_v1_ListOffsetsRequest__Output, _sluice_v1_ListOffsetsResponse>;
  
  Metadata: grpc.handleUnaryCall<_sluice_v1_MetadataRequest__Output, _sluice_v1_MetadataResponse>;
  
  Produce: grpc.handleUnaryCall<_sluice_v1_ProduceRequest__Output, _sluice_v1_ProduceResponse>;
  
  ProduceStream: grpc.handleBidiStreamingCall<_sluice_v1_ProduceRequest__Output, _sluice_v1_ProduceResponse>;
  
}

export interface BrokerDefinition extends grpc.ServiceDefinition {
  Fetch: MethodDefinition<_sluice_v1_FetchRequest, _sluice_v1_FetchResponse, _sluice_v1_FetchRequest__Output, _sluice_v1_FetchResponse__Output>
  FetchStream: MethodDefinition<_sluice_v1_FetchRequest, _sluice_v1_FetchResponse, _sluice_v1_FetchRequest__Output, _sluice_v1_FetchResponse__Output>
  InitProducerId: MethodDefinition<_sluice_v1_InitProducerIdRequest, _sluice_v1_InitProducerIdResponse, _sluice_v1_InitProducerIdRequest__Output, _sluice_v1_InitProducerIdResponse__Output>
  ListOffsets: MethodDefinition<_sluice_v1_ListOffsetsRequest, _sluice_v1_ListOffsetsResponse, _sluice_v1_ListOffsetsRequest__Output, _sluice_v1_ListOffsetsResponse__Output>
  Metadata: MethodDefinition<_sluice_v1_MetadataRequest, _sluice_v1_MetadataResponse, _sluice_v1_MetadataRequest__Output, _sluice_v1_MetadataResponse__Output>
  Produce: MethodDefinition<_sluice_v1_ProduceRequest, _sluice_v1_ProduceResponse, _sluice_v1_ProduceRequest__Output, _sluice_v1_ProduceResponse__Output>
  ProduceStream: MethodDefinition<_sluice_v1_ProduceRequest, _sluice_v1_ProduceResponse, _sluice_v1_ProduceRequest__Output, _sluice_v1_ProduceResponse__Output>
}
