// Original file: proto/sluice/v1/broker.proto

import type { Long } from '@grpc/proto-loader';

export interface PartitionMetadata {
  'partition'?: (number);
  'leader'?: (number);
  'replicas'?: (number)[];
  'isr'?: (number)[];
  'leaderEpoch'?: (number | string | Long);
}

export interface PartitionMetadata__Output {
  'partition': (number);
  'leader': (number);
  'replicas': (number)[];
  'isr': (number)[];
  'leaderEpoch': (number);
}
