/**
 * What every RPC of the client listener needs, in one table: the operation and resources it is
 * authorized against (Kafka's choices per API), and, for listings, how its answer is filtered to
 * what the caller may describe. security-gate.ts applies it around every handler; a method
 * missing here is refused when authorization is on.
 */
import { SluiceError } from '../protocol/errors.js';
import type { AclOperation, Resource, ResourceType } from '../security/acl.js';
import { CLUSTER_RESOURCE } from '../security/acl.js';
import type { MetadataRequest__Output } from '../protocol/generated/sluice/v1/MetadataRequest.js';
import type { MetadataResponse } from '../protocol/generated/sluice/v1/MetadataResponse.js';
import type { ListTopicsResponse } from '../protocol/generated/sluice/v1/ListTopicsResponse.js';
import type { HeartbeatRequest__Output } from '../protocol/generated/sluice/v1/HeartbeatRequest.js';
import type { CommitOffsetsRequest__Output } from '../protocol/generated/sluice/v1/CommitOffsetsRequest.js';
import type { FetchOffsetsResponse } from '../protocol/generated/sluice/v1/FetchOffsetsResponse.js';
import type { ListGroupsResponse } from '../protocol/generated/sluice/v1/ListGroupsResponse.js';
import type { ResetOffsetsRequest__Output } from '../protocol/generated/sluice/v1/ResetOffsetsRequest.js';

/** The caller's rights, bound to its principal. */
export interface Access {
  allowed(operation: AclOperation, resource: Resource): boolean;
  /** Throws UNAUTHORIZED naming the operation and resource. */
  require(operation: AclOperation, resource: Resource): void;
  holdsAny(operation: AclOperation, type: ResourceType): boolean;
}

export interface MethodRule {
  check(request: unknown, access: Access): void;
  filter?(response: unknown, access: Access): unknown;
}

/** Longest resource name an error message repeats. */
const NAME_IN_MESSAGE_MAX = 64;

export function unauthorized(operation: AclOperation, resource: Resource): SluiceError {
  const name = resource.name.length > NAME_IN_MESSAGE_MAX ? `${resource.name.slice(0, NAME_IN_MESSAGE_MAX)}…` : resource.name;
  return new SluiceError('UNAUTHORIZED', `not authorized to ${operation} ${resource.type} ${JSON.stringify(name)}`);
}

const topic = (name: string): Resource => ({ type: 'topic', name });
const group = (name: string): Resource => ({ type: 'group', name });
const CLUSTER: Resource = { type: 'cluster', name: CLUSTER_RESOURCE };

/** A rule over one method's typed request (and response, when it filters). */
function rule<Req, Res = never>(check: (request: Req, access: Access) => void, filter?: (response: Res, access: Access) => Res): MethodRule {
  return filter === undefined
    ? { check: check as MethodRule['check'] }
    : { check: check as MethodRule['check'], filter: filter as MethodRule['filter'] };
}

const onTopic = (operation: AclOperation) => rule<{ topic: string }>((request, access) => access.require(operation, topic(request.topic)));
const onTopicNamed = (operation: AclOperation) => rule<{ name: string }>((request, access) => access.require(operation, topic(request.name)));
const onGroup = (operation: AclOperation) => rule<{ groupId: string }>((request, access) => access.require(operation, group(request.groupId)));
const onCluster = (operation: AclOperation) => rule<unknown>((_request, access) => access.require(operation, CLUSTER));

const BROKER = '/sluice.v1.Broker/';
const ADMIN = '/sluice.v1.Admin/';
const GROUPS = '/sluice.v1.Groups/';

