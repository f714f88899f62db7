// Original file: proto/sluice/v1/broker.proto

import type { Long } from '@grpc/proto-loader';

export interface ProduceResponse {
  'baseOffset'?: (number | string | Long);
  'lastOffset'?: (number | string | Long);
  'logAppendTimeMs'?: (number | string | Long);
  'logStartOffset'?: (number | string | Long);
}

export interface ProduceResponse__Output {
  'baseOffset': (number);
  'lastOffset': (number);
  'logAppendTimeMs': (number);
  'logStartOffset': (number);
}
