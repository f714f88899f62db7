/**
 * What the coordinator needs from the broker it runs in, in one place: the offsets topic's
 * partitions (which ones this broker leads, produce and read through the partition path, prefix
 * deletion) and what it must know of other topics (partition counts, high watermarks). When the
 * broker's shape changes (replication, controller), this adapter changes and the rest of
 * src/groups/ does not.
 */
import type { Broker } from '../broker/broker.js';
import type { Partition } from '../broker/partition.js';
import { SluiceError } from '../protocol/errors.js';
import { OFFSETS_TOPIC, OFFSETS_TOPIC_PARTITIONS } from './constants.js';

/** Offsets are replicated like user data, on up to this many brokers. */
const OFFSETS_TOPIC_REPLICATION_MAX = 3;
/** How long an offsets write may wait for its replicas. */
const OFFSETS_PRODUCE_TIMEOUT_MS = 10_000;

export interface CoordinatorLocation {
  brokerId: number;
  host: string;
  port: number;
}

export interface GroupsHost {
  readonly brokerId: number;
  /** Creates __consumer_offsets if it does not exist yet. */
  ensureOffsetsTopic(): Promise<void>;
  /** The __consumer_offsets partitions this broker leads now (the groups it coordinates). */
  ledOffsetsPartitions(): number[];
  /** Who leads an offsets partition, when known. */
  coordinatorOf(offsetsPartition: number): CoordinatorLocation | undefined;
  /** Appends one batch to an offsets partition (acks=all) and returns its base offset. */
  produceOffsets(offsetsPartition: number, batch: Buffer): Promise<number>;
  /** Removes everything below `offset` from an offsets partition. */
  deleteOffsetsPrefix(offsetsPartition: number, offset: number): Promise<void>;
  /** This broker's replica of a partition, if it has one (reads, high watermark). */
  localPartition(topic: string, partition: number): Partition | undefined;
  /** 0 when the topic does not exist. */
  partitionCount(topic: string): number;
  /** The topic's id in this broker's metadata; undefined when it does not exist (or is not known here yet). */
  topicId(topic: string): number | undefined;
}

/** The adapter for the replicated broker: offsets partitions are Raft groups like any other. */
export function brokerGroupsHost(broker: Broker): GroupsHost {
  const self = broker.identity.brokerId;
  return {
    brokerId: self,
    async ensureOffsetsTopic() {
      if (broker.controller.metadata.topics[OFFSETS_TOPIC]) return;
      try {
        await broker.createTopic({
          name: OFFSETS_TOPIC,
          partitions: OFFSETS_TOPIC_PARTITIONS,
          replicationFactor: Math.min(OFFSETS_TOPIC_REPLICATION_MAX, broker.brokers().length),
          // Cleaning is the coordinator's job (offset-partition.ts); retention must never drop offsets.
          configs: { 'retention.ms': '-1', 'retention.bytes': '-1' },
        });
      } catch (err) {
        // Another broker created it first.
        if (!(err instanceof SluiceError && err.code === 'TOPIC_EXISTS')) throw err;
      }
    },
    ledOffsetsPartitions() {
      // Before registration a replica may already lead (elected from its old data) but topic
      // lookups are refused: coordinate nothing until the broker is ready.
      if (!broker.ready) return [];
      return broker
        .allPartitions()
        .filter((partition) => partition.topic === OFFSETS_TOPIC && partition.isLeader)
        .map((partition) => partition.index);
    },
    coordinatorOf(offsetsPartition) {
      if (!broker.ready || !broker.controller.metadata.topics[OFFSETS_TOPIC]) return undefined;
      const leader = broker.describeTopic(OFFSETS_TOPIC).partitions[offsetsPartition]?.leader;
      const location = broker.brokers().find((b) => b.id === leader);
      return location ? { brokerId: location.id, host: location.host, port: location.port } : undefined;
    },
    async produceOffsets(offsetsPartition, batch) {
      const result = await broker.produce(OFFSETS_TOPIC, offsetsPartition, batch, -1, OFFSETS_PRODUCE_TIMEOUT_MS);
      return result.baseOffset;
    },
    async deleteOffsetsPrefix(offsetsPartition, offset) {
      const partition = broker.partition(OFFSETS_TOPIC, offsetsPartition);
      // Only what is committed may go; Raft still needs the uncommitted tail.
      await partition.log.deletePrefix(Math.min(offset, partition.hw));
      partition.wakeFetchers();
    },
    localPartition(topic, partition) {
      try {
        return broker.partition(topic, partition);
      } catch {
        return undefined;
      }
    },
    partitionCount(topic) {
      return broker.controller.metadata.topics[topic]?.replicas.length ?? 0;
    },
    topicId(topic) {
      return broker.controller.metadata.topics[topic]?.topicId;
    },
  };
}
