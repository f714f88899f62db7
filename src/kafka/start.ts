/** Starts a broker's Kafka listener from its config (the one place the listener meets BrokerConfig). */
import { kafkaListeners, saslMechanisms, type BrokerConfig } from '../config/broker-config.js';
import { KafkaSession } from './session.js';
import { readTlsMaterial } from '../security/tls.js';
import { TOPIC_CONFIG_DEFAULTS } from '../config/topic-config.js';
import { ConfigSource, type ConfigEntry } from './api/describe-configs.js';
import type { Broker } from '../broker/broker.js';
import type { SecurityGate } from '../broker/security-gate.js';
import type { GroupCoordinator } from '../groups/coordinator.js';
import type { QuotaEnforcer } from '../security/quota-enforcer.js';
import { KafkaListener } from './listener.js';
import { kafkaAddressBook } from './addresses.js';
import { loadZstd } from '../protocol/compression.js';
import { logger } from '../observability/log.js';

const log = logger('kafka');

export { KafkaListener };

export interface KafkaListenerParts {
  broker: Broker;
  groups: GroupCoordinator;
  security: SecurityGate;
  quotas: QuotaEnforcer;
  /** Shared with the gRPC handlers, so shutdown waits for Kafka requests too. */
  inflight: { enter(method: string): void; exit(method: string): void };
  /** Each served request's API and duration (the broker's request metrics). */
  onRequest(api: string, durationMs: number): void;
}

/**
 * Undefined when kafka.port is -1. Call before the broker starts: its registration carries the
 * listener's advertised address, which the other brokers' Metadata names.
 */
export async function startKafkaListener(config: BrokerConfig, parts: KafkaListenerParts): Promise<KafkaListener | undefined> {
  const { broker, groups, security, quotas, inflight, onRequest } = parts;
  if (config.kafkaPort < 0) return undefined;
  // Only Kafka clients write zstd; with the decoder loaded, every synchronous path can read their batches.
  await loadZstd();
  if (!/^(127\.|localhost$|::1$)/.test(config.host) && !config.authenticationRequired) {
    log.warn(
      `WARNING: broker ${config.brokerId}'s Kafka listener ${config.host}:${config.kafkaPort} is reachable from the network and lets clients in without authentication: ` +
        `its clients act as ANONYMOUS${config.authorizationEnabled ? ' (held to the ACLs)' : ', and authorization is off'}. See docs/KAFKA.md.`,
    );
  }
  let configured = kafkaListeners(config, config.kafkaPort);
  const mechanisms = [...saslMechanisms(config)];
  // With authentication required, a client gets in by SASL or, over TLS, by a client certificate.
  const canAuthenticate = mechanisms.length > 0 || config.kafkaListenerTls;
  const listener = await KafkaListener.listen({
    broker,
    host: config.host,
    port: config.kafkaPort,
    maxFrameBytes: config.kafkaMaxFrameBytes,
    maxConnections: config.kafkaMaxConnections,
    idleTimeoutMs: config.kafkaConnectionsMaxIdleMs,
    produceTimeoutMs: config.produceTimeoutMs,
    fetchMaxWaitMs: config.fetchMaxWaitMs,
    inflight,
    listeners: kafkaAddressBook(() => configured, () => broker.controller.metadata),
    groups,
    quotas,
    onRequest,
    tls: config.kafkaListenerTls ? readTlsMaterial({
      ca: { key: 'tls.ca.file', file: config.tlsCaFile },
      cert: { key: 'tls.cert.file', file: config.tlsCertFile },
      key: { key: 'tls.key.file', file: config.tlsKeyFile },
    }) : undefined,
    newSession: (certificateName) =>
      new KafkaSession({
        sasl: mechanisms.length > 0 ? security.sasl : undefined,
        mechanisms,
        access: (principal) => security.access(principal),
        authenticationRequired: config.authenticationRequired,
        certificateName,
      }),
    refuseConnections: config.authenticationRequired && !canAuthenticate ? 'authentication.required=true, and no SASL mechanism is enabled nor TLS on the Kafka listener' : undefined,
    brokerConfigs: { brokerId: config.brokerId, entries: brokerConfigEntries(config) },
    topicCreation: { auto: config.autoCreateTopicsEnable, partitions: config.numPartitions, replicationFactor: config.defaultReplicationFactor },
    onConnectionError: (remote, reason) => log.warn({ remote }, `kafka: closed connection from ${remote}: ${reason}`),
  });
  // With port 0 the OS picked one: Metadata and the registration must name the real port.
  configured = kafkaListeners(config, listener.port);
  const self = configured.get(config.brokerId)!;
  broker.advertiseKafkaListener(`${self.host.includes(':') ? `[${self.host}]` : self.host}:${self.port}`);
  return listener;
}

/** What DescribeConfigs answers for this broker: the settings Kafka has a name for, read-only. */
function brokerConfigEntries(config: BrokerConfig): ConfigEntry[] {
  const entry = (name: string, value: string, source: number = ConfigSource.STATIC_BROKER_CONFIG): ConfigEntry => ({ name, value, readOnly: true, source, sensitive: false });
  return [
    entry('broker.id', String(config.brokerId)),
    entry('log.dirs', config.dataDir),
    entry('auto.create.topics.enable', String(config.autoCreateTopicsEnable)),
    entry('num.partitions', String(config.numPartitions)),
    entry('default.replication.factor', String(config.defaultReplicationFactor)),
    entry('log.retention.ms', String(TOPIC_CONFIG_DEFAULTS['retention.ms']), ConfigSource.DEFAULT_CONFIG),
    entry('log.retention.bytes', String(TOPIC_CONFIG_DEFAULTS['retention.bytes']), ConfigSource.DEFAULT_CONFIG),
    entry('message.max.bytes', String(TOPIC_CONFIG_DEFAULTS['max.message.bytes']), ConfigSource.DEFAULT_CONFIG),
    entry('compression.type', 'producer', ConfigSource.DEFAULT_CONFIG),
    entry('socket.request.max.bytes', String(config.kafkaMaxFrameBytes)),
    entry('connections.max.idle.ms', String(config.kafkaConnectionsMaxIdleMs)),
    entry('sasl.enabled.mechanisms', config.saslEnabledMechanisms),
    entry('authorizer.class.name', config.authorizationEnabled ? 'sluice' : ''),
    entry('super.users', config.superUsers.split(',').map((user) => user.trim()).filter(Boolean).map((user) => `User:${user}`).join(';')),
  ];
}
