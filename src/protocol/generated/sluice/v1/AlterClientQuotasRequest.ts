// Original file: proto/sluice/v1/broker.proto


export interface AlterClientQuotasRequest {
  'principal'?: (string);
  'set'?: ({[key: string]: number | string});
  'remove'?: (string)[];
}

export interface AlterClientQuotasRequest__Output {
  'principal': (string);
  'set': ({[key: string]: number});
  'remove': (string)[];
}
