// Original file: proto/sluice/v1/broker.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { AclBinding as _sluice_v1_AclBinding, AclBinding__Output as _sluice_v1_AclBinding__Output } from '../../sluice/v1/AclBinding.js';
import type { AclChangeResponse as _sluice_v1_AclChangeResponse, AclChangeResponse__Output as _sluice_v1_AclChangeResponse__Output } from '../../sluice/v1/AclChangeResponse.js';
import type { AlterClientQuotasRequest as _sluice_v1_AlterClientQuotasRequest, AlterClientQuotasRequest__Output as _sluice_v1_AlterClientQuotasRequest__Output } from '../../sluice/v1/AlterClientQuotasRequest.js';
import type { AlterClientQuotasResponse as _sluice_v1_AlterClientQuotasResponse, AlterClientQuotasResponse__Output as _sluice_v1_AlterClientQuotasResponse__Output } from '../../sluice/v1/AlterClientQuotasResponse.js';
import type { AlterReassignmentsRequest as _sluice_v1_AlterReassignmentsRequest, AlterReassignmentsRequest__Output as _sluice_v1_AlterReassignmentsRequest__Output } from '../../sluice/v1/AlterReassignmentsRequest.js';
import type { AlterTopicConfigRequest as _sluice_v1_AlterTopicConfigRequest, AlterTopicConfigRequest__Output as _sluice_v1_AlterTopicConfigRequest__Output } from '../../sluice/v1/AlterTopicConfigRequest.js';
import type { CreatePartitionsRequest as _sluice_v1_CreatePartitionsRequest, CreatePartitionsRequest__Output as _sluice_v1_CreatePartitionsRequest__Output } from '../../sluice/v1/CreatePartitionsRequest.js';
import type { CreateTopicRequest as _sluice_v1_CreateTopicRequest, CreateTopicRequest__Output as _sluice_v1_CreateTopicRequest__Output } from '../../sluice/v1/CreateTopicRequest.js';
import type { DeleteTopicRequest as _sluice_v1_DeleteTopicRequest, DeleteTopicRequest__Output as _sluice_v1_DeleteTopicRequest__Output } from '../../sluice/v1/DeleteTopicRequest.js';
import type { DeleteTopicResponse as _sluice_v1_DeleteTopicResponse, DeleteTopicResponse__Output as _sluice_v1_DeleteTopicResponse__Output } from '../../sluice/v1/DeleteTopicResponse.js';
import type { DeleteUserRequest as _sluice_v1_DeleteUserRequest, DeleteUserRequest__Output as _sluice_v1_DeleteUserRequest__Output } from '../../sluice/v1/DeleteUserRequest.js';
import type { DeleteUserResponse as _sluice_v1_DeleteUserResponse, DeleteUserResponse__Output as _sluice_v1_DeleteUserResponse__Output } from '../../sluice/v1/DeleteUserResponse.js';
import type { DescribeClientQuotasRequest as _sluice_v1_DescribeClientQuotasRequest, DescribeClientQuotasRequest__Output as _sluice_v1_DescribeClientQuotasRequest__Output } from '../../sluice/v1/DescribeClientQuotasRequest.js';
import type { DescribeClientQuotasResponse as _sluice_v1_DescribeClientQuotasResponse, DescribeClientQuotasResponse__Output as _sluice_v1_DescribeClientQuotasResponse__Output } from '../../sluice/v1/DescribeClientQuotasResponse.js';
import type { DescribeTopicRequest as _sluice_v1_DescribeTopicRequest, DescribeTopicRequest__Output as _sluice_v1_DescribeTopicRequest__Output } from '../../sluice/v1/DescribeTopicRequest.js';
import type { ListAclsRequest as _sluice_v1_ListAclsRequest, ListAclsRequest__Output as _sluice_v1_ListAclsRequest__Output } from '../../sluice/v1/ListAclsRequest.js';
import type { ListAclsResponse as _sluice_v1_ListAclsResponse, ListAclsResponse__Output as _sluice_v1_ListAclsResponse__Output } from '../../sluice/v1/ListAclsResponse.js';
import type { ListReassignmentsRequest as _sluice_v1_ListReassignmentsRequest, ListReassignmentsRequest__Output as _sluice_v1_ListReassignmentsRequest__Output } from '../../sluice/v1/ListReassignmentsRequest.js';
import type { ListTopicsRequest as _sluice_v1_ListTopicsRequest, ListTopicsRequest__Output as _sluice_v1_ListTopicsRequest__Output } from '../../sluice/v1/ListTopicsRequest.js';
import type { ListTopicsResponse as _sluice_v1_ListTopicsResponse, ListTopicsResponse__Output as _sluice_v1_ListTopicsResponse__Output } from '../../sluice/v1/ListTopicsResponse.js';
import type { ListUsersRequest as _sluice_v1_ListUsersRequest, ListUsersRequest__Output as _sluice_v1_ListUsersRequest__Output } from '../../sluice/v1/ListUsersRequest.js';
import type { ListUsersResponse as _sluice_v1_ListUsersResponse, ListUsersResponse__Output as _sluice_v1_ListUsersResponse__Output } from '../../sluice/v1/ListUsersResponse.js';
import type { ReassignmentsResponse as _sluice_v1_ReassignmentsResponse, ReassignmentsResponse__Output as _sluice_v1_ReassignmentsResponse__Output } from '../../sluice/v1/ReassignmentsResponse.js';
import type { RepairPartitionRequest as _sluice_v1_RepairPartitionRequest, RepairPartitionRequest__Output as _sluice_v1_RepairPartitionRequest__Output } from '../../sluice/v1/RepairPartitionRequest.js';
import type { RepairPartitionResponse as _sluice_v1_RepairPartitionResponse, RepairPartitionResponse__Output as _sluice_v1_RepairPartitionResponse__Output } from '../../sluice/v1/RepairPartitionResponse.js';
import type { TopicDescription as _sluice_v1_TopicDescription, TopicDescription__Output as _sluice_v1_TopicDescription__Output } from '../../sluice/v1/TopicDescription.js';
import type { UnregisterBrokerRequest as _sluice_v1_UnregisterBrokerRequest, UnregisterBrokerRequest__Output as _sluice_v1_UnregisterBrokerRequest__Output } from '../../sluice/v1/UnregisterBrokerRequest.js';
import type { UnregisterBrokerResponse as _sluice_v1_UnregisterBrokerResponse, UnregisterBrokerResponse__Output as _sluice_v1_UnregisterBrokerResponse__Output } from '../../sluice/v1/UnregisterBrokerResponse.js';
import type { UpsertUserRequest as _sluice_v1_UpsertUserRequest, UpsertUserRequest__Output as _sluice_v1_UpsertUserRequest__Output } from '../../sluice/v1/UpsertUserRequest.js';
import type { UpsertUserResponse as _sluice_v1_UpsertUserResponse, UpsertUserResponse__Output as _sluice_v1_UpsertUserResponse__Output } from '../../sluice/v1/UpsertUserResponse.js';

