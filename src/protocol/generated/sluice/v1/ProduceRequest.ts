// Original file: proto/sluice/v1/broker.proto

import type { Long } from '@grpc/proto-loader';

export interface ProduceRequest {
  'topic'?: (string);
  'partition'?: (number);
  'acks'?: (number);
  'timeoutMs'?: (number);
  'batch'?: (Buffer | Uint8Array | string);
  'correlationId'?: (number | string | Long);
}

export interface ProduceRequest__Output {
  'topic': (string);
  'partition': (number);
  'acks': (number);
  'timeoutMs': (number);
  'batch': (Buffer);
  'correlationId': (number);
}
