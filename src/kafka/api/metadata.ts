/**
 * Metadata (key 3), v0-9; flexible from v9.
 *
 *   request  := topics nullable [name string (tags)] (v0: an empty array means all topics; v1+: null does),
 *               allow_auto_topic_creation bool (v4+), include_cluster_authorized_operations bool (v8+),
 *               include_topic_authorized_operations bool (v8+), tags
 *   response := throttle_time_ms int32 (v3+),
 *               brokers [node_id int32, host string, port int32, rack nullable string (v1+) (tags)],
 *               cluster_id nullable string (v2+), controller_id int32 (v1+),
 *               topics [error_code int16, name string, is_internal bool (v1+),
 *                       partitions [error_code int16, partition_index int32, leader_id int32,
 *                                   leader_epoch int32 (v7+), replica_nodes [int32], isr_nodes [int32],
 *                                   offline_replicas [int32] (v5+) (tags)],
 *                       topic_authorized_operations int32 (v8+) (tags)],
 *               cluster_authorized_operations int32 (v8+), tags
 */
import type { KafkaReader, KafkaWriter } from '../codec.js';

export interface MetadataRequest {
  /** null: every topic. */
  topics: string[] | null;
  allowAutoTopicCreation: boolean;
}

export interface MetadataBroker {
  nodeId: number;
  host: string;
  port: number;
  rack: string | null;
}

export interface MetadataPartition {
  errorCode: number;
  partitionIndex: number;
  leaderId: number;
  leaderEpoch: number;
  replicaNodes: number[];
  isrNodes: number[];
  offlineReplicas: number[];
}

export interface MetadataTopic {
  errorCode: number;
  name: string;
  isInternal: boolean;
  partitions: MetadataPartition[];
}

export interface MetadataResponse {
  throttleTimeMs: number;
  brokers: MetadataBroker[];
  clusterId: string | null;
  controllerId: number;
  topics: MetadataTopic[];
}

/** "Not asked for" in the authorized-operations fields. */
const AUTHORIZED_OPERATIONS_OMITTED = -2147483648;

export function decodeMetadataRequest(reader: KafkaReader, version: number): MetadataRequest {
  const topics = reader.nullableArray((r) => {
    const name = r.string();
    r.tags();
    return name;
  });
  const allowAutoTopicCreation = version >= 4 ? reader.bool() : true;
  if (version >= 8) {
    reader.bool();
    reader.bool();
  }
  reader.tags();
  return { topics: version === 0 && topics !== null && topics.length === 0 ? null : topics, allowAutoTopicCreation };
}

export function encodeMetadataResponse(writer: KafkaWriter, version: number, response: MetadataResponse): void {
  if (version >= 3) writer.int32(response.throttleTimeMs);
  writer.array(response.brokers, (w, broker) => {
    w.int32(broker.nodeId).string(broker.host).int32(broker.port);
    if (version >= 1) w.nullableString(broker.rack);
    w.tags();
  });
  if (version >= 2) writer.nullableString(response.clusterId);
  if (version >= 1) writer.int32(response.controllerId);
  writer.array(response.topics, (w, topic) => {
    w.int16(topic.errorCode).string(topic.name);
    if (version >= 1) w.bool(topic.isInternal);
    w.array(topic.partitions, (pw, p) => {
      pw.int16(p.errorCode).int32(p.partitionIndex).int32(p.leaderId);
      if (version >= 7) pw.int32(p.leaderEpoch);
      pw.int32Array(p.replicaNodes).int32Array(p.isrNodes);
      if (version >= 5) pw.int32Array(p.offlineReplicas);
      pw.tags();
    });
    if (version >= 8) w.int32(AUTHORIZED_OPERATIONS_OMITTED);
    w.tags();
  });
  if (version >= 8) writer.int32(AUTHORIZED_OPERATIONS_OMITTED);
  writer.tags();
}
