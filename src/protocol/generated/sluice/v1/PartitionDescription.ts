// Original file: proto/sluice/v1/broker.proto

import type { Long } from '@grpc/proto-loader';

export interface PartitionDescription {
  'partition'?: (number);
  'leader'?: (number);
  'replicas'?: (number)[];
  'isr'?: (number)[];
  'logStartOffset'?: (number | string | Long);
  'logEndOffset'?: (number | string | Long);
  'highWatermark'?: (number | string | Long);
  'sizeBytes'?: (number | string | Long);
}

export interface PartitionDescription__Output {
  'partition': (number);
  'leader': (number);
  'replicas': (number)[];
  'isr': (number)[];
  'logStartOffset': (number);
  'logEndOffset': (number);
  'highWatermark': (number);
  'sizeBytes': (number);
}
