// Original file: proto/sluice/v1/broker.proto


export interface SaslHandshakeResponse {
  'exchangeId'?: (string);
  'serverFirstMessage'?: (string);
}

export interface SaslHandshakeResponse__Output {
  'exchangeId': (string);
  'serverFirstMessage': (string);
}
