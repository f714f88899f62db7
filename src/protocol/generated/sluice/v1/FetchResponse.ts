// Original file: proto/sluice/v1/broker.proto

import type { ResponseError as _sluice_v1_ResponseError, ResponseError__Output as _sluice_v1_ResponseError__Output } from '../../sluice/v1/ResponseError.js';
import type { Long } from '@grpc/proto-loader';

export interface FetchResponse {
  'records'?: (Buffer | Uint8Array | string);
  'highWatermark'?: (number | string | Long);
  'logStartOffset'?: (number | string | Long);
  'logEndOffset'?: (number | string | Long);
  'messageTtlMs'?: (number | string | Long);
  'expiredRecords'?: (number | string | Long);
  'nextOffset'?: (number | string | Long);
  'correlationId'?: (number | string | Long);
  'error'?: (_sluice_v1_ResponseError | null);
  'throttleTimeMs'?: (number);
}

export interface FetchResponse__Output {
  'records': (Buffer);
  'highWatermark': (number);
  'logStartOffset': (number);
  'logEndOffset': (number);
  'messageTtlMs': (number);
  'expiredRecords': (number);
  'nextOffset': (number);
  'correlationId': (number);
  'error': (_sluice_v1_ResponseError__Output | null);
  'throttleTimeMs': (number);
}
