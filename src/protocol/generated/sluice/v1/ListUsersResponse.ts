// Original file: proto/sluice/v1/broker.proto

import type { UserSummary as _sluice_v1_UserSummary, UserSummary__Output as _sluice_v1_UserSummary__Output } from '../../sluice/v1/UserSummary.js';

export interface ListUsersResponse {
  'users'?: (_sluice_v1_UserSummary)[];
}

export interface ListUsersResponse__Output {
  'users': (_sluice_v1_UserSummary__Output)[];
}
