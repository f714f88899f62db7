/**
 * Broker configuration from, in rising precedence: defaults, a properties file (`key=value` lines,
 * `#` comments), environment variables (SLUICE_ + key upper-cased with _ for . and -), and flags
 * (--key-with-dashes). Every value is validated; a bad one stops the broker with a clear message.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { FLUSH_DEFAULT, parseFlushPolicy } from '../storage/flush-policy.js';
import { TAIL_CACHE_BYTES_MAX_DEFAULT } from '../storage/tail-cache.js';
import { SCRAM_MECHANISMS, isScramMechanism, type ScramMechanism } from '../security/scram.js';
import { defaultMaxConnections, descriptorLimit } from './descriptor-limit.js';
import { invalidLimit, LIMIT_DEFAULTS, type BrokerLimits } from './limits.js';
import { isLogFormat, isLogLevel, LOG_FORMATS, LOG_LEVELS, type LogFormat, type LogLevel } from '../observability/log.js';

export interface BrokerConfig extends BrokerLimits {
  brokerId: number;
  /** Address the gRPC and HTTP servers bind to. */
  host: string;
  /** Host name other brokers and clients use to reach this broker (defaults to host). */
  advertisedHost: string;
  port: number;
  httpPort: number;
  dataDir: string;
  /** `always` | `interval:<ms>` | `never`; see docs/STORAGE.md for what each guarantees. */
  flush: string;
  /** Bytes of recently appended batches kept in memory for tail readers (0: none). */
  tailCacheBytes: number;
  retentionCheckIntervalMs: number;
  /** Rate at which the background scrub re-reads and verifies stored batches (0: off). */
  scrubBytesPerSec: number;
  /** Longest a produce with acks=all waits for replication before NOT_ENOUGH_REPLICAS. */
  produceTimeoutMs: number;
  /** Longest a fetch may long-poll, whatever the client asks. */
  fetchMaxWaitMs: number;
  /** Longest a graceful shutdown waits for in-flight requests. */
  shutdownTimeoutMs: number;
  /** Bounds on the session timeout consumer-group members may ask for, in ms. */
  groupMinSessionTimeoutMs: number;
  groupMaxSessionTimeoutMs: number;
  /** Offsets of a group without members are deleted this long after its last commit, in ms. */
  offsetsRetentionMs: number;
  /** Every broker's inter-broker listener as `id@host:port,...`; empty: this broker alone. */
  clusterBrokers: string;
  /** Controller voter ids `1,2,3`; empty: the first three brokers (all of them if fewer). */
  controllerVoters: string;
  /** One Raft tick; elections time out after 10-20 ticks, leaders heartbeat every tick. */
  raftTickMs: number;
  brokerHeartbeatIntervalMs: number;
  /** A broker without a heartbeat for this long is no longer alive to the controller. */
  brokerSessionTimeoutMs: number;
  leaderBalanceIntervalMs: number;
  /** Connections each gRPC listener (client, inter-broker) keeps open at once; more are refused. */
  maxConnections: number;
  // listeners and TLS
  /** Port of the inter-broker listener (Raft and Controller services); `port` is the client listener. */
  interBrokerPort: number;
  /** PEM files: the CA that signs brokers and clients, and this broker's certificate and key. */
  tlsCaFile: string;
  tlsCertFile: string;
  tlsKeyFile: string;
  /** TLS on the client listener; client certificates are requested there but optional. */
  listenerClientTls: boolean;
  /** TLS on the inter-broker listener, with mutual TLS: only certificates with CN broker-<id> pass. */
  listenerInterBrokerTls: boolean;
  // # limits: BrokerLimits (limits.ts)
  // authentication and ACLs
  /** Check ACLs on every client call (`authorizer.class.name` in Kafka; here on or off). */
  authorizationEnabled: boolean;
  /** Principals (comma-separated user names or certificate CNs) that bypass ACLs. */
  superUsers: string;
  /** With authorization on, whether a resource no ACL matches is open to everyone (Kafka's default: false). */
  allowEveryoneIfNoAclFound: boolean;
  /** Refuse calls from ANONYMOUS (neither a SCRAM session nor a verified client certificate). */
  authenticationRequired: boolean;
  /** SCRAM mechanisms clients may authenticate with (comma-separated; empty: none). */
  saslEnabledMechanisms: string;
  /** How long a SCRAM session token is valid before the client must authenticate again. */
  saslSessionLifetimeMs: number;
  /** Added before answering a failed authentication (slows password guessing). */
  failedAuthenticationDelayMs: number;
  // # quotas and HTTP
  /** Quotas of a principal without its own (0: unlimited): produce and fetch bytes/s, % of request-handling time. */
  quotaProducerByteRateDefault: number;
  quotaConsumerByteRateDefault: number;
  quotaRequestPercentageDefault: number;
  /** Quota rates are measured over this many samples of this many seconds (Kafka's names and defaults). */
  quotaWindowNum: number;
  quotaWindowSizeSeconds: number;
  /** Longest a throttled answer is held back. */
  quotaThrottleMaxMs: number;
  /** Address the HTTP endpoint binds to (empty: host). */
  httpHost: string;
  /** Bearer token /metrics and /readyz require (empty: none); or read from httpAuthTokenFile. */
  httpAuthToken: string;
  httpAuthTokenFile: string;
  // kafka listener (docs/KAFKA.md)
  /** Port of the Kafka protocol listener; -1: no listener; 0: the OS picks. */
  kafkaPort: number;
  /** Host Kafka clients are told to connect to (default: advertised.host). */
  kafkaAdvertisedHost: string;
  /** Every broker's Kafka listener as `id@host:port,...`; empty: this broker's alone. */
  kafkaClusterBrokers: string;
  /** Largest request frame a Kafka client may send; a larger one closes its connection. */
  kafkaMaxFrameBytes: number;
  /** Connections the Kafka listener keeps open at once; more are closed as they arrive. */
  kafkaMaxConnections: number;
  /** A Kafka connection with no request for this long is closed (Kafka's connections.max.idle.ms). */
  kafkaConnectionsMaxIdleMs: number;
  // # kafka clients (docs/KAFKA.md "SASL and TLS")
  /** TLS on the Kafka listener with the broker's tls.* material (clients: SSL or SASL_SSL); client certificates requested, optional. */
  kafkaListenerTls: boolean;
  /** A Kafka client's Metadata request for an unknown topic creates it (Kafka's auto.create.topics.enable). */
  autoCreateTopicsEnable: boolean;
  /** Partitions of an auto-created topic or a CreateTopics without a count (Kafka's num.partitions). */
  numPartitions: number;
  /** Replicas of an auto-created topic or a CreateTopics without a factor; 0: as many brokers as are registered, at most 3. */
  defaultReplicationFactor: number;
  // # logging (docs/OPERATIONS.md)
  /** Least severe level logged: fatal, error, warn, info, debug, trace, silent. */
  logLevel: LogLevel;
  /** `auto` (pretty on a terminal, JSON lines otherwise), `json` or `pretty`. */
  logFormat: LogFormat;
  /** A request slower than this is logged at warn with where its time went (0: never). */
  slowRequestThresholdMs: number;
  // # membership (docs/CLUSTER.md "Moving replicas")
  /** Bytes per second a partition leader sends each replica catching up as a learner (0: unbounded). */
  reassignmentThrottleBytesPerSec: number;
  // # console (docs/CONSOLE.md)
  /** Serve the web console and its JSON API (`/`, `/api/v1/...`) on the HTTP port. */
  consoleEnabled: boolean;
  /** Refuse every console API call that changes something (topics, offsets, produce, redrive). */
  consoleReadOnly: boolean;
  /** Client properties file (as `sluice --client-config`): TLS of the console's connections, and the identity its history sampler uses. */
  consoleClientConfig: string;
  /** How often the console samples rates, lag and latency for its charts (one hour of samples is kept). */
  consoleHistoryIntervalMs: number;
  // # joining (docs/CLUSTER.md)
  /**
   * The controller voters' inter-broker listeners as `id@host:port,...`: all a broker needs to join
   * (peers' addresses come from their registrations). Empty: cluster.brokers and controller.voters.
   */
  controllerQuorumVoters: string;
}

