// Original file: proto/sluice/v1/broker.proto


export interface AclChangeResponse {
}

export interface AclChangeResponse__Output {
}
