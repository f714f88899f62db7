/** Normalising application records (kept for callers of the public `toRecordInput`; `send` encodes records directly). */
import type { RecordHeader, RecordInput } from '../../protocol/batch.js';
import type { ProducerRecord } from './types.js';

function toBuffer(value: Buffer | string): Buffer {
  return typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
}

function toHeaders(headers: ProducerRecord['headers']): RecordHeader[] {
  if (!headers) return [];
  if (Array.isArray(headers)) return headers.map((header) => ({ key: header.key, value: toBuffer(header.value) }));
  return Object.entries(headers).map(([key, value]) => ({ key, value: toBuffer(value) }));
}

/** Normalises an application record; stamps `nowMs` when it has no timestamp. */
export function toRecordInput(record: ProducerRecord, nowMs = Date.now()): RecordInput {
  if (record.ttlMs !== undefined && !(Number.isInteger(record.ttlMs) && record.ttlMs > 0)) {
    throw new RangeError(`ttlMs must be a positive integer, got ${record.ttlMs}`);
  }
  const input: RecordInput = {
    key: record.key === undefined || record.key === null ? null : toBuffer(record.key),
    value: record.value === null ? null : toBuffer(record.value),
    headers: toHeaders(record.headers),
    timestamp: record.timestamp ?? nowMs,
  };
  if (record.ttlMs !== undefined) input.ttlMs = record.ttlMs;
  return input;
}
