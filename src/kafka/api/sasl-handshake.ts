/**
 * SaslHandshake (key 17), v0-1. Only v1 leads anywhere: after v0 the client would send raw SASL
 * tokens instead of SaslAuthenticate requests, which is not served (the handler answers v0
 * UNSUPPORTED_VERSION).
 *
 *   request  := mechanism string
 *   response := error_code int16, mechanisms [string]
 */
import type { KafkaReader, KafkaWriter } from '../codec.js';

export interface SaslHandshakeResponse {
  errorCode: number;
  mechanisms: readonly string[];
}

export function decodeSaslHandshakeRequest(reader: KafkaReader): { mechanism: string } {
  return { mechanism: reader.string() };
}

export function encodeSaslHandshakeResponse(writer: KafkaWriter, response: SaslHandshakeResponse): void {
  writer.int16(response.errorCode).array(response.mechanisms, (w, name) => w.string(name));
}
