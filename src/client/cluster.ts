/**
 * Connections and the metadata cache shared by one client: one gRPC client per broker address,
 * topic metadata refreshed on demand (age, NOT_LEADER, unreachable leader), and routing of each
 * partition's requests to its leader. Nothing here assumes a single broker.
 */
import * as grpc from '@grpc/grpc-js';
import { brokerApi, CLIENT_CHANNEL_OPTIONS, groupsApi } from '../protocol/grpc.js';
import { fromServiceError, SluiceError } from '../protocol/errors.js';
import type { BrokerClient } from '../protocol/generated/sluice/v1/Broker.js';
import type { AdminClient } from '../protocol/generated/sluice/v1/Admin.js';
import type { GroupsClient } from '../protocol/generated/sluice/v1/Groups.js';
import type { AuthClient } from '../protocol/generated/sluice/v1/Auth.js';
import type { MetadataResponse__Output } from '../protocol/generated/sluice/v1/MetadataResponse.js';
import type { FetchResponse__Output } from '../protocol/generated/sluice/v1/FetchResponse.js';
import type { ProduceResponse__Output } from '../protocol/generated/sluice/v1/ProduceResponse.js';
import { systemClock, type Clock, type TimerHandle } from '../runtime/clock.js';
import { SaslClient } from './auth/sasl-client.js';
import { RequestStream, type StreamedResponse } from './request-stream.js';
import { resolveRetryOptions, sleepMs, type RetryHooks, type RetryOptions } from './retry.js';
import type { ClientSecurity } from './client-config.js';
import type { BrokerInfo, ClientOptions, ClientRuntime, ClusterMetadata, PartitionMetadata, TopicMetadata } from './types.js';

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
export const DEFAULT_METADATA_MAX_AGE_MS = 300_000;
/**
 * HTTP/2 receive window of client connections, in bytes. gRPC's default (64 KiB) makes a 1 MiB
 * fetch response wait for ~16 window updates, each an event-loop turn on both ends.
 */
export const CLIENT_FLOW_CONTROL_WINDOW_BYTES = 8 * 1024 * 1024;

/** Codes after which cached routing for the topic is probably wrong. */
const STALE_ROUTING_CODES: ReadonlySet<string> = new Set([
  'NOT_LEADER',
  'BROKER_NOT_AVAILABLE',
  'SHUTTING_DOWN',
  'UNKNOWN_PARTITION',
  'REQUEST_TIMED_OUT',
  // The broker's disk refused a write: leadership is moving to a healthy replica.
  'STORAGE_ERROR',
]);

export function parseBootstrap(bootstrap: string[] | string): string[] {
  const list = (Array.isArray(bootstrap) ? bootstrap : [bootstrap])
    .flatMap((entry) => entry.split(','))
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
  if (list.length === 0) throw new RangeError('bootstrap needs at least one host:port');
  for (const address of list) {
    const match = /^(.+):(\d+)$/.exec(address);
    const port = match ? Number(match[2]) : NaN;
    if (!match || !(port > 0 && port < 65536)) throw new RangeError(`bootstrap address "${address}" is not host:port`);
  }
  return list;
}

/**
 * Codes that mean the broker asked could not serve the request at all (down, starting, stopping,
 * silent): the next request to "any broker" should go elsewhere. A broker that answered with any
 * other error is fine, and its error is the answer.
 */
const UNREACHABLE_CODES: ReadonlySet<string> = new Set(['BROKER_NOT_AVAILABLE', 'SHUTTING_DOWN', 'REQUEST_TIMED_OUT']);

/** How long a metadata request waits for one broker before it also asks the next (see fetchMetadata). */
export const METADATA_HEDGE_MS = 250;

/** How often a client that lost a partition's leader asks who leads it now (see leaderMoved). */
export const LEADER_WATCH_INTERVAL_MS = 100;