export interface AdminClient extends grpc.Client {
  AlterClientQuotas(argument: _sluice_v1_AlterClientQuotasRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_AlterClientQuotasResponse__Output>): grpc.ClientUnaryCall;
  AlterClientQuotas(argument: _sluice_v1_AlterClientQuotasRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sluice_v1_AlterClientQuotasResponse__Output>): grpc.ClientUnaryCall;
  AlterClientQuotas(argument: _sluice_v1_AlterClientQuotasRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_AlterClientQuotasResponse__Output>): grpc.ClientUnaryCall;
  AlterClientQuotas(argument: _sluice_v1_AlterClientQuotasRequest, callback: grpc.requestCallback<_sluice_v1_AlterClientQuotasResponse__Output>): grpc.ClientUnaryCall;
  alterClientQuotas(argument: _sluice_v1_AlterClientQuotasRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_AlterClientQuotasResponse__Output>): grpc.ClientUnaryCall;
  alterClientQuotas(argument: _sluice_v1_AlterClientQuotasRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sluice_v1_AlterClientQuotasResponse__Output>): grpc.ClientUnaryCall;
  alterClientQuotas(argument: _sluice_v1_AlterClientQuotasRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_AlterClientQuotasResponse__Output>): grpc.ClientUnaryCall;
  alterClientQuotas(argument: _sluice_v1_AlterClientQuotasRequest, callback: grpc.requestCallback<_sluice_v1_AlterClientQuotasResponse__Output>): grpc.ClientUnaryCall;
  
  AlterReassignments(argument: _sluice_v1_AlterReassignmentsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_ReassignmentsResponse__Output>): grpc.ClientUnaryCall;
  AlterReassignments(argument: _sluice_v1_AlterReassignmentsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sluice_v1_ReassignmentsResponse__Output>): grpc.ClientUnaryCall;
  AlterReassignments(argument: _sluice_v1_AlterReassignmentsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_ReassignmentsResponse__Output>): grpc.ClientUnaryCall;
  AlterReassignments(argument: _sluice_v1_AlterReassignmentsRequest, callback: grpc.requestCallback<_sluice_v1_ReassignmentsResponse__Output>): grpc.ClientUnaryCall;
  alterReassignments(argument: _sluice_v1_AlterReassignmentsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_ReassignmentsResponse__Output>): grpc.ClientUnaryCall;
  alterReassignments(argument: _sluice_v1_AlterReassignmentsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sluice_v1_ReassignmentsResponse__Output>): grpc.ClientUnaryCall;
  alterReassignments(argument: _sluice_v1_AlterReassignmentsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_ReassignmentsResponse__Output>): grpc.ClientUnaryCall;
  alterReassignments(argument: _sluice_v1_AlterReassignmentsRequest, callback: grpc.requestCallback<_sluice_v1_ReassignmentsResponse__Output>): grpc.ClientUnaryCall;
  
