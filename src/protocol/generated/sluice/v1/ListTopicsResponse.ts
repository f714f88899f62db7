// Original file: proto/sluice/v1/broker.proto

import type { TopicSummary as _sluice_v1_TopicSummary, TopicSummary__Output as _sluice_v1_TopicSummary__Output } from '../../sluice/v1/TopicSummary.js';

export interface ListTopicsResponse {
  'topics'?: (_sluice_v1_TopicSummary)[];
}

export interface ListTopicsResponse__Output {
  'topics': (_sluice_v1_TopicSummary__Output)[];
}
