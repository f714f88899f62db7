/**
 * SyncGroup (key 14), v0-3 (flexible starts at v4, not served).
 *
 *   request  := group_id string, generation_id int32, member_id string,
 *               group_instance_id nullable string (v3+), assignments [member_id string, assignment bytes]
 *   response := throttle_time_ms int32 (v1+), error_code int16, assignment bytes
 */
import type { KafkaReader, KafkaWriter } from '../codec.js';

export interface SyncGroupRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  assignments: Array<{ memberId: string; assignment: Buffer }>;
}

export interface SyncGroupResponse {
  errorCode: number;
  assignment: Buffer;
}

export function decodeSyncGroupRequest(reader: KafkaReader, version: number): SyncGroupRequest {
  const groupId = reader.string();
  const generationId = reader.int32();
  const memberId = reader.string();
  if (version >= 3) reader.nullableString(); // group instance id: static membership is not served
  const assignments = reader.array((r) => ({ memberId: r.string(), assignment: Buffer.from(r.nullableBytes() ?? Buffer.alloc(0)) }));
  return { groupId, generationId, memberId, assignments };
}

export function encodeSyncGroupResponse(writer: KafkaWriter, version: number, response: SyncGroupResponse): void {
  if (version >= 1) writer.int32(0);
  writer.int16(response.errorCode).nullableBytes(response.assignment);
}
