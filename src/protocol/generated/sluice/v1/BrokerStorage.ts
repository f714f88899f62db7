// Original file: proto/sluice/v1/controller.proto

import type { ReplicaDamage as _sluice_v1_ReplicaDamage, ReplicaDamage__Output as _sluice_v1_ReplicaDamage__Output } from '../../sluice/v1/ReplicaDamage.js';

export interface BrokerStorage {
  'brokerId'?: (number);
  'storageFault'?: (string);
  'damagedReplicas'?: (_sluice_v1_ReplicaDamage)[];
}

export interface BrokerStorage__Output {
  'brokerId': (number);
  'storageFault': (string);
  'damagedReplicas': (_sluice_v1_ReplicaDamage__Output)[];
}
