// Original file: proto/sluice/v1/controller.proto


export interface AllocateProducerIdsRequest {
  'brokerId'?: (number);
  'count'?: (number);
}

export interface AllocateProducerIdsRequest__Output {
  'brokerId': (number);
  'count': (number);
}
