// Original file: proto/sluice/v1/broker.proto

import type { Long } from '@grpc/proto-loader';

export interface ListOffsetsResponse {
  'offset'?: (number | string | Long);
  'highWatermark'?: (number | string | Long);
  'logStartOffset'?: (number | string | Long);
  'throttleTimeMs'?: (number);
}

export interface ListOffsetsResponse__Output {
  'offset': (number);
  'highWatermark': (number);
  'logStartOffset': (number);
  'throttleTimeMs': (number);
}
