// Original file: proto/sluice/v1/broker.proto


export interface SaslHandshakeRequest {
  'mechanism'?: (string);
  'clientFirstMessage'?: (string);
}

export interface SaslHandshakeRequest__Output {
  'mechanism': (string);
  'clientFirstMessage': (string);
}
