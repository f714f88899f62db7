/**
 * The one error table of the wire protocol. Every error a broker returns carries a stable code
 * (the contract in the design brief), a gRPC status, and whether a client may retry it.
 */
import { status as GrpcStatus, Metadata, type ServiceError } from '@grpc/grpc-js';
import type { ResponseError, ResponseError__Output } from './generated/sluice/v1/ResponseError.js';

export const ERROR_CODES = [
  'UNKNOWN_TOPIC',
  'UNKNOWN_PARTITION',
  'NOT_LEADER',
  'NOT_ENOUGH_REPLICAS',
  'OFFSET_OUT_OF_RANGE',
  'CORRUPT_BATCH',
  'BATCH_TOO_LARGE',
  'INVALID_CONFIG',
  'INVALID_TOPIC',
  'INVALID_REQUEST',
  'STALE_MEMBER_EPOCH',
  'UNKNOWN_MEMBER',
  'DUPLICATE_SEQUENCE',
  'OUT_OF_ORDER_SEQUENCE',
  'TOPIC_EXISTS',
  'UNAUTHORIZED',
  'STORAGE_ERROR',
  'REQUEST_TIMED_OUT',
  'SHUTTING_DOWN',
  'BROKER_NOT_AVAILABLE',
  'NOT_COORDINATOR',
  'GROUP_NOT_EMPTY',
  'UNKNOWN_GROUP',
  'INTERNAL',
  // limits (docs/SECURITY.md "Limits")
  'FIELD_TOO_LONG',
  'LIMIT_EXCEEDED',
  'BROKER_BUSY',
  // authentication and ACLs
  'UNAUTHENTICATED',
  'SASL_AUTHENTICATION_FAILED',
  'UNKNOWN_USER',
  // replica moves (docs/CLUSTER.md "Moving replicas")
  'REASSIGNMENT_IN_PROGRESS',
  // joining and removing brokers (docs/CLUSTER.md)
  'UNKNOWN_BROKER',
  'BROKER_IN_USE',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

interface ErrorSpec {
  readonly grpcStatus: GrpcStatus;
  /** A client may send the same request again (after a metadata refresh and a backoff). */
  readonly retriable: boolean;
}

export const ERROR_TABLE: Readonly<Record<ErrorCode, ErrorSpec>> = {
  UNKNOWN_TOPIC: { grpcStatus: GrpcStatus.NOT_FOUND, retriable: false },
  UNKNOWN_PARTITION: { grpcStatus: GrpcStatus.NOT_FOUND, retriable: false },
  NOT_LEADER: { grpcStatus: GrpcStatus.FAILED_PRECONDITION, retriable: true },
  NOT_ENOUGH_REPLICAS: { grpcStatus: GrpcStatus.UNAVAILABLE, retriable: true },
  OFFSET_OUT_OF_RANGE: { grpcStatus: GrpcStatus.OUT_OF_RANGE, retriable: false },
  CORRUPT_BATCH: { grpcStatus: GrpcStatus.INVALID_ARGUMENT, retriable: false },
  BATCH_TOO_LARGE: { grpcStatus: GrpcStatus.INVALID_ARGUMENT, retriable: false },
  INVALID_CONFIG: { grpcStatus: GrpcStatus.INVALID_ARGUMENT, retriable: false },
  INVALID_TOPIC: { grpcStatus: GrpcStatus.INVALID_ARGUMENT, retriable: false },
  INVALID_REQUEST: { grpcStatus: GrpcStatus.INVALID_ARGUMENT, retriable: false },
  STALE_MEMBER_EPOCH: { grpcStatus: GrpcStatus.FAILED_PRECONDITION, retriable: false },
  UNKNOWN_MEMBER: { grpcStatus: GrpcStatus.FAILED_PRECONDITION, retriable: false },
  DUPLICATE_SEQUENCE: { grpcStatus: GrpcStatus.ALREADY_EXISTS, retriable: false },
  OUT_OF_ORDER_SEQUENCE: { grpcStatus: GrpcStatus.FAILED_PRECONDITION, retriable: false },
  TOPIC_EXISTS: { grpcStatus: GrpcStatus.ALREADY_EXISTS, retriable: false },
  UNAUTHORIZED: { grpcStatus: GrpcStatus.PERMISSION_DENIED, retriable: false },
  // A write failed on the broker's disk (full, I/O error, out of descriptors): the partition's
  // leadership moves to a healthy replica, or the broker resumes once the condition clears.
  STORAGE_ERROR: { grpcStatus: GrpcStatus.UNAVAILABLE, retriable: true },
  REQUEST_TIMED_OUT: { grpcStatus: GrpcStatus.DEADLINE_EXCEEDED, retriable: true },
  SHUTTING_DOWN: { grpcStatus: GrpcStatus.UNAVAILABLE, retriable: true },
  BROKER_NOT_AVAILABLE: { grpcStatus: GrpcStatus.UNAVAILABLE, retriable: true },
  NOT_COORDINATOR: { grpcStatus: GrpcStatus.FAILED_PRECONDITION, retriable: true },
  GROUP_NOT_EMPTY: { grpcStatus: GrpcStatus.FAILED_PRECONDITION, retriable: false },
  UNKNOWN_GROUP: { grpcStatus: GrpcStatus.NOT_FOUND, retriable: false },
  INTERNAL: { grpcStatus: GrpcStatus.INTERNAL, retriable: false },
  // A string field longer than its bound (group id, member id, commit metadata, config value...).
  FIELD_TOO_LONG: { grpcStatus: GrpcStatus.INVALID_ARGUMENT, retriable: false },
  // A count the broker or cluster bounds is reached (group.max.size, max.groups, max.partitions...).
  LIMIT_EXCEEDED: { grpcStatus: GrpcStatus.RESOURCE_EXHAUSTED, retriable: false },
  // A budget of in-flight work is used up for now (queued.max.request.bytes, max.waiting.fetches).
  BROKER_BUSY: { grpcStatus: GrpcStatus.RESOURCE_EXHAUSTED, retriable: true },
  // No valid session (none presented, expired, or from another broker): the client authenticates
  // again and retries.
  UNAUTHENTICATED: { grpcStatus: GrpcStatus.UNAUTHENTICATED, retriable: true },
  // The credentials themselves were refused: retrying with the same ones cannot help.
  SASL_AUTHENTICATION_FAILED: { grpcStatus: GrpcStatus.UNAUTHENTICATED, retriable: false },
  UNKNOWN_USER: { grpcStatus: GrpcStatus.NOT_FOUND, retriable: false },
  // The partition is moving already (cancel that move first), or a plan's moves are not done yet.
  REASSIGNMENT_IN_PROGRESS: { grpcStatus: GrpcStatus.FAILED_PRECONDITION, retriable: false },
  UNKNOWN_BROKER: { grpcStatus: GrpcStatus.NOT_FOUND, retriable: false },
  // The broker cannot be removed yet: it is alive, a controller voter, or still holds replicas.
  BROKER_IN_USE: { grpcStatus: GrpcStatus.FAILED_PRECONDITION, retriable: false },
};

/** Longest error message a broker sends: a message never carries unbounded input to the client. */
export const ERROR_MESSAGE_LENGTH_MAX = 1024;
/** Longest piece of client input an error message quotes (see `clip`). */
export const QUOTED_INPUT_LENGTH_MAX = 80;

/**
 * Client input as an error message quotes it: at most QUOTED_INPUT_LENGTH_MAX characters, with the
 * full length said when cut, so a 100k-character topic name never becomes a 100k error trailer.
 */
export function clip(input: string, max = QUOTED_INPUT_LENGTH_MAX): string {
  const text = String(input);
  return text.length <= max ? text : `${text.slice(0, max)}...(${text.length} chars)`;
}

/** Metadata keys that carry the error code and, for NOT_LEADER, where the leader is. */
export const ERROR_CODE_KEY = 'sluice-error-code';
export const LEADER_HINT_KEY = 'sluice-leader';

export class SluiceError extends Error {
  readonly code: ErrorCode;
  /** For NOT_LEADER / NOT_COORDINATOR: `host:port` of the node to ask instead, when known. */
  readonly leaderHint: string | undefined;

  constructor(code: ErrorCode, message: string, leaderHint?: string) {
    super(`${code}: ${message}`);
    this.name = 'SluiceError';
    this.code = code;
    this.leaderHint = leaderHint;
  }

  get retriable(): boolean {
    return ERROR_TABLE[this.code].retriable;
  }

  /** The gRPC error a server handler passes to its callback. */
  toServiceError(): Partial<ServiceError> {
    const metadata = new Metadata();
    metadata.set(ERROR_CODE_KEY, this.code);
    if (this.leaderHint !== undefined) metadata.set(LEADER_HINT_KEY, this.leaderHint);
    return { code: ERROR_TABLE[this.code].grpcStatus, details: clip(this.message, ERROR_MESSAGE_LENGTH_MAX), metadata };
  }

  /** The `error` field of a response on a request stream (ProduceStream, FetchStream). */
  toResponseError(): ResponseError {
    return { code: this.code, message: clip(this.message, ERROR_MESSAGE_LENGTH_MAX), leaderHint: this.leaderHint ?? '' };
  }
}

/** The SluiceError a streamed response's `error` field describes. */
export function fromResponseError(error: ResponseError__Output): SluiceError {
  const code = isErrorCode(error.code) ? error.code : 'INTERNAL';
  const prefix = `${error.code}: `;
  const message = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
  return new SluiceError(code, message, error.leaderHint === '' ? undefined : error.leaderHint);
}

export function isErrorCode(value: string): value is ErrorCode {
  return (ERROR_CODES as readonly string[]).includes(value);
}

/** grpc-js ends connection failures with "Resolution note: " and the note, which is mostly empty. */
function withoutEmptyNote(details: string): string {
  return details.replace(/\s*Resolution note:\s*$/, '');
}

/** Maps whatever a gRPC call failed with to a SluiceError; transport failures become retriable. */
export function fromServiceError(err: unknown): SluiceError {
  if (err instanceof SluiceError) return err;
  const serviceError = err as Partial<ServiceError> | undefined;
  const metadata = serviceError?.metadata;
  const codeValue = metadata?.get(ERROR_CODE_KEY)[0];
  const details = withoutEmptyNote(serviceError?.details ?? (err instanceof Error ? err.message : String(err)));
  if (typeof codeValue === 'string' && isErrorCode(codeValue)) {
    const hint = metadata?.get(LEADER_HINT_KEY)[0];
    const prefix = `${codeValue}: `;
    const message = details.startsWith(prefix) ? details.slice(prefix.length) : details;
    return new SluiceError(codeValue, message, typeof hint === 'string' ? hint : undefined);
  }
  switch (serviceError?.code) {
    case GrpcStatus.UNAVAILABLE:
      return new SluiceError('BROKER_NOT_AVAILABLE', details);
    case GrpcStatus.UNIMPLEMENTED:
      // A broker binds its port before it has registered every service: it is still starting.
      return new SluiceError('BROKER_NOT_AVAILABLE', details);
    case GrpcStatus.DEADLINE_EXCEEDED:
      return new SluiceError('REQUEST_TIMED_OUT', details);
    case GrpcStatus.INVALID_ARGUMENT:
      return new SluiceError('INVALID_REQUEST', details);
    case GrpcStatus.RESOURCE_EXHAUSTED:
      // grpc-js's own refusal of a message over the receive size, or of a stream over the limit.
      return new SluiceError('LIMIT_EXCEEDED', details);
    default:
      return new SluiceError('INTERNAL', details);
  }
}
