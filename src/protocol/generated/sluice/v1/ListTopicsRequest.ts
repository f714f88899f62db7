// Original file: proto/sluice/v1/broker.proto


export interface ListTopicsRequest {
  'includeInternal'?: (boolean);
}

export interface ListTopicsRequest__Output {
  'includeInternal': (boolean);
}
