// Original file: proto/sluice/v1/controller.proto

import type { PartitionLeader as _sluice_v1_PartitionLeader, PartitionLeader__Output as _sluice_v1_PartitionLeader__Output } from '../../sluice/v1/PartitionLeader.js';
import type { BrokerStorage as _sluice_v1_BrokerStorage, BrokerStorage__Output as _sluice_v1_BrokerStorage__Output } from '../../sluice/v1/BrokerStorage.js';
import type { Long } from '@grpc/proto-loader';

export interface BrokerHeartbeatResponse {
  'fenced'?: (boolean);
  'controller'?: (number);
  'metadataVersion'?: (number | string | Long);
  'metadataImage'?: (string);
  'aliveBrokers'?: (number)[];
  'leaders'?: (_sluice_v1_PartitionLeader)[];
  'brokerStorage'?: (_sluice_v1_BrokerStorage)[];
}

export interface BrokerHeartbeatResponse__Output {
  'fenced': (boolean);
  'controller': (number);
  'metadataVersion': (number);
  'metadataImage': (string);
  'aliveBrokers': (number)[];
  'leaders': (_sluice_v1_PartitionLeader__Output)[];
  'brokerStorage': (_sluice_v1_BrokerStorage__Output)[];
}
