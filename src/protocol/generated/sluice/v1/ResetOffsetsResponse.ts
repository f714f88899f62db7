// Original file: proto/sluice/v1/groups.proto


export interface ResetOffsetsResponse {
}

export interface ResetOffsetsResponse__Output {
}
