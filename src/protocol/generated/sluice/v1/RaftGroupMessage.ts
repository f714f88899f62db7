// Original file: proto/sluice/v1/raft.proto

import type { RaftMessage as _sluice_v1_RaftMessage, RaftMessage__Output as _sluice_v1_RaftMessage__Output } from '../../sluice/v1/RaftMessage.js';

export interface RaftGroupMessage {
  'group'?: (string);
  'message'?: (_sluice_v1_RaftMessage | null);
}

export interface RaftGroupMessage__Output {
  'group': (string);
  'message': (_sluice_v1_RaftMessage__Output | null);
}
