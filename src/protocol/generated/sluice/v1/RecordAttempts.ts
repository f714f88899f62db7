// Original file: proto/sluice/v1/groups.proto

import type { Long } from '@grpc/proto-loader';

export interface RecordAttempts {
  'offset'?: (number | string | Long);
  'count'?: (number);
  'lastError'?: (string);
}

export interface RecordAttempts__Output {
  'offset': (number);
  'count': (number);
  'lastError': (string);
}
