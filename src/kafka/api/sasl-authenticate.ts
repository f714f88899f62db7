/**
 * SaslAuthenticate (key 36), v0-2; flexible from v2.
 *
 *   request  := auth_bytes bytes, tags
 *   response := error_code int16, error_message nullable string, auth_bytes bytes,
 *               session_lifetime_ms int64 (v1+), tags
 */
import { KafkaDecodeError, type KafkaReader, type KafkaWriter } from '../codec.js';

export interface SaslAuthenticateResponse {
  errorCode: number;
  errorMessage: string | null;
  authBytes: Buffer;
  /** 0: the session does not expire on this connection; otherwise the client re-authenticates before (KIP-368). */
  sessionLifetimeMs: number;
}

export function decodeSaslAuthenticateRequest(reader: KafkaReader): { authBytes: Buffer } {
  const authBytes = reader.nullableBytes();
  if (authBytes === null) throw new KafkaDecodeError('null auth_bytes');
  reader.tags();
  return { authBytes };
}

export function encodeSaslAuthenticateResponse(writer: KafkaWriter, version: number, response: SaslAuthenticateResponse): void {
  writer.int16(response.errorCode).nullableString(response.errorMessage).nullableBytes(response.authBytes);
  if (version >= 1) writer.int64(response.sessionLifetimeMs);
  writer.tags();
}
