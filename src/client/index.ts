/** The public API of the Sluice client (package export `sluice/client`). */
export { createClient, Sluice } from './client.js';
export { ClientConfigError, clientSecurityOf, loadClientConfig, parseProperties, type ClientSecurity, type SaslMechanism } from './client-config.js';
export { Producer, toRecordInput, type ProducerInternals } from './producer/producer.js';
export {
  parseAcks,
  resolveProducerOptions,
  DEFAULT_BATCH_BYTES_MAX,
  DEFAULT_BUFFER_BYTES_MAX,
  DEFAULT_LINGER_MS,
  IN_FLIGHT_PER_PARTITION_MAX,
  type ProducerOptions,
  type ResolvedProducerOptions,
} from './producer/options.js';
export type { Acks, HeaderValue, ProducerRecord, RecordMetadata, SendRequest } from './producer/types.js';
export { RecordAccumulator, estimateRecordBytes, type BatchOwner, type ProducerBatch } from './producer/accumulator.js';
export { ClusterTransport, type ProduceCall, type ProducerTransport } from './producer/transport.js';
export { Consumer, isExpired } from './consumer/consumer.js';
export { resolveConsumerOptions, type AutoOffsetReset, type ConsumerOptions } from './consumer/options.js';
export type { ConsumedRecord, ConsumerStats, PollOptions } from './consumer/types.js';
export { GroupConsumer } from './group/consumer.js';
export { resolveGroupConsumerOptions, type GroupConsumerOptions, type ResolvedGroupConsumerOptions } from './group/options.js';
export { DLQ_HEADERS, type EachBatchPayload, type GroupMessage, type NackOptions, type RunHandlers } from './group/types.js';
export { GroupAdmin, type GroupDescription, type GroupMemberDescription, type GroupPartitionLag, type GroupSummary, type ResetTarget } from './group/admin.js';
export { Admin } from './admin/admin.js';
export type {
  AlterTopicConfigRequest,
  ClientQuotaEntry,
  ClientQuotas,
  CreateTopicRequest,
  PartitionDescription,
  TopicDescription,
  TopicSummary,
  UserSummary,
  PartitionReassignment,
  Reassignments,
  ReassignmentRequest,
} from './admin/types.js';
export type { SaslCredentials } from './auth/sasl-client.js';
export { ACL_OPERATIONS, CLUSTER_RESOURCE, WILDCARD, isAclOperation } from '../security/acl.js';
export type { AclBinding, AclOperation, AclPermission, PatternType, ResourceType } from '../security/acl.js';
export { SCRAM_ITERATIONS_DEFAULT, SCRAM_ITERATIONS_MAX, SCRAM_ITERATIONS_MIN, SCRAM_MECHANISMS, isScramMechanism } from '../security/scram.js';
export type { ScramMechanism } from '../security/scram.js';
export { Cluster, parseBootstrap, resolveClientOptions, type ResolvedClientOptions } from './cluster.js';
export type { ListedOffset } from './offsets.js';
export { DefaultPartitioner, partitionForKey, type Partitioner, type PartitionerInput } from './partitioner.js';
export { murmur2, toPositive } from './murmur2.js';
export { backoffMs, DEFAULT_RETRY_OPTIONS, withRetry, type RetryHooks, type RetryOptions } from './retry.js';
export type {
  BrokerInfo,
  ClientOptions,
  ClientRuntime,
  ClusterMetadata,
  OffsetRange,
  OffsetSpec,
  PartitionMetadata,
  ReplicaDamage,
  TopicMetadata,
  TopicPartition,
} from './types.js';
export { SluiceError, ERROR_CODES, type ErrorCode } from '../protocol/errors.js';
export type { RecordHeader } from '../protocol/batch.js';
export type { CompressionCodec, ProducerCodec } from '../protocol/compression.js';
