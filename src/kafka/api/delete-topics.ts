/**
 * DeleteTopics (key 20), v0-3 (flexible starts at v4, not served).
 *
 *   request  := topic_names [string], timeout_ms int32
 *   response := throttle_time_ms int32 (v1+), responses [name string, error_code int16]
 */
import type { KafkaReader, KafkaWriter } from '../codec.js';

export interface DeleteTopicsRequest {
  topicNames: string[];
  timeoutMs: number;
}

export interface DeleteTopicsResponse {
  responses: Array<{ name: string; errorCode: number }>;
}

export function decodeDeleteTopicsRequest(reader: KafkaReader): DeleteTopicsRequest {
  return { topicNames: reader.array((r) => r.string()), timeoutMs: reader.int32() };
}

export function encodeDeleteTopicsResponse(writer: KafkaWriter, version: number, response: DeleteTopicsResponse): void {
  if (version >= 1) writer.int32(0);
  writer.array(response.responses, (w, topic) => w.string(topic.name).int16(topic.errorCode));
}
