// Original file: proto/sluice/v1/groups.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { CommitOffsetsRequest as _sluice_v1_CommitOffsetsRequest, CommitOffsetsRequest__Output as _sluice_v1_CommitOffsetsRequest__Output } from '../../sluice/v1/CommitOffsetsRequest.js';
import type { CommitOffsetsResponse as _sluice_v1_CommitOffsetsResponse, CommitOffsetsResponse__Output as _sluice_v1_CommitOffsetsResponse__Output } from '../../sluice/v1/CommitOffsetsResponse.js';
import type { DescribeGroupRequest as _sluice_v1_DescribeGroupRequest, DescribeGroupRequest__Output as _sluice_v1_DescribeGroupRequest__Output } from '../../sluice/v1/DescribeGroupRequest.js';
import type { DescribeGroupResponse as _sluice_v1_DescribeGroupResponse, DescribeGroupResponse__Output as _sluice_v1_DescribeGroupResponse__Output } from '../../sluice/v1/DescribeGroupResponse.js';
import type { FetchOffsetsRequest as _sluice_v1_FetchOffsetsRequest, FetchOffsetsRequest__Output as _sluice_v1_FetchOffsetsRequest__Output } from '../../sluice/v1/FetchOffsetsRequest.js';
import type { FetchOffsetsResponse as _sluice_v1_FetchOffsetsResponse, FetchOffsetsResponse__Output as _sluice_v1_FetchOffsetsResponse__Output } from '../../sluice/v1/FetchOffsetsResponse.js';
import type { FindCoordinatorRequest as _sluice_v1_FindCoordinatorRequest, FindCoordinatorRequest__Output as _sluice_v1_FindCoordinatorRequest__Output } from '../../sluice/v1/FindCoordinatorRequest.js';
import type { FindCoordinatorResponse as _sluice_v1_FindCoordinatorResponse, FindCoordinatorResponse__Output as _sluice_v1_FindCoordinatorResponse__Output } from '../../sluice/v1/FindCoordinatorResponse.js';
import type { HeartbeatRequest as _sluice_v1_HeartbeatRequest, HeartbeatRequest__Output as _sluice_v1_HeartbeatRequest__Output } from '../../sluice/v1/HeartbeatRequest.js';
import type { HeartbeatResponse as _sluice_v1_HeartbeatResponse, HeartbeatResponse__Output as _sluice_v1_HeartbeatResponse__Output } from '../../sluice/v1/HeartbeatResponse.js';
import type { ListGroupsRequest as _sluice_v1_ListGroupsRequest, ListGroupsRequest__Output as _sluice_v1_ListGroupsRequest__Output } from '../../sluice/v1/ListGroupsRequest.js';
import type { ListGroupsResponse as _sluice_v1_ListGroupsResponse, ListGroupsResponse__Output as _sluice_v1_ListGroupsResponse__Output } from '../../sluice/v1/ListGroupsResponse.js';
import type { ResetOffsetsRequest as _sluice_v1_ResetOffsetsRequest, ResetOffsetsRequest__Output as _sluice_v1_ResetOffsetsRequest__Output } from '../../sluice/v1/ResetOffsetsRequest.js';
import type { ResetOffsetsResponse as _sluice_v1_ResetOffsetsResponse, ResetOffsetsResponse__Output as _sluice_v1_ResetOffsetsResponse__Output } from '../../sluice/v1/ResetOffsetsResponse.js';

export interface GroupsClient extends grpc.Client {
  CommitOffsets(argument: _sluice_v1_CommitOffsetsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_CommitOffsetsResponse__Output>): grpc.ClientUnaryCall;
  CommitOffsets(argument: _sluice_v1_CommitOffsetsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sluice_v1_CommitOffsetsResponse__Output>): grpc.ClientUnaryCall;
  CommitOffsets(argument: _sluice_v1_CommitOffsetsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_CommitOffsetsResponse__Output>): grpc.ClientUnaryCall;
  CommitOffsets(argument: _sluice_v1_CommitOffsetsRequest, callback: grpc.requestCallback<_sluice_v1_CommitOffsetsResponse__Output>): grpc.ClientUnaryCall;
  commitOffsets(argument: _sluice_v1_CommitOffsetsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_CommitOffsetsResponse__Output>): grpc.ClientUnaryCall;
  commitOffsets(argument: _sluice_v1_CommitOffsetsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sluice_v1_CommitOffsetsResponse__Output>): grpc.ClientUnaryCall;
  commitOffsets(argument: _sluice_v1_CommitOffsetsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_CommitOffsetsResponse__Output>): grpc.ClientUnaryCall;
  commitOffsets(argument: _sluice_v1_CommitOffsetsRequest, callback: grpc.requestCallback<_sluice_v1_CommitOffsetsResponse__Output>): grpc.ClientUnaryCall;
  
