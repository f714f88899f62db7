// Original file: proto/sluice/v1/raft.proto

import type { Long } from '@grpc/proto-loader';

export interface RaftSnapshot {
  'index'?: (number | string | Long);
  'term'?: (number | string | Long);
  'data'?: (Buffer | Uint8Array | string);
  'conf'?: (Buffer | Uint8Array | string);
}

export interface RaftSnapshot__Output {
  'index': (number);
  'term': (number);
  'data': (Buffer);
  'conf': (Buffer);
}
