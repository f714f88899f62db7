/**
 * Serves one Kafka request frame against the broker core (the same Broker the gRPC handlers use):
 * decode the header and body, run the API, encode the answer. Per-partition failures become Kafka
 * error codes in the answer (errors.ts); a frame that does not decode, or an API or version we do
 * not serve (other than ApiVersions), is a KafkaConnectionError and the listener closes that
 * connection, as Kafka does.
 */
import type { Broker } from '../broker/broker.js';
import { KafkaDecodeError, KafkaReader, type KafkaWriter } from './codec.js';
import { KafkaError, KafkaProtocolError, kafkaFailure } from './errors.js';
import { readRequestHeader, responseWriter, type RequestHeader } from './header.js';
import { ApiKey, SUPPORTED_APIS, apiSupport, isFlexible, type ApiSupport } from './apis.js';
import { kafkaBatchToSluice, sluiceBatchToKafka } from './records.js';
import { decodeApiVersionsRequest, encodeApiVersionsResponse } from './api/api-versions.js';
import { decodeMetadataRequest, encodeMetadataResponse, type MetadataBroker, type MetadataTopic } from './api/metadata.js';
import { decodeProduceRequest, encodeProduceResponse, type ProducePartitionResponse } from './api/produce.js';
import { decodeFetchRequest, encodeFetchResponse, type FetchPartitionResponse } from './api/fetch.js';
import { decodeListOffsetsRequest, encodeListOffsetsResponse, type ListOffsetsPartitionResponse } from './api/list-offsets.js';
import { decodeCreateTopicsRequest, encodeCreateTopicsResponse, type CreateTopicResult } from './api/create-topics.js';
import { encodeFindCoordinatorResponse } from './api/find-coordinator.js';
import { encodeOffsetCommitResponse } from './api/offset-commit.js';
import { encodeOffsetFetchResponse } from './api/offset-fetch.js';
import type { GroupCoordinator } from '../groups/coordinator.js';
import { GroupOffsetHandlers } from './group-handlers.js';
import { requireOnTopic, topicAllowed } from './access.js';
import { decodeDeleteTopicsRequest, encodeDeleteTopicsResponse } from './api/delete-topics.js';
import { decodeInitProducerIdRequest, encodeInitProducerIdResponse } from './api/init-producer-id.js';
import { encodeJoinGroupResponse } from './api/join-group.js';
import { encodeSyncGroupResponse } from './api/sync-group.js';
import { encodeHeartbeatResponse } from './api/heartbeat.js';
import { encodeLeaveGroupResponse } from './api/leave-group.js';
import { encodeDescribeGroupsResponse } from './api/describe-groups.js';
import { encodeListGroupsResponse } from './api/list-groups.js';
import { decodeSaslHandshakeRequest, encodeSaslHandshakeResponse } from './api/sasl-handshake.js';
import { decodeSaslAuthenticateRequest, encodeSaslAuthenticateResponse } from './api/sasl-authenticate.js';
import {
  ConfigResourceType,
  ConfigSource,
  decodeDescribeConfigsRequest,
  encodeDescribeConfigsResponse,
  type ConfigEntry,
  type DescribeConfigsResult,
} from './api/describe-configs.js';
import { TOPIC_CONFIG_DEFAULTS, topicConfigToStrings } from '../config/topic-config.js';
import type { KafkaSession } from './session.js';
import { FETCH_BYTES_MAX } from '../broker/service.js';
import type { BrokerView, TopicView } from '../broker/broker.js';
import { SluiceError } from '../protocol/errors.js';
import type { Access } from '../broker/access-rules.js';
import { CLUSTER_RESOURCE, type AclOperation } from '../security/acl.js';
import { ANONYMOUS } from '../security/principal.js';
import { refuseClientWrite } from '../controller/topic-names.js';
import type { QuotaEnforcer } from '../security/quota-enforcer.js';
import type { QuotaKind } from '../security/quota.js';

export class KafkaConnectionError extends Error {
  override name = 'KafkaConnectionError';
}

