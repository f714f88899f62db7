// Original file: proto/sluice/v1/broker.proto

import type { Reassignment as _sluice_v1_Reassignment, Reassignment__Output as _sluice_v1_Reassignment__Output } from '../../sluice/v1/Reassignment.js';
import type { Long } from '@grpc/proto-loader';

export interface ReassignmentsResponse {
  'reassignments'?: (_sluice_v1_Reassignment)[];
  'decommissioned'?: (number)[];
  'metadataVersion'?: (number | string | Long);
  'movesStarted'?: (number);
  'controllerVoters'?: (number)[];
  'controllerTarget'?: (number)[];
}

export interface ReassignmentsResponse__Output {
  'reassignments': (_sluice_v1_Reassignment__Output)[];
  'decommissioned': (number)[];
  'metadataVersion': (number);
  'movesStarted': (number);
  'controllerVoters': (number)[];
  'controllerTarget': (number)[];
}
