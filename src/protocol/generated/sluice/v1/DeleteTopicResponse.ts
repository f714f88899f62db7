// Original file: proto/sluice/v1/broker.proto


export interface DeleteTopicResponse {
}

export interface DeleteTopicResponse__Output {
}
