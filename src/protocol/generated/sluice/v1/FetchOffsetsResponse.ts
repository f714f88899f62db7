// Original file: proto/sluice/v1/groups.proto

import type { PartitionOffset as _sluice_v1_PartitionOffset, PartitionOffset__Output as _sluice_v1_PartitionOffset__Output } from '../../sluice/v1/PartitionOffset.js';

export interface FetchOffsetsResponse {
  'offsets'?: (_sluice_v1_PartitionOffset)[];
}

export interface FetchOffsetsResponse__Output {
  'offsets': (_sluice_v1_PartitionOffset__Output)[];
}
