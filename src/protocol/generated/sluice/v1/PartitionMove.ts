// Original file: proto/sluice/v1/broker.proto


export interface PartitionMove {
  'topic'?: (string);
  'partition'?: (number);
  'replicas'?: (number)[];
}

export interface PartitionMove__Output {
  'topic': (string);
  'partition': (number);
  'replicas': (number)[];
}
