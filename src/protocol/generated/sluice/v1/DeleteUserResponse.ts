// Original file: proto/sluice/v1/broker.proto


export interface DeleteUserResponse {
}

export interface DeleteUserResponse__Output {
}