  AlterTopicConfig(argument: _sluice_v1_AlterTopicConfigRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_TopicDescription__Output>): grpc.ClientUnaryCall;
  AlterTopicConfig(argument: _sluice_v1_AlterTopicConfigRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sluice_v1_TopicDescription__Output>): grpc.ClientUnaryCall;
  AlterTopicConfig(argument: _sluice_v1_AlterTopicConfigRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_TopicDescription__Output>): grpc.ClientUnaryCall;
  AlterTopicConfig(argument: _sluice_v1_AlterTopicConfigRequest, callback: grpc.requestCallback<_sluice_v1_TopicDescription__Output>): grpc.ClientUnaryCall;
  alterTopicConfig(argument: _sluice_v1_AlterTopicConfigRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_TopicDescription__Output>): grpc.ClientUnaryCall;
  alterTopicConfig(argument: _sluice_v1_AlterTopicConfigRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sluice_v1_TopicDescription__Output>): grpc.ClientUnaryCall;
  alterTopicConfig(argument: _sluice_v1_AlterTopicConfigRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_TopicDescription__Output>): grpc.ClientUnaryCall;
  alterTopicConfig(argument: _sluice_v1_AlterTopicConfigRequest, callback: grpc.requestCallback<_sluice_v1_TopicDescription__Output>): grpc.ClientUnaryCall;
  
  CreateAcl(argument: _sluice_v1_AclBinding, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_AclChangeResponse__Output>): grpc.ClientUnaryCall;
  CreateAcl(argument: _sluice_v1_AclBinding, metadata: grpc.Metadata, callback: grpc.requestCallback<_sluice_v1_AclChangeResponse__Output>): grpc.ClientUnaryCall;
  CreateAcl(argument: _sluice_v1_AclBinding, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_AclChangeResponse__Output>): grpc.ClientUnaryCall;
  CreateAcl(argument: _sluice_v1_AclBinding, callback: grpc.requestCallback<_sluice_v1_AclChangeResponse__Output>): grpc.ClientUnaryCall;
  createAcl(argument: _sluice_v1_AclBinding, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_AclChangeResponse__Output>): grpc.ClientUnaryCall;
  createAcl(argument: _sluice_v1_AclBinding, metadata: grpc.Metadata, callback: grpc.requestCallback<_sluice_v1_AclChangeResponse__Output>): grpc.ClientUnaryCall;
  createAcl(argument: _sluice_v1_AclBinding, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_AclChangeResponse__Output>): grpc.ClientUnaryCall;
  createAcl(argument: _sluice_v1_AclBinding, callback: grpc.requestCallback<_sluice_v1_AclChangeResponse__Output>): grpc.ClientUnaryCall;
  
  CreatePartitions(argument: _sluice_v1_CreatePartitionsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_TopicDescription__Output>): grpc.ClientUnaryCall;
  CreatePartitions(argument: _sluice_v1_CreatePartitionsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sluice_v1_TopicDescription__Output>): grpc.ClientUnaryCall;
  CreatePartitions(argument: _sluice_v1_CreatePartitionsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_TopicDescription__Output>): grpc.ClientUnaryCall;
  CreatePartitions(argument: _sluice_v1_CreatePartitionsRequest, callback: grpc.requestCallback<_sluice_v1_TopicDescription__Output>): grpc.ClientUnaryCall;
  createPartitions(argument: _sluice_v1_CreatePartitionsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_TopicDescription__Output>): grpc.ClientUnaryCall;
  createPartitions(argument: _sluice_v1_CreatePartitionsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sluice_v1_TopicDescription__Output>): grpc.ClientUnaryCall;
  createPartitions(argument: _sluice_v1_CreatePartitionsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_TopicDescription__Output>): grpc.ClientUnaryCall;
  createPartitions(argument: _sluice_v1_CreatePartitionsRequest, callback: grpc.requestCallback<_sluice_v1_TopicDescription__Output>): grpc.ClientUnaryCall;
  
