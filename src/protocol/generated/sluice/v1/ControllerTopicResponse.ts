// Original file: proto/sluice/v1/controller.proto

import type { Long } from '@grpc/proto-loader';

export interface ControllerTopicResponse {
  'metadataVersion'?: (number | string | Long);
}

export interface ControllerTopicResponse__Output {
  'metadataVersion': (number);
}
