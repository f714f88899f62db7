// Original file: proto/sluice/v1/controller.proto

import type { Long } from '@grpc/proto-loader';

export interface AllocateProducerIdsResponse {
  'firstId'?: (number | string | Long);
  'count'?: (number);
}

export interface AllocateProducerIdsResponse__Output {
  'firstId': (number);
  'count': (number);
}