type Kind = 'int' | 'port' | 'listenerPort' | 'string' | 'bool' | 'logLevel' | 'logFormat';

interface KeySpec {
  field: keyof BrokerConfig;
  kind: Kind;
  doc: string;
}

/** Properties-file names of every setting; flags and env names derive from these. */
export const BROKER_CONFIG_KEYS: Readonly<Record<string, KeySpec>> = {
  'broker.id': { field: 'brokerId', kind: 'int', doc: 'unique id of this broker in its cluster' },
  host: { field: 'host', kind: 'string', doc: 'address to bind gRPC and HTTP to' },
  'advertised.host': { field: 'advertisedHost', kind: 'string', doc: 'host clients and peers connect to (default: host)' },
  port: { field: 'port', kind: 'port', doc: 'gRPC port of the client listener (Broker, Admin, Groups services)' },
  'http.port': { field: 'httpPort', kind: 'port', doc: 'HTTP port for /metrics, /healthz, /readyz' },
  'data.dir': { field: 'dataDir', kind: 'string', doc: 'directory of the LevelDB store' },
  flush: { field: 'flush', kind: 'string', doc: 'fsync policy: always (durable, group commit) | interval:<ms> | never (both may lose acknowledged records on power loss)' },
  'tail.cache.bytes': { field: 'tailCacheBytes', kind: 'int', doc: 'bytes of recent batches kept in memory for tail readers' },
  'retention.check.interval.ms': { field: 'retentionCheckIntervalMs', kind: 'int', doc: 'how often retention and TTL deletion run' },
  'scrub.bytes.per.sec': { field: 'scrubBytesPerSec', kind: 'int', doc: 'bytes per second the background scrub re-reads and verifies (0 disables it)' },
  'produce.timeout.ms': { field: 'produceTimeoutMs', kind: 'int', doc: 'default wait for acks=all replication' },
  'fetch.max.wait.ms': { field: 'fetchMaxWaitMs', kind: 'int', doc: 'upper bound on a fetch long-poll' },
  'shutdown.timeout.ms': { field: 'shutdownTimeoutMs', kind: 'int', doc: 'how long SIGTERM waits for in-flight requests' },
  'group.min.session.timeout.ms': { field: 'groupMinSessionTimeoutMs', kind: 'int', doc: 'smallest session timeout a group member may use' },
  'group.max.session.timeout.ms': { field: 'groupMaxSessionTimeoutMs', kind: 'int', doc: 'largest session timeout a group member may use' },
  'offsets.retention.ms': { field: 'offsetsRetentionMs', kind: 'int', doc: 'how long an empty group keeps its committed offsets' },
  'cluster.brokers': {
    field: 'clusterBrokers',
    kind: 'string',
    doc: "every broker's inter-broker listener as id@host:inter-broker-port, comma-separated (empty: this one alone)",
  },
  'controller.voters': { field: 'controllerVoters', kind: 'string', doc: 'controller voter ids, comma-separated (default: the first three brokers)' },
  'raft.tick.ms': { field: 'raftTickMs', kind: 'int', doc: 'Raft tick; elections time out after 10-20 ticks' },
  'broker.heartbeat.interval.ms': { field: 'brokerHeartbeatIntervalMs', kind: 'int', doc: 'how often a broker heartbeats the controller' },
  'broker.session.timeout.ms': { field: 'brokerSessionTimeoutMs', kind: 'int', doc: 'silence after which the controller considers a broker dead' },
  'leader.balance.interval.ms': { field: 'leaderBalanceIntervalMs', kind: 'int', doc: 'how often leadership moves back to preferred replicas' },
  'max.connections': {
    field: 'maxConnections',
    kind: 'int',
    doc: 'open connections to each gRPC listener (client, inter-broker) beyond which new ones are refused (default: half the descriptor limit less 64)',
  },
  // listeners and TLS
  'inter.broker.port': { field: 'interBrokerPort', kind: 'port', doc: 'port of the inter-broker listener (Raft, Controller); cluster.brokers lists these' },
  'tls.ca.file': { field: 'tlsCaFile', kind: 'string', doc: 'PEM file of the CA that signs broker and client certificates' },
  'tls.cert.file': { field: 'tlsCertFile', kind: 'string', doc: "PEM file of this broker's certificate (CN broker-<id>)" },
  'tls.key.file': { field: 'tlsKeyFile', kind: 'string', doc: "PEM file of this broker's private key" },
  'listener.client.tls': { field: 'listenerClientTls', kind: 'bool', doc: 'TLS on the client listener (client certificates requested, optional)' },
  'listener.inter.broker.tls': { field: 'listenerInterBrokerTls', kind: 'bool', doc: 'mutual TLS on the inter-broker listener and when dialling peers' },
  // # limits
  'max.connections.per.ip': { field: 'maxConnectionsPerIp', kind: 'int', doc: 'open connections from one client address beyond which new ones are refused' },
  'max.concurrent.streams': { field: 'maxConcurrentStreams', kind: 'int', doc: 'calls (HTTP/2 streams) one connection may have open at once' },
  'max.inflight.requests.per.stream': { field: 'maxInflightRequestsPerStream', kind: 'int', doc: 'requests of one produce/fetch stream served at once; the stream is not read beyond it' },
  'queued.max.request.bytes': { field: 'queuedMaxRequestBytes', kind: 'int', doc: 'produce bytes being served at once over all clients (streams wait, unary produces get BROKER_BUSY)' },
  'message.max.bytes': { field: 'messageMaxBytes', kind: 'int', doc: "largest max.message.bytes a topic may have; bounds the gRPC receive size" },
  'max.waiting.fetches': { field: 'maxWaitingFetches', kind: 'int', doc: 'fetches long-polling at once on this broker (more get BROKER_BUSY)' },
  'group.max.size': { field: 'groupMaxSize', kind: 'int', doc: 'members one consumer group may have' },
  'max.groups': { field: 'maxGroups', kind: 'int', doc: 'consumer groups one broker coordinates' },
  'max.partitions': { field: 'maxPartitions', kind: 'int', doc: 'partitions in the cluster (controller, on topic creation)' },
  'max.partitions.per.broker': { field: 'maxPartitionsPerBroker', kind: 'int', doc: 'partition replicas one broker may hold (controller, on topic creation)' },
  // authentication and ACLs
  'authorization.enabled': { field: 'authorizationEnabled', kind: 'bool', doc: 'check ACLs on every client call (true|false)' },
  'super.users': { field: 'superUsers', kind: 'string', doc: 'principals that bypass ACLs, comma-separated (user names or certificate CNs)' },
  'allow.everyone.if.no.acl.found': { field: 'allowEveryoneIfNoAclFound', kind: 'bool', doc: 'with authorization on, allow access to a resource no ACL matches (true|false)' },
  'authentication.required': { field: 'authenticationRequired', kind: 'bool', doc: 'refuse calls without a SCRAM session or a verified client certificate (true|false)' },
  'sasl.enabled.mechanisms': { field: 'saslEnabledMechanisms', kind: 'string', doc: 'SCRAM mechanisms clients may use: SCRAM-SHA-256,SCRAM-SHA-512 (empty: none)' },
  'sasl.session.lifetime.ms': { field: 'saslSessionLifetimeMs', kind: 'int', doc: 'how long a SCRAM session token is valid before the client authenticates again' },
  'connection.failed.authentication.delay.ms': { field: 'failedAuthenticationDelayMs', kind: 'int', doc: 'delay before a failed authentication is answered' },
  // # quotas and HTTP
  'quota.producer.byte.rate.default': { field: 'quotaProducerByteRateDefault', kind: 'int', doc: 'produce bytes/s of a principal without its own quota (0: unlimited)' },
  'quota.consumer.byte.rate.default': { field: 'quotaConsumerByteRateDefault', kind: 'int', doc: 'fetched bytes/s of a principal without its own quota (0: unlimited)' },
  'quota.request.percentage.default': { field: 'quotaRequestPercentageDefault', kind: 'int', doc: 'share (%) of request-handling time of a principal without its own quota (0: unlimited)' },
  'quota.window.num': { field: 'quotaWindowNum', kind: 'int', doc: 'samples quota rates are measured over' },
  'quota.window.size.seconds': { field: 'quotaWindowSizeSeconds', kind: 'int', doc: 'length of one quota sample' },
  'quota.throttle.max.ms': { field: 'quotaThrottleMaxMs', kind: 'int', doc: 'longest a throttled answer is held back' },
  'http.host': { field: 'httpHost', kind: 'string', doc: 'address the HTTP endpoint binds to (default: host)' },
  'http.auth.token': { field: 'httpAuthToken', kind: 'string', doc: 'bearer token /metrics and /readyz require (default: none; prefer http.auth.token.file)' },
  'http.auth.token.file': { field: 'httpAuthTokenFile', kind: 'string', doc: 'file holding the bearer token /metrics and /readyz require' },
  // kafka listener
  'kafka.port': { field: 'kafkaPort', kind: 'listenerPort', doc: 'Kafka protocol listener port (-1: none, 0: the OS picks)' },
  'kafka.advertised.host': { field: 'kafkaAdvertisedHost', kind: 'string', doc: 'host Kafka clients connect to (default: advertised.host)' },
  'kafka.cluster.brokers': {
    field: 'kafkaClusterBrokers',
    kind: 'string',
    doc: "Kafka listeners as id@host:port, comma-separated, overriding the ones brokers registered (empty: the registered ones)",
  },
  'kafka.max.frame.bytes': { field: 'kafkaMaxFrameBytes', kind: 'int', doc: 'largest Kafka request frame; a larger one closes the connection' },
  'kafka.max.connections': { field: 'kafkaMaxConnections', kind: 'int', doc: 'open Kafka connections beyond which new ones are closed at once' },
  'kafka.connections.max.idle.ms': { field: 'kafkaConnectionsMaxIdleMs', kind: 'int', doc: 'a Kafka connection idle this long is closed' },
  // # kafka clients
  'kafka.listener.tls': { field: 'kafkaListenerTls', kind: 'bool', doc: 'TLS on the Kafka listener with the tls.* files (Kafka clients: security.protocol SSL or SASL_SSL)' },
  'auto.create.topics.enable': { field: 'autoCreateTopicsEnable', kind: 'bool', doc: 'a Kafka client asking Metadata for an unknown topic creates it (with create rights)' },
  'num.partitions': { field: 'numPartitions', kind: 'int', doc: 'partitions of an auto-created topic (and of a Kafka CreateTopics without a count)' },
  'default.replication.factor': { field: 'defaultReplicationFactor', kind: 'int', doc: 'replicas of an auto-created topic (0: the registered brokers, at most 3)' },
  // # logging
  'log.level': { field: 'logLevel', kind: 'logLevel', doc: `least severe level logged: ${LOG_LEVELS.join(', ')} (env SLUICE_LOG_LEVEL)` },
  'log.format': { field: 'logFormat', kind: 'logFormat', doc: 'auto (pretty on a terminal, JSON lines otherwise) | json | pretty' },
  'slow.request.threshold.ms': { field: 'slowRequestThresholdMs', kind: 'int', doc: 'requests slower than this are logged at warn with where the time went (0: never; a fetch\'s long-poll wait does not count)' },
  // # membership
  'reassignment.throttle.bytes.per.sec': {
    field: 'reassignmentThrottleBytesPerSec',
    kind: 'int',
    doc: 'bytes per second a partition leader sends each new replica catching up during a move (0: unbounded)',
  },
  // # console
  'console.enabled': { field: 'consoleEnabled', kind: 'bool', doc: 'serve the web console and /api/v1 on the HTTP port (true|false)' },
  'console.read.only': { field: 'consoleReadOnly', kind: 'bool', doc: 'refuse console API calls that change anything (true|false)' },
  'console.client.config': { field: 'consoleClientConfig', kind: 'string', doc: "client properties file: TLS of the console's connections and its history sampler's identity" },
  'console.history.interval.ms': { field: 'consoleHistoryIntervalMs', kind: 'int', doc: 'how often the console samples rates, lag and latency for its charts' },
  // # joining
  'controller.quorum.voters': {
    field: 'controllerQuorumVoters',
    kind: 'string',
    doc: "the controller voters' inter-broker listeners as id@host:port, comma-separated: enough to join a cluster (replaces cluster.brokers and controller.voters)",
  },
};

