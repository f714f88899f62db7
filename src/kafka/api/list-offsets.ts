/**
 * ListOffsets (key 2), v1-5 (v0's offset arrays are not served; flexible starts at v6).
 *
 *   request  := replica_id int32, isolation_level int8 (v2+),
 *               topics [name string, partitions [partition_index int32, current_leader_epoch int32 (v4+), timestamp int64]]
 *   response := throttle_time_ms int32 (v2+),
 *               topics [name string, partitions [partition_index int32, error_code int16, timestamp int64,
 *                                               offset int64, leader_epoch int32 (v4+)]]
 *
 * timestamp -2 asks for the earliest offset, -1 for the latest (the high watermark).
 */
import type { KafkaReader, KafkaWriter } from '../codec.js';

export interface ListOffsetsPartitionRequest {
  partitionIndex: number;
  timestamp: number;
}

export interface ListOffsetsTopicRequest {
  name: string;
  partitions: ListOffsetsPartitionRequest[];
}

export interface ListOffsetsRequest {
  replicaId: number;
  topics: ListOffsetsTopicRequest[];
}

export interface ListOffsetsPartitionResponse {
  partitionIndex: number;
  errorCode: number;
  timestamp: number;
  offset: number;
  leaderEpoch: number;
}

export interface ListOffsetsTopicResponse {
  name: string;
  partitions: ListOffsetsPartitionResponse[];
}

export interface ListOffsetsResponse {
  throttleTimeMs: number;
  topics: ListOffsetsTopicResponse[];
}

export function decodeListOffsetsRequest(reader: KafkaReader, version: number): ListOffsetsRequest {
  const replicaId = reader.int32();
  if (version >= 2) reader.int8(); // isolation level: every committed record is visible
  const topics = reader.array((r) => ({
    name: r.string(),
    partitions: r.array((pr) => {
      const partitionIndex = pr.int32();
      if (version >= 4) pr.int32(); // current leader epoch
      return { partitionIndex, timestamp: pr.int64() };
    }),
  }));
  return { replicaId, topics };
}

export function encodeListOffsetsResponse(writer: KafkaWriter, version: number, response: ListOffsetsResponse): void {
  if (version >= 2) writer.int32(response.throttleTimeMs);
  writer.array(response.topics, (w, topic) => {
    w.string(topic.name);
    w.array(topic.partitions, (pw, p) => {
      pw.int32(p.partitionIndex).int16(p.errorCode).int64(p.timestamp).int64(p.offset);
      if (version >= 4) pw.int32(p.leaderEpoch);
    });
  });
}
