// Original file: proto/sluice/v1/controller.proto

import type { PartitionLeadership as _sluice_v1_PartitionLeadership, PartitionLeadership__Output as _sluice_v1_PartitionLeadership__Output } from '../../sluice/v1/PartitionLeadership.js';
import type { Long } from '@grpc/proto-loader';

export interface BrokerHeartbeatRequest {
  'brokerId'?: (number);
  'brokerEpoch'?: (number | string | Long);
  'metadataVersion'?: (number | string | Long);
  'leaderships'?: (_sluice_v1_PartitionLeadership)[];
}

export interface BrokerHeartbeatRequest__Output {
  'brokerId': (number);
  'brokerEpoch': (number);
  'metadataVersion': (number);
  'leaderships': (_sluice_v1_PartitionLeadership__Output)[];
}
