// Original file: proto/sluice/v1/broker.proto

import type { Long } from '@grpc/proto-loader';

export interface SaslAuthenticateResponse {
  'serverFinalMessage'?: (string);
  'sessionToken'?: (string);
  'sessionLifetimeMs'?: (number | string | Long);
}

export interface SaslAuthenticateResponse__Output {
  'serverFinalMessage': (string);
  'sessionToken': (string);
  'sessionLifetimeMs': (number);
}
