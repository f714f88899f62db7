/** JSON in and out of the console's API: bounded request bodies, errors as `{code, message}` with a fitting HTTP status. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SluiceError, type ErrorCode } from '../protocol/errors.js';
import { ApiError } from './api-error.js';
import type { ErrorView } from './views.js';

/** Largest request body the API reads (a produced test message is the largest thing sent). */
export const REQUEST_BODY_BYTES_MAX = 1024 * 1024;

export function badRequest(message: string): never {
  throw new ApiError(400, 'INVALID_REQUEST', message);
}

/** HTTP statuses of Sluice's error codes; the rest are 500 (retriable ones 503). */
const STATUS_OF: Partial<Record<ErrorCode, number>> = {
  UNKNOWN_TOPIC: 404,
  UNKNOWN_PARTITION: 404,
  UNKNOWN_GROUP: 404,
  UNKNOWN_USER: 404,
  INVALID_CONFIG: 400,
  INVALID_TOPIC: 400,
  INVALID_REQUEST: 400,
  FIELD_TOO_LONG: 400,
  BATCH_TOO_LARGE: 413,
  OFFSET_OUT_OF_RANGE: 400,
  TOPIC_EXISTS: 409,
  GROUP_NOT_EMPTY: 409,
  UNAUTHORIZED: 403,
  UNAUTHENTICATED: 401,
  SASL_AUTHENTICATION_FAILED: 401,
  LIMIT_EXCEEDED: 429,
  BROKER_BUSY: 429,
};

export function errorAnswer(err: unknown): { status: number; body: ErrorView } {
  if (err instanceof ApiError) return { status: err.status, body: { code: err.code, message: err.message } };
  if (err instanceof SluiceError) {
    return { status: STATUS_OF[err.code] ?? (err.retriable ? 503 : 500), body: { code: err.code, message: err.message } };
  }
  // The client's argument checks (RangeError, TypeError) are the caller's mistake.
  if (err instanceof RangeError || err instanceof TypeError) return { status: 400, body: { code: 'INVALID_REQUEST', message: err.message } };
  return { status: 500, body: { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) } };
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers }).end(text);
}

/** The request's JSON body (an object); 413 beyond REQUEST_BODY_BYTES_MAX, 400 when it is not JSON. */
export async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    // Past the bound the rest is read and dropped (memory stays bounded), so the client gets the answer rather than a reset.
    if (bytes <= REQUEST_BODY_BYTES_MAX) chunks.push(chunk);
  }
  if (bytes > REQUEST_BODY_BYTES_MAX) throw new ApiError(413, 'LIMIT_EXCEEDED', `request body larger than ${REQUEST_BODY_BYTES_MAX} bytes`);
  if (bytes === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    badRequest('the request body is not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) badRequest('the request body must be a JSON object');
  return parsed as Record<string, unknown>;
}

/** Field readers: each names the field in its 400. */
export const field = {
  string(body: Record<string, unknown>, name: string, fallback?: string): string {
    const value = body[name] ?? fallback;
    if (typeof value !== 'string') badRequest(`${name} must be a string`);
    return value;
  },
  optionalString(body: Record<string, unknown>, name: string): string | undefined {
    const value = body[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') badRequest(`${name} must be a string`);
    return value;
  },
  integer(body: Record<string, unknown>, name: string, min: number, fallback?: number): number {
    const value = body[name] ?? fallback;
    if (!(typeof value === 'number' && Number.isSafeInteger(value) && value >= min)) badRequest(`${name} must be an integer >= ${min}`);
    return value;
  },
  optionalInteger(body: Record<string, unknown>, name: string, min: number): number | undefined {
    return body[name] === undefined || body[name] === null ? undefined : field.integer(body, name, min);
  },
  stringMap(body: Record<string, unknown>, name: string): Record<string, string> {
    const value = body[name] ?? {};
    if (typeof value !== 'object' || value === null || Array.isArray(value) || !Object.values(value).every((v) => typeof v === 'string')) {
      badRequest(`${name} must be an object of strings`);
    }
    return value as Record<string, string>;
  },
};

/** A query parameter as an integer >= min, or undefined when absent. */
export function queryInteger(query: URLSearchParams, name: string, min: number): number | undefined {
  const text = query.get(name);
  if (text === null || text === '') return undefined;
  if (!/^-?\d+$/.test(text) || !Number.isSafeInteger(Number(text)) || Number(text) < min) badRequest(`${name} must be an integer >= ${min}`);
  return Number(text);
}