/**
 * How long at most a leader that did not answer (keepalive timeout, connection refused, request
 * timeout) is passed over while metadata still names it: the followers name the old leader until
 * they have elected another (two election timeouts or more over a lossy link), and a request sent
 * to a cut-off broker meanwhile waits a keepalive timeout again (a new connection to it: until the
 * request's deadline). A leader that answers a probe meanwhile (leaderMoved) is used again at once,
 * so a blip costs a probe's round trip.
 */
export const UNREACHABLE_LEADER_AVOID_MS = 5_000;
/** How long a probe of a passed-over leader waits for its answer. */
const LEADER_PROBE_TIMEOUT_MS = 1_000;

/**
 * How long a partition's leader seen at a higher leader epoch outranks answers naming an older one
 * (a broker that has not heard of the election yet, as in Kafka's KIP-320). Bounded, so a topic
 * deleted and created again, whose epochs start over, is routed by fresh answers soon after.
 */
export const NEWER_LEADER_EPOCH_TTL_MS = 10_000;

/** Wraps a callback-style unary call; rejects with a SluiceError; aborting `signal` cancels the call. */
export function unary<T>(
  invoke: (callback: grpc.requestCallback<T>) => grpc.ClientUnaryCall,
  signal?: AbortSignal,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const call = invoke((err, value) => {
      signal?.removeEventListener('abort', cancel);
      if (err) reject(fromServiceError(err));
      else if (value === undefined) reject(new SluiceError('INTERNAL', 'empty response'));
      else resolve(value);
    });
    function cancel(): void {
      call.cancel();
    }
    if (signal?.aborted) cancel();
    else signal?.addEventListener('abort', cancel, { once: true });
  });
}

export interface ResolvedClientOptions {
  bootstrap: string[];
  clientId: string;
  retry: RetryOptions;
  requestTimeoutMs: number;
  metadataMaxAgeMs: number;
  runtime: ClientRuntime;
  security: ClientSecurity;
}

export function resolveClientOptions(options: ClientOptions): ResolvedClientOptions {
  return {
    bootstrap: parseBootstrap(options.bootstrap),
    clientId: options.clientId ?? 'sluice-client',
    retry: resolveRetryOptions(options.retry),
    requestTimeoutMs: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    metadataMaxAgeMs: options.metadataMaxAgeMs ?? DEFAULT_METADATA_MAX_AGE_MS,
    runtime: {
      clock: options.runtime?.clock ?? systemClock,
      random: options.runtime?.random ?? Math.random,
      channel: options.runtime?.channel,
    },
    security: options.security ?? {},
  };
}

/** The credentials of every channel of a client: TLS (with the client certificate, if any) or plaintext. */
export function channelCredentials(security: ClientSecurity): grpc.ChannelCredentials {
  const tls = security.tls;
  return tls === undefined ? grpc.credentials.createInsecure() : grpc.credentials.createSsl(tls.ca, tls.key ?? null, tls.cert ?? null);
}

interface CachedTopic {
  metadata: TopicMetadata;
  fetchedAtMs: number;
}

export class Cluster {
  readonly options: ResolvedClientOptions;
  private readonly brokerClients = new Map<string, BrokerClient>();
  private readonly adminClients = new Map<string, AdminClient>();
  private readonly groupsClients = new Map<string, GroupsClient>();
  private readonly authClients = new Map<string, AuthClient>();
  /** Authenticates to each broker when the options carry SASL credentials. */
  private readonly sasl: SaslClient | undefined;
  /** One credentials object for every channel (made on first use): TLS or plaintext. */
  private credentials: grpc.ChannelCredentials | undefined;
  private readonly produceStreams = new Map<string, RequestStream<ProduceResponse__Output>>();
  private readonly fetchStreams = new Map<string, RequestStream<FetchResponse__Output>>();
  private readonly topics = new Map<string, CachedTopic>();
  private readonly refreshing = new Map<string, Promise<TopicMetadata>>();
  /** The leader address each partition's requests last went to, by `topic\0partition`. */
  private readonly lastLeaders = new Map<string, string>();
  /** Leaders that did not answer, passed over until the time (ms) given. */
  private readonly avoidUntil = new Map<string, number>();
  /** The partition metadata with the highest leader epoch seen lately, by `topic\0partition`. */
  private readonly newestLeaders = new Map<string, { partition: PartitionMetadata; seenAtMs: number }>();
  private brokers = new Map<number, BrokerInfo>();
  private controller = -1;
  /** Rotates through bootstrap and known brokers so one dead address does not block metadata. */
  private addressCursor = 0;
  private closed = false;

