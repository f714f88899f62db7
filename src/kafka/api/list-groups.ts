/**
 * ListGroups (key 16), v0-2 (flexible starts at v3, not served).
 *
 *   request  := (empty)
 *   response := throttle_time_ms int32 (v1+), error_code int16, groups [group_id string, protocol_type string]
 *
 * Each broker lists the groups it coordinates; clients ask every broker.
 */
import type { KafkaWriter } from '../codec.js';

export interface ListGroupsResponse {
  errorCode: number;
  groups: Array<{ groupId: string; protocolType: string }>;
}

export function encodeListGroupsResponse(writer: KafkaWriter, version: number, response: ListGroupsResponse): void {
  if (version >= 1) writer.int32(0);
  writer.int16(response.errorCode).array(response.groups, (w, group) => w.string(group.groupId).string(group.protocolType));
}