  CreateTopic(argument: _sluice_v1_CreateTopicRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_TopicDescription__Output>): grpc.ClientUnaryCall;
  CreateTopic(argument: _sluice_v1_CreateTopicRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sluice_v1_TopicDescription__Output>): grpc.ClientUnaryCall;
  CreateTopic(argument: _sluice_v1_CreateTopicRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_TopicDescription__Output>): grpc.ClientUnaryCall;
  CreateTopic(argument: _sluice_v1_CreateTopicRequest, callback: grpc.requestCallback<_sluice_v1_TopicDescription__Output>): grpc.ClientUnaryCall;
  createTopic(argument: _sluice_v1_CreateTopicRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_TopicDescription__Output>): grpc.ClientUnaryCall;
  createTopic(argument: _sluice_v1_CreateTopicRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sluice_v1_TopicDescription__Output>): grpc.ClientUnaryCall;
  createTopic(argument: _sluice_v1_CreateTopicRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_TopicDescription__Output>): grpc.ClientUnaryCall;
  createTopic(argument: _sluice_v1_CreateTopicRequest, callback: grpc.requestCallback<_sluice_v1_TopicDescription__Output>): grpc.ClientUnaryCall;
  
  DeleteAcl(argument: _sluice_v1_AclBinding, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_AclChangeResponse__Output>): grpc.ClientUnaryCall;
  DeleteAcl(argument: _sluice_v1_AclBinding, metadata: grpc.Metadata, callback: grpc.requestCallback<_sluice_v1_AclChangeResponse__Output>): grpc.ClientUnaryCall;
  DeleteAcl(argument: _sluice_v1_AclBinding, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_AclChangeResponse__Output>): grpc.ClientUnaryCall;
  DeleteAcl(argument: _sluice_v1_AclBinding, callback: grpc.requestCallback<_sluice_v1_AclChangeResponse__Output>): grpc.ClientUnaryCall;
  deleteAcl(argument: _sluice_v1_AclBinding, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_AclChangeResponse__Output>): grpc.ClientUnaryCall;
  deleteAcl(argument: _sluice_v1_AclBinding, metadata: grpc.Metadata, callback: grpc.requestCallback<_sluice_v1_AclChangeResponse__Output>): grpc.ClientUnaryCall;
  deleteAcl(argument: _sluice_v1_AclBinding, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_AclChangeResponse__Output>): grpc.ClientUnaryCall;
  deleteAcl(argument: _sluice_v1_AclBinding, callback: grpc.requestCallback<_sluice_v1_AclChangeResponse__Output>): grpc.ClientUnaryCall;
  
  DeleteTopic(argument: _sluice_v1_DeleteTopicRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_DeleteTopicResponse__Output>): grpc.ClientUnaryCall;
  DeleteTopic(argument: _sluice_v1_DeleteTopicRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sluice_v1_DeleteTopicResponse__Output>): grpc.ClientUnaryCall;
  DeleteTopic(argument: _sluice_v1_DeleteTopicRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_DeleteTopicResponse__Output>): grpc.ClientUnaryCall;
  DeleteTopic(argument: _sluice_v1_DeleteTopicRequest, callback: grpc.requestCallback<_sluice_v1_DeleteTopicResponse__Output>): grpc.ClientUnaryCall;
  deleteTopic(argument: _sluice_v1_DeleteTopicRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_DeleteTopicResponse__Output>): grpc.ClientUnaryCall;
  deleteTopic(argument: _sluice_v1_DeleteTopicRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sluice_v1_DeleteTopicResponse__Output>): grpc.ClientUnaryCall;
  deleteTopic(argument: _sluice_v1_DeleteTopicRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_DeleteTopicResponse__Output>): grpc.ClientUnaryCall;
  deleteTopic(argument: _sluice_v1_DeleteTopicRequest, callback: grpc.requestCallback<_sluice_v1_DeleteTopicResponse__Output>): grpc.ClientUnaryCall;
  
  DeleteUser(argument: _sluice_v1_DeleteUserRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_DeleteUserResponse__Output>): grpc.ClientUnaryCall;
  DeleteUser(argument: _sluice_v1_DeleteUserRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sluice_v1_DeleteUserResponse__Output>): grpc.ClientUnaryCall;
  DeleteUser(argument: _sluice_v1_DeleteUserRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_DeleteUserResponse__Output>): grpc.ClientUnaryCall;
  DeleteUser(argument: _sluice_v1_DeleteUserRequest, callback: grpc.requestCallback<_sluice_v1_DeleteUserResponse__Output>): grpc.ClientUnaryCall;
  deleteUser(argument: _sluice_v1_DeleteUserRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_DeleteUserResponse__Output>): grpc.ClientUnaryCall;
  deleteUser(argument: _sluice_v1_DeleteUserRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sluice_v1_DeleteUserResponse__Output>): grpc.ClientUnaryCall;
  deleteUser(argument: _sluice_v1_DeleteUserRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_DeleteUserResponse__Output>): grpc.ClientUnaryCall;
  deleteUser(argument: _sluice_v1_DeleteUserRequest, callback: grpc.requestCallback<_sluice_v1_DeleteUserResponse__Output>): grpc.ClientUnaryCall;
  
