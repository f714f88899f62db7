/** Checking application records, and normalising them (`toRecordInput`, kept for its public callers; `send` encodes records directly). */
import type { RecordHeader, RecordInput } from '../../protocol/batch.js';
import type { ProducerRecord } from './types.js';

/**
 * Throws a TypeError or RangeError, naming the record (`index` within its send) and the field, when
 * `record` is not a ProducerRecord the batch encoder can take. `send` checks every record before
 * appending any: a bad one would otherwise fail midway, after its batch was started.
 */
export function checkRecord(record: ProducerRecord, nowMs: number, index?: number): void {
  const where = index === undefined ? 'record' : `record ${index}`;
  if (typeof record !== 'object' || record === null) throw new TypeError(`${where} must be an object, got ${describe(record)}`);
  const { key, value, headers, timestamp, ttlMs } = record;
  if (key !== undefined && key !== null && !isBytes(key)) throw new TypeError(`${where}: key must be a string, a Buffer or null, got ${describe(key)}`);
  if (value !== null && !isBytes(value)) throw new TypeError(`${where}: value must be a string, a Buffer or null, got ${describe(value)}`);
  // null counts as absent, as everywhere the producer reads the timestamp (`??`).
  if (timestamp !== undefined && timestamp !== null && !(Number.isSafeInteger(timestamp) && timestamp >= 0)) {
    throw new RangeError(`${where}: timestamp must be an integer >= 0 (ms since the epoch), got ${describe(timestamp)}`);
  }
  if (ttlMs !== undefined) {
    if (!(Number.isSafeInteger(ttlMs) && ttlMs > 0)) throw new RangeError(`${where}: ttlMs must be a positive integer, got ${describe(ttlMs)}`);
    // The batch header carries the expiry time as an int64 of ms.
    if (!Number.isSafeInteger((timestamp ?? nowMs) + ttlMs)) throw new RangeError(`${where}: timestamp + ttlMs ${ttlMs} is beyond 2^53 ms`);
  }
  if (headers === undefined || headers === null) return;
  if (typeof headers !== 'object') throw new TypeError(`${where}: headers must be an object or an array, got ${describe(headers)}`);
  if (Array.isArray(headers)) {
    for (let h = 0; h < headers.length; h++) {
      const header = headers[h] as unknown;
      if (typeof header !== 'object' || header === null) throw new TypeError(`${where}: headers[${h}] must be { key, value }, got ${describe(header)}`);
      const { key: headerKey, value: headerValue } = header as { key: unknown; value: unknown };
      if (typeof headerKey !== 'string') throw new TypeError(`${where}: headers[${h}].key must be a string, got ${describe(headerKey)}`);
      if (!isBytes(headerValue)) throw new TypeError(`${where}: header ${JSON.stringify(headerKey)} value must be a string or a Buffer, got ${describe(headerValue)}`);
    }
  } else {
    for (const headerKey in headers) {
      if (!Object.hasOwn(headers, headerKey)) continue;
      const headerValue = headers[headerKey] as unknown;
      if (!isBytes(headerValue)) throw new TypeError(`${where}: header ${JSON.stringify(headerKey)} value must be a string or a Buffer, got ${describe(headerValue)}`);
    }
  }
}

/** A string (encoded as UTF-8) or bytes: Buffer, or any Uint8Array, which the encoder copies alike. */
function isBytes(value: unknown): value is Buffer | string {
  return typeof value === 'string' || value instanceof Uint8Array;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return `${typeof value} ${String(value)}`;
  return `a ${typeof value}`;
}

function toBuffer(value: Buffer | string): Buffer {
  return typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
}

function toHeaders(headers: ProducerRecord['headers']): RecordHeader[] {
  if (!headers) return [];
  if (Array.isArray(headers)) return headers.map((header) => ({ key: header.key, value: toBuffer(header.value) }));
  return Object.entries(headers).map(([key, value]) => ({ key, value: toBuffer(value) }));
}

/** Normalises an application record (checked as by `send`); stamps `nowMs` when it has no timestamp. */
export function toRecordInput(record: ProducerRecord, nowMs = Date.now()): RecordInput {
  checkRecord(record, nowMs);
  const input: RecordInput = {
    key: record.key === undefined || record.key === null ? null : toBuffer(record.key),
    value: record.value === null ? null : toBuffer(record.value),
    headers: toHeaders(record.headers),
    timestamp: record.timestamp ?? nowMs,
  };
  if (record.ttlMs !== undefined) input.ttlMs = record.ttlMs;
  return input;
}
