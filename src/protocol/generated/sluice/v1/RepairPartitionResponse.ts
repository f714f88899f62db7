// Original file: proto/sluice/v1/broker.proto

import type { OffsetRange as _sluice_v1_OffsetRange, OffsetRange__Output as _sluice_v1_OffsetRange__Output } from '../../sluice/v1/OffsetRange.js';

export interface RepairPartitionResponse {
  'skipped'?: (_sluice_v1_OffsetRange)[];
}

export interface RepairPartitionResponse__Output {
  'skipped': (_sluice_v1_OffsetRange__Output)[];
}
