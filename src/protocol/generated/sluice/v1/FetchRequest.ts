// Original file: proto/sluice/v1/broker.proto

import type { Long } from '@grpc/proto-loader';

export interface FetchRequest {
  'topic'?: (string);
  'partition'?: (number);
  'offset'?: (number | string | Long);
  'maxBytes'?: (number);
  'maxWaitMs'?: (number);
  'minBytes'?: (number);
  'correlationId'?: (number | string | Long);
}

export interface FetchRequest__Output {
  'topic': (string);
  'partition': (number);
  'offset': (number);
  'maxBytes': (number);
  'maxWaitMs': (number);
  'minBytes': (number);
  'correlationId': (number);
}
