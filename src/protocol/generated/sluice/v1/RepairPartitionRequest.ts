// Original file: proto/sluice/v1/broker.proto


export interface RepairPartitionRequest {
  'topic'?: (string);
  'partition'?: (number);
  'skipDamaged'?: (boolean);
}

export interface RepairPartitionRequest__Output {
  'topic': (string);
  'partition': (number);
  'skipDamaged': (boolean);
}