export const BROKER_CONFIG_DEFAULTS: Readonly<BrokerConfig> = {
  brokerId: 1,
  host: '127.0.0.1',
  advertisedHost: '',
  port: 7001,
  httpPort: 8001,
  dataDir: './data',
  flush: FLUSH_DEFAULT,
  tailCacheBytes: TAIL_CACHE_BYTES_MAX_DEFAULT,
  retentionCheckIntervalMs: 5_000,
  scrubBytesPerSec: 8 * 1024 * 1024,
  produceTimeoutMs: 30_000,
  fetchMaxWaitMs: 30_000,
  shutdownTimeoutMs: 10_000,
  groupMinSessionTimeoutMs: 500,
  groupMaxSessionTimeoutMs: 300_000,
  offsetsRetentionMs: 7 * 24 * 60 * 60 * 1000,
  clusterBrokers: '',
  controllerVoters: '',
  raftTickMs: 50,
  brokerHeartbeatIntervalMs: 250,
  brokerSessionTimeoutMs: 3_000,
  leaderBalanceIntervalMs: 5_000,
  maxConnections: defaultMaxConnections(descriptorLimit()),
  // listeners and TLS
  interBrokerPort: 7002,
  tlsCaFile: '',
  tlsCertFile: '',
  tlsKeyFile: '',
  listenerClientTls: false,
  listenerInterBrokerTls: false,
  ...LIMIT_DEFAULTS,
  // authentication and ACLs
  authorizationEnabled: false,
  superUsers: '',
  allowEveryoneIfNoAclFound: false,
  authenticationRequired: false,
  saslEnabledMechanisms: 'SCRAM-SHA-256,SCRAM-SHA-512',
  saslSessionLifetimeMs: 60 * 60 * 1000,
  failedAuthenticationDelayMs: 100,
  // # quotas and HTTP
  quotaProducerByteRateDefault: 0,
  quotaConsumerByteRateDefault: 0,
  quotaRequestPercentageDefault: 0,
  quotaWindowNum: 11,
  quotaWindowSizeSeconds: 1,
  quotaThrottleMaxMs: 10_000,
  httpHost: '',
  httpAuthToken: '',
  httpAuthTokenFile: '',
  // kafka listener: off unless asked for (`make run` and cluster/broker-N.properties turn it on)
  kafkaPort: -1,
  kafkaAdvertisedHost: '',
  kafkaClusterBrokers: '',
  kafkaMaxFrameBytes: 64 * 1024 * 1024,
  kafkaMaxConnections: 1024,
  kafkaConnectionsMaxIdleMs: 600_000,
  // # kafka clients
  kafkaListenerTls: false,
  autoCreateTopicsEnable: true,
  numPartitions: 1,
  defaultReplicationFactor: 0,
  // # logging
  logLevel: 'info',
  logFormat: 'auto',
  slowRequestThresholdMs: 1_000,
  // # membership
  reassignmentThrottleBytesPerSec: 0,
  // # console
  consoleEnabled: true,
  consoleReadOnly: false,
  consoleClientConfig: '',
  consoleHistoryIntervalMs: 5_000,
  // # joining
  controllerQuorumVoters: '',
};

