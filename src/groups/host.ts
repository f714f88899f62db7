/**
 * What the coordinator needs from the broker it runs in, in one place: the offsets topic's
 * partitions (which ones this broker leads, produce and read through the partition path, prefix
 * deletion) and what it must know of other topics (partition counts, high watermarks). When the
 * broker's shape changes (replication, controller), this adapter changes and the rest of
 * src/groups/ does not.
 */
import type { Broker } from '../broker/broker.js';
import type { Partition } from '../broker/partition.js';
import { OFFSETS_TOPIC, OFFSETS_TOPIC_PARTITIONS } from './constants.js';

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
}

/** The adapter for today's broker: a single replica per partition, topics in the local registry. */
export function brokerGroupsHost(broker: Broker): GroupsHost {
  const self = broker.identity.brokerId;
  return {
    brokerId: self,
    async ensureOffsetsTopic() {
      if (broker.registry.get(OFFSETS_TOPIC)) return;
      await broker.createTopic({
        name: OFFSETS_TOPIC,
        partitions: OFFSETS_TOPIC_PARTITIONS,
        replicationFactor: 1,
        // Cleaning is the coordinator's job (offset-partition.ts); retention must never drop offsets.
        configs: { 'retention.ms': '-1', 'retention.bytes': '-1' },
        internal: true,
      });
    },
    ledOffsetsPartitions() {
      return broker.describeTopic(OFFSETS_TOPIC).partitions.filter((view) => view.leader === self).map((view) => view.partition);
    },
    coordinatorOf(offsetsPartition) {
      const leader = broker.describeTopic(OFFSETS_TOPIC).partitions[offsetsPartition]?.leader;
      if (leader !== self) return undefined;
      return { brokerId: self, host: broker.identity.advertisedHost, port: broker.identity.port };
    },
    async produceOffsets(offsetsPartition, batch) {
      const result = await broker.produce(OFFSETS_TOPIC, offsetsPartition, batch, -1);
      return result!.baseOffset;
    },
    async deleteOffsetsPrefix(offsetsPartition, offset) {
      const partition = broker.partition(OFFSETS_TOPIC, offsetsPartition);
      await partition.log.deletePrefix(offset);
      partition.clampHighWatermark();
    },
    localPartition(topic, partition) {
      try {
        return broker.partition(topic, partition);
      } catch {
        return undefined;
      }
    },
    partitionCount(topic) {
      return broker.registry.get(topic)?.logIds.length ?? 0;
    },
  };
}
