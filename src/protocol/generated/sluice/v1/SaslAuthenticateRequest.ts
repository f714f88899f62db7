// Original file: proto/sluice/v1/broker.proto


export interface SaslAuthenticateRequest {
  'exchangeId'?: (string);
  'clientFinalMessage'?: (string);
}

export interface SaslAuthenticateRequest__Output {
  'exchangeId': (string);
  'clientFinalMessage': (string);
}
