// Original file: proto/sluice/v1/broker.proto

import type { ResponseError as _sluice_v1_ResponseError, ResponseError__Output as _sluice_v1_ResponseError__Output } from '../../sluice/v1/ResponseError.js';
import type { Long } from '@grpc/proto-loader';

export interface ProduceResponse {
  'baseOffset'?: (number | string | Long);
  'lastOffset'?: (number | string | Long);
  'logAppendTimeMs'?: (number | string | Long);
  'logStartOffset'?: (number | string | Long);
  'correlationId'?: (number | string | Long);
  'error'?: (_sluice_v1_ResponseError | null);
  'throttleTimeMs'?: (number);
}

export interface ProduceResponse__Output {
  'baseOffset': (number);
  'lastOffset': (number);
  'logAppendTimeMs': (number);
  'logStartOffset': (number);
  'correlationId': (number);
  'error': (_sluice_v1_ResponseError__Output | null);
  'throttleTimeMs': (number);
}
