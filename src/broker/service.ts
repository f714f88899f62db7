/**
 * gRPC handlers: decode and check each request, call the broker core, and turn every failure into
 * a gRPC status carrying a stable error code. A bad request never takes the broker down.
 */
import type * as grpc from '@grpc/grpc-js';
import { SluiceError } from '../protocol/errors.js';
import type { AdminHandlers } from '../protocol/generated/sluice/v1/Admin.js';
import type { BrokerHandlers } from '../protocol/generated/sluice/v1/Broker.js';
import type { ControllerHandlers } from '../protocol/generated/sluice/v1/Controller.js';
import type { TopicDescription } from '../protocol/generated/sluice/v1/TopicDescription.js';
import type { FetchResponse } from '../protocol/generated/sluice/v1/FetchResponse.js';
import { heartbeatResponse } from '../controller/link.js';
import { encodeFetchResponse } from './fetch-response.js';
import type { Broker, TopicView } from './broker.js';
import type { Acks } from './partition.js';

/** Fetch byte limits: the default when a client sends 0, and the most one response may carry. */
export const FETCH_BYTES_DEFAULT = 1024 * 1024;
export const FETCH_BYTES_MAX = 32 * 1024 * 1024;

export interface ServiceOptions {
  fetchMaxWaitMs: number;
  /** Default and upper bound of the acks=all replication wait. */
  produceTimeoutMs: number;
  /** Counts requests in flight so shutdown can wait for them. */
  inflight: { enter(method: string): void; exit(method: string): void };
  onRequest?(method: string, durationMs: number, error?: SluiceError): void;
}

function toSluiceError(err: unknown): SluiceError {
  if (err instanceof SluiceError) return err;
  console.error('internal error while serving a request:', err);
  return new SluiceError('INTERNAL', err instanceof Error ? err.message : String(err));
}

function invalid(message: string): never {
  throw new SluiceError('INVALID_REQUEST', message);
}

function requireName(value: string, what: string): string {
  if (typeof value !== 'string' || value.length === 0) invalid(`${what} is required`);
  return value;
}

function requireOffset(value: number, what: string): number {
  if (!Number.isSafeInteger(value) || value < 0) invalid(`${what} must be a non-negative integer, got ${value}`);
  return value;
}

function toAcks(value: number): Acks {
  if (value === 0 || value === 1 || value === -1) return value;
  return invalid(`acks must be 0, 1 or -1 (all), got ${value}`);
}

function topicDescription(view: TopicView): TopicDescription {
  return { name: view.name, replicationFactor: view.replicationFactor, configs: view.configs, partitions: view.partitions };
}

/** Wraps a unary handler: runs it, times it, and maps thrown errors to gRPC statuses. */
export function unary<Req, Res>(
  method: string,
  options: ServiceOptions,
  handle: (request: Req, call: grpc.ServerUnaryCall<Req, Res>) => Promise<Res> | Res,
): grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => {
    const startedAt = performance.now();
    options.inflight.enter(method);
    Promise.resolve()
      .then(() => handle(call.request, call))
      .then(
        (response) => {
          options.onRequest?.(method, performance.now() - startedAt);
          callback(null, response);
        },
        (err: unknown) => {
          const error = toSluiceError(err);
          options.onRequest?.(method, performance.now() - startedAt, error);
          callback(error.toServiceError());
        },
      )
      .finally(() => options.inflight.exit(method));
  };
}

