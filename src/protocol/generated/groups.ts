import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { CommitOffsetsRequest as _sluice_v1_CommitOffsetsRequest, CommitOffsetsRequest__Output as _sluice_v1_CommitOffsetsRequest__Output } from './sluice/v1/CommitOffsetsRequest.js';
import type { CommitOffsetsResponse as _sluice_v1_CommitOffsetsResponse, CommitOffsetsResponse__Output as _sluice_v1_CommitOffsetsResponse__Output } from './sluice/v1/CommitOffsetsResponse.js';
import type { DescribeGroupRequest as _sluice_v1_DescribeGroupRequest, DescribeGroupRequest__Output as _sluice_v1_DescribeGroupRequest__Output } from './sluice/v1/DescribeGroupRequest.js';
import type { DescribeGroupResponse as _sluice_v1_DescribeGroupResponse, DescribeGroupResponse__Output as _sluice_v1_DescribeGroupResponse__Output } from './sluice/v1/DescribeGroupResponse.js';
import type { FetchOffsetsRequest as _sluice_v1_FetchOffsetsRequest, FetchOffsetsRequest__Output as _sluice_v1_FetchOffsetsRequest__Output } from './sluice/v1/FetchOffsetsRequest.js';
import type { FetchOffsetsResponse as _sluice_v1_FetchOffsetsResponse, FetchOffsetsResponse__Output as _sluice_v1_FetchOffsetsResponse__Output } from './sluice/v1/FetchOffsetsResponse.js';
import type { FindCoordinatorRequest as _sluice_v1_FindCoordinatorRequest, FindCoordinatorRequest__Output as _sluice_v1_FindCoordinatorRequest__Output } from './sluice/v1/FindCoordinatorRequest.js';
import type { FindCoordinatorResponse as _sluice_v1_FindCoordinatorResponse, FindCoordinatorResponse__Output as _sluice_v1_FindCoordinatorResponse__Output } from './sluice/v1/FindCoordinatorResponse.js';
import type { GroupSummary as _sluice_v1_GroupSummary, GroupSummary__Output as _sluice_v1_GroupSummary__Output } from './sluice/v1/GroupSummary.js';
import type { GroupsClient as _sluice_v1_GroupsClient, GroupsDefinition as _sluice_v1_GroupsDefinition } from './sluice/v1/Groups.js';
import type { HeartbeatRequest as _sluice_v1_HeartbeatRequest, HeartbeatRequest__Output as _sluice_v1_HeartbeatRequest__Output } from './sluice/v1/HeartbeatRequest.js';
import type { HeartbeatResponse as _sluice_v1_HeartbeatResponse, HeartbeatResponse__Output as _sluice_v1_HeartbeatResponse__Output } from './sluice/v1/HeartbeatResponse.js';
import type { ListGroupsRequest as _sluice_v1_ListGroupsRequest, ListGroupsRequest__Output as _sluice_v1_ListGroupsRequest__Output } from './sluice/v1/ListGroupsRequest.js';
import type { ListGroupsResponse as _sluice_v1_ListGroupsResponse, ListGroupsResponse__Output as _sluice_v1_ListGroupsResponse__Output } from './sluice/v1/ListGroupsResponse.js';
import type { MemberDescription as _sluice_v1_MemberDescription, MemberDescription__Output as _sluice_v1_MemberDescription__Output } from './sluice/v1/MemberDescription.js';
import type { PartitionLag as _sluice_v1_PartitionLag, PartitionLag__Output as _sluice_v1_PartitionLag__Output } from './sluice/v1/PartitionLag.js';
import type { PartitionOffset as _sluice_v1_PartitionOffset, PartitionOffset__Output as _sluice_v1_PartitionOffset__Output } from './sluice/v1/PartitionOffset.js';
import type { RecordAttempts as _sluice_v1_RecordAttempts, RecordAttempts__Output as _sluice_v1_RecordAttempts__Output } from './sluice/v1/RecordAttempts.js';
import type { ResetOffsetsRequest as _sluice_v1_ResetOffsetsRequest, ResetOffsetsRequest__Output as _sluice_v1_ResetOffsetsRequest__Output } from './sluice/v1/ResetOffsetsRequest.js';
import type { ResetOffsetsResponse as _sluice_v1_ResetOffsetsResponse, ResetOffsetsResponse__Output as _sluice_v1_ResetOffsetsResponse__Output } from './sluice/v1/ResetOffsetsResponse.js';
import type { TopicPartitions as _sluice_v1_TopicPartitions, TopicPartitions__Output as _sluice_v1_TopicPartitions__Output } from './sluice/v1/TopicPartitions.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  sluice: {
    v1: {
      CommitOffsetsRequest: MessageTypeDefinition<_sluice_v1_CommitOffsetsRequest, _sluice_v1_CommitOffsetsRequest__Output>
      CommitOffsetsResponse: MessageTypeDefinition<_sluice_v1_CommitOffsetsResponse, _sluice_v1_CommitOffsetsResponse__Output>
      DescribeGroupRequest: MessageTypeDefinition<_sluice_v1_DescribeGroupRequest, _sluice_v1_DescribeGroupRequest__Output>
      DescribeGroupResponse: MessageTypeDefinition<_sluice_v1_DescribeGroupResponse, _sluice_v1_DescribeGroupResponse__Output>
      FetchOffsetsRequest: MessageTypeDefinition<_sluice_v1_FetchOffsetsRequest, _sluice_v1_FetchOffsetsRequest__Output>
      FetchOffsetsResponse: MessageTypeDefinition<_sluice_v1_FetchOffsetsResponse, _sluice_v1_FetchOffsetsResponse__Output>
      FindCoordinatorRequest: MessageTypeDefinition<_sluice_v1_FindCoordinatorRequest, _sluice_v1_FindCoordinatorRequest__Output>
      FindCoordinatorResponse: MessageTypeDefinition<_sluice_v1_FindCoordinatorResponse, _sluice_v1_FindCoordinatorResponse__Output>
      GroupSummary: MessageTypeDefinition<_sluice_v1_GroupSummary, _sluice_v1_GroupSummary__Output>
      Groups: SubtypeConstructor<typeof grpc.Client, _sluice_v1_GroupsClient> & { service: _sluice_v1_GroupsDefinition }
      HeartbeatRequest: MessageTypeDefinition<_sluice_v1_HeartbeatRequest, _sluice_v1_HeartbeatRequest__Output>
      HeartbeatResponse: MessageTypeDefinition<_sluice_v1_HeartbeatResponse, _sluice_v1_HeartbeatResponse__Output>
      ListGroupsRequest: MessageTypeDefinition<_sluice_v1_ListGroupsRequest, _sluice_v1_ListGroupsRequest__Output>
      ListGroupsResponse: MessageTypeDefinition<_sluice_v1_ListGroupsResponse, _sluice_v1_ListGroupsResponse__Output>
      MemberDescription: MessageTypeDefinition<_sluice_v1_MemberDescription, _sluice_v1_MemberDescription__Output>
      PartitionLag: MessageTypeDefinition<_sluice_v1_PartitionLag, _sluice_v1_PartitionLag__Output>
      PartitionOffset: MessageTypeDefinition<_sluice_v1_PartitionOffset, _sluice_v1_PartitionOffset__Output>
      RecordAttempts: MessageTypeDefinition<_sluice_v1_RecordAttempts, _sluice_v1_RecordAttempts__Output>
      ResetOffsetsRequest: MessageTypeDefinition<_sluice_v1_ResetOffsetsRequest, _sluice_v1_ResetOffsetsRequest__Output>
      ResetOffsetsResponse: MessageTypeDefinition<_sluice_v1_ResetOffsetsResponse, _sluice_v1_ResetOffsetsResponse__Output>
      TopicPartitions: MessageTypeDefinition<_sluice_v1_TopicPartitions, _sluice_v1_TopicPartitions__Output>
    }
  }
}

