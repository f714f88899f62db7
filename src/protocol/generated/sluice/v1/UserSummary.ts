// Original file: proto/sluice/v1/broker.proto


export interface UserSummary {
  'name'?: (string);
  'mechanisms'?: (string)[];
}

export interface UserSummary__Output {
  'name': (string);
  'mechanisms': (string)[];
}