const OPTIONAL_STRINGS = new Set<keyof BrokerConfig>([
  'advertisedHost',
  'clusterBrokers',
  'controllerVoters',
  'tlsCaFile',
  'tlsCertFile',
  'tlsKeyFile',
  'superUsers',
  'saslEnabledMechanisms',
  'kafkaAdvertisedHost',
  'kafkaClusterBrokers',
]);
// # joining: empty means "cluster.brokers and controller.voters say who is in the cluster".
OPTIONAL_STRINGS.add('controllerQuorumVoters');
// # quotas and HTTP: empty means "as host" and "no token".
OPTIONAL_STRINGS.add('httpHost').add('httpAuthToken').add('httpAuthTokenFile');
// # console: empty means "plaintext, anonymous sampler".
OPTIONAL_STRINGS.add('consoleClientConfig');

export class ConfigError extends Error {
  override name = 'ConfigError';
}

function parseSetting(key: string, spec: KeySpec, text: string, source: string): number | string | boolean {
  const trimmed = text.trim();
  if (spec.kind === 'bool') {
    if (trimmed !== 'true' && trimmed !== 'false') throw new ConfigError(`${key} (${source}) must be true or false, got "${text}"`);
    return trimmed === 'true';
  }
  if (spec.kind === 'string') {
    if (trimmed === '' && !OPTIONAL_STRINGS.has(spec.field)) throw new ConfigError(`${key} (${source}) must not be empty`);
    return trimmed;
  }
  if (spec.kind === 'logLevel' || spec.kind === 'logFormat') return parseLogSetting(key, spec.kind, trimmed, source);
  if (spec.kind === 'listenerPort' && trimmed === '-1') return -1;
  if (!/^\d+$/.test(trimmed)) throw new ConfigError(`${key} (${source}) must be a non-negative integer, got "${text}"`);
  const value = Number(trimmed);
  if ((spec.kind === 'port' || spec.kind === 'listenerPort') && value > 65535) throw new ConfigError(`${key} (${source}) must be a port 0-65535, got ${value}`);
  return value;
}

