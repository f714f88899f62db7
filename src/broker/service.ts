/**
 * gRPC handlers: decode and check each request, call the broker core, and turn every failure into
 * a gRPC status carrying a stable error code. A bad request never takes the broker down.
 */
import type * as grpc from '@grpc/grpc-js';
import { setMaxListeners } from 'node:events';
import { SluiceError } from '../protocol/errors.js';
import { requireBrokerCaller, type BrokerAuthentication } from '../security/broker-caller.js';
import type { CallTransport } from '../security/peer-identity.js';
import type { AdminHandlers } from '../protocol/generated/sluice/v1/Admin.js';
import type { BrokerHandlers } from '../protocol/generated/sluice/v1/Broker.js';
import type { ControllerHandlers } from '../protocol/generated/sluice/v1/Controller.js';
import type { TopicDescription } from '../protocol/generated/sluice/v1/TopicDescription.js';
import type { FetchRequest__Output } from '../protocol/generated/sluice/v1/FetchRequest.js';
import type { FetchResponse } from '../protocol/generated/sluice/v1/FetchResponse.js';
import type { ProduceRequest__Output } from '../protocol/generated/sluice/v1/ProduceRequest.js';
import type { ProduceResponse } from '../protocol/generated/sluice/v1/ProduceResponse.js';
import { isScramMechanism, storeCredential } from '../security/scram.js';
import { aclFromWire, aclToWire } from '../security/wire.js';
import { encodeFetchResponse } from './fetch-response.js';
import type { Broker, TopicView } from './broker.js';
import type { Acks } from './partition.js';
import type { RequestStreams } from './request-streams.js';

/** Fetch byte limits: the default when a client sends 0, and the most one response may carry. */
export const FETCH_BYTES_DEFAULT = 1024 * 1024;
export const FETCH_BYTES_MAX = 32 * 1024 * 1024;

export interface ServiceOptions {
  fetchMaxWaitMs: number;
  /** Default and upper bound of the acks=all replication wait. */
  produceTimeoutMs: number;
  /** Counts requests in flight so shutdown can wait for them. */
  inflight: { enter(method: string): void; exit(method: string): void };
  /** Open request streams, which shutdown refuses and ends. */
  streams: RequestStreams;
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

type Outcome<Res> = { response: Res } | { error: SluiceError };

/** Runs one request: counts it in flight, times it, and turns whatever it throws into a SluiceError. */
async function serve<Res>(method: string, options: ServiceOptions, run: () => Promise<Res> | Res): Promise<Outcome<Res>> {
  const startedAt = performance.now();
  options.inflight.enter(method);
  try {
    const response = await run();
    options.onRequest?.(method, performance.now() - startedAt);
    return { response };
  } catch (err) {
    const error = toSluiceError(err);
    options.onRequest?.(method, performance.now() - startedAt, error);
    return { error };
  } finally {
    options.inflight.exit(method);
  }
}

/** Wraps a unary handler: runs it, times it, and maps thrown errors to gRPC statuses. */
export function unary<Req, Res>(
  method: string,
  options: ServiceOptions,
  handle: (request: Req, call: grpc.ServerUnaryCall<Req, Res>) => Promise<Res> | Res,
): grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => {
    void serve(method, options, () => handle(call.request, call)).then((outcome) =>
      'error' in outcome ? callback(outcome.error.toServiceError()) : callback(null, outcome.response),
    );
  };
}

/**
 * Serves a request stream (ProduceStream, FetchStream): every message is one request, run
 * concurrently like a unary call and answered on the stream with its correlation id; a failure is
 * answered in the response's `error` field and the stream stays open. Requests are started in the
 * order they arrive. When the client ends its side, the stream ends after the last answer.
 */
