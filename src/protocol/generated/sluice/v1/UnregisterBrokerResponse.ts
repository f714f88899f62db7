// Original file: proto/sluice/v1/broker.proto


export interface UnregisterBrokerResponse {
}

export interface UnregisterBrokerResponse__Output {
}
