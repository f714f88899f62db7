import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { RaftClient as _sluice_v1_RaftClient, RaftDefinition as _sluice_v1_RaftDefinition } from './sluice/v1/Raft.js';
import type { RaftEntry as _sluice_v1_RaftEntry, RaftEntry__Output as _sluice_v1_RaftEntry__Output } from './sluice/v1/RaftEntry.js';
import type { RaftFrame as _sluice_v1_RaftFrame, RaftFrame__Output as _sluice_v1_RaftFrame__Output } from './sluice/v1/RaftFrame.js';
import type { RaftGroupMessage as _sluice_v1_RaftGroupMessage, RaftGroupMessage__Output as _sluice_v1_RaftGroupMessage__Output } from './sluice/v1/RaftGroupMessage.js';
import type { RaftMessage as _sluice_v1_RaftMessage, RaftMessage__Output as _sluice_v1_RaftMessage__Output } from './sluice/v1/RaftMessage.js';
import type { RaftSnapshot as _sluice_v1_RaftSnapshot, RaftSnapshot__Output as _sluice_v1_RaftSnapshot__Output } from './sluice/v1/RaftSnapshot.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  sluice: {
    v1: {
      Raft: SubtypeConstructor<typeof grpc.Client, _sluice_v1_RaftClient> & { service: _sluice_v1_RaftDefinition }
      RaftEntry: MessageTypeDefinition<_sluice_v1_RaftEntry, _sluice_v1_RaftEntry__Output>
      RaftFrame: MessageTypeDefinition<_sluice_v1_RaftFrame, _sluice_v1_RaftFrame__Output>
      RaftGroupMessage: MessageTypeDefinition<_sluice_v1_RaftGroupMessage, _sluice_v1_RaftGroupMessage__Output>
      RaftMessage: MessageTypeDefinition<_sluice_v1_RaftMessage, _sluice_v1_RaftMessage__Output>
      RaftMessageType: EnumTypeDefinition
      RaftSnapshot: MessageTypeDefinition<_sluice_v1_RaftSnapshot, _sluice_v1_RaftSnapshot__Output>
    }
  }
}