export interface KafkaListenerAddress {
  host: string;
  port: number;
}

export interface KafkaApiOptions {
  broker: Broker;
  /** Every broker's Kafka listener by broker id (Metadata lists the alive ones among them). */
  listeners: () => ReadonlyMap<number, KafkaListenerAddress>;
  /** Upper bound (and default) of a produce's replication wait. */
  produceTimeoutMs: number;
  /** Upper bound of a fetch long-poll. */
  fetchMaxWaitMs: number;
  /**
   * The rights of the connection's principal (its session's access, following its SASL user),
   * checked as the gRPC gate checks them: describe a topic to see it, write to produce, read to fetch. Absent:
   * everything is allowed.
   */
  access?: Access;
  /** The broker's group coordinator (offsets in __consumer_offsets); absent: COORDINATOR_NOT_AVAILABLE. */
  groups?: GroupCoordinator;
  /**
   * Quotas of the connection's principal (ANONYMOUS without a session), as on gRPC: produced and fetched bytes, and the
   * time handlers hold the event loop; an answer over quota is held back for the throttle time,
   * which Produce and Fetch answers also report (throttle_time_ms).
   */
  quotas?: Pick<QuotaEnforcer, 'record' | 'hold' | 'requestThrottleMs' | 'recordRequestTime'>;
  onRequest?(api: string, durationMs: number): void;
  /** Topics created for Kafka clients: Metadata's auto-creation (on or off), and the defaults of both it and CreateTopics. */
  topicCreation?: { auto: boolean; partitions: number; replicationFactor: number };
  /** What DescribeConfigs tells of this broker (Kafka's names for the settings it has). */
  brokerConfigs?: { brokerId: number; entries: readonly ConfigEntry[] };
  /** The connection's identity and SASL exchange (absent: ANONYMOUS, no SASL); `access` follows its principal. */
  session?: KafkaSession;
}

/** A request's throttle time so far (ms); the answer is held back this long. */
interface Throttle {
  ms: number;
}

/** What one frame asks: the answer's frame chunks, or null when Kafka sends none (acks=0). */
export type KafkaAnswer = Buffer[] | null;

export class KafkaApi {
  private readonly groups: GroupOffsetHandlers;

  constructor(private readonly options: KafkaApiOptions) {
    this.groups = new GroupOffsetHandlers(options);
  }

  private allowed(operation: AclOperation, topic: string): boolean {
    return topicAllowed(this.options.access, operation, topic);
  }

  /** Throws UNAUTHORIZED (TOPIC_AUTHORIZATION_FAILED to the client). */
  private require(operation: AclOperation, topic: string): void {
    requireOnTopic(this.options.access, operation, topic);
  }

  /** `cancelled` fires when the connection goes away (ends long-polls). */
  async handle(frame: Buffer, cancelled: AbortSignal): Promise<KafkaAnswer> {
    const reader = new KafkaReader(frame, false);
    let header: RequestHeader;
    try {
      header = readRequestHeader(reader);
    } catch (err) {
      throw new KafkaConnectionError(`unreadable request header: ${(err as Error).message}`);
    }
    const api = apiSupport(header.apiKey);
    if (api === undefined) throw new KafkaConnectionError(`API key ${header.apiKey} is not served`);
    if (header.apiVersion < api.minVersion || header.apiVersion > api.maxVersion) {
      if (api.key === ApiKey.ApiVersions) return this.unsupportedApiVersions(header);
      throw new KafkaConnectionError(`${api.name} v${header.apiVersion} is not served (v${api.minVersion}-${api.maxVersion})`);
    }
    const session = this.options.session;
    if (session !== undefined && api.key !== ApiKey.ApiVersions && api.key !== ApiKey.SaslHandshake && api.key !== ApiKey.SaslAuthenticate) {
      try {
        session.admit(api.name);
      } catch (err) {
        throw new KafkaConnectionError((err as Error).message);
      }
    }
    const flexible = isFlexible(api, header.apiVersion);
    reader.flexible = flexible;
    const startedAt = performance.now();
    const quotas = this.options.quotas;
    // The request-time throttle earned so far; Produce and Fetch raise it for their bytes.
    const principal = session?.principal.name ?? ANONYMOUS.name;
    const throttle: Throttle = { ms: quotas?.requestThrottleMs(principal) ?? 0 };
    try {
      if (flexible) reader.tags(); // request header v2
      const writer = responseWriter(header.correlationId, { flexibleBody: flexible, flexibleHeader: flexible && api.key !== ApiKey.ApiVersions });
      let serving: Promise<boolean>;
      try {
        serving = this.serve(api, header.apiVersion, reader, writer, cancelled, throttle, header.clientId);
      } finally {
        // The time up to the handler's first wait (not waits for replication or long-polls).
        quotas?.recordRequestTime(principal, performance.now() - startedAt);
      }
      const answered = await serving;
      this.options.onRequest?.(api.name, performance.now() - startedAt);
      if (quotas !== undefined && throttle.ms > 0) await quotas.hold(throttle.ms);
      return answered ? writer.finish() : null;
    } catch (err) {
      if (err instanceof KafkaDecodeError) throw new KafkaConnectionError(`malformed ${api.name} v${header.apiVersion} request: ${err.message}`);
      throw err;
    }
  }

