// Original file: proto/sluice/v1/broker.proto


export interface ScramCredential {
  'mechanism'?: (string);
  'iterations'?: (number);
  'salt'?: (Buffer | Uint8Array | string);
  'storedKey'?: (Buffer | Uint8Array | string);
  'serverKey'?: (Buffer | Uint8Array | string);
}

export interface ScramCredential__Output {
  'mechanism': (string);
  'iterations': (number);
  'salt': (Buffer);
  'storedKey': (Buffer);
  'serverKey': (Buffer);
}
