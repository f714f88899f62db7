/**
 * gRPC handlers: decode and check each request, call the broker core, and turn every failure into
 * a gRPC status carrying a stable error code. A bad request never takes the broker down.
 */
import type * as grpc from '@grpc/grpc-js';
import { setMaxListeners } from 'node:events';
import { clip, SluiceError } from '../protocol/errors.js';
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
import type { Acks, ProduceTiming } from './partition.js';
import type { RequestStreams } from './request-streams.js';
import { RequestLimits } from './request-limits.js';
import { refuseClientWrite, TOPIC_NAME_LENGTH_MAX } from '../controller/topic-names.js';
import { reassignmentsFromWire } from '../controller/reassignment-wire.js';
import { HOST_LENGTH_MAX, ID_LENGTH_MAX, requireConfigEntries, requireCount, requireLength } from '../protocol/input-limits.js';
import type { ClientQuotas } from '../controller/quota-records.js';
import type { QuotaEnforcer } from '../security/quota-enforcer.js';
import { principalOf } from '../security/principal.js';
import { logger } from '../observability/log.js';

const log = logger('requests');

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
  /** Requests slower than this (ms, a fetch's long-poll wait not counted) go to onSlowRequest; none when omitted. */
  slowRequestMs?: number;
  onSlowRequest?(method: string, durationMs: number, trace: RequestTrace, error?: SluiceError): void;
  /** The broker's request limits (default: LIMIT_DEFAULTS, as in the simulator). */
  limits?: RequestLimits;
  /** Per-principal quotas; without them nothing is throttled (the simulator; peer brokers' calls). */
  quotas?: QuotaEnforcer;
  /** The quota defaults DescribeClientQuotas reports (quota.*.default settings, by Kafka's names). */
  quotaDefaults?: ClientQuotas;
}

/**
 * Where a request's time went, for the slow-request log (slow-request.ts): filled by the wrappers
 * and the produce and fetch handlers, and by the partition (ProduceTiming). Flat fields on the
 * request's context: no object more per request.
 */
export interface RequestTrace extends ProduceTiming {
  topic: string;
  /** -1 when the request names none. */
  partition: number;
  /** Batch bytes produced or fetched. */
  bytes: number;
  /** Waiting for the produce byte budget before it started. */
  queuedMs: number;
  /** A fetch's long-poll wait for data (not counted as slowness). */
  waitedMs: number;
  /** When the handler started, on the wall clock (ProduceTiming's times are on it too in a broker process). */
  startedAtMs: number;
}

/** What a handler knows of its request besides the message. */
export interface RequestContext extends RequestTrace {
  /** The principal the request acts for (security/principal.ts). */
  readonly principal: string;
  /** How long (ms) the answer is held back and says it was: handlers that meter bytes raise it. */
  throttleMs: number;
}

function toSluiceError(err: unknown): SluiceError {
  if (err instanceof SluiceError) return err;
  log.error({ err }, 'internal error while serving a request');
  return new SluiceError('INTERNAL', err instanceof Error ? err.message : String(err));
}

function invalid(message: string): never {
  throw new SluiceError('INVALID_REQUEST', message);
}

function requireName(value: string, what: string, max = ID_LENGTH_MAX): string {
  if (typeof value !== 'string' || value.length === 0) invalid(`${what} is required`);
  return requireLength(value, what, max);
}

function requireTopic(value: string, what = 'topic'): string {
  return requireName(value, what, TOPIC_NAME_LENGTH_MAX);
}

/** A registration's inter-broker (or, as `what`, Kafka) listener: empty (not sent) or `host:port`. */
function requireInterBrokerAddress(value: string, what = 'inter_broker_address'): string {
  if (value === '') return value;
  requireLength(value, what, HOST_LENGTH_MAX + 6);
  const match = /^([^\s:@]+|\[[0-9a-fA-F:.]+\]):(\d{1,5})$/.exec(value);
  if (!match || Number(match[2]) < 1 || Number(match[2]) > 65535) invalid(`${what} must be host:port, got "${clip(value)}"`);
  return value;
}

