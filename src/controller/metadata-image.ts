/**
 * The cluster metadata image and the records that change it. The controller's Raft log holds these
 * records; every broker applies the committed ones in order and so holds the same image. Pure: no
 * I/O, and an image is never mutated in place by readers.
 */
import type { TopicConfig } from '../config/topic-config.js';
import { applyQuotaRecord, type ClientQuotas, type QuotaRecord } from './quota-records.js';
import { applyReassignmentRecord, withoutTopicReassignments, type Reassignment, type ReassignmentRecord } from './reassignment-records.js';
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
  | { type: 'registerBroker'; id: number; host: string; port: number; incarnation: string }
  | { type: 'createTopic'; name: string; replicas: number[][]; config: TopicConfig; internal: boolean }
  | { type: 'deleteTopic'; name: string }
  | { type: 'alterTopicConfig'; name: string; config: TopicConfig }
  | { type: 'allocateProducerIds'; brokerId: number; firstId: number; count: number }
  | { type: 'upsertScramCredential'; user: string; mechanism: ScramMechanism; credential: StoredScramCredential }
  | { type: 'deleteUser'; user: string }
  | { type: 'createAcl'; acl: AclBinding }
  | { type: 'deleteAcl'; acl: AclBinding }
  | QuotaRecord
  | ReassignmentRecord;

export function emptyImage(): MetadataImage {
  return { version: 0, brokers: {}, topics: {}, nextProducerId: 1, users: {}, acls: [], clientQuotas: {} };
}

/** Applies one committed record found at `offset` of the metadata log; returns the new image. */
export function applyRecord(image: MetadataImage, record: MetadataRecord, offset: number): MetadataImage {
  const next: MetadataImage = { ...image, version: offset + 1 };
  switch (record.type) {
    case 'registerBroker':
      next.brokers = {
        ...image.brokers,
        [record.id]: { id: record.id, host: record.host, port: record.port, epoch: offset, incarnation: record.incarnation },
      };
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
  }
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
