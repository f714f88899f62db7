/**
 * OffsetFetch (key 9), v1-5 (flexible starts at v6, not served).
 *
 *   request  := group_id string, topics nullable [name string, partition_indexes [int32]] (null, v2+: every committed partition)
 *   response := throttle_time_ms int32 (v3+),
 *               topics [name string, partitions [partition_index int32, committed_offset int64,
 *                       committed_leader_epoch int32 (v5+), metadata nullable string, error_code int16]],
 *               error_code int16 (v2+)
 *
 * A partition without a committed offset answers offset -1.
 */
import type { KafkaReader, KafkaWriter } from '../codec.js';

export interface OffsetFetchRequest {
  groupId: string;
  topics: Array<{ name: string; partitionIndexes: number[] }> | null;
}

export interface OffsetFetchPartition {
  partitionIndex: number;
  committedOffset: number;
  metadata: string | null;
  errorCode: number;
}

export interface OffsetFetchResponse {
  topics: Array<{ name: string; partitions: OffsetFetchPartition[] }>;
  errorCode: number;
}

export function decodeOffsetFetchRequest(reader: KafkaReader): OffsetFetchRequest {
  const groupId = reader.string();
  const topics = reader.nullableArray((r) => ({ name: r.string(), partitionIndexes: r.array((p) => p.int32()) }));
  return { groupId, topics };
}

export function encodeOffsetFetchResponse(writer: KafkaWriter, version: number, response: OffsetFetchResponse): void {
  if (version >= 3) writer.int32(0);
  writer.array(response.topics, (w, topic) => {
    w.string(topic.name).array(topic.partitions, (pw, p) => {
      pw.int32(p.partitionIndex).int64(p.committedOffset);
      if (version >= 5) pw.int32(-1);
      pw.nullableString(p.metadata).int16(p.errorCode);
    });
  });
  if (version >= 2) writer.int16(response.errorCode);
}
