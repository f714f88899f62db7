/**
 * Starts and stops a whole broker process: storage, Raft transport, broker core, gRPC services, HTTP
 * endpoint and background jobs. Shutdown finishes in-flight requests before closing storage.
 *
 * Two gRPC listeners: the client listener (`port`: Broker, Admin, Groups) and the inter-broker
 * listener (`inter.broker.port`: Raft, Controller), each optionally TLS (src/security/tls.ts); a
 * client that reaches the client port finds no Raft or Controller service there at all.
 */
import * as grpc from '@grpc/grpc-js';
import { CHANNEL_OPTIONS } from '../protocol/grpc.js';
import { openLogStore, parseFlushPolicy } from '../storage/index.js';
import { clusterMembership, httpAuthToken, saslMechanisms, superUsers, type BrokerConfig } from '../config/broker-config.js';
import { leaderKey, partitionOfGroup } from '../controller/controller.js';
import { BrokerMetrics } from '../metrics/broker-metrics.js';
import { DeliveryLatency } from '../metrics/delivery-latency.js';
import { HttpEndpoint } from '../metrics/http.js';
import { QuotaMetrics } from '../metrics/quota-metrics.js';
import { logger } from '../observability/log.js';
import { QuotaEnforcer } from '../security/quota-enforcer.js';
import { quotaLimits, type ClientQuotas } from '../controller/quota-records.js';
import { GrpcRaftTransport } from '../replication/transport-grpc.js';
import { GrpcControllerTransport } from '../controller/transport-grpc.js';
import type { BrokerAuthentication } from '../security/broker-caller.js';
import {
  clientListenerCredentials,
  interBrokerListenerCredentials,
  peerChannelCredentials,
  readTlsMaterial,
  type TlsMaterial,
} from '../security/tls.js';
import type { GroupCoordinator } from '../groups/coordinator.js';
import { Broker } from './broker.js';
import { limitConnections, type ConnectionCounts } from './connection-limit.js';
import { raiseConnectionWindow, raiseStreamWindow } from './http2-window.js';
import { InflightRequests } from './inflight.js';
import { receiveBytesMax } from '../config/limits.js';
import { RequestStreams } from './request-streams.js';
import { RequestLimits } from './request-limits.js';
import { SecurityGate } from './security-gate.js';
import type { ServiceOptions } from './service.js';
import { BrokerServices } from './services.js';
import { startKafkaListener, type KafkaListener } from '../kafka/start.js';
import { startConsole } from '../console/start.js';
import type { Console } from '../console/console.js';
import { ClusterWatch, type WatchSnapshot } from './cluster-watch.js';
import { ClusterGroupLag } from './group-lag-source.js';
import { slowRequestReport } from './slow-request.js';

const requestLog = logger('requests');
const serverLog = logger('server');

/** How long a stopping broker waits for its leaderships to move to in-sync followers. */
const LEADERSHIP_HANDOFF_MS = 3_000;
/** How long answers already given to gRPC may take to flush before the server is closed by force. */
const RESPONSE_FLUSH_GRACE_MS = 300;
/** How often a stopping broker checks for requests still in flight. */
const SHUTDOWN_POLL_MS = 20;
/** Raft election timeout in ticks (randomized up to twice this); with 50 ms ticks, 0.5-1 s. */
const ELECTION_TICKS = 10;

/** Whether `host` only accepts connections from this machine. */
function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

/** What a broker anyone on the network can use says, loudly, at start-up; undefined when it is not one. */
export function openListenerWarning(config: BrokerConfig): string | undefined {
  if (isLoopback(config.host) || (config.authenticationRequired && config.authorizationEnabled)) return undefined;
  const missing = [config.authenticationRequired ? '' : 'authentication.required=false', config.authorizationEnabled ? '' : 'authorization.enabled=false'].filter(Boolean);
  return (
    `WARNING: ********************************************************************\n` +
    `WARNING: broker ${config.brokerId} listens on ${config.host}:${config.port}, reachable from the network, with ${missing.join(' and ')}:\n` +
    `WARNING: anyone who can connect can ${config.authorizationEnabled ? 'act as ANONYMOUS' : 'create, read, write and delete every topic'}. See docs/SECURITY.md.\n` +
    `WARNING: ********************************************************************`
  );
}