export const ACCESS_RULES: Readonly<Record<string, MethodRule>> = {
  [`${BROKER}Produce`]: onTopic('write'),
  [`${BROKER}ProduceStream`]: onTopic('write'),
  [`${BROKER}Fetch`]: onTopic('read'),
  [`${BROKER}FetchStream`]: onTopic('read'),
  [`${BROKER}ListOffsets`]: onTopic('describe'),
  // Named topics must each be describable; a listing of all shows only those that are.
  [`${BROKER}Metadata`]: rule<MetadataRequest__Output, MetadataResponse>(
    (request, access) => request.topics.forEach((name) => access.require('describe', topic(name))),
    (response, access) => ({ ...response, topics: (response.topics ?? []).filter((t) => access.allowed('describe', topic(t.name ?? ''))) }),
  ),
  // As Kafka: idempotent-write on the cluster, or write on any topic.
  [`${BROKER}InitProducerId`]: rule<unknown>((_request, access) => {
    if (!access.allowed('idempotent-write', CLUSTER) && !access.holdsAny('write', 'topic')) throw unauthorized('idempotent-write', CLUSTER);
  }),

  // Create: on the cluster, or on the topic's name (so a prefixed ACL can hand out a namespace).
  [`${ADMIN}CreateTopic`]: rule<{ name: string }>((request, access) => {
    if (!access.allowed('create', CLUSTER)) access.require('create', topic(request.name));
  }),
  [`${ADMIN}DeleteTopic`]: onTopicNamed('delete'),
  [`${ADMIN}ListTopics`]: rule<unknown, ListTopicsResponse>(
    () => undefined,
    (response, access) => ({ topics: (response.topics ?? []).filter((t) => access.allowed('describe', topic(t.name ?? ''))) }),
  ),
  [`${ADMIN}DescribeTopic`]: onTopicNamed('describe'),
  [`${ADMIN}AlterTopicConfig`]: onTopicNamed('alter-configs'),
  [`${ADMIN}RepairPartition`]: onCluster('alter'),
  [`${ADMIN}UpsertUser`]: onCluster('alter'),
  [`${ADMIN}DeleteUser`]: onCluster('alter'),
  [`${ADMIN}ListUsers`]: onCluster('describe'),
  [`${ADMIN}CreateAcl`]: onCluster('alter'),
  [`${ADMIN}DeleteAcl`]: onCluster('alter'),
  [`${ADMIN}ListAcls`]: onCluster('describe'),
  // Quotas, as Kafka: alter-configs / describe-configs on the cluster.
  [`${ADMIN}AlterClientQuotas`]: onCluster('alter-configs'),
  [`${ADMIN}DescribeClientQuotas`]: onCluster('describe-configs'),
  // Replica moves, as Kafka's AlterPartitionReassignments: alter / describe on the cluster.
  [`${ADMIN}AlterReassignments`]: onCluster('alter'),
  [`${ADMIN}ListReassignments`]: onCluster('describe'),
  // Joining, as Kafka: CreatePartitions is alter on the topic; removing a broker, alter on the cluster.
  [`${ADMIN}CreatePartitions`]: onTopicNamed('alter'),
  [`${ADMIN}UnregisterBroker`]: onCluster('alter'),

  [`${GROUPS}FindCoordinator`]: onGroup('describe'),
  // KIP-848: read on the group, describe on each subscribed topic.
  [`${GROUPS}Heartbeat`]: rule<HeartbeatRequest__Output>((request, access) => {
    access.require('read', group(request.groupId));
    for (const name of request.subscribedTopics) access.require('describe', topic(name));
  }),
  [`${GROUPS}CommitOffsets`]: rule<CommitOffsetsRequest__Output>((request, access) => {
    access.require('read', group(request.groupId));
    for (const offset of request.offsets) access.require('read', topic(offset.topic));
  }),
  [`${GROUPS}FetchOffsets`]: rule<{ groupId: string }, FetchOffsetsResponse>(
    (request, access) => access.require('describe', group(request.groupId)),
    (response, access) => ({ offsets: (response.offsets ?? []).filter((o) => access.allowed('describe', topic(o.topic ?? ''))) }),
  ),
  [`${GROUPS}ListGroups`]: rule<unknown, ListGroupsResponse>(
    () => undefined,
    (response, access) => ({ groups: (response.groups ?? []).filter((g) => access.allowed('describe', group(g.groupId ?? ''))) }),
  ),
  [`${GROUPS}DescribeGroup`]: onGroup('describe'),
  [`${GROUPS}ResetOffsets`]: rule<ResetOffsetsRequest__Output>((request, access) => {
    access.require('read', group(request.groupId));
    for (const offset of request.offsets) access.require('read', topic(offset.topic));
  }),

  // The Controller service is not here: it lives on the inter-broker listener only, where callers
  // are brokers (under mutual TLS, the broker their certificate names: security/broker-caller.ts).
};
