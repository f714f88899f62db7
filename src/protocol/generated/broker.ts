import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { AclBinding as _sluice_v1_AclBinding, AclBinding__Output as _sluice_v1_AclBinding__Output } from './sluice/v1/AclBinding.js';
import type { AclChangeResponse as _sluice_v1_AclChangeResponse, AclChangeResponse__Output as _sluice_v1_AclChangeResponse__Output } from './sluice/v1/AclChangeResponse.js';
import type { AdminClient as _sluice_v1_AdminClient, AdminDefinition as _sluice_v1_AdminDefinition } from './sluice/v1/Admin.js';
import type { AlterClientQuotasRequest as _sluice_v1_AlterClientQuotasRequest, AlterClientQuotasRequest__Output as _sluice_v1_AlterClientQuotasRequest__Output } from './sluice/v1/AlterClientQuotasRequest.js';
import type { AlterClientQuotasResponse as _sluice_v1_AlterClientQuotasResponse, AlterClientQuotasResponse__Output as _sluice_v1_AlterClientQuotasResponse__Output } from './sluice/v1/AlterClientQuotasResponse.js';
import type { AlterReassignmentsRequest as _sluice_v1_AlterReassignmentsRequest, AlterReassignmentsRequest__Output as _sluice_v1_AlterReassignmentsRequest__Output } from './sluice/v1/AlterReassignmentsRequest.js';
import type { AlterTopicConfigRequest as _sluice_v1_AlterTopicConfigRequest, AlterTopicConfigRequest__Output as _sluice_v1_AlterTopicConfigRequest__Output } from './sluice/v1/AlterTopicConfigRequest.js';
import type { AuthClient as _sluice_v1_AuthClient, AuthDefinition as _sluice_v1_AuthDefinition } from './sluice/v1/Auth.js';
import type { BrokerClient as _sluice_v1_BrokerClient, BrokerDefinition as _sluice_v1_BrokerDefinition } from './sluice/v1/Broker.js';
import type { BrokerInfo as _sluice_v1_BrokerInfo, BrokerInfo__Output as _sluice_v1_BrokerInfo__Output } from './sluice/v1/BrokerInfo.js';
import type { ClientQuotaEntry as _sluice_v1_ClientQuotaEntry, ClientQuotaEntry__Output as _sluice_v1_ClientQuotaEntry__Output } from './sluice/v1/ClientQuotaEntry.js';
import type { CreatePartitionsRequest as _sluice_v1_CreatePartitionsRequest, CreatePartitionsRequest__Output as _sluice_v1_CreatePartitionsRequest__Output } from './sluice/v1/CreatePartitionsRequest.js';
import type { CreateTopicRequest as _sluice_v1_CreateTopicRequest, CreateTopicRequest__Output as _sluice_v1_CreateTopicRequest__Output } from './sluice/v1/CreateTopicRequest.js';
import type { DeleteTopicRequest as _sluice_v1_DeleteTopicRequest, DeleteTopicRequest__Output as _sluice_v1_DeleteTopicRequest__Output } from './sluice/v1/DeleteTopicRequest.js';
import type { DeleteTopicResponse as _sluice_v1_DeleteTopicResponse, DeleteTopicResponse__Output as _sluice_v1_DeleteTopicResponse__Output } from './sluice/v1/DeleteTopicResponse.js';
import type { DeleteUserRequest as _sluice_v1_DeleteUserRequest, DeleteUserRequest__Output as _sluice_v1_DeleteUserRequest__Output } from './sluice/v1/DeleteUserRequest.js';
import type { DeleteUserResponse as _sluice_v1_DeleteUserResponse, DeleteUserResponse__Output as _sluice_v1_DeleteUserResponse__Output } from './sluice/v1/DeleteUserResponse.js';
import type { DescribeClientQuotasRequest as _sluice_v1_DescribeClientQuotasRequest, DescribeClientQuotasRequest__Output as _sluice_v1_DescribeClientQuotasRequest__Output } from './sluice/v1/DescribeClientQuotasRequest.js';
import type { DescribeClientQuotasResponse as _sluice_v1_DescribeClientQuotasResponse, DescribeClientQuotasResponse__Output as _sluice_v1_DescribeClientQuotasResponse__Output } from './sluice/v1/DescribeClientQuotasResponse.js';
import type { DescribeTopicRequest as _sluice_v1_DescribeTopicRequest, DescribeTopicRequest__Output as _sluice_v1_DescribeTopicRequest__Output } from './sluice/v1/DescribeTopicRequest.js';
import type { FetchRequest as _sluice_v1_FetchRequest, FetchRequest__Output as _sluice_v1_FetchRequest__Output } from './sluice/v1/FetchRequest.js';
import type { FetchResponse as _sluice_v1_FetchResponse, FetchResponse__Output as _sluice_v1_FetchResponse__Output } from './sluice/v1/FetchResponse.js';
import type { InitProducerIdRequest as _sluice_v1_InitProducerIdRequest, InitProducerIdRequest__Output as _sluice_v1_InitProducerIdRequest__Output } from './sluice/v1/InitProducerIdRequest.js';
import type { InitProducerIdResponse as _sluice_v1_InitProducerIdResponse, InitProducerIdResponse__Output as _sluice_v1_InitProducerIdResponse__Output } from './sluice/v1/InitProducerIdResponse.js';
import type { ListAclsRequest as _sluice_v1_ListAclsRequest, ListAclsRequest__Output as _sluice_v1_ListAclsRequest__Output } from './sluice/v1/ListAclsRequest.js';
import type { ListAclsResponse as _sluice_v1_ListAclsResponse, ListAclsResponse__Output as _sluice_v1_ListAclsResponse__Output } from './sluice/v1/ListAclsResponse.js';
import type { ListOffsetsRequest as _sluice_v1_ListOffsetsRequest, ListOffsetsRequest__Output as _sluice_v1_ListOffsetsRequest__Output } from './sluice/v1/ListOffsetsRequest.js';
import type { ListOffsetsResponse as _sluice_v1_ListOffsetsResponse, ListOffsetsResponse__Output as _sluice_v1_ListOffsetsResponse__Output } from './sluice/v1/ListOffsetsResponse.js';
import type { ListReassignmentsRequest as _sluice_v1_ListReassignmentsRequest, ListReassignmentsRequest__Output as _sluice_v1_ListReassignmentsRequest__Output } from './sluice/v1/ListReassignmentsRequest.js';
import type { ListTopicsRequest as _sluice_v1_ListTopicsRequest, ListTopicsRequest__Output as _sluice_v1_ListTopicsRequest__Output } from './sluice/v1/ListTopicsRequest.js';
import type { ListTopicsResponse as _sluice_v1_ListTopicsResponse, ListTopicsResponse__Output as _sluice_v1_ListTopicsResponse__Output } from './sluice/v1/ListTopicsResponse.js';
import type { ListUsersRequest as _sluice_v1_ListUsersRequest, ListUsersRequest__Output as _sluice_v1_ListUsersRequest__Output } from './sluice/v1/ListUsersRequest.js';
import type { ListUsersResponse as _sluice_v1_ListUsersResponse, ListUsersResponse__Output as _sluice_v1_ListUsersResponse__Output } from './sluice/v1/ListUsersResponse.js';
import type { MetadataRequest as _sluice_v1_MetadataRequest, MetadataRequest__Output as _sluice_v1_MetadataRequest__Output } from './sluice/v1/MetadataRequest.js';
import type { MetadataResponse as _sluice_v1_MetadataResponse, MetadataResponse__Output as _sluice_v1_MetadataResponse__Output } from './sluice/v1/MetadataResponse.js';
import type { OffsetRange as _sluice_v1_OffsetRange, OffsetRange__Output as _sluice_v1_OffsetRange__Output } from './sluice/v1/OffsetRange.js';
import type { PartitionDescription as _sluice_v1_PartitionDescription, PartitionDescription__Output as _sluice_v1_PartitionDescription__Output } from './sluice/v1/PartitionDescription.js';
import type { PartitionMetadata as _sluice_v1_PartitionMetadata, PartitionMetadata__Output as _sluice_v1_PartitionMetadata__Output } from './sluice/v1/PartitionMetadata.js';
import type { PartitionMove as _sluice_v1_PartitionMove, PartitionMove__Output as _sluice_v1_PartitionMove__Output } from './sluice/v1/PartitionMove.js';
import type { ProduceRequest as _sluice_v1_ProduceRequest, ProduceRequest__Output as _sluice_v1_ProduceRequest__Output } from './sluice/v1/ProduceRequest.js';
import type { ProduceResponse as _sluice_v1_ProduceResponse, ProduceResponse__Output as _sluice_v1_ProduceResponse__Output } from './sluice/v1/ProduceResponse.js';
import type { Reassignment as _sluice_v1_Reassignment, Reassignment__Output as _sluice_v1_Reassignment__Output } from './sluice/v1/Reassignment.js';
import type { ReassignmentsResponse as _sluice_v1_ReassignmentsResponse, ReassignmentsResponse__Output as _sluice_v1_ReassignmentsResponse__Output } from './sluice/v1/ReassignmentsResponse.js';
import type { RepairPartitionRequest as _sluice_v1_RepairPartitionRequest, RepairPartitionRequest__Output as _sluice_v1_RepairPartitionRequest__Output } from './sluice/v1/RepairPartitionRequest.js';
import type { RepairPartitionResponse as _sluice_v1_RepairPartitionResponse, RepairPartitionResponse__Output as _sluice_v1_RepairPartitionResponse__Output } from './sluice/v1/RepairPartitionResponse.js';
import type { ReplicaDamage as _sluice_v1_ReplicaDamage, ReplicaDamage__Output as _sluice_v1_ReplicaDamage__Output } from './sluice/v1/ReplicaDamage.js';
import type { ResponseError as _sluice_v1_ResponseError, ResponseError__Output as _sluice_v1_ResponseError__Output } from './sluice/v1/ResponseError.js';
import type { SaslAuthenticateRequest as _sluice_v1_SaslAuthenticateRequest, SaslAuthenticateRequest__Output as _sluice_v1_SaslAuthenticateRequest__Output } from './sluice/v1/SaslAuthenticateRequest.js';
import type { SaslAuthenticateResponse as _sluice_v1_SaslAuthenticateResponse, SaslAuthenticateResponse__Output as _sluice_v1_SaslAuthenticateResponse__Output } from './sluice/v1/SaslAuthenticateResponse.js';
import type { SaslHandshakeRequest as _sluice_v1_SaslHandshakeRequest, SaslHandshakeRequest__Output as _sluice_v1_SaslHandshakeRequest__Output } from './sluice/v1/SaslHandshakeRequest.js';
import type { SaslHandshakeResponse as _sluice_v1_SaslHandshakeResponse, SaslHandshakeResponse__Output as _sluice_v1_SaslHandshakeResponse__Output } from './sluice/v1/SaslHandshakeResponse.js';
import type { ScramCredential as _sluice_v1_ScramCredential, ScramCredential__Output as _sluice_v1_ScramCredential__Output } from './sluice/v1/ScramCredential.js';
import type { TopicDescription as _sluice_v1_TopicDescription, TopicDescription__Output as _sluice_v1_TopicDescription__Output } from './sluice/v1/TopicDescription.js';
import type { TopicMetadata as _sluice_v1_TopicMetadata, TopicMetadata__Output as _sluice_v1_TopicMetadata__Output } from './sluice/v1/TopicMetadata.js';
import type { TopicSummary as _sluice_v1_TopicSummary, TopicSummary__Output as _sluice_v1_TopicSummary__Output } from './sluice/v1/TopicSummary.js';
import type { UnregisterBrokerRequest as _sluice_v1_UnregisterBrokerRequest, UnregisterBrokerRequest__Output as _sluice_v1_UnregisterBrokerRequest__Output } from './sluice/v1/UnregisterBrokerRequest.js';
import type { UnregisterBrokerResponse as _sluice_v1_UnregisterBrokerResponse, UnregisterBrokerResponse__Output as _sluice_v1_UnregisterBrokerResponse__Output } from './sluice/v1/UnregisterBrokerResponse.js';
import type { UpsertUserRequest as _sluice_v1_UpsertUserRequest, UpsertUserRequest__Output as _sluice_v1_UpsertUserRequest__Output } from './sluice/v1/UpsertUserRequest.js';
import type { UpsertUserResponse as _sluice_v1_UpsertUserResponse, UpsertUserResponse__Output as _sluice_v1_UpsertUserResponse__Output } from './sluice/v1/UpsertUserResponse.js';
import type { UserSummary as _sluice_v1_UserSummary, UserSummary__Output as _sluice_v1_UserSummary__Output } from './sluice/v1/UserSummary.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  sluice: {
    v1: {
      AclBinding: MessageTypeDefinition<_sluice_v1_AclBinding, _sluice_v1_AclBinding__Output>
      AclChangeResponse: MessageTypeDefinition<_sluice_v1_AclChangeResponse, _sluice_v1_AclChangeResponse__Output>
      Admin: SubtypeConstructor<typeof grpc.Client, _sluice_v1_AdminClient> & { service: _sluice_v1_AdminDefinition }
      AlterClientQuotasRequest: MessageTypeDefinition<_sluice_v1_AlterClientQuotasRequest, _sluice_v1_AlterClientQuotasRequest__Output>
      AlterClientQuotasResponse: MessageTypeDefinition<_sluice_v1_AlterClientQuotasResponse, _sluice_v1_AlterClientQuotasResponse__Output>
      AlterReassignmentsRequest: MessageTypeDefinition<_sluice_v1_AlterReassignmentsRequest, _sluice_v1_AlterReassignmentsRequest__Output>
      AlterTopicConfigRequest: MessageTypeDefinition<_sluice_v1_AlterTopicConfigRequest, _sluice_v1_AlterTopicConfigRequest__Output>
      Auth: SubtypeConstructor<typeof grpc.Client, _sluice_v1_AuthClient> & { service: _sluice_v1_AuthDefinition }
      Broker: SubtypeConstructor<typeof grpc.Client, _sluice_v1_BrokerClient> & { service: _sluice_v1_BrokerDefinition }
      BrokerInfo: MessageTypeDefinition<_sluice_v1_BrokerInfo, _sluice_v1_BrokerInfo__Output>
      ClientQuotaEntry: MessageTypeDefinition<_sluice_v1_ClientQuotaEntry, _sluice_v1_ClientQuotaEntry__Output>
      CreatePartitionsRequest: MessageTypeDefinition<_sluice_v1_CreatePartitionsRequest, _sluice_v1_CreatePartitionsRequest__Output>
      CreateTopicRequest: MessageTypeDefinition<_sluice_v1_CreateTopicRequest, _sluice_v1_CreateTopicRequest__Output>
      DeleteTopicRequest: MessageTypeDefinition<_sluice_v1_DeleteTopicRequest, _sluice_v1_DeleteTopicRequest__Output>
      DeleteTopicResponse: MessageTypeDefinition<_sluice_v1_DeleteTopicResponse, _sluice_v1_DeleteTopicResponse__Output>
      DeleteUserRequest: MessageTypeDefinition<_sluice_v1_DeleteUserRequest, _sluice_v1_DeleteUserRequest__Output>
      DeleteUserResponse: MessageTypeDefinition<_sluice_v1_DeleteUserResponse, _sluice_v1_DeleteUserResponse__Output>
      DescribeClientQuotasRequest: MessageTypeDefinition<_sluice_v1_DescribeClientQuotasRequest, _sluice_v1_DescribeClientQuotasRequest__Output>
      DescribeClientQuotasResponse: MessageTypeDefinition<_sluice_v1_DescribeClientQuotasResponse, _sluice_v1_DescribeClientQuotasResponse__Output>
      DescribeTopicRequest: MessageTypeDefinition<_sluice_v1_DescribeTopicRequest, _sluice_v1_DescribeTopicRequest__Output>
      FetchRequest: MessageTypeDefinition<_sluice_v1_FetchRequest, _sluice_v1_FetchRequest__Output>
      FetchResponse: MessageTypeDefinition<_sluice_v1_FetchResponse, _sluice_v1_FetchResponse__Output>
      InitProducerIdRequest: MessageTypeDefinition<_sluice_v1_InitProducerIdRequest, _sluice_v1_InitProducerIdRequest__Output>
      InitProducerIdResponse: MessageTypeDefinition<_sluice_v1_InitProducerIdResponse, _sluice_v1_InitProducerIdResponse__Output>
      ListAclsRequest: MessageTypeDefinition<_sluice_v1_ListAclsRequest, _sluice_v1_ListAclsRequest__Output>
      ListAclsResponse: MessageTypeDefinition<_sluice_v1_ListAclsResponse, _sluice_v1_ListAclsResponse__Output>
      ListOffsetsRequest: MessageTypeDefinition<_sluice_v1_ListOffsetsRequest, _sluice_v1_ListOffsetsRequest__Output>
      ListOffsetsResponse: MessageTypeDefinition<_sluice_v1_ListOffsetsResponse, _sluice_v1_ListOffsetsResponse__Output>
      ListReassignmentsRequest: MessageTypeDefinition<_sluice_v1_ListReassignmentsRequest, _sluice_v1_ListReassignmentsRequest__Output>
      ListTopicsRequest: MessageTypeDefinition<_sluice_v1_ListTopicsRequest, _sluice_v1_ListTopicsRequest__Output>
      ListTopicsResponse: MessageTypeDefinition<_sluice_v1_ListTopicsResponse, _sluice_v1_ListTopicsResponse__Output>
      ListUsersRequest: MessageTypeDefinition<_sluice_v1_ListUsersRequest, _sluice_v1_ListUsersRequest__Output>
      ListUsersResponse: MessageTypeDefinition<_sluice_v1_ListUsersResponse, _sluice_v1_ListUsersResponse__Output>
      MetadataRequest: MessageTypeDefinition<_sluice_v1_MetadataRequest, _sluice_v1_MetadataRequest__Output>
      MetadataResponse: MessageTypeDefinition<_sluice_v1_MetadataResponse, _sluice_v1_MetadataResponse__Output>
      OffsetRange: MessageTypeDefinition<_sluice_v1_OffsetRange, _sluice_v1_OffsetRange__Output>
      PartitionDescription: MessageTypeDefinition<_sluice_v1_PartitionDescription, _sluice_v1_PartitionDescription__Output>
      PartitionMetadata: MessageTypeDefinition<_sluice_v1_PartitionMetadata, _sluice_v1_PartitionMetadata__Output>
      PartitionMove: MessageTypeDefinition<_sluice_v1_PartitionMove, _sluice_v1_PartitionMove__Output>
      ProduceRequest: MessageTypeDefinition<_sluice_v1_ProduceRequest, _sluice_v1_ProduceRequest__Output>
      ProduceResponse: MessageTypeDefinition<_sluice_v1_ProduceResponse, _sluice_v1_ProduceResponse__Output>
      Reassignment: MessageTypeDefinition<_sluice_v1_Reassignment, _sluice_v1_Reassignment__Output>
      ReassignmentsResponse: MessageTypeDefinition<_sluice_v1_ReassignmentsResponse, _sluice_v1_ReassignmentsResponse__Output>
      RepairPartitionRequest: MessageTypeDefinition<_sluice_v1_RepairPartitionRequest, _sluice_v1_RepairPartitionRequest__Output>
      RepairPartitionResponse: MessageTypeDefinition<_sluice_v1_RepairPartitionResponse, _sluice_v1_RepairPartitionResponse__Output>
      ReplicaDamage: MessageTypeDefinition<_sluice_v1_ReplicaDamage, _sluice_v1_ReplicaDamage__Output>
      ResponseError: MessageTypeDefinition<_sluice_v1_ResponseError, _sluice_v1_ResponseError__Output>
      SaslAuthenticateRequest: MessageTypeDefinition<_sluice_v1_SaslAuthenticateRequest, _sluice_v1_SaslAuthenticateRequest__Output>
      SaslAuthenticateResponse: MessageTypeDefinition<_sluice_v1_SaslAuthenticateResponse, _sluice_v1_SaslAuthenticateResponse__Output>
      SaslHandshakeRequest: MessageTypeDefinition<_sluice_v1_SaslHandshakeRequest, _sluice_v1_SaslHandshakeRequest__Output>
      SaslHandshakeResponse: MessageTypeDefinition<_sluice_v1_SaslHandshakeResponse, _sluice_v1_SaslHandshakeResponse__Output>
      ScramCredential: MessageTypeDefinition<_sluice_v1_ScramCredential, _sluice_v1_ScramCredential__Output>
      TopicDescription: MessageTypeDefinition<_sluice_v1_TopicDescription, _sluice_v1_TopicDescription__Output>
      TopicMetadata: MessageTypeDefinition<_sluice_v1_TopicMetadata, _sluice_v1_TopicMetadata__Output>
      TopicSummary: MessageTypeDefinition<_sluice_v1_TopicSummary, _sluice_v1_TopicSummary__Output>
      UnregisterBrokerRequest: MessageTypeDefinition<_sluice_v1_UnregisterBrokerRequest, _sluice_v1_UnregisterBrokerRequest__Output>
      UnregisterBrokerResponse: MessageTypeDefinition<_sluice_v1_UnregisterBrokerResponse, _sluice_v1_UnregisterBrokerResponse__Output>
      UpsertUserRequest: MessageTypeDefinition<_sluice_v1_UpsertUserRequest, _sluice_v1_UpsertUserRequest__Output>
      UpsertUserResponse: MessageTypeDefinition<_sluice_v1_UpsertUserResponse, _sluice_v1_UpsertUserResponse__Output>
      UserSummary: MessageTypeDefinition<_sluice_v1_UserSummary, _sluice_v1_UserSummary__Output>
    }
  }
}

