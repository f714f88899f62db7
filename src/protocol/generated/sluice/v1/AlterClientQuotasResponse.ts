// Original file: proto/sluice/v1/broker.proto

import type { ClientQuotaEntry as _sluice_v1_ClientQuotaEntry, ClientQuotaEntry__Output as _sluice_v1_ClientQuotaEntry__Output } from '../../sluice/v1/ClientQuotaEntry.js';

export interface AlterClientQuotasResponse {
  'entry'?: (_sluice_v1_ClientQuotaEntry | null);
}

export interface AlterClientQuotasResponse__Output {
  'entry': (_sluice_v1_ClientQuotaEntry__Output | null);
}
