// Original file: proto/sluice/v1/broker.proto


export interface ClientQuotaEntry {
  'principal'?: (string);
  'quotas'?: ({[key: string]: number | string});
}

export interface ClientQuotaEntry__Output {
  'principal': (string);
  'quotas': ({[key: string]: number});
}
