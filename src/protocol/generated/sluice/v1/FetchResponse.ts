// Original file: proto/sluice/v1/broker.proto

import type { Long } from '@grpc/proto-loader';

export interface FetchResponse {
  'records'?: (Buffer | Uint8Array | string);
  'highWatermark'?: (number | string | Long);
  'logStartOffset'?: (number | string | Long);
  'logEndOffset'?: (number | string | Long);
  'messageTtlMs'?: (number | string | Long);
  'expiredRecords'?: (number | string | Long);
  'nextOffset'?: (number | string | Long);
}

export interface FetchResponse__Output {
  'records': (Buffer);
  'highWatermark': (number);
  'logStartOffset': (number);
  'logEndOffset': (number);
  'messageTtlMs': (number);
  'expiredRecords': (number);
  'nextOffset': (number);
}