  constructor(options: ResolvedClientOptions) {
    this.options = options;
    const sasl = options.security.sasl;
    this.sasl =
      sasl === undefined
        ? undefined
        : new SaslClient({
            credentials: sasl,
            clock: options.runtime.clock,
            requestTimeoutMs: options.requestTimeoutMs,
            authClient: (address) => this.stub(this.authClients, brokerApi().Auth, address, false),
          });
  }

  get clock(): Clock {
    return this.options.runtime.clock;
  }

  get random(): () => number {
    return this.options.runtime.random;
  }

  /** Retry backoffs on this client's clock, jittered by its randomness. */
  get retryHooks(): RetryHooks {
    return { clock: this.clock, random: this.random };
  }

  deadline(extraMs = 0): grpc.CallOptions {
    return { deadline: this.clock.nowMs() + this.options.requestTimeoutMs + extraMs };
  }

  broker(address: string): BrokerClient {
    return this.stub(this.brokerClients, brokerApi().Broker, address);
  }

  admin(address: string): AdminClient {
    return this.stub(this.adminClients, brokerApi().Admin, address);
  }

  groups(address: string): GroupsClient {
    return this.stub(this.groupsClients, groupsApi().Groups, address);
  }

  /**
   * The stub of one service at `address`, made once, on this client's channel options and runtime;
   * with SASL credentials its calls carry this client's session token (`authenticated`).
   */
  private stub<Stub extends grpc.Client>(
    stubs: Map<string, Stub>,
    Service: new (address: string, credentials: grpc.ChannelCredentials, options: grpc.ClientOptions) => Stub,
    address: string,
    authenticated = true,
  ): Stub {
    this.assertOpen();
    let stub = stubs.get(address);
    if (!stub) {
      const options = this.channelOptions(address);
      if (authenticated && this.sasl !== undefined) options.interceptors = [this.sasl.interceptor(address)];
      this.credentials ??= channelCredentials(this.options.security);
      stub = new Service(address, this.credentials, options);
      stubs.set(address, stub);
    }
    return stub;
  }

  /** The stream this client's produce requests to `address` are pipelined on. */
  produceStream(address: string): RequestStream<ProduceResponse__Output> {
    const method = brokerApi().Broker.service.ProduceStream;
    return this.requestStream(this.produceStreams, address, method.path, method.responseDeserialize);
  }

  /** The stream this client's fetches from `address` are pipelined on. */
  fetchStream(address: string): RequestStream<FetchResponse__Output> {
    const method = brokerApi().Broker.service.FetchStream;
    return this.requestStream(this.fetchStreams, address, method.path, method.responseDeserialize);
  }

  private requestStream<Res extends StreamedResponse>(
    streams: Map<string, RequestStream<Res>>,
    address: string,
    path: string,
    deserialize: (bytes: Buffer) => Res,
  ): RequestStream<Res> {
    let stream = streams.get(address);
    if (!stream) {
      stream = new RequestStream(this.broker(address), path, deserialize, this.clock);
      streams.set(address, stream);
    }
    return stream;
  }

  /** An address for requests any broker can answer (metadata, admin): the controller when known. */
  anyAddress(): string {
    const controller = this.brokers.get(this.controller);
    if (controller?.alive) return controller.address;
    return this.nextAddress();
  }

