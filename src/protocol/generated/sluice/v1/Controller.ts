// Original file: proto/sluice/v1/controller.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { AclBinding as _sluice_v1_AclBinding, AclBinding__Output as _sluice_v1_AclBinding__Output } from '../../sluice/v1/AclBinding.js';
import type { AllocateProducerIdsRequest as _sluice_v1_AllocateProducerIdsRequest, AllocateProducerIdsRequest__Output as _sluice_v1_AllocateProducerIdsRequest__Output } from '../../sluice/v1/AllocateProducerIdsRequest.js';
import type { AllocateProducerIdsResponse as _sluice_v1_AllocateProducerIdsResponse, AllocateProducerIdsResponse__Output as _sluice_v1_AllocateProducerIdsResponse__Output } from '../../sluice/v1/AllocateProducerIdsResponse.js';
import type { AlterClientQuotasRequest as _sluice_v1_AlterClientQuotasRequest, AlterClientQuotasRequest__Output as _sluice_v1_AlterClientQuotasRequest__Output } from '../../sluice/v1/AlterClientQuotasRequest.js';
import type { AlterReassignmentsRequest as _sluice_v1_AlterReassignmentsRequest, AlterReassignmentsRequest__Output as _sluice_v1_AlterReassignmentsRequest__Output } from '../../sluice/v1/AlterReassignmentsRequest.js';
import type { AlterTopicConfigRequest as _sluice_v1_AlterTopicConfigRequest, AlterTopicConfigRequest__Output as _sluice_v1_AlterTopicConfigRequest__Output } from '../../sluice/v1/AlterTopicConfigRequest.js';
import type { BrokerHeartbeatRequest as _sluice_v1_BrokerHeartbeatRequest, BrokerHeartbeatRequest__Output as _sluice_v1_BrokerHeartbeatRequest__Output } from '../../sluice/v1/BrokerHeartbeatRequest.js';
import type { BrokerHeartbeatResponse as _sluice_v1_BrokerHeartbeatResponse, BrokerHeartbeatResponse__Output as _sluice_v1_BrokerHeartbeatResponse__Output } from '../../sluice/v1/BrokerHeartbeatResponse.js';
import type { ControllerTopicResponse as _sluice_v1_ControllerTopicResponse, ControllerTopicResponse__Output as _sluice_v1_ControllerTopicResponse__Output } from '../../sluice/v1/ControllerTopicResponse.js';
import type { CreatePartitionsRequest as _sluice_v1_CreatePartitionsRequest, CreatePartitionsRequest__Output as _sluice_v1_CreatePartitionsRequest__Output } from '../../sluice/v1/CreatePartitionsRequest.js';
import type { CreateTopicRequest as _sluice_v1_CreateTopicRequest, CreateTopicRequest__Output as _sluice_v1_CreateTopicRequest__Output } from '../../sluice/v1/CreateTopicRequest.js';
import type { DeleteTopicRequest as _sluice_v1_DeleteTopicRequest, DeleteTopicRequest__Output as _sluice_v1_DeleteTopicRequest__Output } from '../../sluice/v1/DeleteTopicRequest.js';
import type { DeleteUserRequest as _sluice_v1_DeleteUserRequest, DeleteUserRequest__Output as _sluice_v1_DeleteUserRequest__Output } from '../../sluice/v1/DeleteUserRequest.js';
import type { ReassignmentsResponse as _sluice_v1_ReassignmentsResponse, ReassignmentsResponse__Output as _sluice_v1_ReassignmentsResponse__Output } from '../../sluice/v1/ReassignmentsResponse.js';
import type { RegisterBrokerRequest as _sluice_v1_RegisterBrokerRequest, RegisterBrokerRequest__Output as _sluice_v1_RegisterBrokerRequest__Output } from '../../sluice/v1/RegisterBrokerRequest.js';
import type { RegisterBrokerResponse as _sluice_v1_RegisterBrokerResponse, RegisterBrokerResponse__Output as _sluice_v1_RegisterBrokerResponse__Output } from '../../sluice/v1/RegisterBrokerResponse.js';
import type { UnregisterBrokerRequest as _sluice_v1_UnregisterBrokerRequest, UnregisterBrokerRequest__Output as _sluice_v1_UnregisterBrokerRequest__Output } from '../../sluice/v1/UnregisterBrokerRequest.js';
import type { UpsertUserRequest as _sluice_v1_UpsertUserRequest, UpsertUserRequest__Output as _sluice_v1_UpsertUserRequest__Output } from '../../sluice/v1/UpsertUserRequest.js';

