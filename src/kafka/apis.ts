/**
 * The APIs the listener serves and their version ranges: what ApiVersions advertises and what the
 * dispatcher accepts, from one table. Ranges are those librdkafka (kcat) and kafkajs negotiate
 * down to; `flexibleFrom` is the first version with compact encodings and tagged fields (Kafka's
 * `flexibleVersions`), which also selects request header v2 and response header v1.
 */
export const ApiKey = {
  Produce: 0,
  Fetch: 1,
  ListOffsets: 2,
  Metadata: 3,
  OffsetCommit: 8,
  OffsetFetch: 9,
  FindCoordinator: 10,
  ApiVersions: 18,
  CreateTopics: 19,
  DeleteTopics: 20,
  InitProducerId: 22,
  SaslHandshake: 17,
  SaslAuthenticate: 36,
  DescribeConfigs: 32,
  JoinGroup: 11,
  Heartbeat: 12,
  LeaveGroup: 13,
  SyncGroup: 14,
  DescribeGroups: 15,
  ListGroups: 16,
} as const;

export interface ApiSupport {
  name: keyof typeof ApiKey;
  key: number;
  minVersion: number;
  maxVersion: number;
  /** First flexible version (may lie above maxVersion: none served). */
  flexibleFrom: number;
}

export const SUPPORTED_APIS: readonly ApiSupport[] = [
  // Minimum 0 although v0-2 carry old message sets: librdkafka disables compression when it is higher.
  { name: 'Produce', key: ApiKey.Produce, minVersion: 0, maxVersion: 8, flexibleFrom: 9 },
  { name: 'Fetch', key: ApiKey.Fetch, minVersion: 4, maxVersion: 11, flexibleFrom: 12 },
  { name: 'ListOffsets', key: ApiKey.ListOffsets, minVersion: 1, maxVersion: 5, flexibleFrom: 6 },
  { name: 'Metadata', key: ApiKey.Metadata, minVersion: 0, maxVersion: 9, flexibleFrom: 9 },
  { name: 'OffsetCommit', key: ApiKey.OffsetCommit, minVersion: 2, maxVersion: 7, flexibleFrom: 8 },
  { name: 'OffsetFetch', key: ApiKey.OffsetFetch, minVersion: 1, maxVersion: 5, flexibleFrom: 6 },
  { name: 'FindCoordinator', key: ApiKey.FindCoordinator, minVersion: 0, maxVersion: 2, flexibleFrom: 3 },
  { name: 'ApiVersions', key: ApiKey.ApiVersions, minVersion: 0, maxVersion: 3, flexibleFrom: 3 },
  { name: 'CreateTopics', key: ApiKey.CreateTopics, minVersion: 0, maxVersion: 4, flexibleFrom: 5 },
  { name: 'DeleteTopics', key: ApiKey.DeleteTopics, minVersion: 0, maxVersion: 3, flexibleFrom: 4 },
  { name: 'InitProducerId', key: ApiKey.InitProducerId, minVersion: 0, maxVersion: 1, flexibleFrom: 2 },
  // Minimum 0 because librdkafka requires it listed; a v0 handshake (raw SASL tokens after it) is answered UNSUPPORTED_VERSION.
  { name: 'SaslHandshake', key: ApiKey.SaslHandshake, minVersion: 0, maxVersion: 1, flexibleFrom: 2 },
  { name: 'SaslAuthenticate', key: ApiKey.SaslAuthenticate, minVersion: 0, maxVersion: 2, flexibleFrom: 2 },
  { name: 'DescribeConfigs', key: ApiKey.DescribeConfigs, minVersion: 0, maxVersion: 2, flexibleFrom: 4 },
  { name: 'JoinGroup', key: ApiKey.JoinGroup, minVersion: 0, maxVersion: 5, flexibleFrom: 6 },
  { name: 'Heartbeat', key: ApiKey.Heartbeat, minVersion: 0, maxVersion: 3, flexibleFrom: 4 },
  { name: 'LeaveGroup', key: ApiKey.LeaveGroup, minVersion: 0, maxVersion: 3, flexibleFrom: 4 },
  { name: 'SyncGroup', key: ApiKey.SyncGroup, minVersion: 0, maxVersion: 3, flexibleFrom: 4 },
  { name: 'DescribeGroups', key: ApiKey.DescribeGroups, minVersion: 0, maxVersion: 4, flexibleFrom: 5 },
  { name: 'ListGroups', key: ApiKey.ListGroups, minVersion: 0, maxVersion: 2, flexibleFrom: 3 },
];

const BY_KEY = new Map(SUPPORTED_APIS.map((api) => [api.key, api]));

export function apiSupport(key: number): ApiSupport | undefined {
  return BY_KEY.get(key);
}

export function isFlexible(api: ApiSupport, version: number): boolean {
  return version >= api.flexibleFrom;
}
