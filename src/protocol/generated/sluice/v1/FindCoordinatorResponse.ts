// Original file: proto/sluice/v1/groups.proto


export interface FindCoordinatorResponse {
  'brokerId'?: (number);
  'host'?: (string);
  'port'?: (number);
  'offsetsPartition'?: (number);
}

export interface FindCoordinatorResponse__Output {
  'brokerId': (number);
  'host': (string);
  'port': (number);
  'offsetsPartition': (number);
}
