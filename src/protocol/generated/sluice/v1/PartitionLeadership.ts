// Original file: proto/sluice/v1/controller.proto

import type { Long } from '@grpc/proto-loader';

export interface PartitionLeadership {
  'topic'?: (string);
  'partition'?: (number);
  'term'?: (number | string | Long);
  'isr'?: (number)[];
  'highWatermark'?: (number | string | Long);
  'logEndOffset'?: (number | string | Long);
  'logStartOffset'?: (number | string | Long);
  'topicId'?: (number | string | Long);
  'voters'?: (number)[];
  'learners'?: (number)[];
}

export interface PartitionLeadership__Output {
  'topic': (string);
  'partition': (number);
  'term': (number);
  'isr': (number)[];
  'highWatermark': (number);
  'logEndOffset': (number);
  'logStartOffset': (number);
  'topicId': (number);
  'voters': (number)[];
  'learners': (number)[];
}