/** The same for the inter-broker listener: off loopback without mutual TLS, anyone can act as a broker. */
export function openInterBrokerListenerWarning(config: BrokerConfig): string | undefined {
  if (isLoopback(config.host) || config.listenerInterBrokerTls) return undefined;
  return (
    `WARNING: broker ${config.brokerId}'s inter-broker listener ${config.host}:${config.interBrokerPort} is reachable from the network ` +
    `without listener.inter.broker.tls: anyone who can connect can act as a broker (Raft, Controller). See docs/SECURITY.md.`
  );
}

export class BrokerServer {
  private shuttingDown = false;
  /** The Kafka protocol listener (docs/KAFKA.md), when kafka.port is not -1. */
  kafka: KafkaListener | undefined;
  /** The web console (docs/CONSOLE.md), unless console.enabled=false. */
  console: Console | undefined;

  private constructor(
    readonly config: BrokerConfig,
    readonly broker: Broker,
    readonly metrics: BrokerMetrics,
    private readonly grpcServer: grpc.Server,
    private readonly interBrokerServer: grpc.Server,
    private readonly http: HttpEndpoint,
    private readonly services: BrokerServices,
    private readonly inflight: InflightRequests,
    private readonly streams: RequestStreams,
    private readonly quotas: QuotaEnforcer,
    private readonly watch: ClusterWatch,
    /** The bound ports (useful when 0 asked the OS to pick). */
    readonly port: number,
    readonly interBrokerPort: number,
    readonly httpPort: number,
  ) {}

  get groups(): GroupCoordinator {
    return this.services.groups;
  }

  static async start(config: BrokerConfig): Promise<BrokerServer> {
    const tls = tlsOf(config);
    const grpcServer = new grpc.Server({
      ...CHANNEL_OPTIONS,
      // Refused from the message's length prefix, before its bytes are buffered.
      'grpc.max_receive_message_length': receiveBytesMax(config.messageMaxBytes),
      'grpc.max_concurrent_streams': config.maxConcurrentStreams,
    });
    const interBrokerServer = new grpc.Server(CHANNEL_OPTIONS);
    const servers = [grpcServer, interBrokerServer];
    try {
      const listeners = {
        port: await bindListener(grpcServer, config.host, config.port, tls && config.listenerClientTls ? clientListenerCredentials(tls) : undefined),
        interBrokerPort: await bindListener(
          interBrokerServer,
          config.host,
          config.interBrokerPort,
          tls && config.listenerInterBrokerTls ? interBrokerListenerCredentials(tls) : undefined,
        ),
      };
      const clientConnections = limitConnections(grpcServer, config.maxConnections, config.maxConnectionsPerIp);
      const peerConnections = limitConnections(interBrokerServer, config.maxConnections);
      const connections = (): ConnectionCounts => {
        const [a, b] = [clientConnections(), peerConnections()];
        return { open: a.open + b.open, refused: a.refused + b.refused };
      };
      // Liveness from the first moment: the recovery below grows with the stored log.
      const http = await HttpEndpoint.listen(config.httpHost || config.host, config.httpPort, { token: httpAuthToken(config) });
      try {
        return await BrokerServer.assemble(config, { grpcServer, interBrokerServer, ...listeners, tls }, http, connections);
      } catch (err) {
        await http.close();
        throw err;
      }
    } catch (err) {
      for (const server of servers) server.forceShutdown();
      throw err;
    }
  }

