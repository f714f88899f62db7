/**
 * FindCoordinator (key 10), v0-2 (flexible starts at v3, not served).
 *
 *   request  := key string (a group id), key_type int8 (v1+; 0 group, 1 transaction)
 *   response := throttle_time_ms int32 (v1+), error_code int16, error_message nullable string (v1+),
 *               node_id int32, host string, port int32
 */
import type { KafkaReader, KafkaWriter } from '../codec.js';

export const COORDINATOR_KEY_GROUP = 0;

export interface FindCoordinatorRequest {
  key: string;
  keyType: number;
}

export interface FindCoordinatorResponse {
  errorCode: number;
  errorMessage: string | null;
  nodeId: number;
  host: string;
  port: number;
}

export function decodeFindCoordinatorRequest(reader: KafkaReader, version: number): FindCoordinatorRequest {
  const key = reader.string();
  return { key, keyType: version >= 1 ? reader.int8() : COORDINATOR_KEY_GROUP };
}

export function encodeFindCoordinatorResponse(writer: KafkaWriter, version: number, response: FindCoordinatorResponse): void {
  if (version >= 1) writer.int32(0);
  writer.int16(response.errorCode);
  if (version >= 1) writer.nullableString(response.errorMessage);
  writer.int32(response.nodeId).string(response.host).int32(response.port);
}
