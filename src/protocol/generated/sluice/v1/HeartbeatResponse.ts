// Original file: proto/sluice/v1/groups.proto

import type { TopicPartitions as _sluice_v1_TopicPartitions, TopicPartitions__Output as _sluice_v1_TopicPartitions__Output } from '../../sluice/v1/TopicPartitions.js';

export interface HeartbeatResponse {
  'memberId'?: (string);
  'memberEpoch'?: (number);
  'heartbeatIntervalMs'?: (number);
  'assignment'?: (_sluice_v1_TopicPartitions)[];
  'sessionTimeoutMs'?: (number);
}

export interface HeartbeatResponse__Output {
  'memberId': (string);
  'memberEpoch': (number);
  'heartbeatIntervalMs': (number);
  'assignment': (_sluice_v1_TopicPartitions__Output)[];
  'sessionTimeoutMs': (number);
}