  /** Opens storage, recovers, and wires the broker to the bound servers. */
  private static async assemble(
    config: BrokerConfig,
    listeners: BoundListeners,
    http: HttpEndpoint,
    connections: () => ConnectionCounts,
  ): Promise<BrokerServer> {
    const { grpcServer, interBrokerServer, port, interBrokerPort, tls } = listeners;
    const membership = clusterMembership({ ...config, interBrokerPort });
    const peerTls = tls !== undefined && config.listenerInterBrokerTls ? tls : undefined;
    const brokerAuthentication: BrokerAuthentication = peerTls === undefined ? 'none' : 'certificate';
    const peerCredentials = (peerId: number): grpc.ChannelCredentials =>
      peerTls === undefined ? grpc.credentials.createInsecure() : peerChannelCredentials(peerTls, peerId);
    let metrics: BrokerMetrics | undefined;
    // Recovery (inside Broker.open) may find damage before the metrics exist: counted once they do.
    const corruptionsBeforeMetrics: string[] = [];
    const countCorruption = (log: string): void => {
      const { topic, partition } = partitionOfGroup(log);
      if (metrics === undefined) corruptionsBeforeMetrics.push(log);
      else metrics.storageCorruptions.inc({ topic, partition: String(partition) });
    };
    const store = await openLogStore({
      dir: config.dataDir,
      flush: parseFlushPolicy(config.flush),
      tailCacheBytesMax: config.tailCacheBytes,
      onCorruption: (report) => countCorruption(report.log),
      onSync: (durationMs) => metrics?.storageSyncSeconds.observe(durationMs / 1000),
    });
    const raftTransport = new GrpcRaftTransport({
      selfId: config.brokerId,
      peers: membership.addresses,
      server: interBrokerServer,
      peerCredentials,
      authentication: brokerAuthentication,
    });
    const broker = await Broker.open({
      identity: { brokerId: config.brokerId, advertisedHost: config.advertisedHost, port, interBrokerAddress: `${config.advertisedHost}:${interBrokerPort}` },
      store,
      cluster: {
        addresses: membership.addresses,
        controllerVoters: membership.voters,
        tickMs: config.raftTickMs,
        raftLimits: { electionTicks: ELECTION_TICKS, heartbeatTicks: 1 },
        heartbeatIntervalMs: config.brokerHeartbeatIntervalMs,
        sessionTimeoutMs: config.brokerSessionTimeoutMs,
        requestTimeoutMs: config.produceTimeoutMs,
        leaderBalanceIntervalMs: config.leaderBalanceIntervalMs,
        reassignmentThrottleBytesPerSec: config.reassignmentThrottleBytesPerSec,
        partitionLimits: { maxPartitions: config.maxPartitions, maxPartitionsPerBroker: config.maxPartitionsPerBroker },
      },
      raftTransport,
      // Brokers that joined after this one started are dialled at the address they registered.
      onPeerAddresses: (addresses) => raftTransport.setPeers(addresses),
      controllerTransport: new GrpcControllerTransport(membership.addresses, peerCredentials),
      hooks: (topic) => {
        const delivery = new DeliveryLatency((latencyMs) => metrics?.deliveryLatencySeconds.observe(latencyMs / 1000));
        return {
          onCommitted(header, bytes, appendedAtMs, endOffset) {
            metrics?.recordsIn.add(topic, header.recordCount);
            metrics?.bytesIn.add(topic, bytes);
            delivery.appended(endOffset, appendedAtMs);
          },
          onServed(records, bytes, fromOffset, endOffset) {
            metrics?.recordsOut.add(topic, records);
            metrics?.bytesOut.add(topic, bytes);
            delivery.delivered(fromOffset, endOffset, Date.now());
          },
          onExpiredSkipped(records) {
            metrics?.expiredRecords.add(topic, records);
          },
          onCommitLatency(latencyMs) {
            metrics?.commitLatencySeconds.observe(latencyMs / 1000);
          },
          onLeaderChange() {
            metrics?.leaderChanges.inc();
          },
        };
      },
    });
    const inflight = new InflightRequests();
    const streams = new RequestStreams();
    let services: BrokerServices | undefined;
    const groupLag = new ClusterGroupLag(broker, () => services?.groups);
    metrics = new BrokerMetrics({
      topicExists: (topic) => broker.controller.metadata.topics[topic] !== undefined,
      partitionOffsets: () =>
        broker
          .allPartitions()
          .filter((p) => p.isLeader)
          .map((p) => ({
            topic: p.topic,
            partition: p.index,
            logStartOffset: p.log.logStartOffset(),
            logEndOffset: p.log.logEndOffset(),
            highWatermark: p.hw,
          })),
      inflightRequests: () => inflight.entries(),
      leadership: () => {
        const led = broker.allPartitions().filter((p) => p.isLeader);
        return { led: led.length, underReplicated: led.filter((p) => p.replicated.inSyncReplicas().length < p.replicated.voters.length).length };
      },
      groupLag: () => groupLag.entries(),
      replicaSizes: () => broker.allPartitions().map((p) => ({ topic: p.topic, partition: p.index, sizeBytes: p.log.sizeBytes() })),
      controller: () => controllerStatus(broker),
      storage: () => {
        const status = broker.storageStatus();
        return { faultCause: status.fault?.errno, failedReplicas: status.failedReplicas };
      },
      connections,
      raftMessagesDropped: () => raftTransport.stats().inboundDropped,
      reassignments: () => broker.reassignmentCounts(),
    });
    for (const log of corruptionsBeforeMetrics.splice(0)) countCorruption(log);
    const brokerMetrics = metrics;
    const quotas = brokerQuotas(config, broker, new QuotaMetrics(metrics.registry));
    const serviceOptions: ServiceOptions = {
      fetchMaxWaitMs: config.fetchMaxWaitMs,
      produceTimeoutMs: config.produceTimeoutMs,
      inflight,
      streams,
      limits: new RequestLimits(config),
      onRequest(method, durationMs, error) {
        brokerMetrics.requestSeconds.observe({ method }, durationMs / 1000);
        if (error) {
          brokerMetrics.requestErrors.inc({ method, code: error.code });
          requestLog.debug({ method, code: error.code }, `${method} failed: ${error.message}`);
        }
      },
      slowRequestMs: config.slowRequestThresholdMs > 0 ? config.slowRequestThresholdMs : undefined,
      onSlowRequest(method, durationMs, trace, error) {
        brokerMetrics.slowRequests.inc({ method });
        const report = slowRequestReport(method, durationMs, trace, error);
        requestLog.warn(report.fields, report.message);
      },
      quotas,
      quotaDefaults: quotaDefaults(config),
    };
    const security = new SecurityGate(
      {
        authorizationEnabled: config.authorizationEnabled,
        authenticationRequired: config.authenticationRequired,
        superUsers: superUsers(config),
        allowEveryoneIfNoAclFound: config.allowEveryoneIfNoAclFound,
        saslMechanisms: saslMechanisms(config),
        sessionLifetimeMs: config.saslSessionLifetimeMs,
        failedAuthenticationDelayMs: config.failedAuthenticationDelayMs,
      },
      {
        acls: () => broker.controller.metadata.acls,
        credential: (user, mechanism) => broker.controller.metadata.users[user]?.[mechanism],
      },
      broker.clock,
    );
    for (const warning of [openListenerWarning(config), openInterBrokerListenerWarning(config)]) if (warning !== undefined) serverLog.warn(warning);
    services = await BrokerServices.open(broker, { client: grpcServer, interBroker: interBrokerServer }, {
      service: serviceOptions,
      brokerAuthentication,
      security,
      groups: {
        sessionTimeoutMinMs: config.groupMinSessionTimeoutMs,
        sessionTimeoutMaxMs: config.groupMaxSessionTimeoutMs,
        offsetsRetentionMs: config.offsetsRetentionMs,
        groupMaxSize: config.groupMaxSize,
        maxGroups: config.maxGroups,
      },
      retentionCheckIntervalMs: config.retentionCheckIntervalMs,
      onRetentionDeleted: (topic, reason, records) => brokerMetrics.retentionDeletedRecords.add(topic, records, reason),
      scrub: {
        bytesPerSec: config.scrubBytesPerSec,
        onPassCompleted: (nowMs) => brokerMetrics.scrubLastPassCompleted.set(nowMs / 1000),
        onBytesScrubbed: (bytes) => brokerMetrics.scrubBytes.inc(bytes),
      },
    });
    let kafka: KafkaListener | undefined;
    try {
      // Bound before the broker registers: the registration carries the listener's address.
      kafka = await startKafkaListener(config, {
        broker,
        groups: services.groups,
        security,
        quotas,
        inflight,
        onRequest: (api, durationMs) => brokerMetrics.requestSeconds.observe({ method: `Kafka${api}` }, durationMs / 1000),
      });
    } catch (err) {
      await services.stop();
      await broker.close();
      throw err;
    }
    broker.start();
    services.start();
    const watch = new ClusterWatch({
      snapshot: () => watchSnapshot(broker),
      clock: broker.clock,
      log: logger('cluster'),
      onLeaderElected: (count) => brokerMetrics.leaderElections.inc(count),
      onIsrShrunk: (replicas) => brokerMetrics.isrShrinks.inc(replicas),
      onIsrExpanded: (replicas) => brokerMetrics.isrExpands.inc(replicas),
      onControllerChanged: () => brokerMetrics.controllerChanges.inc(),
      onTick: () => groupLag.sample(),
    });
    watch.start();
    const server = new BrokerServer(config, broker, metrics, grpcServer, interBrokerServer, http, services, inflight, streams, quotas, watch, port, interBrokerPort, http.port);
    server.kafka = kafka;
    try {
      server.console = startConsole(config, { http, clientPort: port, metrics, acls: () => broker.controller.metadata.acls });
    } catch (err) {
      watch.stop();
      await server.kafka?.close();
      await services.stop();
      await broker.close();
      throw err;
    }
    http.attach({
      registry: metrics.registry,
      notReady: () => {
        if (server.shuttingDown) return 'shutting down';
        if (!broker.ready) return 'waiting for the controller and cluster metadata';
        const fault = broker.storageStatus().fault;
        return fault === undefined ? undefined : `storage refuses writes (${fault.errno}); ${fault.message}`;
      },
    });
    return server;
  }

