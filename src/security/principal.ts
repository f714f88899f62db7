/**
 * Who a call acts for. Kafka writes a principal `User:<name>`; Sluice keeps the name only, since
 * every principal is a user. The authentication layer (services.ts, which checks a SCRAM session
 * token before any handler runs) binds the principal to the call; otherwise a verified TLS client
 * certificate names it; otherwise the call is ANONYMOUS.
 */
import { verifiedPeerName, type CallTransport } from './peer-identity.js';

export interface Principal {
  readonly name: string;
}

export const ANONYMOUS: Principal = Object.freeze({ name: 'ANONYMOUS' });

// Keyed by the call object, so a binding lives exactly as long as its call.
const sessionPrincipals = new WeakMap<object, Principal>();

/** Records that `call` presented a valid SCRAM session token for `principal`. */
export function bindSessionPrincipal(call: object, principal: Principal): void {
  sessionPrincipals.set(call, principal);
}

/** The principal of a call: its SCRAM session, else its verified client certificate, else ANONYMOUS. */
export function principalOf(call: CallTransport): Principal {
  const session = sessionPrincipals.get(call);
  if (session !== undefined) return session;
  const certificateName = verifiedPeerName(call);
  return certificateName !== undefined ? { name: certificateName } : ANONYMOUS;
}
