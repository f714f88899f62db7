// Original file: proto/sluice/v1/broker.proto


export interface DeleteUserRequest {
  'name'?: (string);
}

export interface DeleteUserRequest__Output {
  'name': (string);
}
