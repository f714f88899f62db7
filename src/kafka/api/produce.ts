/**
 * Produce (key 0), v0-8 (classic encodings; flexible starts at v9, not served).
 *
 *   request  := transactional_id nullable string (v3+), acks int16, timeout_ms int32,
 *               topic_data [name string, partition_data [index int32, records nullable bytes]]
 *   response := responses [name string, partition_responses [index int32, error_code int16,
 *                          base_offset int64, log_append_time_ms int64 (v2+), log_start_offset int64 (v5+),
 *                          record_errors [batch_index int32, batch_index_error_message nullable string] (v8+),
 *                          error_message nullable string (v8+)]],
 *               throttle_time_ms int32 (v1+)
 *
 * acks=0 gets no response at all, as in Kafka. Versions 0-2 carry magic 0/1 message sets, which
 * the record conversion refuses (UNSUPPORTED_FOR_MESSAGE_FORMAT); they are listed so that
 * librdkafka keeps compression on (it turns it off when Produce's minimum is above 0).
 */
import type { KafkaReader, KafkaWriter } from '../codec.js';

export interface ProducePartitionData {
  index: number;
  records: Buffer | null;
}

export interface ProduceTopicData {
  name: string;
  partitions: ProducePartitionData[];
}

export interface ProduceRequest {
  transactionalId: string | null;
  acks: number;
  timeoutMs: number;
  topics: ProduceTopicData[];
}

export interface ProducePartitionResponse {
  index: number;
  errorCode: number;
  baseOffset: number;
  logAppendTimeMs: number;
  logStartOffset: number;
  errorMessage: string | null;
}

export interface ProduceTopicResponse {
  name: string;
  partitions: ProducePartitionResponse[];
}

export interface ProduceResponse {
  topics: ProduceTopicResponse[];
  throttleTimeMs: number;
}

export function decodeProduceRequest(reader: KafkaReader, version: number): ProduceRequest {
  const transactionalId = version >= 3 ? reader.nullableString() : null;
  const acks = reader.int16();
  const timeoutMs = reader.int32();
  const topics = reader.array((r) => ({
    name: r.string(),
    partitions: r.array((pr) => ({ index: pr.int32(), records: pr.nullableBytes() })),
  }));
  return { transactionalId, acks, timeoutMs, topics };
}

export function encodeProduceResponse(writer: KafkaWriter, version: number, response: ProduceResponse): void {
  writer.array(response.topics, (w, topic) => {
    w.string(topic.name);
    w.array(topic.partitions, (pw, p) => {
      pw.int32(p.index).int16(p.errorCode).int64(p.baseOffset);
      if (version >= 2) pw.int64(p.logAppendTimeMs);
      if (version >= 5) pw.int64(p.logStartOffset);
      if (version >= 8) pw.array([], () => undefined).nullableString(p.errorMessage);
    });
  });
  if (version >= 1) writer.int32(response.throttleTimeMs);
}
