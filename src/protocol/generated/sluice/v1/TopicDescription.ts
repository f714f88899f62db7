// Original file: proto/sluice/v1/broker.proto

import type { PartitionDescription as _sluice_v1_PartitionDescription, PartitionDescription__Output as _sluice_v1_PartitionDescription__Output } from '../../sluice/v1/PartitionDescription.js';

export interface TopicDescription {
  'name'?: (string);
  'partitions'?: (_sluice_v1_PartitionDescription)[];
  'configs'?: ({[key: string]: string});
  'replicationFactor'?: (number);
}

export interface TopicDescription__Output {
  'name': (string);
  'partitions': (_sluice_v1_PartitionDescription__Output)[];
  'configs': ({[key: string]: string});
  'replicationFactor': (number);
}
