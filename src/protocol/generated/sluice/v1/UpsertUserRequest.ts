// Original file: proto/sluice/v1/broker.proto

import type { ScramCredential as _sluice_v1_ScramCredential, ScramCredential__Output as _sluice_v1_ScramCredential__Output } from '../../sluice/v1/ScramCredential.js';

export interface UpsertUserRequest {
  'name'?: (string);
  'credential'?: (_sluice_v1_ScramCredential | null);
}

export interface UpsertUserRequest__Output {
  'name': (string);
  'credential': (_sluice_v1_ScramCredential__Output | null);
}
