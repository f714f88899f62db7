/**
 * CreateTopics (key 19), v0-4 (flexible starts at v5, not served).
 *
 *   request  := topics [name string, num_partitions int32, replication_factor int16,
 *                       assignments [partition_index int32, broker_ids [int32]],
 *                       configs [name string, value nullable string]],
 *               timeout_ms int32, validate_only bool (v1+)
 *   response := throttle_time_ms int32 (v2+),
 *               topics [name string, error_code int16, error_message nullable string (v1+)]
 *
 * num_partitions and replication_factor may be -1 (v4+): the broker's defaults.
 */
import type { KafkaReader, KafkaWriter } from '../codec.js';

export interface CreatableTopic {
  name: string;
  numPartitions: number;
  replicationFactor: number;
  /** Manual replica assignments (not served: answered INVALID_REQUEST). */
  assignmentCount: number;
  configs: Record<string, string>;
}

export interface CreateTopicsRequest {
  topics: CreatableTopic[];
  timeoutMs: number;
  validateOnly: boolean;
}

export interface CreateTopicResult {
  name: string;
  errorCode: number;
  errorMessage: string | null;
}

export interface CreateTopicsResponse {
  throttleTimeMs: number;
  topics: CreateTopicResult[];
}

export function decodeCreateTopicsRequest(reader: KafkaReader, version: number): CreateTopicsRequest {
  const topics = reader.array((r): CreatableTopic => {
    const name = r.string();
    const numPartitions = r.int32();
    const replicationFactor = r.int16();
    const assignments = r.array((a) => ({ partition: a.int32(), brokers: a.array((b) => b.int32()) }));
    const configs: Record<string, string> = {};
    for (const { key, value } of r.array((c) => ({ key: c.string(), value: c.nullableString() }))) {
      if (value !== null) configs[key] = value;
    }
    return { name, numPartitions, replicationFactor, assignmentCount: assignments.length, configs };
  });
  const timeoutMs = reader.int32();
  const validateOnly = version >= 1 ? reader.bool() : false;
  return { topics, timeoutMs, validateOnly };
}

export function encodeCreateTopicsResponse(writer: KafkaWriter, version: number, response: CreateTopicsResponse): void {
  if (version >= 2) writer.int32(response.throttleTimeMs);
  writer.array(response.topics, (w, topic) => {
    w.string(topic.name).int16(topic.errorCode);
    if (version >= 1) w.nullableString(topic.errorMessage);
  });
}