  DescribeClientQuotas(argument: _sluice_v1_DescribeClientQuotasRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_DescribeClientQuotasResponse__Output>): grpc.ClientUnaryCall;
  DescribeClientQuotas(argument: _sluice_v1_DescribeClientQuotasRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sluice_v1_DescribeClientQuotasResponse__Output>): grpc.ClientUnaryCall;
  DescribeClientQuotas(argument: _sluice_v1_DescribeClientQuotasRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_DescribeClientQuotasResponse__Output>): grpc.ClientUnaryCall;
  DescribeClientQuotas(argument: _sluice_v1_DescribeClientQuotasRequest, callback: grpc.requestCallback<_sluice_v1_DescribeClientQuotasResponse__Output>): grpc.ClientUnaryCall;
  describeClientQuotas(argument: _sluice_v1_DescribeClientQuotasRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_DescribeClientQuotasResponse__Output>): grpc.ClientUnaryCall;
  describeClientQuotas(argument: _sluice_v1_DescribeClientQuotasRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sluice_v1_DescribeClientQuotasResponse__Output>): grpc.ClientUnaryCall;
  describeClientQuotas(argument: _sluice_v1_DescribeClientQuotasRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_DescribeClientQuotasResponse__Output>): grpc.ClientUnaryCall;
  describeClientQuotas(argument: _sluice_v1_DescribeClientQuotasRequest, callback: grpc.requestCallback<_sluice_v1_DescribeClientQuotasResponse__Output>): grpc.ClientUnaryCall;
  
  DescribeTopic(argument: _sluice_v1_DescribeTopicRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_TopicDescription__Output>): grpc.ClientUnaryCall;
  DescribeTopic(argument: _sluice_v1_DescribeTopicRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sluice_v1_TopicDescription__Output>): grpc.ClientUnaryCall;
  DescribeTopic(argument: _sluice_v1_DescribeTopicRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_TopicDescription__Output>): grpc.ClientUnaryCall;
  DescribeTopic(argument: _sluice_v1_DescribeTopicRequest, callback: grpc.requestCallback<_sluice_v1_TopicDescription__Output>): grpc.ClientUnaryCall;
  describeTopic(argument: _sluice_v1_DescribeTopicRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_TopicDescription__Output>): grpc.ClientUnaryCall;
  describeTopic(argument: _sluice_v1_DescribeTopicRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sluice_v1_TopicDescription__Output>): grpc.ClientUnaryCall;
  describeTopic(argument: _sluice_v1_DescribeTopicRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_TopicDescription__Output>): grpc.ClientUnaryCall;
  describeTopic(argument: _sluice_v1_DescribeTopicRequest, callback: grpc.requestCallback<_sluice_v1_TopicDescription__Output>): grpc.ClientUnaryCall;
  
  ListAcls(argument: _sluice_v1_ListAclsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_ListAclsResponse__Output>): grpc.ClientUnaryCall;
  ListAcls(argument: _sluice_v1_ListAclsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sluice_v1_ListAclsResponse__Output>): grpc.ClientUnaryCall;
  ListAcls(argument: _sluice_v1_ListAclsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_ListAclsResponse__Output>): grpc.ClientUnaryCall;
  ListAcls(argument: _sluice_v1_ListAclsRequest, callback: grpc.requestCallback<_sluice_v1_ListAclsResponse__Output>): grpc.ClientUnaryCall;
  listAcls(argument: _sluice_v1_ListAclsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_ListAclsResponse__Output>): grpc.ClientUnaryCall;
  listAcls(argument: _sluice_v1_ListAclsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sluice_v1_ListAclsResponse__Output>): grpc.ClientUnaryCall;
  listAcls(argument: _sluice_v1_ListAclsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_ListAclsResponse__Output>): grpc.ClientUnaryCall;
  listAcls(argument: _sluice_v1_ListAclsRequest, callback: grpc.requestCallback<_sluice_v1_ListAclsResponse__Output>): grpc.ClientUnaryCall;
  
  ListReassignments(argument: _sluice_v1_ListReassignmentsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_ReassignmentsResponse__Output>): grpc.ClientUnaryCall;
  ListReassignments(argument: _sluice_v1_ListReassignmentsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sluice_v1_ReassignmentsResponse__Output>): grpc.ClientUnaryCall;
  ListReassignments(argument: _sluice_v1_ListReassignmentsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_ReassignmentsResponse__Output>): grpc.ClientUnaryCall;
  ListReassignments(argument: _sluice_v1_ListReassignmentsRequest, callback: grpc.requestCallback<_sluice_v1_ReassignmentsResponse__Output>): grpc.ClientUnaryCall;
  listReassignments(argument: _sluice_v1_ListReassignmentsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_ReassignmentsResponse__Output>): grpc.ClientUnaryCall;
  listReassignments(argument: _sluice_v1_ListReassignmentsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sluice_v1_ReassignmentsResponse__Output>): grpc.ClientUnaryCall;
  listReassignments(argument: _sluice_v1_ListReassignmentsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_ReassignmentsResponse__Output>): grpc.ClientUnaryCall;
  listReassignments(argument: _sluice_v1_ListReassignmentsRequest, callback: grpc.requestCallback<_sluice_v1_ReassignmentsResponse__Output>): grpc.ClientUnaryCall;
  
