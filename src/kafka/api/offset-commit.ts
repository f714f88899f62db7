/**
 * OffsetCommit (key 8), v2-7 (flexible starts at v8, not served).
 *
 *   request  := group_id string, generation_id int32, member_id string,
 *               group_instance_id nullable string (v7+), retention_time_ms int64 (v2-4),
 *               topics [name string, partitions [partition_index int32, committed_offset int64,
 *                       committed_leader_epoch int32 (v6+), committed_metadata nullable string]]
 *   response := throttle_time_ms int32 (v3+), topics [name string, partitions [partition_index int32, error_code int16]]
 */
import type { KafkaReader, KafkaWriter } from '../codec.js';

export interface OffsetCommitPartition {
  partitionIndex: number;
  committedOffset: number;
  committedMetadata: string | null;
}

export interface OffsetCommitRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  topics: Array<{ name: string; partitions: OffsetCommitPartition[] }>;
}

export interface OffsetCommitResponse {
  topics: Array<{ name: string; partitions: Array<{ partitionIndex: number; errorCode: number }> }>;
}

export function decodeOffsetCommitRequest(reader: KafkaReader, version: number): OffsetCommitRequest {
  const groupId = reader.string();
  const generationId = reader.int32();
  const memberId = reader.string();
  if (version >= 7) reader.nullableString(); // group instance id
  if (version <= 4) reader.int64(); // retention time: the broker's offsets.retention.ms applies
  const topics = reader.array((r) => ({
    name: r.string(),
    partitions: r.array((p): OffsetCommitPartition => {
      const partitionIndex = p.int32();
      const committedOffset = p.int64();
      if (version >= 6) p.int32(); // committed leader epoch
      return { partitionIndex, committedOffset, committedMetadata: p.nullableString() };
    }),
  }));
  return { groupId, generationId, memberId, topics };
}

export function encodeOffsetCommitResponse(writer: KafkaWriter, version: number, response: OffsetCommitResponse): void {
  if (version >= 3) writer.int32(0);
  writer.array(response.topics, (w, topic) => {
    w.string(topic.name).array(topic.partitions, (pw, p) => pw.int32(p.partitionIndex).int16(p.errorCode));
  });
}
