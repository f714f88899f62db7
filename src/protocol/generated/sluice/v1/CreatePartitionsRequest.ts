// Original file: proto/sluice/v1/broker.proto


export interface CreatePartitionsRequest {
  'name'?: (string);
  'count'?: (number);
}

export interface CreatePartitionsRequest__Output {
  'name': (string);
  'count': (number);
}
