// Original file: proto/sluice/v1/broker.proto

import type { PartitionMetadata as _sluice_v1_PartitionMetadata, PartitionMetadata__Output as _sluice_v1_PartitionMetadata__Output } from '../../sluice/v1/PartitionMetadata.js';

export interface TopicMetadata {
  'name'?: (string);
  'partitions'?: (_sluice_v1_PartitionMetadata)[];
}

export interface TopicMetadata__Output {
  'name': (string);
  'partitions': (_sluice_v1_PartitionMetadata__Output)[];
}
