// Original file: proto/sluice/v1/broker.proto


export interface MetadataRequest {
  'topics'?: (string)[];
}

export interface MetadataRequest__Output {
  'topics': (string)[];
}