  ListTopics(argument: _sluice_v1_ListTopicsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_ListTopicsResponse__Output>): grpc.ClientUnaryCall;
  ListTopics(argument: _sluice_v1_ListTopicsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sluice_v1_ListTopicsResponse__Output>): grpc.ClientUnaryCall;
  ListTopics(argument: _sluice_v1_ListTopicsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_ListTopicsResponse__Output>): grpc.ClientUnaryCall;
  ListTopics(argument: _sluice_v1_ListTopicsRequest, callback: grpc.requestCallback<_sluice_v1_ListTopicsResponse__Output>): grpc.ClientUnaryCall;
  listTopics(argument: _sluice_v1_ListTopicsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_ListTopicsResponse__Output>): grpc.ClientUnaryCall;
  listTopics(argument: _sluice_v1_ListTopicsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sluice_v1_ListTopicsResponse__Output>): grpc.ClientUnaryCall;
  listTopics(argument: _sluice_v1_ListTopicsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_ListTopicsResponse__Output>): grpc.ClientUnaryCall;
  listTopics(argument: _sluice_v1_ListTopicsRequest, callback: grpc.requestCallback<_sluice_v1_ListTopicsResponse__Output>): grpc.ClientUnaryCall;
  
  ListUsers(argument: _sluice_v1_ListUsersRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_ListUsersResponse__Output>): grpc.ClientUnaryCall;
  ListUsers(argument: _sluice_v1_ListUsersRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sluice_v1_ListUsersResponse__Output>): grpc.ClientUnaryCall;
  ListUsers(argument: _sluice_v1_ListUsersRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_ListUsersResponse__Output>): grpc.ClientUnaryCall;
  ListUsers(argument: _sluice_v1_ListUsersRequest, callback: grpc.requestCallback<_sluice_v1_ListUsersResponse__Output>): grpc.ClientUnaryCall;
  listUsers(argument: _sluice_v1_ListUsersRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_ListUsersResponse__Output>): grpc.ClientUnaryCall;
  listUsers(argument: _sluice_v1_ListUsersRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sluice_v1_ListUsersResponse__Output>): grpc.ClientUnaryCall;
  listUsers(argument: _sluice_v1_ListUsersRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_ListUsersResponse__Output>): grpc.ClientUnaryCall;
  listUsers(argument: _sluice_v1_ListUsersRequest, callback: grpc.requestCallback<_sluice_v1_ListUsersResponse__Output>): grpc.ClientUnaryCall;
  
  RepairPartition(argument: _sluice_v1_RepairPartitionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_RepairPartitionResponse__Output>): grpc.ClientUnaryCall;
  RepairPartition(argument: _sluice_v1_RepairPartitionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sluice_v1_RepairPartitionResponse__Output>): grpc.ClientUnaryCall;
  RepairPartition(argument: _sluice_v1_RepairPartitionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_RepairPartitionResponse__Output>): grpc.ClientUnaryCall;
  RepairPartition(argument: _sluice_v1_RepairPartitionRequest, callback: grpc.requestCallback<_sluice_v1_RepairPartitionResponse__Output>): grpc.ClientUnaryCall;
  repairPartition(argument: _sluice_v1_RepairPartitionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_RepairPartitionResponse__Output>): grpc.ClientUnaryCall;
  repairPartition(argument: _sluice_v1_RepairPartitionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sluice_v1_RepairPartitionResponse__Output>): grpc.ClientUnaryCall;
  repairPartition(argument: _sluice_v1_RepairPartitionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_RepairPartitionResponse__Output>): grpc.ClientUnaryCall;
  repairPartition(argument: _sluice_v1_RepairPartitionRequest, callback: grpc.requestCallback<_sluice_v1_RepairPartitionResponse__Output>): grpc.ClientUnaryCall;
  
