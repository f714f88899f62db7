/**
 * Kafka's error codes (https://kafka.apache.org/protocol#protocol_error_codes) that Sluice answers,
 * and the one mapping from Sluice's error table to them, so Kafka clients retry exactly where they
 * would against Kafka (NOT_LEADER_OR_FOLLOWER refreshes metadata, and so on).
 */
import { SluiceError, type ErrorCode } from '../protocol/errors.js';
import { logger } from '../observability/log.js';

const log = logger('kafka');

export const KafkaError = {
  UNKNOWN_SERVER_ERROR: -1,
  NONE: 0,
  OFFSET_OUT_OF_RANGE: 1,
  CORRUPT_MESSAGE: 2,
  UNKNOWN_TOPIC_OR_PARTITION: 3,
  LEADER_NOT_AVAILABLE: 5,
  NOT_LEADER_OR_FOLLOWER: 6,
  REQUEST_TIMED_OUT: 7,
  BROKER_NOT_AVAILABLE: 8,
  MESSAGE_TOO_LARGE: 10,
  COORDINATOR_NOT_AVAILABLE: 15,
  NOT_COORDINATOR: 16,
  INVALID_TOPIC_EXCEPTION: 17,
  NOT_ENOUGH_REPLICAS: 19,
  INVALID_REQUIRED_ACKS: 21,
  ILLEGAL_GENERATION: 22,
  UNKNOWN_MEMBER_ID: 25,
  TOPIC_AUTHORIZATION_FAILED: 29,
  GROUP_AUTHORIZATION_FAILED: 30,
  CLUSTER_AUTHORIZATION_FAILED: 31,
  UNSUPPORTED_SASL_MECHANISM: 33,
  ILLEGAL_SASL_STATE: 34,
  UNSUPPORTED_VERSION: 35,
  TOPIC_ALREADY_EXISTS: 36,
  TRANSACTIONAL_ID_AUTHORIZATION_FAILED: 53,
  INVALID_CONFIG: 40,
  INVALID_REQUEST: 42,
  UNSUPPORTED_FOR_MESSAGE_FORMAT: 43,
  OUT_OF_ORDER_SEQUENCE_NUMBER: 45,
  DUPLICATE_SEQUENCE_NUMBER: 46,
  KAFKA_STORAGE_ERROR: 56,
  SASL_AUTHENTICATION_FAILED: 58,
  UNSUPPORTED_COMPRESSION_TYPE: 76,
  NON_EMPTY_GROUP: 68,
  INVALID_RECORD: 87,
  // consumer groups (classic protocol)
  COORDINATOR_LOAD_IN_PROGRESS: 14,
  INCONSISTENT_GROUP_PROTOCOL: 23,
  INVALID_GROUP_ID: 24,
  INVALID_SESSION_TIMEOUT: 26,
  REBALANCE_IN_PROGRESS: 27,
  GROUP_ID_NOT_FOUND: 69,
  MEMBER_ID_REQUIRED: 79,
  GROUP_MAX_SIZE_REACHED: 81,
} as const;

export type KafkaErrorName = keyof typeof KafkaError;

/** Sluice codes without an entry answer UNKNOWN_SERVER_ERROR. */
const FROM_SLUICE: Partial<Record<ErrorCode, KafkaErrorName>> = {
  UNKNOWN_TOPIC: 'UNKNOWN_TOPIC_OR_PARTITION',
  UNKNOWN_PARTITION: 'UNKNOWN_TOPIC_OR_PARTITION',
  NOT_LEADER: 'NOT_LEADER_OR_FOLLOWER',
  // A stopping broker hands its leaderships away: the client should look for the new leader.
  SHUTTING_DOWN: 'NOT_LEADER_OR_FOLLOWER',
  NOT_ENOUGH_REPLICAS: 'NOT_ENOUGH_REPLICAS',
  OFFSET_OUT_OF_RANGE: 'OFFSET_OUT_OF_RANGE',
  CORRUPT_BATCH: 'CORRUPT_MESSAGE',
  BATCH_TOO_LARGE: 'MESSAGE_TOO_LARGE',
  INVALID_CONFIG: 'INVALID_CONFIG',
  INVALID_TOPIC: 'INVALID_TOPIC_EXCEPTION',
  INVALID_REQUEST: 'INVALID_REQUEST',
  DUPLICATE_SEQUENCE: 'DUPLICATE_SEQUENCE_NUMBER',
  OUT_OF_ORDER_SEQUENCE: 'OUT_OF_ORDER_SEQUENCE_NUMBER',
  TOPIC_EXISTS: 'TOPIC_ALREADY_EXISTS',
  UNAUTHORIZED: 'TOPIC_AUTHORIZATION_FAILED',
  UNAUTHENTICATED: 'SASL_AUTHENTICATION_FAILED',
  STORAGE_ERROR: 'KAFKA_STORAGE_ERROR',
  REQUEST_TIMED_OUT: 'REQUEST_TIMED_OUT',
  BROKER_NOT_AVAILABLE: 'BROKER_NOT_AVAILABLE',
  NOT_COORDINATOR: 'NOT_COORDINATOR',
  UNKNOWN_MEMBER: 'UNKNOWN_MEMBER_ID',
  STALE_MEMBER_EPOCH: 'ILLEGAL_GENERATION',
  GROUP_NOT_EMPTY: 'NON_EMPTY_GROUP',
  GROUP_PROTOCOL_MISMATCH: 'INCONSISTENT_GROUP_PROTOCOL',
  UNKNOWN_GROUP: 'GROUP_ID_NOT_FOUND',
};

/** An error a handler raises with a Kafka code of its own (no Sluice equivalent). */
export class KafkaProtocolError extends Error {
  override name = 'KafkaProtocolError';
  constructor(
    readonly errorName: KafkaErrorName,
    message: string,
  ) {
    super(message);
  }
}

export interface KafkaFailure {
  code: number;
  message: string;
}

export function kafkaFailure(err: unknown): KafkaFailure {
  if (err instanceof KafkaProtocolError) return { code: KafkaError[err.errorName], message: err.message };
  if (err instanceof SluiceError) return { code: KafkaError[FROM_SLUICE[err.code] ?? 'UNKNOWN_SERVER_ERROR'], message: err.message };
  log.error({ err }, 'internal error while serving a Kafka request');
  return { code: KafkaError.UNKNOWN_SERVER_ERROR, message: err instanceof Error ? err.message : String(err) };
}
