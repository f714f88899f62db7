// Original file: proto/sluice/v1/broker.proto

import type { Long } from '@grpc/proto-loader';

export interface ListOffsetsRequest {
  'topic'?: (string);
  'partition'?: (number);
  'timestamp'?: (number | string | Long);
}

export interface ListOffsetsRequest__Output {
  'topic': (string);
  'partition': (number);
  'timestamp': (number);
}