export interface ControllerClient extends grpc.Client {
  AllocateProducerIds(argument: _sluice_v1_AllocateProducerIdsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_AllocateProducerIdsResponse__Output>): grpc.ClientUnaryCall;
  AllocateProducerIds(argument: _sluice_v1_AllocateProducerIdsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sluice_v1_AllocateProducerIdsResponse__Output>): grpc.ClientUnaryCall;
  AllocateProducerIds(argument: _sluice_v1_AllocateProducerIdsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_AllocateProducerIdsResponse__Output>): grpc.ClientUnaryCall;
  AllocateProducerIds(argument: _sluice_v1_AllocateProducerIdsRequest, callback: grpc.requestCallback<_sluice_v1_AllocateProducerIdsResponse__Output>): grpc.ClientUnaryCall;
  allocateProducerIds(argument: _sluice_v1_AllocateProducerIdsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_AllocateProducerIdsResponse__Output>): grpc.ClientUnaryCall;
  allocateProducerIds(argument: _sluice_v1_AllocateProducerIdsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sluice_v1_AllocateProducerIdsResponse__Output>): grpc.ClientUnaryCall;
  allocateProducerIds(argument: _sluice_v1_AllocateProducerIdsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_AllocateProducerIdsResponse__Output>): grpc.ClientUnaryCall;
  allocateProducerIds(argument: _sluice_v1_AllocateProducerIdsRequest, callback: grpc.requestCallback<_sluice_v1_AllocateProducerIdsResponse__Output>): grpc.ClientUnaryCall;
  
  AlterClientQuotas(argument: _sluice_v1_AlterClientQuotasRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_ControllerTopicResponse__Output>): grpc.ClientUnaryCall;
  AlterClientQuotas(argument: _sluice_v1_AlterClientQuotasRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sluice_v1_ControllerTopicResponse__Output>): grpc.ClientUnaryCall;
  AlterClientQuotas(argument: _sluice_v1_AlterClientQuotasRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_ControllerTopicResponse__Output>): grpc.ClientUnaryCall;
  AlterClientQuotas(argument: _sluice_v1_AlterClientQuotasRequest, callback: grpc.requestCallback<_sluice_v1_ControllerTopicResponse__Output>): grpc.ClientUnaryCall;
  alterClientQuotas(argument: _sluice_v1_AlterClientQuotasRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_ControllerTopicResponse__Output>): grpc.ClientUnaryCall;
  alterClientQuotas(argument: _sluice_v1_AlterClientQuotasRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sluice_v1_ControllerTopicResponse__Output>): grpc.ClientUnaryCall;
  alterClientQuotas(argument: _sluice_v1_AlterClientQuotasRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_ControllerTopicResponse__Output>): grpc.ClientUnaryCall;
  alterClientQuotas(argument: _sluice_v1_AlterClientQuotasRequest, callback: grpc.requestCallback<_sluice_v1_ControllerTopicResponse__Output>): grpc.ClientUnaryCall;
  
  AlterReassignments(argument: _sluice_v1_AlterReassignmentsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_ReassignmentsResponse__Output>): grpc.ClientUnaryCall;
  AlterReassignments(argument: _sluice_v1_AlterReassignmentsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sluice_v1_ReassignmentsResponse__Output>): grpc.ClientUnaryCall;
  AlterReassignments(argument: _sluice_v1_AlterReassignmentsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_ReassignmentsResponse__Output>): grpc.ClientUnaryCall;
  AlterReassignments(argument: _sluice_v1_AlterReassignmentsRequest, callback: grpc.requestCallback<_sluice_v1_ReassignmentsResponse__Output>): grpc.ClientUnaryCall;
  alterReassignments(argument: _sluice_v1_AlterReassignmentsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_ReassignmentsResponse__Output>): grpc.ClientUnaryCall;
  alterReassignments(argument: _sluice_v1_AlterReassignmentsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sluice_v1_ReassignmentsResponse__Output>): grpc.ClientUnaryCall;
  alterReassignments(argument: _sluice_v1_AlterReassignmentsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_ReassignmentsResponse__Output>): grpc.ClientUnaryCall;
  alterReassignments(argument: _sluice_v1_AlterReassignmentsRequest, callback: grpc.requestCallback<_sluice_v1_ReassignmentsResponse__Output>): grpc.ClientUnaryCall;
  
