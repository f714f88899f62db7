// Original file: proto/sluice/v1/broker.proto

import type { ClientQuotaEntry as _sluice_v1_ClientQuotaEntry, ClientQuotaEntry__Output as _sluice_v1_ClientQuotaEntry__Output } from '../../sluice/v1/ClientQuotaEntry.js';

export interface DescribeClientQuotasResponse {
  'entries'?: (_sluice_v1_ClientQuotaEntry)[];
  'defaults'?: ({[key: string]: number | string});
}

export interface DescribeClientQuotasResponse__Output {
  'entries': (_sluice_v1_ClientQuotaEntry__Output)[];
  'defaults': ({[key: string]: number});
}