export function brokerHandlers(broker: Broker, options: ServiceOptions): BrokerHandlers {
  return {
    Produce: unary('Produce', options, async (request) => {
      const topic = requireName(request.topic, 'topic');
      const acks = toAcks(request.acks);
      if (!Buffer.isBuffer(request.batch) || request.batch.length === 0) invalid('batch is required');
      const timeoutMs = Math.min(request.timeoutMs || options.produceTimeoutMs, options.produceTimeoutMs);
      const result = await broker.produce(topic, request.partition, request.batch, acks, timeoutMs);
      return { ...result, logAppendTimeMs: Date.now() };
    }),

    Fetch: unary('Fetch', options, async (request, call) => {
      const topic = requireName(request.topic, 'topic');
      const offset = requireOffset(request.offset, 'offset');
      const maxBytes = Math.min(request.maxBytes || FETCH_BYTES_DEFAULT, FETCH_BYTES_MAX);
      const maxWaitMs = Math.min(request.maxWaitMs, options.fetchMaxWaitMs);
      const cancelled = new AbortController();
      call.on('cancelled', () => cancelled.abort());
      const result = await broker.fetch(topic, request.partition, offset, maxBytes, maxWaitMs, request.minBytes, cancelled.signal);
      const fields = {
        highWatermark: result.highWatermark,
        logStartOffset: result.logStartOffset,
        logEndOffset: result.logEndOffset,
        messageTtlMs: broker.topicConfig(topic)['message.ttl.ms'],
        expiredRecords: result.expiredRecords,
        nextOffset: result.nextOffset,
      };
      // Already encoded (the batches copied once, into place); the server's Fetch serializer
      // (withEncodedFetchResponses) passes it through.
      const encoded = encodeFetchResponse(fields, result.batches);
      if (encoded !== undefined) return encoded as unknown as FetchResponse;
      return { records: result.batches.length === 1 ? result.batches[0]! : Buffer.concat(result.batches, result.bytes), ...fields };
    }),

    ListOffsets: unary('ListOffsets', options, (request) => {
      const partition = broker.partition(requireName(request.topic, 'topic'), request.partition);
      return {
        offset: partition.listOffset(request.timestamp),
        highWatermark: partition.hw,
        logStartOffset: partition.log.logStartOffset(),
      };
    }),

    Metadata: unary('Metadata', options, (request) => {
      const topics = request.topics.length > 0 ? request.topics.map((name) => broker.describeTopic(name)) : broker.listTopics();
      return {
        brokers: broker.brokers(),
        controller: broker.controllerId(),
        topics: topics.map((topic) => ({
          name: topic.name,
          partitions: topic.partitions.map((p) => ({ partition: p.partition, leader: p.leader, replicas: p.replicas, isr: p.isr, leaderEpoch: p.leaderEpoch })),
        })),
        clusterIdHash: 0,
      };
    }),

    InitProducerId: unary('InitProducerId', options, () => broker.initProducerId()),
  };
}

export function adminHandlers(broker: Broker, options: ServiceOptions): AdminHandlers {
  return {
    CreateTopic: unary('CreateTopic', options, async (request) =>
      topicDescription(
        await broker.createTopic({
          name: requireName(request.name, 'name'),
          partitions: request.partitions,
          replicationFactor: request.replicationFactor,
          configs: request.configs,
        }),
      ),
    ),
    DeleteTopic: unary('DeleteTopic', options, async (request) => {
      await broker.deleteTopic(requireName(request.name, 'name'));
      return {};
    }),
    ListTopics: unary('ListTopics', options, (request) => ({
      topics: broker
        .listTopics()
        .filter((topic) => request.includeInternal || !topic.internal)
        .map((topic) => ({ name: topic.name, partitions: topic.partitions.length, replicationFactor: topic.replicationFactor })),
    })),
    DescribeTopic: unary('DescribeTopic', options, (request) => topicDescription(broker.describeTopic(requireName(request.name, 'name')))),
    AlterTopicConfig: unary('AlterTopicConfig', options, async (request) =>
      topicDescription(await broker.alterTopicConfig(requireName(request.name, 'name'), request.set, request.delete)),
    ),
  };
}

/** The controller service: answered by the controller leader, NOT_COORDINATOR (with a hint) elsewhere. */
export function controllerHandlers(broker: Broker, options: ServiceOptions): ControllerHandlers {
  const controller = broker.controller;
  return {
    RegisterBroker: unary('RegisterBroker', options, async (request) => {
      if (!(request.brokerId >= 1)) invalid(`broker_id must be >= 1, got ${request.brokerId}`);
      if (!(request.port >= 1 && request.port <= 65535)) invalid(`port must be 1-65535, got ${request.port}`);
      return {
        brokerEpoch: await controller.registerBroker(request.brokerId, requireName(request.host, 'host'), request.port, requireName(request.incarnation, 'incarnation')),
      };
    }),
    BrokerHeartbeat: unary('BrokerHeartbeat', options, (request) =>
      heartbeatResponse(controller, request.brokerId, request.brokerEpoch, request.metadataVersion, request.leaderships),
    ),
    CreateTopic: unary('ControllerCreateTopic', options, async (request) => ({
      metadataVersion: await controller.createTopic({
        name: requireName(request.name, 'name'),
        partitions: request.partitions,
        replicationFactor: request.replicationFactor,
        configs: request.configs,
      }),
    })),
    DeleteTopic: unary('ControllerDeleteTopic', options, async (request) => ({
      metadataVersion: await controller.deleteTopic(requireName(request.name, 'name')),
    })),
    AlterTopicConfig: unary('ControllerAlterTopicConfig', options, async (request) => ({
      metadataVersion: await controller.alterTopicConfig(requireName(request.name, 'name'), request.set, request.delete),
    })),
    AllocateProducerIds: unary('AllocateProducerIds', options, (request) => controller.allocateProducerIds(request.brokerId, request.count)),
  };
}
