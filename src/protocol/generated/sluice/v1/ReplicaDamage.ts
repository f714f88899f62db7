// Original file: proto/sluice/v1/broker.proto

import type { OffsetRange as _sluice_v1_OffsetRange, OffsetRange__Output as _sluice_v1_OffsetRange__Output } from '../../sluice/v1/OffsetRange.js';

export interface ReplicaDamage {
  'topic'?: (string);
  'partition'?: (number);
  'repairing'?: (boolean);
  'lost'?: (_sluice_v1_OffsetRange)[];
}

export interface ReplicaDamage__Output {
  'topic': (string);
  'partition': (number);
  'repairing': (boolean);
  'lost': (_sluice_v1_OffsetRange__Output)[];
}