/** Topic configs of a create or alter: bounded, and no max.message.bytes over the broker's message.max.bytes. */
function requireTopicConfigs(set: Record<string, string>, reset: readonly string[], limits: RequestLimits): Record<string, string> {
  requireConfigEntries(set, reset);
  const maxMessageBytes = set['max.message.bytes'];
  if (maxMessageBytes !== undefined && Number(maxMessageBytes) > limits.messageMaxBytes) {
    throw new SluiceError('INVALID_CONFIG', `max.message.bytes=${Number(maxMessageBytes)} is over this broker's message.max.bytes=${limits.messageMaxBytes}`);
  }
  return set;
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

type Outcome<Res> = { response: Res; throttleMs: number } | { error: SluiceError; throttleMs: number };

/**
 * Runs one request: counts it in flight, times it, and turns whatever it throws into a SluiceError.
 * Quotas: the request starts with the request-time throttle its principal earned so far; the time
 * the handler holds the event loop up to its first wait (validation, CRC, proposing; not waits for
 * replication or long-polls) is recorded against its request share; the answer is held back, by a
 * timer and outside the in-flight count, for the throttle.
 */
async function serve<Res>(
  method: string,
  options: ServiceOptions,
  principal: string,
  run: (context: RequestContext) => Promise<Res> | Res,
  queuedMs = 0,
): Promise<Outcome<Res>> {
  const quotas = options.quotas;
  const context: RequestContext = {
    principal,
    throttleMs: quotas === undefined ? 0 : quotas.requestThrottleMs(principal),
    topic: '',
    partition: -1,
    bytes: 0,
    queuedMs,
    waitedMs: 0,
    startedAtMs: Date.now(),
    proposedAtMs: 0,
    storedAtMs: 0,
    committedAtMs: 0,
  };
  const startedAt = performance.now();
  options.inflight.enter(method);
  let outcome: Outcome<Res>;
  try {
    let pending: Promise<Res> | Res;
    try {
      pending = run(context);
    } finally {
      quotas?.recordRequestTime(principal, performance.now() - startedAt);
    }
    const response = await pending;
    const durationMs = performance.now() - startedAt;
    options.onRequest?.(method, durationMs);
    reportIfSlow(options, method, durationMs + queuedMs, context);
    outcome = { response, throttleMs: context.throttleMs };
  } catch (err) {
    const error = toSluiceError(err);
    const durationMs = performance.now() - startedAt;
    options.onRequest?.(method, durationMs, error);
    reportIfSlow(options, method, durationMs + queuedMs, context, error);
    outcome = { error, throttleMs: context.throttleMs };
  } finally {
    options.inflight.exit(method);
  }
  if (quotas !== undefined && outcome.throttleMs > 0) await quotas.hold(outcome.throttleMs);
  return outcome;
}

/** Hands a request slower than slow.request.threshold.ms (its long-poll wait aside) to onSlowRequest. */
function reportIfSlow(options: ServiceOptions, method: string, durationMs: number, trace: RequestTrace, error?: SluiceError): void {
  if (options.slowRequestMs !== undefined && durationMs - trace.waitedMs > options.slowRequestMs) options.onSlowRequest?.(method, durationMs, trace, error);
}

/** Wraps a unary handler: runs it, times it, and maps thrown errors to gRPC statuses. */
export function unary<Req, Res>(
  method: string,
  options: ServiceOptions,
  handle: (request: Req, call: grpc.ServerUnaryCall<Req, Res>, context: RequestContext) => Promise<Res> | Res,
): grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => {
    void serve(method, options, principalOf(call).name, (context) => handle(call.request, call, context)).then((outcome) =>
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
  handle: (request: Req, cancelled: AbortSignal, context: RequestContext) => Promise<Res> | Res,
  failed: (correlationId: number, error: SluiceError, throttleMs: number) => Res,
  /** Bytes a request holds of the broker's produce budget while served (none when omitted). */
  weigh?: (request: Req) => number,
): grpc.handleBidiStreamingCall<Req, Res> {
  const limits = options.limits ?? new RequestLimits();
  return (call) => {
    // A stream is one connection's: its principal is found once.
    const principal = principalOf(call).name;
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
    // Flow control: beyond max.inflight.requests.per.stream answers pending, or while a request
    // waits for the produce budget, the stream is not read (HTTP/2 windows then stop the client).
    const waitingForBudget: Req[] = [];
    /** When each of them arrived (performance.now()), for its queue time. */
    const waitingSince: number[] = [];
    const readMore = (): void => {
      if (call.isPaused() && waitingForBudget.length === 0 && unanswered < limits.inflightPerStream) call.resume();
    };
    const start = (request: Req, bytes: number, queuedMs = 0): void => {
      void serve(
        method,
        options,
        principal,
        (context) => {
          if (options.streams.isClosing) throw new SluiceError('SHUTTING_DOWN', 'the broker is stopping');
          return handle(request, cancelled.signal, context);
        },
        queuedMs,
      ).then((outcome) => {
        if (bytes > 0) limits.produceBytes.release(bytes);
        unanswered--;
        if (!cancelled.signal.aborted && !done) {
          call.write('error' in outcome ? failed(request.correlationId, outcome.error, outcome.throttleMs) : outcome.response);
        }
        readMore();
        finish();
      });
    };
    const admitWaiting = async (): Promise<void> => {
      while (waitingForBudget.length > 0) {
        const request = waitingForBudget[0]!;
        const bytes = weigh!(request);
        if (!(await limits.produceBytes.acquire(bytes, cancelled.signal))) return;
        waitingForBudget.shift();
        start(request, bytes, performance.now() - waitingSince.shift()!);
      }
      readMore();
    };
    call.on('data', (request: Req) => {
      unanswered++;
      if (unanswered >= limits.inflightPerStream) call.pause();
      const bytes = weigh === undefined ? 0 : weigh(request);
      if (bytes === 0 || (waitingForBudget.length === 0 && limits.produceBytes.tryAcquire(bytes))) {
        start(request, bytes);
        return;
      }
      call.pause();
      waitingForBudget.push(request);
      waitingSince.push(performance.now());
      if (waitingForBudget.length === 1) void admitWaiting();
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
  const limits = options.limits ?? new RequestLimits();
  // Not an async function returning a spread of the result: in the broker's heap profile of the
  // e2e bench, that version's objects outlived scavenges (promoted per scavenge 58 -> 32 KB).
  const quotas = options.quotas;
  // Only then do produces note when they were stored and committed (a promise reaction each).
  const traced = options.slowRequestMs !== undefined;
  const produce = (request: ProduceRequest__Output, context: RequestContext): Promise<ProduceResponse> => {
    const topic = requireTopic(request.topic);
    refuseClientWrite(topic);
    const acks = toAcks(request.acks);
    if (!Buffer.isBuffer(request.batch) || request.batch.length === 0) invalid('batch is required');
    // Counted whether or not it is stored: refused batches cost the broker their bytes too.
    if (quotas !== undefined) context.throttleMs = Math.max(context.throttleMs, quotas.record(context.principal, 'produce', request.batch.length));
    const timeoutMs = Math.min(request.timeoutMs || options.produceTimeoutMs, options.produceTimeoutMs);
    const correlationId = request.correlationId;
    context.topic = topic;
    context.partition = request.partition;
    context.bytes = request.batch.length;
    return broker.produce(topic, request.partition, request.batch, acks, timeoutMs, undefined, traced ? context : undefined).then((result) => ({
      baseOffset: result.baseOffset,
      lastOffset: result.lastOffset,
      logStartOffset: result.logStartOffset,
      logAppendTimeMs: broker.clock.nowMs(),
      correlationId,
      throttleTimeMs: context.throttleMs,
    }));
  };

  const fetch = async (request: FetchRequest__Output, cancelled: AbortSignal, context: RequestContext): Promise<FetchResponse> => {
    const topic = requireTopic(request.topic);
    const offset = requireOffset(request.offset, 'offset');
    const maxBytes = Math.min(request.maxBytes || FETCH_BYTES_DEFAULT, FETCH_BYTES_MAX);
    const maxWaitMs = Math.min(Math.max(request.maxWaitMs, 0), options.fetchMaxWaitMs);
    if (maxWaitMs > 0) limits.enterWaitingFetch();
    context.topic = topic;
    context.partition = request.partition;
    let result: Awaited<ReturnType<Broker['fetch']>>;
    try {
      result = await broker.fetch(topic, request.partition, offset, maxBytes, maxWaitMs, request.minBytes, cancelled);
    } finally {
      if (maxWaitMs > 0) limits.exitWaitingFetch();
    }
    context.bytes = result.bytes;
    context.waitedMs = result.waitedMs;
    if (quotas !== undefined && result.bytes > 0) context.throttleMs = Math.max(context.throttleMs, quotas.record(context.principal, 'fetch', result.bytes));
    const fields = {
      highWatermark: result.highWatermark,
      logStartOffset: result.logStartOffset,
      logEndOffset: result.logEndOffset,
      messageTtlMs: broker.topicConfig(topic)['message.ttl.ms'],
      expiredRecords: result.expiredRecords,
      nextOffset: result.nextOffset,
      correlationId: request.correlationId,
      throttleTimeMs: context.throttleMs,
    };
    // Already encoded (the batches copied once, into place); the server's Fetch serializers
    // (withEncodedFetchResponses) pass it through.
    const encoded = encodeFetchResponse(fields, result.batches);
    if (encoded !== undefined) return encoded as unknown as FetchResponse;
    return { records: result.batches.length === 1 ? result.batches[0]! : Buffer.concat(result.batches, result.bytes), ...fields };
  };

  return {
    Produce: unary('Produce', options, (request, _call, context) => {
      const exit = limits.enterProduce(Buffer.isBuffer(request.batch) ? request.batch.length : 0);
      try {
        return produce(request, context).finally(exit);
      } catch (err) {
        exit(); // a request refused before it became a promise
        throw err;
      }
    }),
    ProduceStream: streamed(
      'Produce',
      options,
      (request, _cancelled, context) => produce(request, context),
      (correlationId, error, throttleTimeMs) => ({ correlationId, error: error.toResponseError(), throttleTimeMs }),
      (request) => (Buffer.isBuffer(request.batch) ? request.batch.length : 0),
    ),

    Fetch: unary('Fetch', options, (request, call, context) => {
      const cancelled = new AbortController();
      call.on('cancelled', () => cancelled.abort());
      return fetch(request, cancelled.signal, context);
    }),
    FetchStream: streamed('Fetch', options, fetch, (correlationId, error, throttleTimeMs) => ({ correlationId, error: error.toResponseError(), throttleTimeMs })),

    ListOffsets: unary('ListOffsets', options, async (request, _call, context) => {
      const partition = broker.partition(requireTopic(request.topic), request.partition);
      return {
        offset: await partition.listOffset(request.timestamp),
        highWatermark: partition.hw,
        logStartOffset: partition.log.logStartOffset(),
        throttleTimeMs: context.throttleMs,
      };
    }),

    Metadata: unary('Metadata', options, (request, _call, context) => {
      const asked = requireCount(request.topics, 'topics');
      const topics = asked.length > 0 ? asked.map((name) => broker.describeTopic(requireTopic(name))) : broker.listTopics();
      return {
        brokers: broker.brokers(),
        controller: broker.controllerId(),
        topics: topics.map((topic) => ({
          name: topic.name,
          partitions: topic.partitions.map((p) => ({ partition: p.partition, leader: p.leader, replicas: p.replicas, isr: p.isr, leaderEpoch: p.leaderEpoch })),
        })),
        clusterIdHash: 0,
        throttleTimeMs: context.throttleMs,
      };
    }),

    InitProducerId: unary('InitProducerId', options, () => broker.initProducerId()),
  };
}

export function adminHandlers(broker: Broker, options: ServiceOptions): AdminHandlers {
  const limits = options.limits ?? new RequestLimits();
  return {
    CreateTopic: unary('CreateTopic', options, async (request) =>
      topicDescription(
        await broker.createTopic({
          name: requireTopic(request.name, 'name'),
          partitions: request.partitions,
          replicationFactor: request.replicationFactor,
          configs: requireTopicConfigs(request.configs, [], limits),
        }),
      ),
    ),
    DeleteTopic: unary('DeleteTopic', options, async (request) => {
      await broker.deleteTopic(requireTopic(request.name, 'name'));
      return {};
    }),
    ListTopics: unary('ListTopics', options, (request) => ({
      topics: broker
        .listTopics()
        .filter((topic) => request.includeInternal || !topic.internal)
        .map((topic) => ({ name: topic.name, partitions: topic.partitions.length, replicationFactor: topic.replicationFactor })),
    })),
    DescribeTopic: unary('DescribeTopic', options, (request) => topicDescription(broker.describeTopic(requireTopic(request.name, 'name')))),
    AlterTopicConfig: unary('AlterTopicConfig', options, async (request) =>
      topicDescription(
        await broker.alterTopicConfig(requireTopic(request.name, 'name'), requireTopicConfigs(request.set, request.delete, limits), request.delete),
      ),
    ),
    RepairPartition: unary('RepairPartition', options, async (request) => {
      const topic = requireTopic(request.topic);
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
    // Quotas: principals' own quotas, in the metadata log (the defaults are broker settings).
    AlterClientQuotas: unary('AlterClientQuotas', options, async (request) => ({
      entry: { principal: request.principal, quotas: await broker.alterClientQuotas(request.principal, request.set, request.remove) },
    })),
    CreatePartitions: unary('CreatePartitions', options, async (request) =>
      topicDescription(await broker.createPartitions(requireTopic(request.name, 'name'), request.count)),
    ),
    UnregisterBroker: unary('UnregisterBroker', options, async (request) => {
      await broker.unregisterBroker(request.brokerId);
      return {};
    }),
    DescribeClientQuotas: unary('DescribeClientQuotas', options, (request) => {
      const all = broker.controller.metadata.clientQuotas;
      const principals = request.principal === '' ? Object.keys(all).sort() : [request.principal].filter((p) => all[p] !== undefined);
      return { entries: principals.map((principal) => ({ principal, quotas: all[principal]! })), defaults: options.quotaDefaults ?? {} };
    }),
    // Replica moves (docs/CLUSTER.md "Moving replicas").
    AlterReassignments: unary('AlterReassignments', options, async (request) => {
      const answer = await broker.alterReassignments(reassignmentsFromWire(request, (name) => requireTopic(name)));
      return { ...broker.moves(), movesStarted: answer.movesStarted };
    }),
    ListReassignments: unary('ListReassignments', options, () => ({ ...broker.moves(), movesStarted: 0 })),
  };
}

/** The controller service: answered by the controller leader, NOT_COORDINATOR (with a hint) elsewhere. */
export function controllerHandlers(broker: Broker, options: ServiceOptions, authentication: BrokerAuthentication = 'none'): ControllerHandlers {
  const controller = broker.controllerService;
  const limits = options.limits ?? new RequestLimits();
  const caller = (call: CallTransport, claimedId?: number): void => requireBrokerCaller(authentication, call, claimedId);
  return {
    RegisterBroker: unary('RegisterBroker', options, async (request, call) => {
      if (!(request.brokerId >= 1)) invalid(`broker_id must be >= 1, got ${request.brokerId}`);
      caller(call, request.brokerId);
      if (!(request.port >= 1 && request.port <= 65535)) invalid(`port must be 1-65535, got ${request.port}`);
      return {
        brokerEpoch: await controller.registerBroker({
          brokerId: request.brokerId,
          host: requireName(request.host, 'host', HOST_LENGTH_MAX),
          port: request.port,
          incarnation: requireName(request.incarnation, 'incarnation'),
          interBrokerAddress: requireInterBrokerAddress(request.interBrokerAddress),
          kafkaAddress: requireInterBrokerAddress(request.kafkaAddress, 'kafka_address'),
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
          name: requireTopic(request.name, 'name'),
          partitions: request.partitions,
          replicationFactor: request.replicationFactor,
          configs: requireTopicConfigs(request.configs, [], limits),
        }),
      };
    }),
    DeleteTopic: unary('ControllerDeleteTopic', options, async (request, call) => {
      caller(call);
      return { metadataVersion: await controller.deleteTopic(requireTopic(request.name, 'name')) };
    }),
    AlterTopicConfig: unary('ControllerAlterTopicConfig', options, async (request, call) => {
      caller(call);
      return { metadataVersion: await controller.alterTopicConfig(requireTopic(request.name, 'name'), requireTopicConfigs(request.set, request.delete, limits), request.delete) };
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
    AlterClientQuotas: unary('ControllerAlterClientQuotas', options, async (request, call) => {
      caller(call);
      return { metadataVersion: await controller.alterClientQuotas(request.principal, request.set, request.remove) };
    }),
    AlterReassignments: unary('ControllerAlterReassignments', options, async (request, call) => {
      caller(call);
      const answer = await controller.alterReassignments(reassignmentsFromWire(request, (name) => requireTopic(name)));
      return { reassignments: [], decommissioned: [], metadataVersion: answer.metadataVersion, movesStarted: answer.movesStarted };
    }),
    CreatePartitions: unary('ControllerCreatePartitions', options, async (request, call) => {
      caller(call);
      return { metadataVersion: await controller.createPartitions(requireTopic(request.name, 'name'), request.count) };
    }),
    UnregisterBroker: unary('ControllerUnregisterBroker', options, async (request, call) => {
      caller(call);
      return { metadataVersion: await controller.unregisterBroker(request.brokerId) };
    }),
  };
}
