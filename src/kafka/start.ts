/** Starts a broker's Kafka listener from its config (the one place the listener meets BrokerConfig). */
import { kafkaListeners, type BrokerConfig } from '../config/broker-config.js';
import type { Broker } from '../broker/broker.js';
import type { SecurityGate } from '../broker/security-gate.js';
import { ANONYMOUS } from '../security/principal.js';
import type { GroupCoordinator } from '../groups/coordinator.js';
import type { QuotaEnforcer } from '../security/quota-enforcer.js';
import { KafkaListener } from './listener.js';
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

/** Undefined when kafka.port is -1. */
export async function startKafkaListener(config: BrokerConfig, parts: KafkaListenerParts): Promise<KafkaListener | undefined> {
  const { broker, groups, security, quotas, inflight, onRequest } = parts;
  if (config.kafkaPort < 0) return undefined;
  if (!/^(127\.|localhost$|::1$)/.test(config.host) && !config.authenticationRequired) {
    log.warn(
      `WARNING: broker ${config.brokerId}'s Kafka listener ${config.host}:${config.kafkaPort} is reachable from the network without TLS or SASL: ` +
        `its clients act as ANONYMOUS${config.authorizationEnabled ? ' (held to the ACLs)' : ', and authorization is off'}. See docs/KAFKA.md.`,
    );
  }
  let listeners = kafkaListeners(config, config.kafkaPort);
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
    listeners: () => listeners,
    groups,
    quotas,
    onRequest,
    // No SASL on this listener yet: its clients are ANONYMOUS, held to the same ACLs as on gRPC,
    // and refused outright when authentication is required.
    access: security.access(ANONYMOUS),
    refuseConnections: config.authenticationRequired ? 'authentication.required=true and the Kafka listener does not serve SASL yet' : undefined,
    onConnectionError: (remote, reason) => log.warn({ remote }, `kafka: closed connection from ${remote}: ${reason}`),
  });
  // With port 0 the OS picked one: Metadata must name the real port.
  listeners = kafkaListeners(config, listener.port);
  return listener;
}
