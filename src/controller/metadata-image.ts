/**
 * The cluster metadata image and the records that change it. The controller's Raft log holds these
 * records; every broker applies the committed ones in order and so holds the same image. Pure: no
 * I/O, and an image is never mutated in place by readers.
 */
import type { TopicConfig } from '../config/topic-config.js';
import { applyQuotaRecord, type ClientQuotas, type QuotaRecord } from './quota-records.js';
import { applyReassignmentRecord, hostsOf, withoutTopicReassignments, type Reassignment, type ReassignmentRecord } from './reassignment-records.js';
import { sameAcl, type AclBinding } from '../security/acl.js';
import type { ScramMechanism, StoredScramCredential } from '../security/scram.js';

export interface BrokerRegistration {
  id: number;
  host: string;
  port: number;
  /** The metadata offset of the registration: grows with every restart, fences older incarnations. */
  epoch: number;
  /** Random id of the process that registered, so a retried registration is recognised. */
  incarnation: string;
  /**
   * Its inter-broker listener `host:port` (Raft, Controller), as the broker registered it; absent
   * in registrations logged before brokers carried it. Peers dial it (broker-addresses.ts).
   */
  interBrokerAddress?: string;
  /** Its advertised Kafka listener `host:port`; absent when it runs none, or registered before brokers carried it. */
  kafkaAddress?: string;
}

export interface TopicMetadata {
  name: string;
  /** Unique for the cluster's lifetime (a re-created topic gets a new id). */
  topicId: number;
  /** Replica broker ids per partition; the first is the preferred leader. */
  replicas: number[][];
  config: TopicConfig;
  internal: boolean;
}

export interface MetadataImage {
  /** Offset of the last applied record + 1 (the image's version). */
  version: number;
  brokers: Record<number, BrokerRegistration>;
  topics: Record<string, TopicMetadata>;
  /** Next producer id the controller hands out. */
  nextProducerId: number;
  /** SCRAM users: name -> mechanism -> credential. */
  users: Record<string, Partial<Record<ScramMechanism, StoredScramCredential>>>;
  acls: AclBinding[];
  /** Quotas of principals that have their own (quota-records.ts). */
  clientQuotas: Record<string, ClientQuotas>;
  /** Partitions moving to a new replica set, by `topic/partition` (reassignment-records.ts). */
  reassignments?: Record<string, Reassignment>;
  /** Brokers being emptied of replicas: no new replica is placed on them. */
  decommissioned?: number[];
  /** The controller quorum's voters once a move changed them (absent: the static `controller.voters`). */
  controllerVoters?: number[];
  /** The controller quorum moving to new voters (reassignment-records.ts). */
  controllerMove?: { target: number[] };
}

export type MetadataRecord =
  | { type: 'registerBroker'; id: number; host: string; port: number; incarnation: string; interBrokerAddress?: string; kafkaAddress?: string }
  | { type: 'createTopic'; name: string; replicas: number[][]; config: TopicConfig; internal: boolean }
  | { type: 'deleteTopic'; name: string }
  | { type: 'alterTopicConfig'; name: string; config: TopicConfig }
  | { type: 'allocateProducerIds'; brokerId: number; firstId: number; count: number }
  | { type: 'upsertScramCredential'; user: string; mechanism: ScramMechanism; credential: StoredScramCredential }
  | { type: 'deleteUser'; user: string }
  | { type: 'createAcl'; acl: AclBinding }
  | { type: 'deleteAcl'; acl: AclBinding }
  | QuotaRecord
  | ReassignmentRecord
  // # joining (docs/CLUSTER.md): a broker that is gone for good leaves the metadata; a topic grows.
  | { type: 'unregisterBroker'; id: number }
  // `replicas` of partitions `from`, `from` + 1, ... of topic `topicId`: applied only where the topic still has `from` partitions.
  | { type: 'createPartitions'; name: string; topicId: number; from: number; replicas: number[][] };

export function emptyImage(): MetadataImage {
  return { version: 0, brokers: {}, topics: {}, nextProducerId: 1, users: {}, acls: [], clientQuotas: {} };
}

