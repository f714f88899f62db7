// Original file: proto/sluice/v1/groups.proto

import type { Long } from '@grpc/proto-loader';

export interface PartitionLag {
  'topic'?: (string);
  'partition'?: (number);
  'committedOffset'?: (number | string | Long);
  'logEndOffset'?: (number | string | Long);
  'lag'?: (number | string | Long);
  'lagMs'?: (number | string | Long);
  'owner'?: (string);
}

export interface PartitionLag__Output {
  'topic': (string);
  'partition': (number);
  'committedOffset': (number);
  'logEndOffset': (number);
  'lag': (number);
  'lagMs': (number);
  'owner': (string);
}
