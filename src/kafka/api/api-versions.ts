/**
 * ApiVersions (key 18), v0-3; v3 is flexible in its body but, like every version, answered with
 * response header v0.
 *
 *   request v3+ := client_software_name compact string, client_software_version compact string, tags
 *   response    := error_code int16, api_keys [api_key int16, min_version int16, max_version int16 (tags v3+)],
 *                  throttle_time_ms int32 (v1+), tags (v3+)
 *
 * A request for a version we do not serve is answered UNSUPPORTED_VERSION with our ranges in a v0
 * body, which every client can read, and the client retries at a version we listed.
 */
import type { KafkaReader, KafkaWriter } from '../codec.js';

export interface ApiVersionsRequest {
  clientSoftwareName: string;
  clientSoftwareVersion: string;
}

export interface ApiVersionRange {
  apiKey: number;
  minVersion: number;
  maxVersion: number;
}

export interface ApiVersionsResponse {
  errorCode: number;
  apiKeys: readonly ApiVersionRange[];
  throttleTimeMs: number;
}

export function decodeApiVersionsRequest(reader: KafkaReader, version: number): ApiVersionsRequest {
  if (version < 3) return { clientSoftwareName: '', clientSoftwareVersion: '' };
  const request = { clientSoftwareName: reader.string(), clientSoftwareVersion: reader.string() };
  reader.tags();
  return request;
}

export function encodeApiVersionsResponse(writer: KafkaWriter, version: number, response: ApiVersionsResponse): void {
  writer.int16(response.errorCode);
  writer.array(response.apiKeys, (w, range) => {
    w.int16(range.apiKey).int16(range.minVersion).int16(range.maxVersion).tags();
  });
  if (version >= 1) writer.int32(response.throttleTimeMs);
  writer.tags();
}
