// Original file: proto/sluice/v1/broker.proto

import type { BrokerInfo as _sluice_v1_BrokerInfo, BrokerInfo__Output as _sluice_v1_BrokerInfo__Output } from '../../sluice/v1/BrokerInfo.js';
import type { TopicMetadata as _sluice_v1_TopicMetadata, TopicMetadata__Output as _sluice_v1_TopicMetadata__Output } from '../../sluice/v1/TopicMetadata.js';

export interface MetadataResponse {
  'brokers'?: (_sluice_v1_BrokerInfo)[];
  'controller'?: (number);
  'topics'?: (_sluice_v1_TopicMetadata)[];
  'clusterIdHash'?: (number);
  'throttleTimeMs'?: (number);
}

export interface MetadataResponse__Output {
  'brokers': (_sluice_v1_BrokerInfo__Output)[];
  'controller': (number);
  'topics': (_sluice_v1_TopicMetadata__Output)[];
  'clusterIdHash': (number);
  'throttleTimeMs': (number);
}