export function streamed<Req extends { correlationId: number }, Res>(
  method: string,
  options: ServiceOptions,
  handle: (request: Req, cancelled: AbortSignal) => Promise<Res> | Res,
  failed: (correlationId: number, error: SluiceError) => Res,
): grpc.handleBidiStreamingCall<Req, Res> {
  return (call) => {
    const cancelled = new AbortController();
    // Every long-poll waiting on this stream listens to it: one per partition a consumer reads.
    setMaxListeners(0, cancelled.signal);
    let unanswered = 0;
    let ending = false;
    let done = false;
    const finish = (): void => {
      if (done || !ending || unanswered > 0) return;
      done = true;
      unregister();
      if (!cancelled.signal.aborted) call.end();
    };
    const unregister = options.streams.add(() => {
      ending = true;
      finish();
    });
    call.on('data', (request: Req) => {
      unanswered++;
      void serve(method, options, () => {
        if (options.streams.isClosing) throw new SluiceError('SHUTTING_DOWN', 'the broker is stopping');
        return handle(request, cancelled.signal);
      }).then((outcome) => {
        unanswered--;
        if (!cancelled.signal.aborted && !done) call.write('error' in outcome ? failed(request.correlationId, outcome.error) : outcome.response);
        finish();
      });
    });
    call.on('end', () => {
      ending = true;
      finish();
    });
    const abandon = (): void => {
      cancelled.abort();
      done = true;
      unregister();
    };
    call.on('cancelled', abandon);
    call.on('error', abandon);
  };
}

