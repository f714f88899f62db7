// Original file: proto/sluice/v1/broker.proto


export interface DescribeClientQuotasRequest {
  'principal'?: (string);
}

export interface DescribeClientQuotasRequest__Output {
  'principal': (string);
}