  /** Returns false when no answer is sent. */
  private async serve(api: ApiSupport, version: number, reader: KafkaReader, writer: KafkaWriter, cancelled: AbortSignal, throttle: Throttle, clientId: string | null): Promise<boolean> {
    switch (api.key) {
      case ApiKey.ApiVersions:
        decodeApiVersionsRequest(reader, version);
        encodeApiVersionsResponse(writer, version, { errorCode: KafkaError.NONE, apiKeys: SUPPORTED_APIS.map(toRange), throttleTimeMs: 0 });
        return true;
      case ApiKey.Metadata: {
        const request = decodeMetadataRequest(reader, version);
        encodeMetadataResponse(writer, version, await this.metadata(request.topics, request.allowAutoTopicCreation));
        return true;
      }
      case ApiKey.Produce:
        return this.produce(reader, version, writer, throttle);
      case ApiKey.Fetch:
        encodeFetchResponse(writer, version, await this.fetch(reader, version, cancelled, throttle));
        return true;
      case ApiKey.ListOffsets:
        encodeListOffsetsResponse(writer, version, await this.listOffsets(reader, version));
        return true;
      case ApiKey.FindCoordinator:
        encodeFindCoordinatorResponse(writer, version, this.groups.findCoordinator(reader, version));
        return true;
      case ApiKey.OffsetCommit:
        encodeOffsetCommitResponse(writer, version, await this.groups.offsetCommit(reader, version));
        return true;
      case ApiKey.OffsetFetch:
        encodeOffsetFetchResponse(writer, version, this.groups.offsetFetch(reader));
        return true;
      case ApiKey.DeleteTopics:
        encodeDeleteTopicsResponse(writer, version, await this.deleteTopics(reader));
        return true;
      case ApiKey.InitProducerId:
        encodeInitProducerIdResponse(writer, await this.initProducerId(reader));
        return true;
      case ApiKey.CreateTopics:
        encodeCreateTopicsResponse(writer, version, await this.createTopics(reader, version));
        return true;
      case ApiKey.JoinGroup:
        encodeJoinGroupResponse(writer, version, await this.groups.joinGroup(reader, version, clientId));
        return true;
      case ApiKey.SyncGroup:
        encodeSyncGroupResponse(writer, version, await this.groups.syncGroup(reader, version));
        return true;
      case ApiKey.Heartbeat:
        encodeHeartbeatResponse(writer, version, this.groups.heartbeat(reader, version));
        return true;
      case ApiKey.LeaveGroup:
        encodeLeaveGroupResponse(writer, version, this.groups.leaveGroup(reader, version));
        return true;
      case ApiKey.DescribeGroups:
        encodeDescribeGroupsResponse(writer, version, this.groups.describeGroups(reader, version));
        return true;
      case ApiKey.ListGroups:
        encodeListGroupsResponse(writer, version, this.groups.listGroups());
        return true;
      case ApiKey.SaslHandshake:
        encodeSaslHandshakeResponse(writer, this.saslHandshake(reader, version));
        return true;
      case ApiKey.SaslAuthenticate:
        encodeSaslAuthenticateResponse(writer, version, await this.saslAuthenticate(reader));
        return true;
      case ApiKey.DescribeConfigs:
        encodeDescribeConfigsResponse(writer, version, this.describeConfigs(reader, version));
        return true;
      default:
        throw new KafkaConnectionError(`API key ${api.key} has no handler`);
    }
  }