  UnregisterBroker(argument: _sluice_v1_UnregisterBrokerRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_UnregisterBrokerResponse__Output>): grpc.ClientUnaryCall;
  UnregisterBroker(argument: _sluice_v1_UnregisterBrokerRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sluice_v1_UnregisterBrokerResponse__Output>): grpc.ClientUnaryCall;
  UnregisterBroker(argument: _sluice_v1_UnregisterBrokerRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_UnregisterBrokerResponse__Output>): grpc.ClientUnaryCall;
  UnregisterBroker(argument: _sluice_v1_UnregisterBrokerRequest, callback: grpc.requestCallback<_sluice_v1_UnregisterBrokerResponse__Output>): grpc.ClientUnaryCall;
  unregisterBroker(argument: _sluice_v1_UnregisterBrokerRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_UnregisterBrokerResponse__Output>): grpc.ClientUnaryCall;
  unregisterBroker(argument: _sluice_v1_UnregisterBrokerRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sluice_v1_UnregisterBrokerResponse__Output>): grpc.ClientUnaryCall;
  unregisterBroker(argument: _sluice_v1_UnregisterBrokerRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_UnregisterBrokerResponse__Output>): grpc.ClientUnaryCall;
  unregisterBroker(argument: _sluice_v1_UnregisterBrokerRequest, callback: grpc.requestCallback<_sluice_v1_UnregisterBrokerResponse__Output>): grpc.ClientUnaryCall;
  