  /**
   * Graceful stop: refuse new calls and new requests on open request streams, answer waiting
   * long-polls, hand leaderships to in-sync followers, wait (bounded) for in-flight client
   * requests, end the request streams, then close replication and storage.
   * Peer brokers' Raft streams never end on their own, so the server is closed by force once the
   * client requests are done.
   */
  async stop(): Promise<void> {
    if (this.shuttingDown) return;
    this.shuttingDown = true;
    // The console's clients call this broker: stopped before it refuses them.
    await this.console?.stop();
    this.streams.refuseNew();
    // Throttled answers go out now: the client moves on instead of waiting for a stopping broker.
    this.quotas.release();
    // Only the client listener drains: peers keep replicating (and take leaderships over) meanwhile.
    const drained = new Promise<void>((resolve) => this.grpcServer.tryShutdown(() => resolve()));
    this.broker.stopWaiting();
    await this.broker.handOffLeadership(LEADERSHIP_HANDOFF_MS);
    const deadline = Date.now() + this.config.shutdownTimeoutMs;
    while (this.inflight.count > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, SHUTDOWN_POLL_MS));
    if (this.inflight.count > 0) {
      serverLog.warn({ inflight: this.inflight.count }, `shutdown: ${this.inflight.count} request(s) still running after ${this.config.shutdownTimeoutMs} ms; forcing`);
    }
    this.streams.endAll();
    this.watch.stop();
    await this.kafka?.close();
    // Answers already handed to gRPC get a moment to reach the wire (a lone broker drains at once).
    await Promise.race([drained, new Promise((r) => setTimeout(r, RESPONSE_FLUSH_GRACE_MS).unref())]);
    this.grpcServer.forceShutdown();
    this.interBrokerServer.forceShutdown();
    await this.services.stop();
    await this.broker.close();
    // Last, so that /healthz answers and /readyz says 503 until the process is about to exit.
    await this.http.close();
  }
}