  /**
   * Topic configs under Kafka's names (Sluice's topic keys are Kafka's), each marked default or set
   * on the topic; this broker's configs (BROKER resource named by its id, or "" for the defaults).
   * As in Kafka, describe-configs on the topic, or on the cluster for a broker, when ACLs are on.
   */
  private describeConfigs(reader: KafkaReader, version: number) {
    const request = decodeDescribeConfigsRequest(reader, version);
    const results = request.resources.map((resource): DescribeConfigsResult => {
      const answer = { resourceType: resource.resourceType, resourceName: resource.resourceName };
      const wanted = (entries: readonly ConfigEntry[]): ConfigEntry[] =>
        resource.configurationKeys === null ? [...entries] : entries.filter((entry) => resource.configurationKeys!.includes(entry.name));
      try {
        if (resource.resourceType === ConfigResourceType.TOPIC) {
          this.require('describe-configs', resource.resourceName);
          const view = this.options.broker.describeTopic(resource.resourceName);
          return { ...answer, errorCode: KafkaError.NONE, errorMessage: null, configs: wanted(topicConfigEntries(view.configs)) };
        }
        if (resource.resourceType === ConfigResourceType.BROKER) {
          const own = this.options.brokerConfigs;
          if (!(this.options.access?.allowed('describe-configs', { type: 'cluster', name: CLUSTER_RESOURCE }) ?? true)) {
            return { ...answer, errorCode: KafkaError.CLUSTER_AUTHORIZATION_FAILED, errorMessage: 'not authorized to describe-configs on the cluster', configs: [] };
          }
          if (own === undefined || (resource.resourceName !== '' && resource.resourceName !== String(own.brokerId))) {
            return { ...answer, errorCode: KafkaError.INVALID_REQUEST, errorMessage: `this is broker ${own?.brokerId ?? '?'}: ask broker ${resource.resourceName} for its configs`, configs: [] };
          }
          return { ...answer, errorCode: KafkaError.NONE, errorMessage: null, configs: wanted(own.entries) };
        }
        return { ...answer, errorCode: KafkaError.INVALID_REQUEST, errorMessage: `config resource type ${resource.resourceType} is not served (topics: 2, brokers: 4)`, configs: [] };
      } catch (err) {
        const failure = kafkaFailure(err);
        return { ...answer, errorCode: failure.code, errorMessage: failure.message, configs: [] };
      }
    });
    return { results };
  }

  private saslHandshake(reader: KafkaReader, version: number) {
    const { mechanism } = decodeSaslHandshakeRequest(reader);
    // v0 would have raw SASL tokens follow instead of SaslAuthenticate requests: not served.
    if (version === 0) return { errorCode: KafkaError.UNSUPPORTED_VERSION, mechanisms: [] };
    return this.options.session?.handshake(mechanism) ?? { errorCode: KafkaError.UNSUPPORTED_SASL_MECHANISM, mechanisms: [] };
  }

  private async saslAuthenticate(reader: KafkaReader) {
    const { authBytes } = decodeSaslAuthenticateRequest(reader);
    const session = this.options.session;
    if (session === undefined) return { errorCode: KafkaError.ILLEGAL_SASL_STATE, errorMessage: 'SASL is not served on this listener', authBytes: Buffer.alloc(0), sessionLifetimeMs: 0 };
    return session.authenticate(authBytes);
  }