  UpsertUser(argument: _sluice_v1_UpsertUserRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_UpsertUserResponse__Output>): grpc.ClientUnaryCall;
  UpsertUser(argument: _sluice_v1_UpsertUserRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sluice_v1_UpsertUserResponse__Output>): grpc.ClientUnaryCall;
  UpsertUser(argument: _sluice_v1_UpsertUserRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_UpsertUserResponse__Output>): grpc.ClientUnaryCall;
  UpsertUser(argument: _sluice_v1_UpsertUserRequest, callback: grpc.requestCallback<_sluice_v1_UpsertUserResponse__Output>): grpc.ClientUnaryCall;
  upsertUser(argument: _sluice_v1_UpsertUserRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_UpsertUserResponse__Output>): grpc.ClientUnaryCall;
  upsertUser(argument: _sluice_v1_UpsertUserRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sluice_v1_UpsertUserResponse__Output>): grpc.ClientUnaryCall;
  upsertUser(argument: _sluice_v1_UpsertUserRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_UpsertUserResponse__Output>): grpc.ClientUnaryCall;
  upsertUser(argument: _sluice_v1_UpsertUserRequest, callback: grpc.requestCallback<_sluice_v1_UpsertUserResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface AdminHandlers extends grpc.UntypedServiceImplementation {
  AlterClientQuotas: grpc.handleUnaryCall<_sluice_v1_AlterClientQuotasRequest__Output, _sluice_v1_AlterClientQuotasResponse>;
  
  AlterReassignments: grpc.handleUnaryCall<_sluice_v1_AlterReassignmentsRequest__Output, _sluice_v1_ReassignmentsResponse>;
  
  AlterTopicConfig: grpc.handleUnaryCall<_sluice_v1_AlterTopicConfigRequest__Output, _sluice_v1_TopicDescription>;
  
  CreateAcl: grpc.handleUnaryCall<_sluice_v1_AclBinding__Output, _sluice_v1_AclChangeResponse>;
  
  CreatePartitions: grpc.handleUnaryCall<_sluice_v1_CreatePartitionsRequest__Output, _sluice_v1_TopicDescription>;
  
  CreateTopic: grpc.handleUnaryCall<_sluice_v1_CreateTopicRequest__Output, _sluice_v1_TopicDescription>;
  
  DeleteAcl: grpc.handleUnaryCall<_sluice_v1_AclBinding__Output, _sluice_v1_AclChangeResponse>;
  
  DeleteTopic: grpc.handleUnaryCall<_sluice_v1_DeleteTopicRequest__Output, _sluice_v1_DeleteTopicResponse>;
  
  DeleteUser: grpc.handleUnaryCall<_sluice_v1_DeleteUserRequest__Output, _sluice_v1_DeleteUserResponse>;
  
  DescribeClientQuotas: grpc.handleUnaryCall<_sluice_v1_DescribeClientQuotasRequest__Output, _sluice_v1_DescribeClientQuotasResponse>;
  
  DescribeTopic: grpc.handleUnaryCall<_sluice_v1_DescribeTopicRequest__Output, _sluice_v1_TopicDescription>;
  
  ListAcls: grpc.handleUnaryCall<_sluice_v1_ListAclsRequest__Output, _sluice_v1_ListAclsResponse>;
  
  ListReassignments: grpc.handleUnaryCall<_sluice_v1_ListReassignmentsRequest__Output, _sluice_v1_ReassignmentsResponse>;
  
  ListTopics: grpc.handleUnaryCall<_sluice_v1_ListTopicsRequest__Output, _sluice_v1_ListTopicsResponse>;
  
  ListUsers: grpc.handleUnaryCall<_sluice_v1_ListUsersRequest__Output, _sluice_v1_ListUsersResponse>;
  
  RepairPartition: grpc.handleUnaryCall<_sluice_v1_RepairPartitionRequest__Output, _sluice_v1_RepairPartitionResponse>;
  
  UnregisterBroker: grpc.handleUnaryCall<_sluice_v1_UnregisterBrokerRequest__Output, _sluice_v1_UnregisterBrokerResponse>;
  
  UpsertUser: grpc.handleUnaryCall<_sluice_v1_UpsertUserRequest__Output, _sluice_v1_UpsertUserResponse>;
  
}

export interface AdminDefinition extends grpc.ServiceDefinition {
  AlterClientQuotas: MethodDefinition<_sluice_v1_AlterClientQuotasRequest, _sluice_v1_AlterClientQuotasResponse, _sluice_v1_AlterClientQuotasRequest__Output, _sluice_v1_AlterClientQuotasResponse__Output>
  AlterReassignments: MethodDefinition<_sluice_v1_AlterReassignmentsRequest, _sluice_v1_ReassignmentsResponse, _sluice_v1_AlterReassignmentsRequest__Output, _sluice_v1_ReassignmentsResponse__Output>
  AlterTopicConfig: MethodDefinition<_sluice_v1_AlterTopicConfigRequest, _sluice_v1_TopicDescription, _sluice_v1_AlterTopicConfigRequest__Output, _sluice_v1_TopicDescription__Output>
  CreateAcl: MethodDefinition<_sluice_v1_AclBinding, _sluice_v1_AclChangeResponse, _sluice_v1_AclBinding__Output, _sluice_v1_AclChangeResponse__Output>
  CreatePartitions: MethodDefinition<_sluice_v1_CreatePartitionsRequest, _sluice_v1_TopicDescription, _sluice_v1_CreatePartitionsRequest__Output, _sluice_v1_TopicDescription__Output>
  CreateTopic: MethodDefinition<_sluice_v1_CreateTopicRequest, _sluice_v1_TopicDescription, _sluice_v1_CreateTopicRequest__Output, _sluice_v1_TopicDescription__Output>
  DeleteAcl: MethodDefinition<_sluice_v1_AclBinding, _sluice_v1_AclChangeResponse, _sluice_v1_AclBinding__Output, _sluice_v1_AclChangeResponse__Output>
  DeleteTopic: MethodDefinition<_sluice_v1_DeleteTopicRequest, _sluice_v1_DeleteTopicResponse, _sluice_v1_DeleteTopicRequest__Output, _sluice_v1_DeleteTopicResponse__Output>
  DeleteUser: MethodDefinition<_sluice_v1_DeleteUserRequest, _sluice_v1_DeleteUserResponse, _sluice_v1_DeleteUserRequest__Output, _sluice_v1_DeleteUserResponse__Output>
  DescribeClientQuotas: MethodDefinition<_sluice_v1_DescribeClientQuotasRequest, _sluice_v1_DescribeClientQuotasResponse, _sluice_v1_DescribeClientQuotasRequest__Output, _sluice_v1_DescribeClientQuotasResponse__Output>
  DescribeTopic: MethodDefinition<_sluice_v1_DescribeTopicRequest, _sluice_v1_TopicDescription, _sluice_v1_DescribeTopicRequest__Output, _sluice_v1_TopicDescription__Output>
  ListAcls: MethodDefinition<_sluice_v1_ListAclsRequest, _sluice_v1_ListAclsResponse, _sluice_v1_ListAclsRequest__Output, _sluice_v1_ListAclsResponse__Output>
  ListReassignments: MethodDefinition<_sluice_v1_ListReassignmentsRequest, _sluice_v1_ReassignmentsResponse, _sluice_v1_ListReassignmentsRequest__Output, _sluice_v1_ReassignmentsResponse__Output>
  ListTopics: MethodDefinition<_sluice_v1_ListTopicsRequest, _sluice_v1_ListTopicsResponse, _sluice_v1_ListTopicsRequest__Output, _sluice_v1_ListTopicsResponse__Output>
  ListUsers: MethodDefinition<_sluice_v1_ListUsersRequest, _sluice_v1_ListUsersResponse, _sluice_v1_ListUsersRequest__Output, _sluice_v1_ListUsersResponse__Output>
  RepairPartition: MethodDefinition<_sluice_v1_RepairPartitionRequest, _sluice_v1_RepairPartitionResponse, _sluice_v1_RepairPartitionRequest__Output, _sluice_v1_RepairPartitionResponse__Output>
  UnregisterBroker: MethodDefinition<_sluice_v1_UnregisterBrokerRequest, _sluice_v1_UnregisterBrokerResponse, _sluice_v1_UnregisterBrokerRequest__Output, _sluice_v1_UnregisterBrokerResponse__Output>
  UpsertUser: MethodDefinition<_sluice_v1_UpsertUserRequest, _sluice_v1_UpsertUserResponse, _sluice_v1_UpsertUserRequest__Output, _sluice_v1_UpsertUserResponse__Output>
}
