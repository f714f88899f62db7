// Original file: proto/sluice/v1/broker.proto

import type { Long } from '@grpc/proto-loader';

export interface BrokerInfo {
  'id'?: (number);
  'host'?: (string);
  'port'?: (number);
  'alive'?: (boolean);
  'epoch'?: (number | string | Long);
}

export interface BrokerInfo__Output {
  'id': (number);
  'host': (string);
  'port': (number);
  'alive': (boolean);
  'epoch': (number);
}
