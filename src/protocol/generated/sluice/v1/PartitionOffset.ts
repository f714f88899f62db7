// Original file: proto/sluice/v1/groups.proto

import type { RecordAttempts as _sluice_v1_RecordAttempts, RecordAttempts__Output as _sluice_v1_RecordAttempts__Output } from '../../sluice/v1/RecordAttempts.js';
import type { Long } from '@grpc/proto-loader';

export interface PartitionOffset {
  'topic'?: (string);
  'partition'?: (number);
  'offset'?: (number | string | Long);
  'metadata'?: (string);
  'attempts'?: (_sluice_v1_RecordAttempts | null);
  'commitTimestampMs'?: (number | string | Long);
}

export interface PartitionOffset__Output {
  'topic': (string);
  'partition': (number);
  'offset': (number);
  'metadata': (string);
  'attempts': (_sluice_v1_RecordAttempts__Output | null);
  'commitTimestampMs': (number);
}
