// Original file: proto/sluice/v1/broker.proto


export interface ProduceRequest {
  'topic'?: (string);
  'partition'?: (number);
  'acks'?: (number);
  'timeoutMs'?: (number);
  'batch'?: (Buffer | Uint8Array | string);
}

export interface ProduceRequest__Output {
  'topic': (string);
  'partition': (number);
  'acks': (number);
  'timeoutMs': (number);
  'batch': (Buffer);
}
