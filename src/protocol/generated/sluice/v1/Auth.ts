// Original file: proto/sluice/v1/broker.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { SaslAuthenticateRequest as _sluice_v1_SaslAuthenticateRequest, SaslAuthenticateRequest__Output as _sluice_v1_SaslAuthenticateRequest__Output } from '../../sluice/v1/SaslAuthenticateRequest.js';
import type { SaslAuthenticateResponse as _sluice_v1_SaslAuthenticateResponse, SaslAuthenticateResponse__Output as _sluice_v1_SaslAuthenticateResponse__Output } from '../../sluice/v1/SaslAuthenticateResponse.js';
import type { SaslHandshakeRequest as _sluice_v1_SaslHandshakeRequest, SaslHandshakeRequest__Output as _sluice_v1_SaslHandshakeRequest__Output } from '../../sluice/v1/SaslHandshakeRequest.js';
import type { SaslHandshakeResponse as _sluice_v1_SaslHandshakeResponse, SaslHandshakeResponse__Output as _sluice_v1_SaslHandshakeResponse__Output } from '../../sluice/v1/SaslHandshakeResponse.js';

export interface AuthClient extends grpc.Client {
  SaslAuthenticate(argument: _sluice_v1_SaslAuthenticateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_SaslAuthenticateResponse__Output>): grpc.ClientUnaryCall;
  SaslAuthenticate(argument: _sluice_v1_SaslAuthenticateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sluice_v1_SaslAuthenticateResponse__Output>): grpc.ClientUnaryCall;
  SaslAuthenticate(argument: _sluice_v1_SaslAuthenticateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_SaslAuthenticateResponse__Output>): grpc.ClientUnaryCall;
  SaslAuthenticate(argument: _sluice_v1_SaslAuthenticateRequest, callback: grpc.requestCallback<_sluice_v1_SaslAuthenticateResponse__Output>): grpc.ClientUnaryCall;
  saslAuthenticate(argument: _sluice_v1_SaslAuthenticateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_SaslAuthenticateResponse__Output>): grpc.ClientUnaryCall;
  saslAuthenticate(argument: _sluice_v1_SaslAuthenticateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sluice_v1_SaslAuthenticateResponse__Output>): grpc.ClientUnaryCall;
  saslAuthenticate(argument: _sluice_v1_SaslAuthenticateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_SaslAuthenticateResponse__Output>): grpc.ClientUnaryCall;
  saslAuthenticate(argument: _sluice_v1_SaslAuthenticateRequest, callback: grpc.requestCallback<_sluice_v1_SaslAuthenticateResponse__Output>): grpc.ClientUnaryCall;
  
  SaslHandshake(argument: _sluice_v1_SaslHandshakeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_SaslHandshakeResponse__Output>): grpc.ClientUnaryCall;
  SaslHandshake(argument: _sluice_v1_SaslHandshakeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sluice_v1_SaslHandshakeResponse__Output>): grpc.ClientUnaryCall;
  SaslHandshake(argument: _sluice_v1_SaslHandshakeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_SaslHandshakeResponse__Output>): grpc.ClientUnaryCall;
  SaslHandshake(argument: _sluice_v1_SaslHandshakeRequest, callback: grpc.requestCallback<_sluice_v1_SaslHandshakeResponse__Output>): grpc.ClientUnaryCall;
  saslHandshake(argument: _sluice_v1_SaslHandshakeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_SaslHandshakeResponse__Output>): grpc.ClientUnaryCall;
  saslHandshake(argument: _sluice_v1_SaslHandshakeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sluice_v1_SaslHandshakeResponse__Output>): grpc.ClientUnaryCall;
  saslHandshake(argument: _sluice_v1_SaslHandshakeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_SaslHandshakeResponse__Output>): grpc.ClientUnaryCall;
  saslHandshake(argument: _sluice_v1_SaslHandshakeRequest, callback: grpc.requestCallback<_sluice_v1_SaslHandshakeResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface AuthHandlers extends grpc.UntypedServiceImplementation {
  SaslAuthenticate: grpc.handleUnaryCall<_sluice_v1_SaslAuthenticateRequest__Output, _sluice_v1_SaslAuthenticateResponse>;
  
  SaslHandshake: grpc.handleUnaryCall<_sluice_v1_SaslHandshakeRequest__Output, _sluice_v1_SaslHandshakeResponse>;
  
}

export interface AuthDefinition extends grpc.ServiceDefinition {
  SaslAuthenticate: MethodDefinition<_sluice_v1_SaslAuthenticateRequest, _sluice_v1_SaslAuthenticateResponse, _sluice_v1_SaslAuthenticateRequest__Output, _sluice_v1_SaslAuthenticateResponse__Output>
  SaslHandshake: MethodDefinition<_sluice_v1_SaslHandshakeRequest, _sluice_v1_SaslHandshakeResponse, _sluice_v1_SaslHandshakeRequest__Output, _sluice_v1_SaslHandshakeResponse__Output>
}