interface BoundListeners {
  grpcServer: grpc.Server;
  interBrokerServer: grpc.Server;
  port: number;
  interBrokerPort: number;
  tls: TlsMaterial | undefined;
}

/** The broker's certificate, key and CA when a listener runs TLS (the config checked the files are named). */
function tlsOf(config: BrokerConfig): TlsMaterial | undefined {
  if (!config.listenerClientTls && !config.listenerInterBrokerTls) return undefined;
  return readTlsMaterial({
    ca: { key: 'tls.ca.file', file: config.tlsCaFile },
    cert: { key: 'tls.cert.file', file: config.tlsCertFile },
    key: { key: 'tls.key.file', file: config.tlsKeyFile },
  });
}

/** Binds `server` (plaintext without `credentials`) and raises its HTTP/2 windows; resolves to the bound port. */
async function bindListener(server: grpc.Server, host: string, port: number, credentials: grpc.ServerCredentials | undefined): Promise<number> {
  raiseStreamWindow(server);
  const bound = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${host}:${port}`, credentials ?? grpc.ServerCredentials.createInsecure(), (err, boundPort) =>
      err ? reject(new Error(`cannot listen on ${host}:${port}: ${err.message}`)) : resolve(boundPort),
    );
  });
  raiseConnectionWindow(server);
  return bound;
}
/** What the cluster watch compares from one second to the next. */
function watchSnapshot(broker: Broker): WatchSnapshot {
  const led = new Map<string, number[]>();
  for (const partition of broker.allPartitions()) if (partition.isLeader) led.set(`${partition.topic}/${partition.index}`, partition.replicated.inSyncReplicas());
  const topics = broker.ready
    ? new Map(Object.values(broker.controller.metadata.topics).map((topic) => [topic.name, { topicId: topic.topicId, partitions: topic.replicas.length }]))
    : undefined;
  return { led, controller: Math.max(0, broker.controllerId()), topics };
}

/** Whether this broker is the active controller, and then the partitions no live broker leads. */
function controllerStatus(broker: Broker): { active: boolean; offlinePartitions: number } {
  const controller = broker.controller;
  if (!controller.isLeader) return { active: false, offlinePartitions: 0 };
  const led = new Set(controller.leaders().map((report) => leaderKey(report.topic, report.partition, report.topicId)));
  let offlinePartitions = 0;
  for (const topic of Object.values(controller.metadata.topics)) {
    for (let partition = 0; partition < topic.replicas.length; partition++) if (!led.has(leaderKey(topic.name, partition, topic.topicId))) offlinePartitions++;
  }
  return { active: true, offlinePartitions };
}

/** The quota.*.default settings by Kafka's quota names (0 = unlimited, left out). */
function quotaDefaults(config: BrokerConfig): ClientQuotas {
  const defaults: ClientQuotas = {};
  if (config.quotaProducerByteRateDefault > 0) defaults.producer_byte_rate = config.quotaProducerByteRateDefault;
  if (config.quotaConsumerByteRateDefault > 0) defaults.consumer_byte_rate = config.quotaConsumerByteRateDefault;
  if (config.quotaRequestPercentageDefault > 0) defaults.request_percentage = config.quotaRequestPercentageDefault;
  return defaults;
}

/** Quotas from the broker's defaults and the principals' own quotas in the metadata image. */
function brokerQuotas(config: BrokerConfig, broker: Broker, metrics: QuotaMetrics): QuotaEnforcer {
  return new QuotaEnforcer({
    defaults: quotaLimits(quotaDefaults(config)),
    overrides: (principal) => {
      const own = broker.controller.metadata.clientQuotas[principal];
      return own === undefined ? undefined : quotaLimits(own);
    },
    window: { samples: config.quotaWindowNum, sampleMs: config.quotaWindowSizeSeconds * 1000 },
    throttleMaxMs: config.quotaThrottleMaxMs,
    clock: broker.clock,
    onRecorded: (principal, kind, amount) => metrics.recorded(principal, kind, amount),
    onThrottled: (principal, kind, throttleMs) => metrics.throttledFor(principal, kind, throttleMs),
  });
}
