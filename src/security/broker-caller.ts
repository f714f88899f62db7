/**
 * Which broker is calling the inter-broker listener. With mutual TLS there, a caller is the broker
 * its certificate names (CN `broker-<id>`); a request that claims to come from another broker, or a
 * caller whose certificate names no broker (a client's), is refused. Without TLS (development on
 * loopback, the simulator) nothing can be checked and every caller is taken at its word.
 */
import { SluiceError } from '../protocol/errors.js';
import { brokerIdOfCommonName } from './tls.js';
import { verifiedPeerName, type CallTransport } from './peer-identity.js';

/** `certificate`: the inter-broker listener runs mutual TLS; `none`: plaintext, callers unchecked. */
export type BrokerAuthentication = 'none' | 'certificate';

/** The broker id the caller's verified certificate names, or undefined. */
export function authenticatedBrokerId(call: CallTransport): number | undefined {
  return brokerIdOfCommonName(verifiedPeerName(call));
}

/**
 * Throws UNAUTHORIZED unless the caller may act as a broker (as broker `claimedId`, when the request
 * names one). A no-op under `none`.
 */
export function requireBrokerCaller(mode: BrokerAuthentication, call: CallTransport, claimedId?: number): void {
  if (mode === 'none') return;
  const caller = authenticatedBrokerId(call);
  if (caller === undefined) throw new SluiceError('UNAUTHORIZED', 'only brokers may call the controller: no broker certificate');
  if (claimedId !== undefined && claimedId !== caller) {
    throw new SluiceError('UNAUTHORIZED', `broker ${caller} may not act for broker ${claimedId}`);
  }
}
