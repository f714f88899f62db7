/**
 * DescribeConfigs (key 32), v0-2 (v3 adds documentation; flexible from v4, not served).
 *
 *   request  := resources [resource_type int8, resource_name string, configuration_keys nullable [string]],
 *               include_synonyms bool (v1+)
 *   response := throttle_time_ms int32,
 *               results [error_code int16, error_message nullable string, resource_type int8, resource_name string,
 *                        configs [name string, value nullable string, read_only bool,
 *                                 is_default bool (v0) | config_source int8 (v1+),
 *                                 is_sensitive bool, synonyms [name string, value nullable string, source int8] (v1+)]]
 */
import type { KafkaReader, KafkaWriter } from '../codec.js';

/** Kafka's ConfigResource types that are served. */
export const ConfigResourceType = { TOPIC: 2, BROKER: 4 } as const;

/** Kafka's ConfigSource values. */
export const ConfigSource = { DYNAMIC_TOPIC_CONFIG: 1, STATIC_BROKER_CONFIG: 4, DEFAULT_CONFIG: 5 } as const;

export interface DescribeConfigsResource {
  resourceType: number;
  resourceName: string;
  /** null: every key. */
  configurationKeys: string[] | null;
}

export interface ConfigEntry {
  name: string;
  value: string | null;
  readOnly: boolean;
  source: number;
  sensitive: boolean;
}

export interface DescribeConfigsResult {
  errorCode: number;
  errorMessage: string | null;
  resourceType: number;
  resourceName: string;
  configs: ConfigEntry[];
}

export function decodeDescribeConfigsRequest(reader: KafkaReader, version: number): { resources: DescribeConfigsResource[]; includeSynonyms: boolean } {
  const resources = reader.array((r) => ({
    resourceType: r.int8(),
    resourceName: r.string(),
    configurationKeys: r.nullableArray((k) => k.string()),
  }));
  return { resources, includeSynonyms: version >= 1 ? reader.bool() : false };
}

/** Synonyms are not listed (each config has one source here). */
export function encodeDescribeConfigsResponse(writer: KafkaWriter, version: number, response: { results: DescribeConfigsResult[] }): void {
  writer.int32(0).array(response.results, (w, result) => {
    w.int16(result.errorCode).nullableString(result.errorMessage).int8(result.resourceType).string(result.resourceName);
    w.array(result.configs, (c, entry) => {
      c.string(entry.name).nullableString(entry.value).bool(entry.readOnly);
      if (version === 0) c.bool(entry.source === ConfigSource.DEFAULT_CONFIG);
      else c.int8(entry.source);
      c.bool(entry.sensitive);
      if (version >= 1) c.array<never>([], () => undefined);
    });
  });
}
