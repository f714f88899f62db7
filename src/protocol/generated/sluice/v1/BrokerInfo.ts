// Original file: proto/sluice/v1/broker.proto


export interface BrokerInfo {
  'id'?: (number);
  'host'?: (string);
  'port'?: (number);
  'alive'?: (boolean);
}

export interface BrokerInfo__Output {
  'id': (number);
  'host': (string);
  'port': (number);
  'alive': (boolean);
}
