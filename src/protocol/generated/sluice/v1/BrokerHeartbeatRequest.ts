// Original file: proto/sluice/v1/controller.proto

import type { PartitionLeadership as _sluice_v1_PartitionLeadership, PartitionLeadership__Output as _sluice_v1_PartitionLeadership__Output } from '../../sluice/v1/PartitionLeadership.js';
import type { ReplicaDamage as _sluice_v1_ReplicaDamage, ReplicaDamage__Output as _sluice_v1_ReplicaDamage__Output } from '../../sluice/v1/ReplicaDamage.js';
import type { Long } from '@grpc/proto-loader';

export interface BrokerHeartbeatRequest {
  'brokerId'?: (number);
  'brokerEpoch'?: (number | string | Long);
  'metadataVersion'?: (number | string | Long);
  'leaderships'?: (_sluice_v1_PartitionLeadership)[];
  'storageFault'?: (string);
  'damagedReplicas'?: (_sluice_v1_ReplicaDamage)[];
}

export interface BrokerHeartbeatRequest__Output {
  'brokerId': (number);
  'brokerEpoch': (number);
  'metadataVersion': (number);
  'leaderships': (_sluice_v1_PartitionLeadership__Output)[];
  'storageFault': (string);
  'damagedReplicas': (_sluice_v1_ReplicaDamage__Output)[];
}