export function brokerHandlers(broker: Broker, options: ServiceOptions): BrokerHandlers {
  // Not an async function returning a spread of the result: in the broker's heap profile of the
  // e2e bench, that version's objects outlived scavenges (promoted per scavenge 58 -> 32 KB).
  const produce = (request: ProduceRequest__Output): Promise<ProduceResponse> => {
    const topic = requireName(request.topic, 'topic');
    const acks = toAcks(request.acks);
    if (!Buffer.isBuffer(request.batch) || request.batch.length === 0) invalid('batch is required');
    const timeoutMs = Math.min(request.timeoutMs || options.produceTimeoutMs, options.produceTimeoutMs);
    const correlationId = request.correlationId;
    return broker.produce(topic, request.partition, request.batch, acks, timeoutMs).then((result) => ({
      baseOffset: result.baseOffset,
      lastOffset: result.lastOffset,
      logStartOffset: result.logStartOffset,
      logAppendTimeMs: broker.clock.nowMs(),
      correlationId,
    }));
  };

  const fetch = async (request: FetchRequest__Output, cancelled: AbortSignal): Promise<FetchResponse> => {
    const topic = requireName(request.topic, 'topic');
    const offset = requireOffset(request.offset, 'offset');
    const maxBytes = Math.min(request.maxBytes || FETCH_BYTES_DEFAULT, FETCH_BYTES_MAX);
    const maxWaitMs = Math.min(request.maxWaitMs, options.fetchMaxWaitMs);
    const result = await broker.fetch(topic, request.partition, offset, maxBytes, maxWaitMs, request.minBytes, cancelled);
    const fields = {
      highWatermark: result.highWatermark,
      logStartOffset: result.logStartOffset,
      logEndOffset: result.logEndOffset,
      messageTtlMs: broker.topicConfig(topic)['message.ttl.ms'],
      expiredRecords: result.expiredRecords,
      nextOffset: result.nextOffset,
      correlationId: request.correlationId,
    };
    // Already encoded (the batches copied once, into place); the server's Fetch serializers
    // (withEncodedFetchResponses) pass it through.
    const encoded = encodeFetchResponse(fields, result.batches);
    if (encoded !== undefined) return encoded as unknown as FetchResponse;
    return { records: result.batches.length === 1 ? result.batches[0]! : Buffer.concat(result.batches, result.bytes), ...fields };
  };

  return {
    Produce: unary('Produce', options, produce),
    ProduceStream: streamed('Produce', options, produce, (correlationId, error) => ({ correlationId, error: error.toResponseError() })),

    Fetch: unary('Fetch', options, (request, call) => {
      const cancelled = new AbortController();
      call.on('cancelled', () => cancelled.abort());
      return fetch(request, cancelled.signal);
    }),
    FetchStream: streamed('Fetch', options, fetch, (correlationId, error) => ({ correlationId, error: error.toResponseError() })),

    ListOffsets: unary('ListOffsets', options, async (request) => {
      const partition = broker.partition(requireName(request.topic, 'topic'), request.partition);
      return {
        offset: await partition.listOffset(request.timestamp),
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
    RepairPartition: unary('RepairPartition', options, async (request) => {
      const topic = requireName(request.topic, 'topic');
      // Skipping is the one repair a single copy has; the flag says the operator means it.
      if (!request.skipDamaged) invalid('skip_damaged must be set: skipping the damaged offsets is the only repair of a single copy');
      return { skipped: await broker.skipDamaged(topic, request.partition) };
    }),
    UpsertUser: unary('UpsertUser', options, async (request) => {
      const credential = request.credential;
      if (credential === null || !isScramMechanism(credential.mechanism)) invalid('credential with mechanism SCRAM-SHA-256 or SCRAM-SHA-512 is required');
      await broker.upsertScramCredential(requireName(request.name, 'name'), credential.mechanism, storeCredential(credential));
      return {};
    }),
    DeleteUser: unary('DeleteUser', options, async (request) => {
      await broker.deleteUser(requireName(request.name, 'name'));
      return {};
    }),
    ListUsers: unary('ListUsers', options, () => ({
      users: Object.entries(broker.controller.metadata.users)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([name, credentials]) => ({ name, mechanisms: Object.keys(credentials).sort() })),
    })),
    CreateAcl: unary('CreateAcl', options, async (request) => {
      await broker.createAcl(aclFromWire(request));
      return {};
    }),
    DeleteAcl: unary('DeleteAcl', options, async (request) => {
      await broker.deleteAcl(aclFromWire(request));
      return {};
    }),
    ListAcls: unary('ListAcls', options, () => ({ acls: broker.controller.metadata.acls.map(aclToWire) })),
  };
}

/** The controller service: answered by the controller leader, NOT_COORDINATOR (with a hint) elsewhere. */
export function controllerHandlers(broker: Broker, options: ServiceOptions, authentication: BrokerAuthentication = 'none'): ControllerHandlers {
  const controller = broker.controllerService;
  const caller = (call: CallTransport, claimedId?: number): void => requireBrokerCaller(authentication, call, claimedId);
  return {
    RegisterBroker: unary('RegisterBroker', options, async (request, call) => {
      if (!(request.brokerId >= 1)) invalid(`broker_id must be >= 1, got ${request.brokerId}`);
      caller(call, request.brokerId);
      if (!(request.port >= 1 && request.port <= 65535)) invalid(`port must be 1-65535, got ${request.port}`);
      return {
        brokerEpoch: await controller.registerBroker({
          brokerId: request.brokerId,
          host: requireName(request.host, 'host'),
          port: request.port,
          incarnation: requireName(request.incarnation, 'incarnation'),
        }),
      };
    }),
    BrokerHeartbeat: unary('BrokerHeartbeat', options, (request, call) => {
      caller(call, request.brokerId);
      return controller.brokerHeartbeat(request);
    }),
    CreateTopic: unary('ControllerCreateTopic', options, async (request, call) => {
      caller(call);
      return {
        metadataVersion: await controller.createTopic({
          name: requireName(request.name, 'name'),
          partitions: request.partitions,
          replicationFactor: request.replicationFactor,
          configs: request.configs,
        }),
      };
    }),
    DeleteTopic: unary('ControllerDeleteTopic', options, async (request, call) => {
      caller(call);
      return { metadataVersion: await controller.deleteTopic(requireName(request.name, 'name')) };
    }),
    AlterTopicConfig: unary('ControllerAlterTopicConfig', options, async (request, call) => {
      caller(call);
      return { metadataVersion: await controller.alterTopicConfig(requireName(request.name, 'name'), request.set, request.delete) };
    }),
    AllocateProducerIds: unary('AllocateProducerIds', options, (request, call) => {
      caller(call, request.brokerId);
      return controller.allocateProducerIds(request.brokerId, request.count);
    }),
    UpsertUser: unary('ControllerUpsertUser', options, async (request, call) => {
      caller(call);
      const credential = request.credential;
      if (credential === null || !isScramMechanism(credential.mechanism)) invalid('credential with mechanism SCRAM-SHA-256 or SCRAM-SHA-512 is required');
      return { metadataVersion: await controller.upsertScramCredential(requireName(request.name, 'name'), credential.mechanism, storeCredential(credential)) };
    }),
    DeleteUser: unary('ControllerDeleteUser', options, async (request, call) => {
      caller(call);
      return { metadataVersion: await controller.deleteUser(requireName(request.name, 'name')) };
    }),
    CreateAcl: unary('ControllerCreateAcl', options, async (request, call) => {
      caller(call);
      return { metadataVersion: await controller.createAcl(aclFromWire(request)) };
    }),
    DeleteAcl: unary('ControllerDeleteAcl', options, async (request, call) => {
      caller(call);
      return { metadataVersion: await controller.deleteAcl(aclFromWire(request)) };
    }),
  };
}