  DescribeGroup(argument: _sluice_v1_DescribeGroupRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_DescribeGroupResponse__Output>): grpc.ClientUnaryCall;
  DescribeGroup(argument: _sluice_v1_DescribeGroupRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sluice_v1_DescribeGroupResponse__Output>): grpc.ClientUnaryCall;
  DescribeGroup(argument: _sluice_v1_DescribeGroupRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_DescribeGroupResponse__Output>): grpc.ClientUnaryCall;
  DescribeGroup(argument: _sluice_v1_DescribeGroupRequest, callback: grpc.requestCallback<_sluice_v1_DescribeGroupResponse__Output>): grpc.ClientUnaryCall;
  describeGroup(argument: _sluice_v1_DescribeGroupRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_DescribeGroupResponse__Output>): grpc.ClientUnaryCall;
  describeGroup(argument: _sluice_v1_DescribeGroupRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sluice_v1_DescribeGroupResponse__Output>): grpc.ClientUnaryCall;
  describeGroup(argument: _sluice_v1_DescribeGroupRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_DescribeGroupResponse__Output>): grpc.ClientUnaryCall;
  describeGroup(argument: _sluice_v1_DescribeGroupRequest, callback: grpc.requestCallback<_sluice_v1_DescribeGroupResponse__Output>): grpc.ClientUnaryCall;
  
  FetchOffsets(argument: _sluice_v1_FetchOffsetsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_FetchOffsetsResponse__Output>): grpc.ClientUnaryCall;
  FetchOffsets(argument: _sluice_v1_FetchOffsetsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sluice_v1_FetchOffsetsResponse__Output>): grpc.ClientUnaryCall;
  FetchOffsets(argument: _sluice_v1_FetchOffsetsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_FetchOffsetsResponse__Output>): grpc.ClientUnaryCall;
  FetchOffsets(argument: _sluice_v1_FetchOffsetsRequest, callback: grpc.requestCallback<_sluice_v1_FetchOffsetsResponse__Output>): grpc.ClientUnaryCall;
  fetchOffsets(argument: _sluice_v1_FetchOffsetsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_FetchOffsetsResponse__Output>): grpc.ClientUnaryCall;
  fetchOffsets(argument: _sluice_v1_FetchOffsetsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sluice_v1_FetchOffsetsResponse__Output>): grpc.ClientUnaryCall;
  fetchOffsets(argument: _sluice_v1_FetchOffsetsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_FetchOffsetsResponse__Output>): grpc.ClientUnaryCall;
  fetchOffsets(argument: _sluice_v1_FetchOffsetsRequest, callback: grpc.requestCallback<_sluice_v1_FetchOffsetsResponse__Output>): grpc.ClientUnaryCall;
  
  FindCoordinator(argument: _sluice_v1_FindCoordinatorRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_FindCoordinatorResponse__Output>): grpc.ClientUnaryCall;
  FindCoordinator(argument: _sluice_v1_FindCoordinatorRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sluice_v1_FindCoordinatorResponse__Output>): grpc.ClientUnaryCall;
  FindCoordinator(argument: _sluice_v1_FindCoordinatorRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_FindCoordinatorResponse__Output>): grpc.ClientUnaryCall;
  FindCoordinator(argument: _sluice_v1_FindCoordinatorRequest, callback: grpc.requestCallback<_sluice_v1_FindCoordinatorResponse__Output>): grpc.ClientUnaryCall;
  findCoordinator(argument: _sluice_v1_FindCoordinatorRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_FindCoordinatorResponse__Output>): grpc.ClientUnaryCall;
  findCoordinator(argument: _sluice_v1_FindCoordinatorRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sluice_v1_FindCoordinatorResponse__Output>): grpc.ClientUnaryCall;
  findCoordinator(argument: _sluice_v1_FindCoordinatorRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_FindCoordinatorResponse__Output>): grpc.ClientUnaryCall;
  findCoordinator(argument: _sluice_v1_FindCoordinatorRequest, callback: grpc.requestCallback<_sluice_v1_FindCoordinatorResponse__Output>): grpc.ClientUnaryCall;
  