  /** Records bytes against the quota of `kind`; the answer's throttle becomes at least what that earns. */
  private recordBytes(kind: QuotaKind, bytes: number, throttle: Throttle): number {
    const quotas = this.options.quotas;
    if (quotas !== undefined && bytes > 0) throttle.ms = Math.max(throttle.ms, quotas.record(this.options.session?.principal.name ?? ANONYMOUS.name, kind, bytes));
    return throttle.ms;
  }

  private unsupportedApiVersions(header: RequestHeader): Buffer[] {
    const writer = responseWriter(header.correlationId, { flexibleBody: false, flexibleHeader: false });
    encodeApiVersionsResponse(writer, 0, { errorCode: KafkaError.UNSUPPORTED_VERSION, apiKeys: SUPPORTED_APIS.map(toRange), throttleTimeMs: 0 });
    return writer.finish();
  }

  private async metadata(requested: string[] | null, allowAutoTopicCreation: boolean) {
    const { broker } = this.options;
    const listeners = this.options.listeners();
    let topics: MetadataTopic[];
    if (requested === null) {
      let views: TopicView[] = [];
      try {
        views = broker.listTopics();
      } catch {
        // Not ready yet (no metadata): no topics, and the client asks again.
      }
      // Sluice's internal topics hold Sluice-format records a Kafka client cannot read.
      topics = views.filter((view) => !view.internal && this.allowed('describe', view.name)).map(topicMetadata);
    } else {
      topics = await Promise.all(
        requested.map(async (name) => {
          try {
            this.require('describe', name);
            return topicMetadata(await this.describeOrCreate(name, allowAutoTopicCreation));
          } catch (err) {
            return { errorCode: kafkaFailure(err).code, name, isInternal: false, partitions: [] };
          }
        }),
      );
    }
    const controllerId = broker.controllerId();
    return { throttleTimeMs: 0, brokers: metadataBrokers(broker.brokers(), listeners, topics, controllerId), clusterId: null, controllerId, topics };
  }

  private async produce(reader: KafkaReader, version: number, writer: KafkaWriter, throttle: Throttle): Promise<boolean> {
    const request = decodeProduceRequest(reader, version);
    const { broker } = this.options;
    const acks = request.acks;
    const timeoutMs = Math.min(request.timeoutMs > 0 ? request.timeoutMs : this.options.produceTimeoutMs, this.options.produceTimeoutMs);
    const topics = await Promise.all(
      request.topics.map(async (topic) => ({
        name: topic.name,
        partitions: await Promise.all(
          topic.partitions.map(async (p): Promise<ProducePartitionResponse> => {
            const answer = { index: p.index, baseOffset: -1, logAppendTimeMs: -1, logStartOffset: -1 };
            if (acks !== 0 && acks !== 1 && acks !== -1) {
              return { ...answer, errorCode: KafkaError.INVALID_REQUIRED_ACKS, errorMessage: `acks must be 0, 1 or -1, got ${acks}` };
            }
            try {
              this.require('write', topic.name);
              refuseClientWrite(topic.name);
              if (p.records === null) return { ...answer, errorCode: KafkaError.CORRUPT_MESSAGE, errorMessage: 'no records' };
              const result = await broker.produce(topic.name, p.index, kafkaBatchToSluice(p.records), acks, timeoutMs);
              return { ...answer, errorCode: KafkaError.NONE, baseOffset: result.baseOffset, logStartOffset: result.logStartOffset, errorMessage: null };
            } catch (err) {
              const failure = kafkaFailure(err);
              return { ...answer, errorCode: failure.code, errorMessage: failure.message };
            }
          }),
        ),
      })),
    );
    let bytes = 0;
    for (const topic of request.topics) for (const p of topic.partitions) bytes += p.records?.length ?? 0;
    const throttleTimeMs = this.recordBytes('produce', bytes, throttle);
    if (acks === 0) return false;
    encodeProduceResponse(writer, version, { topics, throttleTimeMs });
    return true;
  }

