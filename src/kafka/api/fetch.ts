/**
 * Fetch (key 1), v4-11 (magic-2 batches from v4; flexible starts at v12, not served). No fetch
 * sessions: every response is a full one with session id 0, which clients accept.
 *
 *   request  := replica_id int32, max_wait_ms int32, min_bytes int32, max_bytes int32 (v3+),
 *               isolation_level int8 (v4+), session_id int32 (v7+), session_epoch int32 (v7+),
 *               topics [topic string, partitions [partition int32, current_leader_epoch int32 (v9+),
 *                       fetch_offset int64, log_start_offset int64 (v5+), partition_max_bytes int32]],
 *               forgotten_topics_data [topic string, partitions [int32]] (v7+), rack_id string (v11+)
 *   response := throttle_time_ms int32 (v1+), error_code int16 (v7+), session_id int32 (v7+),
 *               responses [topic string, partitions [partition_index int32, error_code int16,
 *                          high_watermark int64, last_stable_offset int64 (v4+), log_start_offset int64 (v5+),
 *                          aborted_transactions nullable [producer_id int64, first_offset int64] (v4+),
 *                          preferred_read_replica int32 (v11+), records nullable bytes]]
 */
import type { KafkaReader, KafkaWriter } from '../codec.js';

export interface FetchPartitionRequest {
  partition: number;
  fetchOffset: number;
  partitionMaxBytes: number;
}

export interface FetchTopicRequest {
  topic: string;
  partitions: FetchPartitionRequest[];
}

export interface FetchRequest {
  replicaId: number;
  maxWaitMs: number;
  minBytes: number;
  maxBytes: number;
  isolationLevel: number;
  topics: FetchTopicRequest[];
}

export interface FetchPartitionResponse {
  partitionIndex: number;
  errorCode: number;
  highWatermark: number;
  lastStableOffset: number;
  logStartOffset: number;
  /** Sent back to back as the records field. */
  records: Buffer[];
}

export interface FetchTopicResponse {
  topic: string;
  partitions: FetchPartitionResponse[];
}

export interface FetchResponse {
  throttleTimeMs: number;
  errorCode: number;
  sessionId: number;
  topics: FetchTopicResponse[];
}

export function decodeFetchRequest(reader: KafkaReader, version: number): FetchRequest {
  const replicaId = reader.int32();
  const maxWaitMs = reader.int32();
  const minBytes = reader.int32();
  const maxBytes = reader.int32();
  const isolationLevel = reader.int8();
  if (version >= 7) {
    reader.int32(); // session id
    reader.int32(); // session epoch
  }
  const topics = reader.array((r) => ({
    topic: r.string(),
    partitions: r.array((pr) => {
      const partition = pr.int32();
      if (version >= 9) pr.int32(); // current leader epoch
      const fetchOffset = pr.int64();
      if (version >= 5) pr.int64(); // a follower's log start offset
      return { partition, fetchOffset, partitionMaxBytes: pr.int32() };
    }),
  }));
  if (version >= 7) reader.array((r) => ({ topic: r.string(), partitions: r.array((pr) => pr.int32()) }));
  if (version >= 11) reader.string(); // rack id
  return { replicaId, maxWaitMs, minBytes, maxBytes, isolationLevel, topics };
}

export function encodeFetchResponse(writer: KafkaWriter, version: number, response: FetchResponse): void {
  writer.int32(response.throttleTimeMs);
  if (version >= 7) writer.int16(response.errorCode).int32(response.sessionId);
  writer.array(response.topics, (w, topic) => {
    w.string(topic.topic);
    w.array(topic.partitions, (pw, p) => {
      pw.int32(p.partitionIndex).int16(p.errorCode).int64(p.highWatermark).int64(p.lastStableOffset);
      if (version >= 5) pw.int64(p.logStartOffset);
      pw.nullableArray(null, () => undefined); // no aborted transactions: there are no transactions
      if (version >= 11) pw.int32(-1);
      pw.bytesChunks(p.records);
    });
  });
}