  AlterTopicConfig(argument: _sluice_v1_AlterTopicConfigRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_ControllerTopicResponse__Output>): grpc.ClientUnaryCall;
  AlterTopicConfig(argument: _sluice_v1_AlterTopicConfigRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sluice_v1_ControllerTopicResponse__Output>): grpc.ClientUnaryCall;
  AlterTopicConfig(argument: _sluice_v1_AlterTopicConfigRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_ControllerTopicResponse__Output>): grpc.ClientUnaryCall;
  AlterTopicConfig(argument: _sluice_v1_AlterTopicConfigRequest, callback: grpc.requestCallback<_sluice_v1_ControllerTopicResponse__Output>): grpc.ClientUnaryCall;
  alterTopicConfig(argument: _sluice_v1_AlterTopicConfigRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_ControllerTopicResponse__Output>): grpc.ClientUnaryCall;
  alterTopicConfig(argument: _sluice_v1_AlterTopicConfigRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sluice_v1_ControllerTopicResponse__Output>): grpc.ClientUnaryCall;
  alterTopicConfig(argument: _sluice_v1_AlterTopicConfigRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_ControllerTopicResponse__Output>): grpc.ClientUnaryCall;
  alterTopicConfig(argument: _sluice_v1_AlterTopicConfigRequest, callback: grpc.requestCallback<_sluice_v1_ControllerTopicResponse__Output>): grpc.ClientUnaryCall;
  
  BrokerHeartbeat(argument: _sluice_v1_BrokerHeartbeatRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_BrokerHeartbeatResponse__Output>): grpc.ClientUnaryCall;
  BrokerHeartbeat(argument: _sluice_v1_BrokerHeartbeatRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sluice_v1_BrokerHeartbeatResponse__Output>): grpc.ClientUnaryCall;
  BrokerHeartbeat(argument: _sluice_v1_BrokerHeartbeatRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_BrokerHeartbeatResponse__Output>): grpc.ClientUnaryCall;
  BrokerHeartbeat(argument: _sluice_v1_BrokerHeartbeatRequest, callback: grpc.requestCallback<_sluice_v1_BrokerHeartbeatResponse__Output>): grpc.ClientUnaryCall;
  brokerHeartbeat(argument: _sluice_v1_BrokerHeartbeatRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_BrokerHeartbeatResponse__Output>): grpc.ClientUnaryCall;
  brokerHeartbeat(argument: _sluice_v1_BrokerHeartbeatRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sluice_v1_BrokerHeartbeatResponse__Output>): grpc.ClientUnaryCall;
  brokerHeartbeat(argument: _sluice_v1_BrokerHeartbeatRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_BrokerHeartbeatResponse__Output>): grpc.ClientUnaryCall;
  brokerHeartbeat(argument: _sluice_v1_BrokerHeartbeatRequest, callback: grpc.requestCallback<_sluice_v1_BrokerHeartbeatResponse__Output>): grpc.ClientUnaryCall;
  
  CreateAcl(argument: _sluice_v1_AclBinding, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_ControllerTopicResponse__Output>): grpc.ClientUnaryCall;
  CreateAcl(argument: _sluice_v1_AclBinding, metadata: grpc.Metadata, callback: grpc.requestCallback<_sluice_v1_ControllerTopicResponse__Output>): grpc.ClientUnaryCall;
  CreateAcl(argument: _sluice_v1_AclBinding, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_ControllerTopicResponse__Output>): grpc.ClientUnaryCall;
  CreateAcl(argument: _sluice_v1_AclBinding, callback: grpc.requestCallback<_sluice_v1_ControllerTopicResponse__Output>): grpc.ClientUnaryCall;
  createAcl(argument: _sluice_v1_AclBinding, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_ControllerTopicResponse__Output>): grpc.ClientUnaryCall;
  createAcl(argument: _sluice_v1_AclBinding, metadata: grpc.Metadata, callback: grpc.requestCallback<_sluice_v1_ControllerTopicResponse__Output>): grpc.ClientUnaryCall;
  createAcl(argument: _sluice_v1_AclBinding, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_ControllerTopicResponse__Output>): grpc.ClientUnaryCall;
  createAcl(argument: _sluice_v1_AclBinding, callback: grpc.requestCallback<_sluice_v1_ControllerTopicResponse__Output>): grpc.ClientUnaryCall;
  
