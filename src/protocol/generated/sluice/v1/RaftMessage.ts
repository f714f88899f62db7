// Original file: proto/sluice/v1/raft.proto

import type { RaftMessageType as _sluice_v1_RaftMessageType, RaftMessageType__Output as _sluice_v1_RaftMessageType__Output } from '../../sluice/v1/RaftMessageType.js';
import type { RaftEntry as _sluice_v1_RaftEntry, RaftEntry__Output as _sluice_v1_RaftEntry__Output } from '../../sluice/v1/RaftEntry.js';
import type { RaftSnapshot as _sluice_v1_RaftSnapshot, RaftSnapshot__Output as _sluice_v1_RaftSnapshot__Output } from '../../sluice/v1/RaftSnapshot.js';
import type { Long } from '@grpc/proto-loader';

export interface RaftMessage {
  'type'?: (_sluice_v1_RaftMessageType);
  'from'?: (number);
  'to'?: (number);
  'term'?: (number | string | Long);
  'lastLogIndex'?: (number | string | Long);
  'lastLogTerm'?: (number | string | Long);
  'transfer'?: (boolean);
  'reject'?: (boolean);
  'prevIndex'?: (number | string | Long);
  'prevTerm'?: (number | string | Long);
  'commit'?: (number | string | Long);
  'index'?: (number | string | Long);
  'hintIndex'?: (number | string | Long);
  'hintTerm'?: (number | string | Long);
  'entries'?: (_sluice_v1_RaftEntry)[];
  'snapshot'?: (_sluice_v1_RaftSnapshot | null);
  'repairing'?: (boolean);
}

export interface RaftMessage__Output {
  'type': (_sluice_v1_RaftMessageType__Output);
  'from': (number);
  'to': (number);
  'term': (number);
  'lastLogIndex': (number);
  'lastLogTerm': (number);
  'transfer': (boolean);
  'reject': (boolean);
  'prevIndex': (number);
  'prevTerm': (number);
  'commit': (number);
  'index': (number);
  'hintIndex': (number);
  'hintTerm': (number);
  'entries': (_sluice_v1_RaftEntry__Output)[];
  'snapshot': (_sluice_v1_RaftSnapshot__Output | null);
  'repairing': (boolean);
}
