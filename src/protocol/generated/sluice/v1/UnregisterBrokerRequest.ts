// Original file: proto/sluice/v1/broker.proto


export interface UnregisterBrokerRequest {
  'brokerId'?: (number);
}

export interface UnregisterBrokerRequest__Output {
  'brokerId': (number);
}