  /** Call after a request to `anyAddress()` failed with `err`: the next one goes elsewhere if `address` did not answer. */
  noteAddressError(address: string, err: SluiceError): void {
    if (UNREACHABLE_CODES.has(err.code)) this.markUnreachable(address);
  }

  /** Call after a request to `anyAddress()` failed so the next one goes elsewhere. */
  markUnreachable(address: string): void {
    const controller = this.brokers.get(this.controller);
    if (controller?.address === address) this.controller = -1;
    this.addressCursor++;
  }

  /**
   * Fetches metadata for `topics` (all when empty) from some broker and updates the cache. The
   * request is hedged: when a broker has not answered within METADATA_HEDGE_MS (frozen, or cut off
   * with a connection that still looks open) or could not serve it, the next broker is asked too,
   * and the first answer wins; so one silent broker costs a fraction of a second, not a timeout.
   */
  async fetchMetadata(topics: string[] = []): Promise<ClusterMetadata> {
    const response = await this.firstAnswer((address, signal) =>
      unary<MetadataResponse__Output>((cb) => this.broker(address).Metadata({ topics }, this.deadline(), cb), signal),
    );
    const metadata = toClusterMetadata(response);
    this.brokers = new Map(metadata.brokers.map((broker) => [broker.id, broker]));
    this.controller = metadata.controller;
    const nowMs = this.clock.nowMs();
    for (const topic of metadata.topics) {
      topic.partitions = topic.partitions.map((partition) => this.newestOf(topic.name, partition, nowMs));
      this.topics.set(topic.name, { metadata: topic, fetchedAtMs: nowMs });
    }
    return metadata;
  }

  /** `answered`, unless a leader at a higher epoch was seen lately: a broker may not have heard of the election yet. */
  private newestOf(topic: string, answered: PartitionMetadata, nowMs: number): PartitionMetadata {
    const key = `${topic}\u0000${answered.partition}`;
    const known = this.newestLeaders.get(key);
    if (known && known.partition.leaderEpoch > answered.leaderEpoch && nowMs - known.seenAtMs < NEWER_LEADER_EPOCH_TTL_MS) return known.partition;
    this.newestLeaders.set(key, { partition: answered, seenAtMs: nowMs });
    return answered;
  }

  /** Cached metadata of one topic, refreshed when missing, stale or `force`d; concurrent callers share one request. */
  async topic(name: string, force = false): Promise<TopicMetadata> {
    const cached = this.topics.get(name);
    if (!force && cached && this.clock.nowMs() - cached.fetchedAtMs < this.options.metadataMaxAgeMs) return cached.metadata;
    let pending = this.refreshing.get(name);
    if (!pending) {
      pending = this.fetchMetadata([name])
        .then((metadata) => {
          const topic = metadata.topics.find((candidate) => candidate.name === name);
          if (!topic || topic.partitions.length === 0) {
            // The broker that answered may lag the cluster's metadata: the next lookup asks another.
            this.addressCursor++;
            throw new SluiceError('UNKNOWN_TOPIC', `topic ${name} does not exist`);
          }
          return topic;
        })
        .finally(() => this.refreshing.delete(name));
      this.refreshing.set(name, pending);
    }
    return pending;
  }

  /** Partition count from fresh cached metadata, or undefined (then call `partitionCount`). */
  cachedPartitionCount(topic: string): number | undefined {
    const cached = this.topics.get(topic);
    if (!cached || this.clock.nowMs() - cached.fetchedAtMs >= this.options.metadataMaxAgeMs) return undefined;
    return cached.metadata.partitions.length;
  }

  async partitionCount(topic: string): Promise<number> {
    return (await this.topic(topic)).partitions.length;
  }

