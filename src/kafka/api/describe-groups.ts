/**
 * DescribeGroups (key 15), v0-4 (flexible starts at v5, not served).
 *
 *   request  := groups [string], include_authorized_operations bool (v3+)
 *   response := throttle_time_ms int32 (v1+),
 *               groups [error_code int16, group_id string, group_state string, protocol_type string,
 *                       protocol_data string, members [member_id string, group_instance_id nullable string (v4+),
 *                       client_id string, client_host string, member_metadata bytes, member_assignment bytes],
 *                       authorized_operations int32 (v3+)]
 */
import type { KafkaReader, KafkaWriter } from '../codec.js';

/** Kafka's "not asked for" value of authorized_operations. */
const AUTHORIZED_OPERATIONS_OMITTED = -2147483648;

export interface DescribedGroupMember {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  metadata: Buffer;
  assignment: Buffer;
}

export interface DescribedGroup {
  errorCode: number;
  groupId: string;
  state: string;
  protocolType: string;
  protocolData: string;
  members: DescribedGroupMember[];
}

export function decodeDescribeGroupsRequest(reader: KafkaReader, version: number): { groups: string[] } {
  const groups = reader.array((r) => r.string());
  if (version >= 3) reader.bool(); // include_authorized_operations: answered "omitted"
  return { groups };
}

export function encodeDescribeGroupsResponse(writer: KafkaWriter, version: number, response: { groups: DescribedGroup[] }): void {
  if (version >= 1) writer.int32(0);
  writer.array(response.groups, (w, group) => {
    w.int16(group.errorCode).string(group.groupId).string(group.state).string(group.protocolType).string(group.protocolData);
    w.array(group.members, (mw, member) => {
      mw.string(member.memberId);
      if (version >= 4) mw.nullableString(member.groupInstanceId);
      mw.string(member.clientId).string(member.clientHost).nullableBytes(member.metadata).nullableBytes(member.assignment);
    });
    if (version >= 3) w.int32(AUTHORIZED_OPERATIONS_OMITTED);
  });
}
