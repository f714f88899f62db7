// Original file: proto/sluice/v1/broker.proto

import type { Long } from '@grpc/proto-loader';

export interface OffsetRange {
  'from'?: (number | string | Long);
  'to'?: (number | string | Long);
}

export interface OffsetRange__Output {
  'from': (number);
  'to': (number);
}