  CreatePartitions(argument: _sluice_v1_CreatePartitionsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_ControllerTopicResponse__Output>): grpc.ClientUnaryCall;
  CreatePartitions(argument: _sluice_v1_CreatePartitionsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sluice_v1_ControllerTopicResponse__Output>): grpc.ClientUnaryCall;
  CreatePartitions(argument: _sluice_v1_CreatePartitionsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_ControllerTopicResponse__Output>): grpc.ClientUnaryCall;
  CreatePartitions(argument: _sluice_v1_CreatePartitionsRequest, callback: grpc.requestCallback<_sluice_v1_ControllerTopicResponse__Output>): grpc.ClientUnaryCall;
  createPartitions(argument: _sluice_v1_CreatePartitionsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_ControllerTopicResponse__Output>): grpc.ClientUnaryCall;
  createPartitions(argument: _sluice_v1_CreatePartitionsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sluice_v1_ControllerTopicResponse__Output>): grpc.ClientUnaryCall;
  createPartitions(argument: _sluice_v1_CreatePartitionsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_ControllerTopicResponse__Output>): grpc.ClientUnaryCall;
  createPartitions(argument: _sluice_v1_CreatePartitionsRequest, callback: grpc.requestCallback<_sluice_v1_ControllerTopicResponse__Output>): grpc.ClientUnaryCall;
  
  CreateTopic(argument: _sluice_v1_CreateTopicRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_ControllerTopicResponse__Output>): grpc.ClientUnaryCall;
  CreateTopic(argument: _sluice_v1_CreateTopicRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sluice_v1_ControllerTopicResponse__Output>): grpc.ClientUnaryCall;
  CreateTopic(argument: _sluice_v1_CreateTopicRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_ControllerTopicResponse__Output>): grpc.ClientUnaryCall;
  CreateTopic(argument: _sluice_v1_CreateTopicRequest, callback: grpc.requestCallback<_sluice_v1_ControllerTopicResponse__Output>): grpc.ClientUnaryCall;
  createTopic(argument: _sluice_v1_CreateTopicRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_ControllerTopicResponse__Output>): grpc.ClientUnaryCall;
  createTopic(argument: _sluice_v1_CreateTopicRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sluice_v1_ControllerTopicResponse__Output>): grpc.ClientUnaryCall;
  createTopic(argument: _sluice_v1_CreateTopicRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_ControllerTopicResponse__Output>): grpc.ClientUnaryCall;
  createTopic(argument: _sluice_v1_CreateTopicRequest, callback: grpc.requestCallback<_sluice_v1_ControllerTopicResponse__Output>): grpc.ClientUnaryCall;
  
  DeleteAcl(argument: _sluice_v1_AclBinding, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_ControllerTopicResponse__Output>): grpc.ClientUnaryCall;
  DeleteAcl(argument: _sluice_v1_AclBinding, metadata: grpc.Metadata, callback: grpc.requestCallback<_sluice_v1_ControllerTopicResponse__Output>): grpc.ClientUnaryCall;
  DeleteAcl(argument: _sluice_v1_AclBinding, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_ControllerTopicResponse__Output>): grpc.ClientUnaryCall;
  DeleteAcl(argument: _sluice_v1_AclBinding, callback: grpc.requestCallback<_sluice_v1_ControllerTopicResponse__Output>): grpc.ClientUnaryCall;
  deleteAcl(argument: _sluice_v1_AclBinding, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_ControllerTopicResponse__Output>): grpc.ClientUnaryCall;
  deleteAcl(argument: _sluice_v1_AclBinding, metadata: grpc.Metadata, callback: grpc.requestCallback<_sluice_v1_ControllerTopicResponse__Output>): grpc.ClientUnaryCall;
  deleteAcl(argument: _sluice_v1_AclBinding, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_ControllerTopicResponse__Output>): grpc.ClientUnaryCall;
  deleteAcl(argument: _sluice_v1_AclBinding, callback: grpc.requestCallback<_sluice_v1_ControllerTopicResponse__Output>): grpc.ClientUnaryCall;
  
