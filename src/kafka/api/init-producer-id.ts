/**
 * InitProducerId (key 22), v0-1 (flexible starts at v2, not served).
 *
 *   request  := transactional_id nullable string, transaction_timeout_ms int32
 *   response := throttle_time_ms int32, error_code int16, producer_id int64, producer_epoch int16
 *
 * Idempotent producers only: a transactional id is refused (no transactions).
 */
import type { KafkaReader, KafkaWriter } from '../codec.js';

export interface InitProducerIdRequest {
  transactionalId: string | null;
}

export interface InitProducerIdResponse {
  errorCode: number;
  producerId: number;
  producerEpoch: number;
}

export function decodeInitProducerIdRequest(reader: KafkaReader): InitProducerIdRequest {
  const transactionalId = reader.nullableString();
  reader.int32(); // transaction timeout
  return { transactionalId };
}

export function encodeInitProducerIdResponse(writer: KafkaWriter, response: InitProducerIdResponse): void {
  writer.int32(0).int16(response.errorCode).int64(response.producerId).int16(response.producerEpoch);
}