/** Applies one committed record found at `offset` of the metadata log; returns the new image. */
export function applyRecord(image: MetadataImage, record: MetadataRecord, offset: number): MetadataImage {
  const next: MetadataImage = { ...image, version: offset + 1 };
  switch (record.type) {
    case 'registerBroker':
      next.brokers = { ...image.brokers, [record.id]: registration(record, offset) };
      return next;
    case 'createTopic':
      // A record the controller validated can still lose a race with another create: first wins.
      if (image.topics[record.name]) return next;
      next.topics = {
        ...image.topics,
        [record.name]: { name: record.name, topicId: offset, replicas: record.replicas, config: record.config, internal: record.internal },
      };
      return next;
    case 'deleteTopic': {
      const { [record.name]: _deleted, ...rest } = image.topics;
      next.topics = rest;
      next.reassignments = withoutTopicReassignments(image, record.name);
      return next;
    }
    case 'alterTopicConfig': {
      const topic = image.topics[record.name];
      if (!topic) return next;
      next.topics = { ...image.topics, [record.name]: { ...topic, config: record.config } };
      return next;
    }
    case 'allocateProducerIds':
      next.nextProducerId = Math.max(image.nextProducerId, record.firstId + record.count);
      return next;
    case 'upsertScramCredential':
      next.users = { ...image.users, [record.user]: { ...image.users[record.user], [record.mechanism]: record.credential } };
      return next;
    case 'deleteUser': {
      const { [record.user]: _deleted, ...rest } = image.users;
      next.users = rest;
      return next;
    }
    case 'createAcl':
      if (!image.acls.some((acl) => sameAcl(acl, record.acl))) next.acls = [...image.acls, record.acl];
      return next;
    case 'deleteAcl':
      next.acls = image.acls.filter((acl) => !sameAcl(acl, record.acl));
      return next;
    case 'alterClientQuotas':
      next.clientQuotas = applyQuotaRecord(image.clientQuotas, record);
      return next;
    case 'reassignPartitions':
    case 'completeReassignment':
    case 'decommissionBroker':
    case 'moveControllerVoters':
    case 'completeControllerMove':
      return applyReassignmentRecord(image, next, record);
    case 'unregisterBroker':
    case 'createPartitions':
      return applyJoiningRecord(next, record);
  }
}

function registration(record: Extract<MetadataRecord, { type: 'registerBroker' }>, offset: number): BrokerRegistration {
  const registered: BrokerRegistration = { id: record.id, host: record.host, port: record.port, epoch: offset, incarnation: record.incarnation };
  if (record.interBrokerAddress) registered.interBrokerAddress = record.interBrokerAddress;
  if (record.kafkaAddress) registered.kafkaAddress = record.kafkaAddress;
  return registered;
}

// # joining

/** `next` (a copy of the image at the record's version) with a broker removal or a topic's new partitions applied. */
function applyJoiningRecord(next: MetadataImage, record: Extract<MetadataRecord, { type: 'unregisterBroker' | 'createPartitions' }>): MetadataImage {
  switch (record.type) {
    case 'unregisterBroker': {
      const { [record.id]: _removed, ...rest } = next.brokers;
      next.brokers = rest;
      return next;
    }
    case 'createPartitions': {
      // A record the controller validated can still lose a race (a deletion, another growth): first wins.
      const topic = next.topics[record.name];
      if (!topic || topic.topicId !== record.topicId || topic.replicas.length !== record.from) return next;
      next.topics = { ...next.topics, [record.name]: { ...topic, replicas: [...topic.replicas, ...record.replicas] } };
      return next;
    }
  }
}

/** The partitions (`topic/partition`) that list broker `id` among their replicas. */
export function partitionsOnBroker(image: MetadataImage, id: number): string[] {
  return Object.values(image.topics).flatMap((topic) =>
    // A partition moving to the broker counts too (its target: reassignment-records.ts).
    topic.replicas.flatMap((_, partition) => (hostsOf(image, topic.name, partition).includes(id) ? [`${topic.name}/${partition}`] : [])),
  );
}

/**
 * Spreads partitions' replicas over brokers: partition p starts at broker (start + p) in id order
 * and takes the next `replicationFactor` brokers, so leaders (first replicas) and replicas are
 * balanced. `start` rotates per topic so small topics don't all lead on the same broker.
 */
export function assignReplicas(brokerIds: readonly number[], partitions: number, replicationFactor: number, start: number): number[][] {
  const ids = [...brokerIds].sort((a, b) => a - b);
  if (replicationFactor > ids.length) throw new Error(`replication factor ${replicationFactor} > ${ids.length} brokers`);
  return Array.from({ length: partitions }, (_, p) =>
    Array.from({ length: replicationFactor }, (_, r) => ids[(start + p + r) % ids.length]!),
  );
}

/**
 * Every broker's inter-broker listener: the configured ones (cluster.brokers, controller.quorum.voters)
 * and, for brokers the configuration does not name, the address they registered. The operator's
 * configuration wins where both exist (a broker bound to 0.0.0.0 may register an unroutable host).
 */
export function interBrokerAddresses(configured: ReadonlyMap<number, string>, image: MetadataImage): Map<number, string> {
  const addresses = new Map(configured);
  for (const broker of Object.values(image.brokers)) {
    if (broker.interBrokerAddress && !addresses.has(broker.id)) addresses.set(broker.id, broker.interBrokerAddress);
  }
  return addresses;
}