  /** `host:port` of the partition's leader; NOT_LEADER (retriable) when there is none right now. */
  async leaderAddress(topic: string, partition: number): Promise<string> {
    let info = (await this.topic(topic)).partitions.find((candidate) => candidate.partition === partition);
    // The topic may have grown since the cached metadata (`topic alter --partitions`): ask again once.
    info ??= (await this.topic(topic, true)).partitions.find((candidate) => candidate.partition === partition);
    if (!info) throw new SluiceError('UNKNOWN_PARTITION', `topic ${topic} has no partition ${partition}`);
    const leader = this.brokers.get(info.leader);
    if (info.leader < 0 || !leader) {
      // The broker asked may be the one cut off from the leader: ask the next one next time.
      this.invalidate(topic);
      this.addressCursor++;
      throw new SluiceError('NOT_LEADER', `partition ${topic}/${partition} has no known leader`);
    }
    if (this.isAvoided(leader.address)) {
      this.invalidate(topic);
      throw new SluiceError('NOT_LEADER', `the leader of ${topic}/${partition} (${leader.address}) did not answer: waiting for a new one`);
    }
    this.lastLeaders.set(`${topic}\u0000${partition}`, leader.address);
    return leader.address;
  }

  /** Call after a request to a partition leader at `address` failed: one that did not answer is passed over a while. */
  noteLeaderError(address: string, err: SluiceError): void {
    if (UNREACHABLE_CODES.has(err.code)) this.avoidUntil.set(address, this.clock.nowMs() + UNREACHABLE_LEADER_AVOID_MS);
  }

  /**
   * Resolves true once the partition has a leader worth retrying: metadata names another than the
   * one its requests last went to (the one a request just failed against), or that one, passed
   * over after it did not answer, answers again; asks every LEADER_WATCH_INTERVAL_MS; false once
   * `signal` aborts. A client backing off after losing a leader races its backoff with this, so it
   * retries on the new leader as soon as one is named (the aim of Kafka's KIP-951), not at the end
   * of a backoff that had grown to a second while the election ran.
   */
  async leaderMoved(topic: string, partition: number, signal: AbortSignal): Promise<boolean> {
    const from = this.lastLeaders.get(`${topic}\u0000${partition}`);
    let probing: Promise<void> | undefined;
    let answered = false;
    while (!this.closed) {
      await sleepMs(LEADER_WATCH_INTERVAL_MS, signal, this.clock);
      if (signal.aborted || this.closed) return false;
      if (answered) return true;
      if (from !== undefined && this.isAvoided(from)) {
        probing ??= this.probe(from, topic).then((ok) => {
          answered = ok;
          probing = undefined;
        });
      }
      try {
        const info = (await this.topic(topic, true)).partitions.find((candidate) => candidate.partition === partition);
        const leader = info && info.leader >= 0 ? this.brokers.get(info.leader) : undefined;
        if (leader !== undefined && leader.address !== from) return !signal.aborted;
        // The broker asked may not have heard of the election yet: ask another next time.
        this.addressCursor++;
      } catch {
        // No broker answered, or the topic is unknown where asked: ask again at the next interval.
      }
    }
    return false;
  }

  private isAvoided(address: string): boolean {
    return (this.avoidUntil.get(address) ?? 0) > this.clock.nowMs();
  }

  /** Asks a passed-over leader for metadata: if it answers, it is reachable again and no longer passed over. */
  private async probe(address: string, topic: string): Promise<boolean> {
    try {
      await unary<MetadataResponse__Output>((cb) => this.broker(address).Metadata({ topics: [topic] }, { deadline: this.clock.nowMs() + LEADER_PROBE_TIMEOUT_MS }, cb));
      this.avoidUntil.delete(address);
      return true;
    } catch {
      // Still silent or refusing: it stays passed over.
      return false;
    }
  }

  /** Forget cached routing for `topic` after `err` if the error suggests it moved. */
  noteError(topic: string, err: SluiceError): void {
    if (STALE_ROUTING_CODES.has(err.code)) this.invalidate(topic);
  }

