// Original file: proto/sluice/v1/broker.proto

import type { ReplicaDamage as _sluice_v1_ReplicaDamage, ReplicaDamage__Output as _sluice_v1_ReplicaDamage__Output } from '../../sluice/v1/ReplicaDamage.js';
import type { Long } from '@grpc/proto-loader';

export interface BrokerInfo {
  'id'?: (number);
  'host'?: (string);
  'port'?: (number);
  'alive'?: (boolean);
  'epoch'?: (number | string | Long);
  'storageFault'?: (string);
  'damagedReplicas'?: (_sluice_v1_ReplicaDamage)[];
}

export interface BrokerInfo__Output {
  'id': (number);
  'host': (string);
  'port': (number);
  'alive': (boolean);
  'epoch': (number);
  'storageFault': (string);
  'damagedReplicas': (_sluice_v1_ReplicaDamage__Output)[];
}
