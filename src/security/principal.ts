/**
 * Who a call acts for (Kafka's `User:<name>`). QUOTAS' placeholder with the certificate and
 * ANONYMOUS branches only, as seams.md lays out; AUTH's version (SCRAM sessions first) replaces it.
 */
import { verifiedPeerName, type CallTransport } from './peer-identity.js';

export interface Principal {
  readonly name: string;
}

export const ANONYMOUS: Principal = { name: 'ANONYMOUS' };

/** A verified client certificate's CN, else ANONYMOUS. */
export function principalOf(call: CallTransport): Principal {
  const name = verifiedPeerName(call);
  return name === undefined ? ANONYMOUS : { name };
}