  Heartbeat(argument: _sluice_v1_HeartbeatRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  Heartbeat(argument: _sluice_v1_HeartbeatRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sluice_v1_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  Heartbeat(argument: _sluice_v1_HeartbeatRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  Heartbeat(argument: _sluice_v1_HeartbeatRequest, callback: grpc.requestCallback<_sluice_v1_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  heartbeat(argument: _sluice_v1_HeartbeatRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  heartbeat(argument: _sluice_v1_HeartbeatRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sluice_v1_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  heartbeat(argument: _sluice_v1_HeartbeatRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  heartbeat(argument: _sluice_v1_HeartbeatRequest, callback: grpc.requestCallback<_sluice_v1_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  
  ListGroups(argument: _sluice_v1_ListGroupsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_ListGroupsResponse__Output>): grpc.ClientUnaryCall;
  ListGroups(argument: _sluice_v1_ListGroupsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sluice_v1_ListGroupsResponse__Output>): grpc.ClientUnaryCall;
  ListGroups(argument: _sluice_v1_ListGroupsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_ListGroupsResponse__Output>): grpc.ClientUnaryCall;
  ListGroups(argument: _sluice_v1_ListGroupsRequest, callback: grpc.requestCallback<_sluice_v1_ListGroupsResponse__Output>): grpc.ClientUnaryCall;
  listGroups(argument: _sluice_v1_ListGroupsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_ListGroupsResponse__Output>): grpc.ClientUnaryCall;
  listGroups(argument: _sluice_v1_ListGroupsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sluice_v1_ListGroupsResponse__Output>): grpc.ClientUnaryCall;
  listGroups(argument: _sluice_v1_ListGroupsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_ListGroupsResponse__Output>): grpc.ClientUnaryCall;
  listGroups(argument: _sluice_v1_ListGroupsRequest, callback: grpc.requestCallback<_sluice_v1_ListGroupsResponse__Output>): grpc.ClientUnaryCall;
  
  ResetOffsets(argument: _sluice_v1_ResetOffsetsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_ResetOffsetsResponse__Output>): grpc.ClientUnaryCall;
  ResetOffsets(argument: _sluice_v1_ResetOffsetsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sluice_v1_ResetOffsetsResponse__Output>): grpc.ClientUnaryCall;
  ResetOffsets(argument: _sluice_v1_ResetOffsetsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_ResetOffsetsResponse__Output>): grpc.ClientUnaryCall;
  ResetOffsets(argument: _sluice_v1_ResetOffsetsRequest, callback: grpc.requestCallback<_sluice_v1_ResetOffsetsResponse__Output>): grpc.ClientUnaryCall;
  resetOffsets(argument: _sluice_v1_ResetOffsetsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_ResetOffsetsResponse__Output>): grpc.ClientUnaryCall;
  resetOffsets(argument: _sluice_v1_ResetOffsetsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sluice_v1_ResetOffsetsResponse__Output>): grpc.ClientUnaryCall;
  resetOffsets(argument: _sluice_v1_ResetOffsetsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_ResetOffsetsResponse__Output>): grpc.ClientUnaryCall;
  resetOffsets(argument: _sluice_v1_ResetOffsetsRequest, callback: grpc.requestCallback<_sluice_v1_ResetOffsetsResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface GroupsHandlers extends grpc.UntypedServiceImplementation {
  CommitOffsets: grpc.handleUnaryCall<_sluice_v1_CommitOffsetsRequest__Output, _sluice_v1_CommitOffsetsResponse>;
  
  DescribeGroup: grpc.handleUnaryCall<_sluice_v1_DescribeGroupRequest__Output, _sluice_v1_DescribeGroupResponse>;
  
  FetchOffsets: grpc.handleUnaryCall<_sluice_v1_FetchOffsetsRequest__Output, _sluice_v1_FetchOffsetsResponse>;
  
  FindCoordinator: grpc.handleUnaryCall<_sluice_v1_FindCoordinatorRequest__Output, _sluice_v1_FindCoordinatorResponse>;
  
  Heartbeat: grpc.handleUnaryCall<_sluice_v1_HeartbeatRequest__Output, _sluice_v1_HeartbeatResponse>;
  
  ListGroups: grpc.handleUnaryCall<_sluice_v1_ListGroupsRequest__Output, _sluice_v1_ListGroupsResponse>;
  
  ResetOffsets: grpc.handleUnaryCall<_sluice_v1_ResetOffsetsRequest__Output, _sluice_v1_ResetOffsetsResponse>;
  
}

export interface GroupsDefinition extends grpc.ServiceDefinition {
  CommitOffsets: MethodDefinition<_sluice_v1_CommitOffsetsRequest, _sluice_v1_CommitOffsetsResponse, _sluice_v1_CommitOffsetsRequest__Output, _sluice_v1_CommitOffsetsResponse__Output>
  DescribeGroup: MethodDefinition<_sluice_v1_DescribeGroupRequest, _sluice_v1_DescribeGroupResponse, _sluice_v1_DescribeGroupRequest__Output, _sluice_v1_DescribeGroupResponse__Output>
  FetchOffsets: MethodDefinition<_sluice_v1_FetchOffsetsRequest, _sluice_v1_FetchOffsetsResponse, _sluice_v1_FetchOffsetsRequest__Output, _sluice_v1_FetchOffsetsResponse__Output>
  FindCoordinator: MethodDefinition<_sluice_v1_FindCoordinatorRequest, _sluice_v1_FindCoordinatorResponse, _sluice_v1_FindCoordinatorRequest__Output, _sluice_v1_FindCoordinatorResponse__Output>
  Heartbeat: MethodDefinition<_sluice_v1_HeartbeatRequest, _sluice_v1_HeartbeatResponse, _sluice_v1_HeartbeatRequest__Output, _sluice_v1_HeartbeatResponse__Output>
  ListGroups: MethodDefinition<_sluice_v1_ListGroupsRequest, _sluice_v1_ListGroupsResponse, _sluice_v1_ListGroupsRequest__Output, _sluice_v1_ListGroupsResponse__Output>
  ResetOffsets: MethodDefinition<_sluice_v1_ResetOffsetsRequest, _sluice_v1_ResetOffsetsResponse, _sluice_v1_ResetOffsetsRequest__Output, _sluice_v1_ResetOffsetsResponse__Output>
}
