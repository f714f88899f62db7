// Original file: proto/sluice/v1/broker.proto


export interface ListUsersRequest {
}

export interface ListUsersRequest__Output {
}
