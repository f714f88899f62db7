// Original file: proto/sluice/v1/groups.proto

import type { GroupSummary as _sluice_v1_GroupSummary, GroupSummary__Output as _sluice_v1_GroupSummary__Output } from '../../sluice/v1/GroupSummary.js';

export interface ListGroupsResponse {
  'groups'?: (_sluice_v1_GroupSummary)[];
}

export interface ListGroupsResponse__Output {
  'groups': (_sluice_v1_GroupSummary__Output)[];
}
