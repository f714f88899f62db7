/**
 * Heartbeat (key 12), v0-3 (flexible starts at v4, not served).
 *
 *   request  := group_id string, generation_id int32, member_id string, group_instance_id nullable string (v3+)
 *   response := throttle_time_ms int32 (v1+), error_code int16
 */
import type { KafkaReader, KafkaWriter } from '../codec.js';

export interface HeartbeatRequest {
  groupId: string;
  generationId: number;
  memberId: string;
}

export function decodeHeartbeatRequest(reader: KafkaReader, version: number): HeartbeatRequest {
  const groupId = reader.string();
  const generationId = reader.int32();
  const memberId = reader.string();
  if (version >= 3) reader.nullableString(); // group instance id
  return { groupId, generationId, memberId };
}

export function encodeHeartbeatResponse(writer: KafkaWriter, version: number, response: { errorCode: number }): void {
  if (version >= 1) writer.int32(0);
  writer.int16(response.errorCode);
}
