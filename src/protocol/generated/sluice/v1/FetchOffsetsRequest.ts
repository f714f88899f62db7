// Original file: proto/sluice/v1/groups.proto

import type { TopicPartitions as _sluice_v1_TopicPartitions, TopicPartitions__Output as _sluice_v1_TopicPartitions__Output } from '../../sluice/v1/TopicPartitions.js';

export interface FetchOffsetsRequest {
  'groupId'?: (string);
  'partitions'?: (_sluice_v1_TopicPartitions)[];
}

export interface FetchOffsetsRequest__Output {
  'groupId': (string);
  'partitions': (_sluice_v1_TopicPartitions__Output)[];
}