  DeleteTopic(argument: _sluice_v1_DeleteTopicRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_ControllerTopicResponse__Output>): grpc.ClientUnaryCall;
  DeleteTopic(argument: _sluice_v1_DeleteTopicRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sluice_v1_ControllerTopicResponse__Output>): grpc.ClientUnaryCall;
  DeleteTopic(argument: _sluice_v1_DeleteTopicRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_ControllerTopicResponse__Output>): grpc.ClientUnaryCall;
  DeleteTopic(argument: _sluice_v1_DeleteTopicRequest, callback: grpc.requestCallback<_sluice_v1_ControllerTopicResponse__Output>): grpc.ClientUnaryCall;
  deleteTopic(argument: _sluice_v1_DeleteTopicRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_ControllerTopicResponse__Output>): grpc.ClientUnaryCall;
  deleteTopic(argument: _sluice_v1_DeleteTopicRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sluice_v1_ControllerTopicResponse__Output>): grpc.ClientUnaryCall;
  deleteTopic(argument: _sluice_v1_DeleteTopicRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_ControllerTopicResponse__Output>): grpc.ClientUnaryCall;
  deleteTopic(argument: _sluice_v1_DeleteTopicRequest, callback: grpc.requestCallback<_sluice_v1_ControllerTopicResponse__Output>): grpc.ClientUnaryCall;
  
  DeleteUser(argument: _sluice_v1_DeleteUserRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_ControllerTopicResponse__Output>): grpc.ClientUnaryCall;
  DeleteUser(argument: _sluice_v1_DeleteUserRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sluice_v1_ControllerTopicResponse__Output>): grpc.ClientUnaryCall;
  DeleteUser(argument: _sluice_v1_DeleteUserRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_ControllerTopicResponse__Output>): grpc.ClientUnaryCall;
  DeleteUser(argument: _sluice_v1_DeleteUserRequest, callback: grpc.requestCallback<_sluice_v1_ControllerTopicResponse__Output>): grpc.ClientUnaryCall;
  deleteUser(argument: _sluice_v1_DeleteUserRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_ControllerTopicResponse__Output>): grpc.ClientUnaryCall;
  deleteUser(argument: _sluice_v1_DeleteUserRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sluice_v1_ControllerTopicResponse__Output>): grpc.ClientUnaryCall;
  deleteUser(argument: _sluice_v1_DeleteUserRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_ControllerTopicResponse__Output>): grpc.ClientUnaryCall;
  deleteUser(argument: _sluice_v1_DeleteUserRequest, callback: grpc.requestCallback<_sluice_v1_ControllerTopicResponse__Output>): grpc.ClientUnaryCall;
  
  RegisterBroker(argument: _sluice_v1_RegisterBrokerRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_RegisterBrokerResponse__Output>): grpc.ClientUnaryCall;
  RegisterBroker(argument: _sluice_v1_RegisterBrokerRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sluice_v1_RegisterBrokerResponse__Output>): grpc.ClientUnaryCall;
  RegisterBroker(argument: _sluice_v1_RegisterBrokerRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_RegisterBrokerResponse__Output>): grpc.ClientUnaryCall;
  RegisterBroker(argument: _sluice_v1_RegisterBrokerRequest, callback: grpc.requestCallback<_sluice_v1_RegisterBrokerResponse__Output>): grpc.ClientUnaryCall;
  registerBroker(argument: _sluice_v1_RegisterBrokerRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_RegisterBrokerResponse__Output>): grpc.ClientUnaryCall;
  registerBroker(argument: _sluice_v1_RegisterBrokerRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sluice_v1_RegisterBrokerResponse__Output>): grpc.ClientUnaryCall;
  registerBroker(argument: _sluice_v1_RegisterBrokerRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_RegisterBrokerResponse__Output>): grpc.ClientUnaryCall;
  registerBroker(argument: _sluice_v1_RegisterBrokerRequest, callback: grpc.requestCallback<_sluice_v1_RegisterBrokerResponse__Output>): grpc.ClientUnaryCall;
  
