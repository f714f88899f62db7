// Original file: proto/sluice/v1/controller.proto


export interface RegisterBrokerRequest {
  'brokerId'?: (number);
  'host'?: (string);
  'port'?: (number);
  'incarnation'?: (string);
  'interBrokerAddress'?: (string);
  'kafkaAddress'?: (string);
}

export interface RegisterBrokerRequest__Output {
  'brokerId': (number);
  'host': (string);
  'port': (number);
  'incarnation': (string);
  'interBrokerAddress': (string);
  'kafkaAddress': (string);
}
