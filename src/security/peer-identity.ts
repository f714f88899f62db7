/**
 * The identity a TLS peer proved with its certificate. grpc-js reports a peer certificate only when
 * the handshake verified it against the listener's CA (`socket.authorized`), so a name read here is
 * one the CA vouched for; a plaintext call, or one without a verified certificate, has none.
 */
import type { AuthContext } from '@grpc/grpc-js/build/src/auth-context.js';

/**
 * What a call exposes of its transport; the simulator's in-memory calls have no `getAuthContext`,
 * and a client-side call has none (null) before it is connected.
 */
export interface CallTransport {
  getAuthContext?: () => AuthContext | null;
}

/** The common name (CN) of the peer's verified certificate, or undefined without one. */
export function verifiedPeerName(call: CallTransport): string | undefined {
  const subject = call.getAuthContext?.()?.sslPeerCertificate?.subject;
  const commonName = subject?.CN;
  // Node types CN as string, but a certificate with several CNs yields an array: ambiguous, so none.
  return typeof commonName === 'string' && commonName.length > 0 ? commonName : undefined;
}
