// Original file: proto/sluice/v1/groups.proto

import type { TopicPartitions as _sluice_v1_TopicPartitions, TopicPartitions__Output as _sluice_v1_TopicPartitions__Output } from '../../sluice/v1/TopicPartitions.js';

export interface MemberDescription {
  'memberId'?: (string);
  'groupInstanceId'?: (string);
  'clientId'?: (string);
  'memberEpoch'?: (number);
  'subscribedTopics'?: (string)[];
  'assignment'?: (_sluice_v1_TopicPartitions)[];
}

export interface MemberDescription__Output {
  'memberId': (string);
  'groupInstanceId': (string);
  'clientId': (string);
  'memberEpoch': (number);
  'subscribedTopics': (string)[];
  'assignment': (_sluice_v1_TopicPartitions__Output)[];
}