  invalidate(topic: string): void {
    this.topics.delete(topic);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const stream of [...this.produceStreams.values(), ...this.fetchStreams.values()]) stream.close();
    this.produceStreams.clear();
    this.fetchStreams.clear();
    for (const stubs of [this.brokerClients, this.adminClients, this.groupsClients, this.authClients]) {
      for (const stub of stubs.values()) stub.close();
      stubs.clear();
    }
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Bootstrap and live known brokers, without those that just did not answer as leaders (unless that is all of them). */
  private candidateAddresses(): string[] {
    const known = [...this.brokers.values()].filter((broker) => broker.alive).map((broker) => broker.address);
    const all = [...new Set([...this.options.bootstrap, ...known])];
    const answering = all.filter((address) => !this.isAvoided(address));
    return answering.length > 0 ? answering : all;
  }

  private nextAddress(): string {
    const candidates = this.candidateAddresses();
    return candidates[this.addressCursor % candidates.length]!;
  }

  /**
   * Runs `request` against the next address, and against one more address each time the last one
   * started has failed as unreachable or stayed silent for METADATA_HEDGE_MS; resolves with the first
   * answer (the others are cancelled) and leaves the cursor on the broker that gave it. Rejects
   * with a broker's own error at once, or with the last error once every address failed.
   */
  private firstAnswer<T>(request: (address: string, signal: AbortSignal) => Promise<T>): Promise<T> {
    const candidates = this.candidateAddresses();
    const first = this.addressCursor;
    const abort = new AbortController();
    return new Promise<T>((resolve, reject) => {
      let started = 0;
      let failed = 0;
      let hedge: TimerHandle | undefined;
      const finish = (settle: () => void) => {
        this.clock.clearTimer(hedge);
        abort.abort();
        settle();
      };
      const startNext = () => {
        this.clock.clearTimer(hedge);
        if (abort.signal.aborted || started === candidates.length) return;
        const cursor = first + started++;
        const address = candidates[cursor % candidates.length]!;
        hedge = this.clock.setTimeout(startNext, METADATA_HEDGE_MS);
        request(address, abort.signal).then(
          (value) => {
            this.addressCursor = cursor;
            finish(() => resolve(value));
          },
          (err: unknown) => {
            if (abort.signal.aborted) return;
            const unreachable = err instanceof SluiceError && UNREACHABLE_CODES.has(err.code);
            if (unreachable) this.markUnreachable(address);
            if (!unreachable || ++failed === candidates.length) finish(() => reject(err));
            else startNext();
          },
        );
      };
      startNext();
    });
  }

  private channelOptions(address: string): grpc.ClientOptions {
    const options: grpc.ChannelOptions = {
      ...CLIENT_CHANNEL_OPTIONS,
      'grpc.primary_user_agent': `sluice/${this.options.clientId}`,
      'grpc-node.flow_control_window': CLIENT_FLOW_CONTROL_WINDOW_BYTES,
    };
    const openChannel = this.options.runtime.channel;
    return openChannel ? { ...options, channelOverride: openChannel(address, options) } : options;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('client is closed');
  }
}

function toClusterMetadata(response: MetadataResponse__Output): ClusterMetadata {
  return {
    brokers: response.brokers.map((broker) => ({
      id: broker.id,
      host: broker.host,
      port: broker.port,
      address: `${broker.host}:${broker.port}`,
      alive: broker.alive,
      epoch: broker.epoch,
      storageFault: broker.storageFault,
      damagedReplicas: broker.damagedReplicas.map((replica) => ({
        topic: replica.topic,
        partition: replica.partition,
        repairing: replica.repairing,
        lost: replica.lost.map((range) => ({ from: range.from, to: range.to })),
      })),
    })),
    controller: response.controller,
    topics: response.topics.map((topic) => ({
      name: topic.name,
      partitions: topic.partitions
        .map((partition) => ({
          partition: partition.partition,
          leader: partition.leader,
          replicas: [...partition.replicas],
          isr: [...partition.isr],
          leaderEpoch: partition.leaderEpoch,
        }))
        .sort((a, b) => a.partition - b.partition),
    })),
  };
}