  UnregisterBroker(argument: _sluice_v1_UnregisterBrokerRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_ControllerTopicResponse__Output>): grpc.ClientUnaryCall;
  UnregisterBroker(argument: _sluice_v1_UnregisterBrokerRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sluice_v1_ControllerTopicResponse__Output>): grpc.ClientUnaryCall;
  UnregisterBroker(argument: _sluice_v1_UnregisterBrokerRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_ControllerTopicResponse__Output>): grpc.ClientUnaryCall;
  UnregisterBroker(argument: _sluice_v1_UnregisterBrokerRequest, callback: grpc.requestCallback<_sluice_v1_ControllerTopicResponse__Output>): grpc.ClientUnaryCall;
  unregisterBroker(argument: _sluice_v1_UnregisterBrokerRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_ControllerTopicResponse__Output>): grpc.ClientUnaryCall;
  unregisterBroker(argument: _sluice_v1_UnregisterBrokerRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sluice_v1_ControllerTopicResponse__Output>): grpc.ClientUnaryCall;
  unregisterBroker(argument: _sluice_v1_UnregisterBrokerRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_ControllerTopicResponse__Output>): grpc.ClientUnaryCall;
  unregisterBroker(argument: _sluice_v1_UnregisterBrokerRequest, callback: grpc.requestCallback<_sluice_v1_ControllerTopicResponse__Output>): grpc.ClientUnaryCall;
  
