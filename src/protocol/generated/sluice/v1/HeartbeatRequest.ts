// Original file: proto/sluice/v1/groups.proto

import type { TopicPartitions as _sluice_v1_TopicPartitions, TopicPartitions__Output as _sluice_v1_TopicPartitions__Output } from '../../sluice/v1/TopicPartitions.js';

export interface HeartbeatRequest {
  'groupId'?: (string);
  'memberId'?: (string);
  'memberEpoch'?: (number);
  'groupInstanceId'?: (string);
  'subscribedTopics'?: (string)[];
  'ownedPartitions'?: (_sluice_v1_TopicPartitions)[];
  'sessionTimeoutMs'?: (number);
  'maxPollIntervalMs'?: (number);
  'pollIdleMs'?: (number);
  'clientId'?: (string);
}

export interface HeartbeatRequest__Output {
  'groupId': (string);
  'memberId': (string);
  'memberEpoch': (number);
  'groupInstanceId': (string);
  'subscribedTopics': (string)[];
  'ownedPartitions': (_sluice_v1_TopicPartitions__Output)[];
  'sessionTimeoutMs': (number);
  'maxPollIntervalMs': (number);
  'pollIdleMs': (number);
  'clientId': (string);
}
