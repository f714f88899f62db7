// Original file: proto/sluice/v1/groups.proto

import type { MemberDescription as _sluice_v1_MemberDescription, MemberDescription__Output as _sluice_v1_MemberDescription__Output } from '../../sluice/v1/MemberDescription.js';
import type { PartitionLag as _sluice_v1_PartitionLag, PartitionLag__Output as _sluice_v1_PartitionLag__Output } from '../../sluice/v1/PartitionLag.js';

export interface DescribeGroupResponse {
  'groupId'?: (string);
  'state'?: (string);
  'groupEpoch'?: (number);
  'members'?: (_sluice_v1_MemberDescription)[];
  'partitions'?: (_sluice_v1_PartitionLag)[];
}

export interface DescribeGroupResponse__Output {
  'groupId': (string);
  'state': (string);
  'groupEpoch': (number);
  'members': (_sluice_v1_MemberDescription__Output)[];
  'partitions': (_sluice_v1_PartitionLag__Output)[];
}
