// Original file: proto/sluice/v1/broker.proto


export interface ListReassignmentsRequest {
}

export interface ListReassignmentsRequest__Output {
}
