// Original file: proto/sluice/v1/broker.proto

import type { AclBinding as _sluice_v1_AclBinding, AclBinding__Output as _sluice_v1_AclBinding__Output } from '../../sluice/v1/AclBinding.js';

export interface ListAclsResponse {
  'acls'?: (_sluice_v1_AclBinding)[];
}

export interface ListAclsResponse__Output {
  'acls': (_sluice_v1_AclBinding__Output)[];
}