function parseProperties(text: string, file: string): Map<string, string> {
  const entries = new Map<string, string>();
  text.split(/\r?\n/).forEach((rawLine, index) => {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) return;
    const eq = line.indexOf('=');
    if (eq <= 0) throw new ConfigError(`${file}:${index + 1}: expected key=value, got "${line}"`);
    entries.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  });
  return entries;
}

function envName(key: string): string {
  return `SLUICE_${key.toUpperCase().replace(/[.-]/g, '_')}`;
}

function flagName(key: string): string {
  return key.replace(/\./g, '-');
}

/**
 * Builds the config from argv (without node and script), the environment and optional --config
 * files (repeatable: a later file overrides an earlier one, e.g. a broker's file then a TLS overlay).
 */
export function loadBrokerConfig(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): BrokerConfig {
  const options: Record<string, { type: 'string'; multiple?: boolean }> = { config: { type: 'string', multiple: true } };
  for (const key of Object.keys(BROKER_CONFIG_KEYS)) options[flagName(key)] = { type: 'string' };
  let flags: Record<string, string | boolean | string[] | undefined>;
  try {
    flags = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values;
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
  const config: BrokerConfig = { ...BROKER_CONFIG_DEFAULTS };
  const assign = (key: string, text: string, source: string): void => {
    const spec = BROKER_CONFIG_KEYS[key];
    if (!spec) throw new ConfigError(`unknown setting "${key}" in ${source}; known: ${Object.keys(BROKER_CONFIG_KEYS).join(', ')}`);
    (config as unknown as Record<string, number | string | boolean>)[spec.field] = parseSetting(key, spec, text, source);
  };
  const files = Array.isArray(flags.config) ? flags.config : env.SLUICE_CONFIG ? [env.SLUICE_CONFIG] : [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new ConfigError(`cannot read config file ${file}: ${(err as Error).message}`);
    }
    for (const [key, value] of parseProperties(text, file)) assign(key, value, file);
  }
  for (const key of Object.keys(BROKER_CONFIG_KEYS)) {
    const value = env[envName(key)];
    if (value !== undefined) assign(key, value, `env ${envName(key)}`);
  }
  for (const key of Object.keys(BROKER_CONFIG_KEYS)) {
    const value = flags[flagName(key)];
    if (typeof value === 'string') assign(key, value, `--${flagName(key)}`);
  }
  if (config.advertisedHost === '') config.advertisedHost = config.host;
  if (config.kafkaAdvertisedHost === '') config.kafkaAdvertisedHost = config.advertisedHost;
  if (config.kafkaMaxFrameBytes < 1024) throw new ConfigError('kafka.max.frame.bytes must be >= 1024');
  if (config.kafkaMaxConnections < 1) throw new ConfigError('kafka.max.connections must be >= 1');
  if (config.kafkaConnectionsMaxIdleMs < 1000) throw new ConfigError('kafka.connections.max.idle.ms must be >= 1000');
  if (config.numPartitions < 1) throw new ConfigError('num.partitions must be >= 1');
  if (config.defaultReplicationFactor < 0) throw new ConfigError('default.replication.factor must be >= 0 (0: the registered brokers, at most 3)');
  if (config.brokerId < 1) throw new ConfigError(`broker.id must be >= 1, got ${config.brokerId}`);
  if (config.fetchMaxWaitMs < 1) throw new ConfigError('fetch.max.wait.ms must be >= 1');
  if (config.groupMinSessionTimeoutMs < 1 || config.groupMaxSessionTimeoutMs < config.groupMinSessionTimeoutMs) {
    throw new ConfigError('group.min.session.timeout.ms must be >= 1 and <= group.max.session.timeout.ms');
  }
  if (config.raftTickMs < 1) throw new ConfigError('raft.tick.ms must be >= 1');
  if (config.maxConnections < 1) throw new ConfigError('max.connections must be >= 1');
  const limitError = invalidLimit(config);
  if (limitError !== undefined) throw new ConfigError(limitError);
  validateQuotaAndHttp(config);
  try {
    parseFlushPolicy(config.flush);
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
  if (config.interBrokerPort !== 0 && config.interBrokerPort === config.port) {
    throw new ConfigError(`inter.broker.port must differ from port (both ${config.port})`);
  }
  if (config.listenerClientTls || config.listenerInterBrokerTls || config.kafkaListenerTls) {
    for (const key of ['tls.ca.file', 'tls.cert.file', 'tls.key.file'] as const) {
      if (config[BROKER_CONFIG_KEYS[key]!.field] === '') throw new ConfigError(`${key} is required when a listener runs TLS`);
    }
  }
  if (config.saslSessionLifetimeMs < 1000) throw new ConfigError('sasl.session.lifetime.ms must be >= 1000');
  saslMechanisms(config);
  clusterMembership(config);
  kafkaListeners(config, config.kafkaPort);
  if (config.consoleHistoryIntervalMs < 100) throw new ConfigError('console.history.interval.ms must be >= 100');
  return config;
}

/**
 * The configured Kafka listeners by id, from kafka.cluster.brokers (they override the registered
 * ones, src/kafka/addresses.ts); this broker's own entry is always its advertised host and
 * `boundPort` (the port it actually listens on).
 */
export function kafkaListeners(config: BrokerConfig, boundPort: number): Map<number, { host: string; port: number }> {
  const listeners = new Map<number, { host: string; port: number }>();
  for (const item of config.kafkaClusterBrokers.split(',').map((s) => s.trim()).filter(Boolean)) {
    const match = /^(\d+)@([^:@\s]+):(\d+)$/.exec(item);
    if (!match || Number(match[3]) > 65535) throw new ConfigError(`kafka.cluster.brokers: expected id@host:port, got "${item}"`);
    listeners.set(Number(match[1]), { host: match[2]!, port: Number(match[3]) });
  }
  listeners.set(config.brokerId, { host: config.kafkaAdvertisedHost || config.advertisedHost || config.host, port: boundPort });
  return listeners;
}

/** The mechanisms of sasl.enabled.mechanisms; throws ConfigError on an unknown one. */
export function saslMechanisms(config: BrokerConfig): Set<ScramMechanism> {
  const names = config.saslEnabledMechanisms.split(',').map((name) => name.trim()).filter(Boolean);
  for (const name of names) {
    if (!isScramMechanism(name)) throw new ConfigError(`sasl.enabled.mechanisms: unknown mechanism "${name}"; known: ${SCRAM_MECHANISMS.join(', ')}`);
  }
  return new Set(names.filter(isScramMechanism));
}

/** The principals of super.users. */
export function superUsers(config: BrokerConfig): Set<string> {
  return new Set(config.superUsers.split(',').map((name) => name.trim()).filter(Boolean));
}

export interface ClusterMembership {
  /** Every broker's inter-broker listener `host:port`, this one included. */
  addresses: Map<number, string>;
  voters: number[];
}

/** Parses a list of `id@host:port` (cluster.brokers, controller.quorum.voters); throws ConfigError on a bad one. */
function brokerList(key: string, text: string): Map<number, string> {
  const addresses = new Map<number, string>();
  for (const item of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const match = /^(\d+)@([^:@\s]+):(\d+)$/.exec(item);
    if (!match) throw new ConfigError(`${key}: expected id@host:port, got "${item}"`);
    const id = Number(match[1]);
    if (id < 1 || addresses.has(id)) throw new ConfigError(`${key}: broker id ${id} is invalid or repeated`);
    addresses.set(id, `${match[2]}:${match[3]}`);
  }
  return addresses;
}

/**
 * Parses cluster.brokers and controller.voters, or controller.quorum.voters; throws ConfigError on
 * a bad list. The addresses are the configured ones: brokers that join later are learnt from the
 * metadata (their registrations).
 */
export function clusterMembership(config: BrokerConfig): ClusterMembership {
  const addresses = brokerList('cluster.brokers', config.clusterBrokers);
  const quorum = brokerList('controller.quorum.voters', config.controllerQuorumVoters);
  if (quorum.size > 0) return quorumMembership(config, addresses, quorum);
  if (addresses.size === 0) addresses.set(config.brokerId, `${config.advertisedHost}:${config.interBrokerPort}`);
  if (!addresses.has(config.brokerId)) throw new ConfigError(`cluster.brokers does not list this broker (broker.id=${config.brokerId})`);
  const ids = [...addresses.keys()].sort((a, b) => a - b);
  const voters = config.controllerVoters.trim() === '' ? ids.slice(0, 3) : config.controllerVoters.split(',').map((v) => Number(v.trim()));
  for (const voter of voters) {
    if (!addresses.has(voter)) throw new ConfigError(`controller.voters: ${voter} is not in cluster.brokers`);
  }
  return { addresses, voters };
}

// # joining

/**
 * Membership from controller.quorum.voters: the voters' addresses, any cluster.brokers entries
 * (which must agree with them), and this broker's own inter-broker listener.
 */
function quorumMembership(config: BrokerConfig, configured: Map<number, string>, quorum: Map<number, string>): ClusterMembership {
  for (const [id, address] of quorum) {
    const listed = configured.get(id);
    if (listed !== undefined && listed !== address) {
      throw new ConfigError(`controller.quorum.voters says broker ${id} is at ${address}, cluster.brokers says ${listed}`);
    }
  }
  const voters = [...quorum.keys()];
  if (config.controllerVoters.trim() !== '') {
    const listed = config.controllerVoters.split(',').map((v) => Number(v.trim()));
    if (listed.length !== voters.length || listed.some((id) => !quorum.has(id))) {
      throw new ConfigError(`controller.voters (${config.controllerVoters}) differs from the ids of controller.quorum.voters (${voters.join(',')}); set one of them`);
    }
  }
  const addresses = new Map([...configured, ...quorum]);
  if (!addresses.has(config.brokerId)) addresses.set(config.brokerId, `${config.advertisedHost}:${config.interBrokerPort}`);
  return { addresses, voters };
}

// # quotas and HTTP

function validateQuotaAndHttp(config: BrokerConfig): void {
  if (config.quotaRequestPercentageDefault > 100) throw new ConfigError('quota.request.percentage.default must be 0-100 (one event loop)');
  if (config.quotaWindowNum < 2) throw new ConfigError('quota.window.num must be >= 2');
  if (config.quotaWindowSizeSeconds < 1) throw new ConfigError('quota.window.size.seconds must be >= 1');
  if (config.httpAuthToken !== '' && config.httpAuthTokenFile !== '') throw new ConfigError('set http.auth.token or http.auth.token.file, not both');
  httpAuthToken(config);
}

/** The HTTP bearer token (from the setting or its file, trimmed), or undefined when none is set. */
export function httpAuthToken(config: BrokerConfig): string | undefined {
  let token = config.httpAuthToken;
  if (config.httpAuthTokenFile !== '') {
    try {
      token = readFileSync(config.httpAuthTokenFile, 'utf8').trim();
    } catch (err) {
      throw new ConfigError(`cannot read http.auth.token.file ${config.httpAuthTokenFile}: ${(err as Error).message}`);
    }
    if (token === '') throw new ConfigError(`http.auth.token.file ${config.httpAuthTokenFile} is empty`);
  }
  return token === '' ? undefined : token;
}

// # logging

function parseLogSetting(key: string, kind: 'logLevel' | 'logFormat', text: string, source: string): string {
  if (kind === 'logLevel' ? isLogLevel(text) : isLogFormat(text)) return text;
  const known = kind === 'logLevel' ? LOG_LEVELS : LOG_FORMATS;
  throw new ConfigError(`${key} (${source}) must be one of ${known.join(', ')}, got "${text}"`);
}