  /**
   * Reads every asked partition at once; each long-polls for data, and the first to find some (or
   * to fail) ends the others' wait, so the response comes as soon as anything is there.
   */
  private async fetch(reader: KafkaReader, version: number, cancelled: AbortSignal, throttle: Throttle) {
    const request = decodeFetchRequest(reader, version);
    const { broker } = this.options;
    const maxWaitMs = Math.max(0, Math.min(request.maxWaitMs, this.options.fetchMaxWaitMs));
    const found = new AbortController();
    const stop = (): void => found.abort();
    cancelled.addEventListener('abort', stop, { once: true });
    try {
      const topics = await Promise.all(
        request.topics.map(async (topic) => ({
          topic: topic.topic,
          partitions: await Promise.all(
            topic.partitions.map(async (p): Promise<FetchPartitionResponse> => {
              const answer = { partitionIndex: p.partition, highWatermark: -1, lastStableOffset: -1, logStartOffset: -1, records: [] };
              try {
                this.require('read', topic.topic);
                const maxBytes = Math.max(1, Math.min(p.partitionMaxBytes, request.maxBytes, FETCH_BYTES_MAX));
                const result = await broker.fetch(topic.topic, p.partition, p.fetchOffset, maxBytes, maxWaitMs, 1, found.signal);
                if (result.bytes > 0) found.abort();
                return {
                  partitionIndex: p.partition,
                  errorCode: KafkaError.NONE,
                  highWatermark: result.highWatermark,
                  lastStableOffset: result.highWatermark,
                  logStartOffset: result.logStartOffset,
                  records: result.batches.flatMap(sluiceBatchToKafka),
                };
              } catch (err) {
                found.abort();
                return { ...answer, errorCode: kafkaFailure(err).code };
              }
            }),
          ),
        })),
      );
      const bytes = trimToMaxBytes(topics, request.maxBytes);
      return { throttleTimeMs: this.recordBytes('fetch', bytes, throttle), errorCode: KafkaError.NONE, sessionId: 0, topics };
    } finally {
      cancelled.removeEventListener('abort', stop);
    }
  }

  /** Topics are deleted one by one through the controller; internal topics are refused by the core. */
  private async deleteTopics(reader: KafkaReader) {
    const request = decodeDeleteTopicsRequest(reader);
    const responses: Array<{ name: string; errorCode: number }> = [];
    for (const name of request.topicNames) {
      try {
        this.require('delete', name);
        await this.options.broker.deleteTopic(name);
        responses.push({ name, errorCode: KafkaError.NONE });
      } catch (err) {
        responses.push({ name, errorCode: kafkaFailure(err).code });
      }
    }
    return { responses };
  }

  /**
   * A producer id for an idempotent producer, from the same blocks the Sluice producer's come
   * from; its batches are then deduplicated by the partition's idempotence table. As on gRPC, it
   * takes idempotent-write on the cluster or write on some topic when ACLs are on.
   */
  private async initProducerId(reader: KafkaReader) {
    const request = decodeInitProducerIdRequest(reader);
    const none = { producerId: -1, producerEpoch: -1 };
    if (request.transactionalId !== null) {
      return { ...none, errorCode: KafkaError.TRANSACTIONAL_ID_AUTHORIZATION_FAILED };
    }
    const access = this.options.access;
    if (access !== undefined && !access.allowed('idempotent-write', { type: 'cluster', name: CLUSTER_RESOURCE }) && !access.holdsAny('write', 'topic')) {
      return { ...none, errorCode: KafkaError.CLUSTER_AUTHORIZATION_FAILED };
    }
    try {
      const { producerId, producerEpoch } = await this.options.broker.initProducerId();
      return { errorCode: KafkaError.NONE, producerId, producerEpoch };
    } catch (err) {
      return { ...none, errorCode: kafkaFailure(err).code };
    }
  }

