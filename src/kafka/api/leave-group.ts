/**
 * LeaveGroup (key 13), v0-3 (flexible starts at v4, not served).
 *
 *   request  := group_id string, member_id string (v0-2) | members [member_id string, group_instance_id nullable string] (v3+)
 *   response := throttle_time_ms int32 (v1+), error_code int16,
 *               members [member_id string, group_instance_id nullable string, error_code int16] (v3+)
 */
import type { KafkaReader, KafkaWriter } from '../codec.js';

export interface LeaveGroupRequest {
  groupId: string;
  members: Array<{ memberId: string; groupInstanceId: string | null }>;
}

export interface LeaveGroupResponse {
  errorCode: number;
  members: Array<{ memberId: string; groupInstanceId: string | null; errorCode: number }>;
}

export function decodeLeaveGroupRequest(reader: KafkaReader, version: number): LeaveGroupRequest {
  const groupId = reader.string();
  if (version < 3) return { groupId, members: [{ memberId: reader.string(), groupInstanceId: null }] };
  return { groupId, members: reader.array((r) => ({ memberId: r.string(), groupInstanceId: r.nullableString() })) };
}

export function encodeLeaveGroupResponse(writer: KafkaWriter, version: number, response: LeaveGroupResponse): void {
  if (version >= 1) writer.int32(0);
  writer.int16(response.errorCode);
  if (version >= 3) {
    writer.array(response.members, (w, member) => w.string(member.memberId).nullableString(member.groupInstanceId).int16(member.errorCode));
  }
}
