/**
 * The broker as host of the group coordinator (groups/host.ts): offsets partitions are Raft groups
 * like any other, produced to through the partition path and read from the local replica.
 */
import { SluiceError } from '../protocol/errors.js';
import { OFFSETS_TOPIC, OFFSETS_TOPIC_PARTITIONS } from '../groups/constants.js';
import type { GroupsHost, PartitionReader } from '../groups/host.js';
import type { Broker } from './broker.js';
import type { Partition } from './partition.js';

/** Offsets are replicated like user data, on up to this many brokers. */
const OFFSETS_TOPIC_REPLICATION_MAX = 3;
/** How long an offsets write may wait for its replicas. */
const OFFSETS_PRODUCE_TIMEOUT_MS = 10_000;

function partitionReader(partition: Partition): PartitionReader {
  return {
    term: () => partition.replicated.term,
    highWatermark: () => partition.hw,
    logStartOffset: () => partition.log.logStartOffset(),
    logEndOffset: () => partition.log.logEndOffset(),
    readCommitted: (offset, maxBytes) => partition.log.read(offset, maxBytes, partition.hw),
  };
}

export function brokerGroupsHost(broker: Broker): GroupsHost {
  return {
    brokerId: broker.identity.brokerId,
    clock: broker.clock,
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
    leadsOffsetsPartition(offsetsPartition) {
      if (!broker.ready) return false;
      try {
        return broker.partition(OFFSETS_TOPIC, offsetsPartition).isLeader;
      } catch {
        return false;
      }
    },
    coordinatorOf(offsetsPartition) {
      if (!broker.ready || !broker.controller.metadata.topics[OFFSETS_TOPIC]) return undefined;
      const leader = broker.describeTopic(OFFSETS_TOPIC).partitions[offsetsPartition]?.leader;
      const location = broker.brokers().find((b) => b.id === leader);
      return location ? { brokerId: location.id, host: location.host, port: location.port } : undefined;
    },
    async produceOffsets(offsetsPartition, batch, leaderTerm) {
      const result = await broker.produce(OFFSETS_TOPIC, offsetsPartition, batch, -1, OFFSETS_PRODUCE_TIMEOUT_MS, leaderTerm);
      return result.baseOffset;
    },
    async deleteOffsetsPrefix(offsetsPartition, offset, leaderTerm) {
      const partition = broker.partition(OFFSETS_TOPIC, offsetsPartition);
      partition.requireLeaderTerm(leaderTerm);
      // Only what is committed may go; Raft still needs the uncommitted tail.
      await partition.log.deletePrefix(Math.min(offset, partition.hw));
      partition.wakeFetchers();
    },
    localPartition(topic, partition) {
      try {
        return partitionReader(broker.partition(topic, partition));
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
    metadataVersion() {
      return broker.controller.metadata.version;
    },
  };
}
