/**
 * The controller's service as brokers call it (registration, heartbeats, forwarded metadata
 * changes), and how such calls travel. ControllerRpc is the service's one shape: the controller
 * leader answers it in-process (localControllerRpc), over gRPC (the handlers in broker/service.ts
 * call localControllerRpc; GrpcControllerTransport is the calling side) or over an in-memory
 * network (MemoryControllerTransportHub, for whole clusters in one process).
 */
import type { BrokerHeartbeatResponse__Output } from '../protocol/generated/sluice/v1/BrokerHeartbeatResponse.js';
import type { AclBinding } from '../security/acl.js';
import type { ScramMechanism, StoredScramCredential } from '../security/scram.js';
import type { BrokerStorageReport, Controller, CreateTopicSpec, PartitionReport, ReassignmentSpec } from './controller.js';

export interface RegisterBrokerRequest {
  brokerId: number;
  host: string;
  port: number;
  /** Changes with every start of the broker: a new incarnation is a new registration (epoch). */
  incarnation: string;
  /** Its inter-broker listener `host:port`, which peers not configured with it dial (empty: none). */
  interBrokerAddress: string;
  /** Its advertised Kafka listener `host:port`, for other brokers' Kafka Metadata (empty: none). */
  kafkaAddress: string;
}

export interface BrokerHeartbeatRequest extends BrokerStorageReport {
  brokerId: number;
  brokerEpoch: number;
  /** The version of the metadata image the broker holds; a newer one comes back with the answer. */
  metadataVersion: number;
  leaderships: PartitionReport[];
}

export type BrokerHeartbeatResponse = BrokerHeartbeatResponse__Output;

/** The controller leader's operations; anywhere else they fail NOT_COORDINATOR (with a hint). */
export interface ControllerRpc {
  /** Returns the broker epoch. */
  registerBroker(request: RegisterBrokerRequest): Promise<number>;
  brokerHeartbeat(request: BrokerHeartbeatRequest): Promise<BrokerHeartbeatResponse>;
  /** Each returns the metadata version that holds the change. */
  createTopic(spec: CreateTopicSpec): Promise<number>;
  deleteTopic(name: string): Promise<number>;
  alterTopicConfig(name: string, set: Record<string, string>, reset: string[]): Promise<number>;
  allocateProducerIds(brokerId: number, count: number): Promise<{ firstId: number; count: number }>;
  /** Users and ACLs; each returns the metadata version that holds the change. */
  upsertScramCredential(user: string, mechanism: ScramMechanism, credential: StoredScramCredential): Promise<number>;
  deleteUser(user: string): Promise<number>;
  createAcl(acl: AclBinding): Promise<number>;
  deleteAcl(acl: AclBinding): Promise<number>;
  /** Quotas: sets and removes a principal's own quotas; returns the metadata version holding it. */
  alterClientQuotas(principal: string, set: Record<string, number>, remove: string[]): Promise<number>;
  /** Replica moves, decommission, rebalance: the version holding them and how many partitions moved. */
  alterReassignments(spec: ReassignmentSpec): Promise<{ metadataVersion: number; movesStarted: number }>;
  /** Joining: grows a topic to `count` partitions; removes a broker gone for good. Each returns the metadata version holding it. */
  createPartitions(name: string, count: number): Promise<number>;
  unregisterBroker(brokerId: number): Promise<number>;
}

/**
 * How a broker reaches other brokers' controller services. Calls fail with a retriable SluiceError
 * when the peer cannot be reached (BROKER_NOT_AVAILABLE) or does not answer by the deadline
 * (REQUEST_TIMED_OUT), and with the peer's error otherwise.
 */
export interface ControllerTransport {
  /** Broker `target`'s controller service; its calls give up at `deadlineMs` (clock time, ms since the epoch). */
  to(target: number, deadlineMs: number): ControllerRpc;
  close(): void;
}

/** The service answered by this broker's own controller. */
export function localControllerRpc(controller: Controller): ControllerRpc {
  return {
    registerBroker: (r) => controller.registerBroker(r.brokerId, r.host, r.port, r.incarnation, r.interBrokerAddress, r.kafkaAddress),
    brokerHeartbeat: async (r) => heartbeatResponse(controller, r),
    createTopic: (spec) => controller.createTopic(spec),
    deleteTopic: (name) => controller.deleteTopic(name),
    alterTopicConfig: (name, set, reset) => controller.alterTopicConfig(name, set, reset),
    allocateProducerIds: (brokerId, count) => controller.allocateProducerIds(brokerId, count),
    upsertScramCredential: (user, mechanism, credential) => controller.upsertScramCredential(user, mechanism, credential),
    deleteUser: (user) => controller.deleteUser(user),
    createAcl: (acl) => controller.createAcl(acl),
    deleteAcl: (acl) => controller.deleteAcl(acl),
    alterClientQuotas: (principal, set, remove) => controller.alterClientQuotas(principal, set, remove),
    alterReassignments: (spec) => controller.alterReassignments(spec),
    createPartitions: (name, count) => controller.createPartitions(name, count),
    unregisterBroker: (brokerId) => controller.unregisterBroker(brokerId),
  };
}

/** The controller leader's answer to a heartbeat. */
function heartbeatResponse(controller: Controller, request: BrokerHeartbeatRequest): BrokerHeartbeatResponse {
  const storage = { storageFault: request.storageFault, damagedReplicas: request.damagedReplicas };
  const fenced = !controller.heartbeat(request.brokerId, request.brokerEpoch, request.leaderships, storage);
  const image = controller.metadata;
  return {
    fenced,
    controller: controller.leaderId,
    metadataVersion: image.version,
    metadataImage: request.metadataVersion < image.version ? JSON.stringify(image) : '',
    aliveBrokers: controller.aliveBrokers(),
    leaders: controller.leaders().map((l) => ({
      topic: l.topic,
      partition: l.partition,
      topicId: l.topicId,
      leader: l.leader,
      isr: l.isr,
      highWatermark: l.highWatermark,
      logEndOffset: l.logEndOffset,
      logStartOffset: l.logStartOffset,
      voters: l.voters,
      learners: l.learners,
    })),
    brokerStorage: [...controller.brokerStorage()].map(([brokerId, report]) => ({ brokerId, ...report })),
  };
}
