/**
 * LevelDB key layout. Every key starts with a one-byte keyspace tag so each keyspace is one
 * contiguous, ordered range; log ids, entry indices and offsets are big-endian so byte order is numeric order.
 *
 *   data   'd' logId:u32 entryIndex:u64  → the batch bytes, exactly as appended
 *   index  'i' logId:u32 entryIndex:u64  → packed BatchMeta incl. baseOffset (see batch-meta.ts)
 *   state  's' logId:u32                 → logStartOffset:u64 markerIndex:u64 markerTerm:u32
 *
 * Batch keys are by Raft entry index, not base offset: a zero-record batch (Raft no-op) shares its
 * base offset with the batch after it, and entry indices are unique and consecutive.
 *   meta   'm' utf8 key                  → caller's bytes
 *   sync   'z'                           → empty; rewritten with sync to flush the WAL
 */
import assert from 'node:assert/strict';
import { readInt64BE, writeInt64BE } from '../protocol/int64.js';

const TAG_DATA = 0x64; // 'd'
const TAG_INDEX = 0x69; // 'i'
const TAG_STATE = 0x73; // 's'
const TAG_META = 0x6d; // 'm'
const TAG_SYNC = 0x7a; // 'z'

export const BATCH_KEY_BYTES = 13;
const LOG_ID_MAX = 0xffff_ffff;
const INDEX_MAX = Number.MAX_SAFE_INTEGER;

export type BatchKeyspace = 'data' | 'index';

function tagOf(keyspace: BatchKeyspace): number {
  return keyspace === 'data' ? TAG_DATA : TAG_INDEX;
}

export function assertLogId(logId: number): void {
  assert(Number.isInteger(logId) && logId >= 0 && logId <= LOG_ID_MAX, `log id ${logId} is not a u32`);
}

export function batchKey(keyspace: BatchKeyspace, logId: number, entryIndex: number): Buffer {
  assert(Number.isInteger(entryIndex) && entryIndex >= 0 && entryIndex <= INDEX_MAX, `bad entry index ${entryIndex}`);
  const key = Buffer.allocUnsafe(BATCH_KEY_BYTES);
  key[0] = tagOf(keyspace);
  key.writeUInt32BE(logId, 1);
  writeInt64BE(key, entryIndex, 5);
  return key;
}

export function entryIndexOfKey(key: Buffer): number {
  assert.equal(key.length, BATCH_KEY_BYTES, 'not a batch key');
  return readInt64BE(key, 5);
}

/** Bounds (inclusive) of every key of one log in one keyspace from entry `fromEntryIndex` on. */
export function batchKeyRange(keyspace: BatchKeyspace, logId: number, fromEntryIndex = 0): { gte: Buffer; lte: Buffer } {
  const lte = batchKey(keyspace, logId, 0);
  lte.fill(0xff, 5);
  return { gte: batchKey(keyspace, logId, fromEntryIndex), lte };
}

export function stateKey(logId: number): Buffer {
  const key = Buffer.allocUnsafe(5);
  key[0] = TAG_STATE;
  key.writeUInt32BE(logId, 1);
  return key;
}

/** The per-log state: where the log starts, by offset and by Raft index (the log-start marker). */
export interface LogState {
  logStartOffset: number;
  markerIndex: number;
  markerTerm: number;
}

const LOG_STATE_BYTES = 20;

export function encodeLogState(state: LogState): Buffer {
  const value = Buffer.allocUnsafe(LOG_STATE_BYTES);
  writeInt64BE(value, state.logStartOffset, 0);
  writeInt64BE(value, state.markerIndex, 8);
  value.writeUInt32BE(state.markerTerm, 16);
  return value;
}

export function decodeLogState(value: Buffer): LogState {
  assert.equal(value.length, LOG_STATE_BYTES, `log state value must be ${LOG_STATE_BYTES} bytes`);
  return {
    logStartOffset: readInt64BE(value, 0),
    markerIndex: readInt64BE(value, 8),
    markerTerm: value.readUInt32BE(16),
  };
}

export function metaKey(key: string): Buffer {
  return Buffer.concat([Buffer.of(TAG_META), Buffer.from(key, 'utf8')]);
}

export function metaKeyName(key: Buffer): string {
  assert.equal(key[0], TAG_META, 'not a meta key');
  return key.subarray(1).toString('utf8');
}

/** Bounds of every meta key starting with `prefix` (gte the prefix, lt the prefix's successor). */
export function metaKeyRange(prefix: string): { gte: Buffer; lt: Buffer } {
  const gte = metaKey(prefix);
  // The successor of the tag byte bounds the whole keyspace, whatever the prefix's bytes are.
  const lt = prefix === '' ? Buffer.of(TAG_META + 1) : prefixSuccessor(gte);
  return { gte, lt };
}

/** The smallest key greater than every key that starts with `prefix`. */
function prefixSuccessor(prefix: Buffer): Buffer {
  let end = prefix.length;
  while (end > 0 && prefix[end - 1] === 0xff) end--;
  assert(end > 0, 'a meta prefix starts with the meta tag, never 0xff');
  const successor = Buffer.from(prefix.subarray(0, end));
  successor[end - 1]! += 1;
  return successor;
}

export const SYNC_KEY = Buffer.of(TAG_SYNC);