  /**
   * A topic a Kafka client asks Metadata for; unknown, it is created when the client allows it, the
   * broker's auto.create.topics.enable does and the principal may create it (Kafka's rule): a
   * producer then writes to a topic nobody created first. Its partitions may have no leader yet
   * (LEADER_NOT_AVAILABLE per partition); the client asks again.
   */
  private async describeOrCreate(name: string, allowAutoTopicCreation: boolean): Promise<TopicView> {
    const { broker } = this.options;
    try {
      return broker.describeTopic(name);
    } catch (err) {
      const creation = this.options.topicCreation;
      if (!(err instanceof SluiceError && err.code === 'UNKNOWN_TOPIC') || !allowAutoTopicCreation || creation?.auto !== true || !this.mayCreate(name)) throw err;
      await broker.createTopic({ name, partitions: creation.partitions, replicationFactor: this.defaultReplicationFactor(), configs: {} }).catch((failure: unknown) => {
        // Created meanwhile by another client's request: describe it below.
        if (!(failure instanceof SluiceError && failure.code === 'TOPIC_EXISTS')) throw failure;
      });
      return broker.describeTopic(name);
    }
  }

  /** Kafka's rule for creating a topic: create on the cluster, or on the topic's name. */
  private mayCreate(name: string): boolean {
    return (this.options.access?.allowed('create', { type: 'cluster', name: CLUSTER_RESOURCE }) ?? true) || this.allowed('create', name);
  }

  /** default.replication.factor, where 0 means the registered brokers, at most 3. */
  private defaultReplicationFactor(): number {
    const configured = this.options.topicCreation?.replicationFactor ?? 1;
    return configured > 0 ? configured : Math.min(AUTO_REPLICATION_FACTOR_MAX, Math.max(1, this.options.broker.brokers().filter((b) => b.epoch >= 0).length));
  }

  /** Topics are created one by one through the controller, as the Sluice admin client's are. */
  private async createTopics(reader: KafkaReader, version: number) {
    const request = decodeCreateTopicsRequest(reader, version);
    const { broker } = this.options;
    const topics: CreateTopicResult[] = [];
    for (const topic of request.topics) {
      try {
        if (!this.mayCreate(topic.name)) this.require('create', topic.name);
        if (topic.assignmentCount > 0) throw new KafkaProtocolError('INVALID_REQUEST', 'manual replica assignments are not supported; give num_partitions and replication_factor');
        const spec = {
          name: topic.name,
          partitions: topic.numPartitions === -1 ? (this.options.topicCreation?.partitions ?? 1) : topic.numPartitions,
          replicationFactor: topic.replicationFactor === -1 ? this.defaultReplicationFactor() : topic.replicationFactor,
          configs: topic.configs,
        };
        if (request.validateOnly) {
          // Only what this broker can tell without the controller: the name is free.
          if (broker.listTopics().some((view) => view.name === topic.name)) throw new KafkaProtocolError('TOPIC_ALREADY_EXISTS', `topic "${topic.name}" already exists`);
        } else {
          await broker.createTopic(spec);
        }
        topics.push({ name: topic.name, errorCode: KafkaError.NONE, errorMessage: null });
      } catch (err) {
        const failure = kafkaFailure(err);
        topics.push({ name: topic.name, errorCode: failure.code, errorMessage: failure.message });
      }
    }
    return { throttleTimeMs: 0, topics };
  }

  private async listOffsets(reader: KafkaReader, version: number) {
    const request = decodeListOffsetsRequest(reader, version);
    const { broker } = this.options;
    const topics = await Promise.all(
      request.topics.map(async (topic) => ({
        name: topic.name,
        partitions: await Promise.all(
          topic.partitions.map(async (p): Promise<ListOffsetsPartitionResponse> => {
            try {
              this.require('describe', topic.name);
              const partition = broker.partition(topic.name, p.partitionIndex);
              const offset = await partition.listOffset(p.timestamp);
              return { partitionIndex: p.partitionIndex, errorCode: KafkaError.NONE, timestamp: -1, offset, leaderEpoch: partition.replicated.term };
            } catch (err) {
              return { partitionIndex: p.partitionIndex, errorCode: kafkaFailure(err).code, timestamp: -1, offset: -1, leaderEpoch: -1 };
            }
          }),
        ),
      })),
    );
    return { throttleTimeMs: 0, topics };
  }
}

