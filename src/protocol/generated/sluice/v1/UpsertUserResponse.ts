// Original file: proto/sluice/v1/broker.proto


export interface UpsertUserResponse {
}

export interface UpsertUserResponse__Output {
}
