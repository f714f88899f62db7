// Original file: proto/sluice/v1/broker.proto


export interface ListAclsRequest {
}

export interface ListAclsRequest__Output {
}
