// Original file: proto/sluice/v1/broker.proto


export interface DescribeTopicRequest {
  'name'?: (string);
}

export interface DescribeTopicRequest__Output {
  'name': (string);
}
