// Original file: proto/sluice/v1/broker.proto


export interface AlterTopicConfigRequest {
  'name'?: (string);
  'set'?: ({[key: string]: string});
  'delete'?: (string)[];
}

export interface AlterTopicConfigRequest__Output {
  'name': (string);
  'set': ({[key: string]: string});
  'delete': (string)[];
}
