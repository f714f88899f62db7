/**
 * JoinGroup (key 11), v0-5 (flexible starts at v6, not served).
 *
 *   request  := group_id string, session_timeout_ms int32, rebalance_timeout_ms int32 (v1+),
 *               member_id string, group_instance_id nullable string (v5+), protocol_type string,
 *               protocols [name string, metadata bytes]
 *   response := throttle_time_ms int32 (v2+), error_code int16, generation_id int32,
 *               protocol_name string, leader string, member_id string,
 *               members [member_id string, group_instance_id nullable string (v5+), metadata bytes]
 *
 * v0 has no rebalance timeout: the session timeout serves as both, as in Kafka.
 */
import type { KafkaReader, KafkaWriter } from '../codec.js';

export interface JoinGroupRequest {
  groupId: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  memberId: string;
  groupInstanceId: string | null;
  protocolType: string;
  protocols: Array<{ name: string; metadata: Buffer }>;
}

export interface JoinGroupResponse {
  errorCode: number;
  generationId: number;
  protocolName: string;
  leader: string;
  memberId: string;
  members: Array<{ memberId: string; groupInstanceId: string | null; metadata: Buffer }>;
}

export function decodeJoinGroupRequest(reader: KafkaReader, version: number): JoinGroupRequest {
  const groupId = reader.string();
  const sessionTimeoutMs = reader.int32();
  const rebalanceTimeoutMs = version >= 1 ? reader.int32() : sessionTimeoutMs;
  const memberId = reader.string();
  const groupInstanceId = version >= 5 ? reader.nullableString() : null;
  const protocolType = reader.string();
  const protocols = reader.array((r) => ({ name: r.string(), metadata: r.nullableBytes() ?? Buffer.alloc(0) }));
  return { groupId, sessionTimeoutMs, rebalanceTimeoutMs, memberId, groupInstanceId, protocolType, protocols };
}

export function encodeJoinGroupResponse(writer: KafkaWriter, version: number, response: JoinGroupResponse): void {
  if (version >= 2) writer.int32(0);
  writer.int16(response.errorCode).int32(response.generationId).string(response.protocolName).string(response.leader).string(response.memberId);
  writer.array(response.members, (w, member) => {
    w.string(member.memberId);
    if (version >= 5) w.nullableString(member.groupInstanceId);
    w.nullableBytes(member.metadata);
  });
}
