// Original file: proto/sluice/v1/controller.proto

import type { Long } from '@grpc/proto-loader';

export interface RegisterBrokerResponse {
  'brokerEpoch'?: (number | string | Long);
}

export interface RegisterBrokerResponse__Output {
  'brokerEpoch': (number);
}
