// Original file: proto/sluice/v1/raft.proto

import type { RaftGroupMessage as _sluice_v1_RaftGroupMessage, RaftGroupMessage__Output as _sluice_v1_RaftGroupMessage__Output } from '../../sluice/v1/RaftGroupMessage.js';
import type { Long } from '@grpc/proto-loader';

export interface RaftFrame {
  'fromBroker'?: (number);
  'fromBrokerEpoch'?: (number | string | Long);
  'messages'?: (_sluice_v1_RaftGroupMessage)[];
}

export interface RaftFrame__Output {
  'fromBroker': (number);
  'fromBrokerEpoch': (number);
  'messages': (_sluice_v1_RaftGroupMessage__Output)[];
}
