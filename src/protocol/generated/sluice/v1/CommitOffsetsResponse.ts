// Original file: proto/sluice/v1/groups.proto


export interface CommitOffsetsResponse {
}

export interface CommitOffsetsResponse__Output {
}
