// Original file: proto/sluice/v1/broker.proto


export interface ResponseError {
  'code'?: (string);
  'message'?: (string);
  'leaderHint'?: (string);
}

export interface ResponseError__Output {
  'code': (string);
  'message': (string);
  'leaderHint': (string);
}
