/**
 * What a broker serves to clients and peers, and the jobs that run beside its core (the group
 * coordinator and retention), assembled in one place: a broker process registers the client
 * services (Broker, Admin, Groups) on its client listener and the Controller on its inter-broker
 * listener (server.ts); the cluster simulator registers both on one in-memory server
 * (src/runtime/memory-grpc.ts), so both run the same handlers, coordinator and retention over the
 * same Broker.
 */
import type * as grpc from '@grpc/grpc-js';
import { GroupCoordinator, type GroupCoordinatorOptions } from '../groups/coordinator.js';
import { brokerApi, controllerApi, groupsApi } from '../protocol/grpc.js';
import type { BrokerAuthentication } from '../security/broker-caller.js';
import type { Broker } from './broker.js';
import { withEncodedFetchResponses } from './fetch-response.js';
import { brokerGroupsHost } from './groups-host.js';
import { groupsHandlers } from './groups-service.js';
import { RetentionJob, type RetentionReason } from './retention-job.js';
import { ScrubJob } from './scrub-job.js';
import { RequestLimits } from './request-limits.js';
import type { SluiceError } from '../protocol/errors.js';
import type { SecurityGate } from './security-gate.js';
import { adminHandlers, brokerHandlers, controllerHandlers, type ServiceOptions } from './service.js';

/** Where services are registered: a grpc.Server, or the simulator's MemoryGrpcServer. */
export interface ServiceRegistry {
  addService(service: grpc.ServiceDefinition, implementation: grpc.UntypedServiceImplementation): void;
}

/** The two listeners' registries; the simulator passes one server for both. */
export interface ServiceRegistries {
  /** Broker, Admin and Groups: what clients call. */
  client: ServiceRegistry;
  /** Controller (and, added by the Raft transport, Raft): what only brokers call. */
  interBroker: ServiceRegistry;
}

export interface BrokerServicesOptions {
  service: ServiceOptions;
  /** How Controller calls are checked to come from brokers (default `none`). */
  brokerAuthentication?: BrokerAuthentication;
  groups: GroupCoordinatorOptions;
  retentionCheckIntervalMs: number;
  onRetentionDeleted?: (topic: string, reason: RetentionReason, records: number) => void;
  /** Background scrub of stored batches (scrub-job.ts); off when omitted. */
  scrub?: { bytesPerSec: number; onPassCompleted?: (nowMs: number) => void; onBytesScrubbed?: (bytes: number) => void };
  /** Authentication and ACLs on every client service; none (everything open) when omitted, as in the simulator. */
  security?: SecurityGate;
}

export class BrokerServices {
  private constructor(
    readonly groups: GroupCoordinator,
    readonly retention: RetentionJob,
    readonly scrub: ScrubJob,
  ) {}

  /**
   * Registers the client services on the client registry (through the security gate's ACLs when it
   * is active) and the Controller on the inter-broker registry (brokers only: under mutual TLS each
   * call is checked against the caller's certificate, broker-caller.ts), and opens the group
   * coordinator; `start` runs the jobs.
   */
  static async open(broker: Broker, registries: ServiceRegistries, given: BrokerServicesOptions): Promise<BrokerServices> {
    // One set of request limits for every service of the broker.
    const options = { ...given, service: { ...given.service, limits: given.service.limits ?? new RequestLimits() } };
    const registry = registries.client;
    const security = options.security;
    // Every handler below goes through the gate's rules; the Auth service is how a caller gets a session, so it is open.
    // Refused by the gate before any handler ran: answered at once, counted with the request errors.
    const onRefused = (method: string, error: SluiceError): void => options.service.onRequest?.(method, 0, error);
    const gated = security?.active ? security.wrap(registry, onRefused) : registry;
    if (security) registry.addService(brokerApi().Auth.service, security.authHandlers(options.service));
    gated.addService(withEncodedFetchResponses(brokerApi().Broker.service), brokerHandlers(broker, options.service));
    gated.addService(brokerApi().Admin.service, adminHandlers(broker, options.service));
    // Peer brokers' calls are not throttled (Kafka exempts inter-broker traffic from quotas too).
    registries.interBroker.addService(
      controllerApi().Controller.service,
      controllerHandlers(broker, { ...options.service, quotas: undefined }, options.brokerAuthentication ?? 'none'),
    );
    // Consumer groups (src/groups/): coordinates the groups whose __consumer_offsets partitions this broker leads.
    const groups = await GroupCoordinator.open(brokerGroupsHost(broker), options.groups);
    gated.addService(groupsApi().Groups.service, groupsHandlers(groups, options.service));
    const retention = new RetentionJob(broker, options.retentionCheckIntervalMs, options.onRetentionDeleted ?? (() => undefined), broker.clock);
    const scrub = new ScrubJob({ logs: () => broker.replicas.all().map((replicated) => replicated.log), bytesPerSec: 0, ...options.scrub, clock: broker.clock });
    return new BrokerServices(groups, retention, scrub);
  }

  start(): void {
    this.retention.start();
    this.scrub.start();
    this.groups.start();
  }

  /** Stops the jobs once the broker serves no more requests; resolves when a running retention pass is over. */
  async stop(): Promise<void> {
    this.retention.stop();
    this.scrub.stop();
    await this.retention.idle();
    await this.scrub.idle();
    await this.groups.stop();
  }
}