  UpsertUser(argument: _sluice_v1_UpsertUserRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_ControllerTopicResponse__Output>): grpc.ClientUnaryCall;
  UpsertUser(argument: _sluice_v1_UpsertUserRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sluice_v1_ControllerTopicResponse__Output>): grpc.ClientUnaryCall;
  UpsertUser(argument: _sluice_v1_UpsertUserRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_ControllerTopicResponse__Output>): grpc.ClientUnaryCall;
  UpsertUser(argument: _sluice_v1_UpsertUserRequest, callback: grpc.requestCallback<_sluice_v1_ControllerTopicResponse__Output>): grpc.ClientUnaryCall;
  upsertUser(argument: _sluice_v1_UpsertUserRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_ControllerTopicResponse__Output>): grpc.ClientUnaryCall;
  upsertUser(argument: _sluice_v1_UpsertUserRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sluice_v1_ControllerTopicResponse__Output>): grpc.ClientUnaryCall;
  upsertUser(argument: _sluice_v1_UpsertUserRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sluice_v1_ControllerTopicResponse__Output>): grpc.ClientUnaryCall;
  upsertUser(argument: _sluice_v1_UpsertUserRequest, callback: grpc.requestCallback<_sluice_v1_ControllerTopicResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface ControllerHandlers extends grpc.UntypedServiceImplementation {
  AllocateProducerIds: grpc.handleUnaryCall<_sluice_v1_AllocateProducerIdsRequest__Output, _sluice_v1_AllocateProducerIdsResponse>;
  
  AlterClientQuotas: grpc.handleUnaryCall<_sluice_v1_AlterClientQuotasRequest__Output, _sluice_v1_ControllerTopicResponse>;
  
  AlterReassignments: grpc.handleUnaryCall<_sluice_v1_AlterReassignmentsRequest__Output, _sluice_v1_ReassignmentsResponse>;
  
  AlterTopicConfig: grpc.handleUnaryCall<_sluice_v1_AlterTopicConfigRequest__Output, _sluice_v1_ControllerTopicResponse>;
  
  BrokerHeartbeat: grpc.handleUnaryCall<_sluice_v1_BrokerHeartbeatRequest__Output, _sluice_v1_BrokerHeartbeatResponse>;
  
  CreateAcl: grpc.handleUnaryCall<_sluice_v1_AclBinding__Output, _sluice_v1_ControllerTopicResponse>;
  
  CreatePartitions: grpc.handleUnaryCall<_sluice_v1_CreatePartitionsRequest__Output, _sluice_v1_ControllerTopicResponse>;
  
  CreateTopic: grpc.handleUnaryCall<_sluice_v1_CreateTopicRequest__Output, _sluice_v1_ControllerTopicResponse>;
  
  DeleteAcl: grpc.handleUnaryCall<_sluice_v1_AclBinding__Output, _sluice_v1_ControllerTopicResponse>;
  
  DeleteTopic: grpc.handleUnaryCall<_sluice_v1_DeleteTopicRequest__Output, _sluice_v1_ControllerTopicResponse>;
  
  DeleteUser: grpc.handleUnaryCall<_sluice_v1_DeleteUserRequest__Output, _sluice_v1_ControllerTopicResponse>;
  
  RegisterBroker: grpc.handleUnaryCall<_sluice_v1_RegisterBrokerRequest__Output, _sluice_v1_RegisterBrokerResponse>;
  
  UnregisterBroker: grpc.handleUnaryCall<_sluice_v1_UnregisterBrokerRequest__Output, _sluice_v1_ControllerTopicResponse>;
  
  UpsertUser: grpc.handleUnaryCall<_sluice_v1_UpsertUserRequest__Output, _sluice_v1_ControllerTopicResponse>;
  
}

export interface ControllerDefinition extends grpc.ServiceDefinition {
  AllocateProducerIds: MethodDefinition<_sluice_v1_AllocateProducerIdsRequest, _sluice_v1_AllocateProducerIdsResponse, _sluice_v1_AllocateProducerIdsRequest__Output, _sluice_v1_AllocateProducerIdsResponse__Output>
  AlterClientQuotas: MethodDefinition<_sluice_v1_AlterClientQuotasRequest, _sluice_v1_ControllerTopicResponse, _sluice_v1_AlterClientQuotasRequest__Output, _sluice_v1_ControllerTopicResponse__Output>
  AlterReassignments: MethodDefinition<_sluice_v1_AlterReassignmentsRequest, _sluice_v1_ReassignmentsResponse, _sluice_v1_AlterReassignmentsRequest__Output, _sluice_v1_ReassignmentsResponse__Output>
  AlterTopicConfig: MethodDefinition<_sluice_v1_AlterTopicConfigRequest, _sluice_v1_ControllerTopicResponse, _sluice_v1_AlterTopicConfigRequest__Output, _sluice_v1_ControllerTopicResponse__Output>
  BrokerHeartbeat: MethodDefinition<_sluice_v1_BrokerHeartbeatRequest, _sluice_v1_BrokerHeartbeatResponse, _sluice_v1_BrokerHeartbeatRequest__Output, _sluice_v1_BrokerHeartbeatResponse__Output>
  CreateAcl: MethodDefinition<_sluice_v1_AclBinding, _sluice_v1_ControllerTopicResponse, _sluice_v1_AclBinding__Output, _sluice_v1_ControllerTopicResponse__Output>
  CreatePartitions: MethodDefinition<_sluice_v1_CreatePartitionsRequest, _sluice_v1_ControllerTopicResponse, _sluice_v1_CreatePartitionsRequest__Output, _sluice_v1_ControllerTopicResponse__Output>
  CreateTopic: MethodDefinition<_sluice_v1_CreateTopicRequest, _sluice_v1_ControllerTopicResponse, _sluice_v1_CreateTopicRequest__Output, _sluice_v1_ControllerTopicResponse__Output>
  DeleteAcl: MethodDefinition<_sluice_v1_AclBinding, _sluice_v1_ControllerTopicResponse, _sluice_v1_AclBinding__Output, _sluice_v1_ControllerTopicResponse__Output>
  DeleteTopic: MethodDefinition<_sluice_v1_DeleteTopicRequest, _sluice_v1_ControllerTopicResponse, _sluice_v1_DeleteTopicRequest__Output, _sluice_v1_ControllerTopicResponse__Output>
  DeleteUser: MethodDefinition<_sluice_v1_DeleteUserRequest, _sluice_v1_ControllerTopicResponse, _sluice_v1_DeleteUserRequest__Output, _sluice_v1_ControllerTopicResponse__Output>
  RegisterBroker: MethodDefinition<_sluice_v1_RegisterBrokerRequest, _sluice_v1_RegisterBrokerResponse, _sluice_v1_RegisterBrokerRequest__Output, _sluice_v1_RegisterBrokerResponse__Output>
  UnregisterBroker: MethodDefinition<_sluice_v1_UnregisterBrokerRequest, _sluice_v1_ControllerTopicResponse, _sluice_v1_UnregisterBrokerRequest__Output, _sluice_v1_ControllerTopicResponse__Output>
  UpsertUser: MethodDefinition<_sluice_v1_UpsertUserRequest, _sluice_v1_ControllerTopicResponse, _sluice_v1_UpsertUserRequest__Output, _sluice_v1_ControllerTopicResponse__Output>
}
