// Original file: proto/sluice/v1/broker.proto


export interface TopicSummary {
  'name'?: (string);
  'partitions'?: (number);
  'replicationFactor'?: (number);
}

export interface TopicSummary__Output {
  'name': (string);
  'partitions': (number);
  'replicationFactor': (number);
}