/** Kafka's `num.partitions` and `default.replication.factor` defaults, for -1 in CreateTopics. */
/** default.replication.factor=0 asks for the registered brokers, at most this many. */
const AUTO_REPLICATION_FACTOR_MAX = 3;

/**
 * Keeps the response within the request's max_bytes, in request order: whole batches (a header and
 * its records) while they fit, and always the first one even if larger (KIP-74), so a consumer
 * always makes progress. Batches dropped here are fetched again by the next request. Returns the
 * bytes kept.
 */
function trimToMaxBytes(topics: ReadonlyArray<{ partitions: FetchPartitionResponse[] }>, maxBytes: number): number {
  let kept = 0;
  for (const topic of topics) {
    for (const partition of topic.partitions) {
      const records = partition.records;
      let count = 0;
      for (; count + 1 < records.length; count += 2) {
        const size = records[count]!.length + records[count + 1]!.length;
        if (kept > 0 && kept + size > maxBytes) break;
        kept += size;
      }
      records.length = count;
    }
  }
  return kept;
}

/**
 * The brokers a Metadata answer lists: every registered broker (with a Kafka listener) that is alive
 * in this broker's view, leads a partition of the answer, or is the controller. A leader missing
 * from the list stalls clients (they cannot reach it), and this broker's liveness view can lag or
 * lapse (right after its start, or while its heartbeats go unanswered) while it knows the leaders.
 */
export function metadataBrokers(
  views: readonly BrokerView[],
  listeners: ReadonlyMap<number, KafkaListenerAddress>,
  topics: readonly MetadataTopic[],
  controllerId: number,
): MetadataBroker[] {
  const wanted = new Set<number>([controllerId]);
  for (const topic of topics) for (const p of topic.partitions) if (p.leaderId > 0) wanted.add(p.leaderId);
  const brokers: MetadataBroker[] = [];
  for (const view of views) {
    const listener = listeners.get(view.id);
    const registered = view.epoch >= 0;
    if (listener !== undefined && registered && (view.alive || wanted.has(view.id))) brokers.push({ nodeId: view.id, host: listener.host, port: listener.port, rack: null });
  }
  return brokers;
}

/** A topic's configs as Kafka names them, with whether each is the default. */
function topicConfigEntries(configs: Readonly<Record<string, string>>): ConfigEntry[] {
  const defaults = topicConfigToStrings(TOPIC_CONFIG_DEFAULTS);
  const entries: ConfigEntry[] = Object.entries(configs).map(([name, value]) => ({
    name,
    value,
    readOnly: false,
    source: defaults[name] === value ? ConfigSource.DEFAULT_CONFIG : ConfigSource.DYNAMIC_TOPIC_CONFIG,
    sensitive: false,
  }));
  // What holds for every Sluice topic, under Kafka's names: batches are stored as producers compressed them, with their own timestamps.
  for (const [name, value] of [['compression.type', 'producer'], ['message.timestamp.type', 'CreateTime']] as const) {
    entries.push({ name, value, readOnly: true, source: ConfigSource.DEFAULT_CONFIG, sensitive: false });
  }
  return entries;
}

function toRange(api: ApiSupport) {
  return { apiKey: api.key, minVersion: api.minVersion, maxVersion: api.maxVersion };
}

function topicMetadata(view: TopicView): MetadataTopic {
  return {
    errorCode: KafkaError.NONE,
    name: view.name,
    isInternal: view.internal,
    partitions: view.partitions.map((p) => ({
      errorCode: p.leader > 0 ? KafkaError.NONE : KafkaError.LEADER_NOT_AVAILABLE,
      partitionIndex: p.partition,
      leaderId: p.leader > 0 ? p.leader : -1,
      leaderEpoch: p.leaderEpoch,
      replicaNodes: p.replicas,
      isrNodes: p.isr,
      offlineReplicas: [],
    })),
  };
}
