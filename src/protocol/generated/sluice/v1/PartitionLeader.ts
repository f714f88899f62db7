// Original file: proto/sluice/v1/controller.proto

import type { Long } from '@grpc/proto-loader';

export interface PartitionLeader {
  'topic'?: (string);
  'partition'?: (number);
  'leader'?: (number);
  'isr'?: (number)[];
  'highWatermark'?: (number | string | Long);
  'logEndOffset'?: (number | string | Long);
  'logStartOffset'?: (number | string | Long);
  'topicId'?: (number | string | Long);
  'voters'?: (number)[];
  'learners'?: (number)[];
}

export interface PartitionLeader__Output {
  'topic': (string);
  'partition': (number);
  'leader': (number);
  'isr': (number)[];
  'highWatermark': (number);
  'logEndOffset': (number);
  'logStartOffset': (number);
  'topicId': (number);
  'voters': (number)[];
  'learners': (number)[];
}
