// Original file: proto/sluice/v1/broker.proto

import type { PartitionMove as _sluice_v1_PartitionMove, PartitionMove__Output as _sluice_v1_PartitionMove__Output } from '../../sluice/v1/PartitionMove.js';

export interface AlterReassignmentsRequest {
  'moves'?: (_sluice_v1_PartitionMove)[];
  'decommission'?: (number);
  'recommission'?: (number);
  'rebalance'?: (boolean);
  'maxMoves'?: (number);
  'controllerVoters'?: (number)[];
}

export interface AlterReassignmentsRequest__Output {
  'moves': (_sluice_v1_PartitionMove__Output)[];
  'decommission': (number);
  'recommission': (number);
  'rebalance': (boolean);
  'maxMoves': (number);
  'controllerVoters': (number)[];
}
