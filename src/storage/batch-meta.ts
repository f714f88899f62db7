/** BatchMeta: built from a batch header, packed into an index value, and unpacked on recovery. */
import assert from 'node:assert/strict';
import { batchSize, readBatchHeader, type BatchHeader } from '../protocol/batch.js';
import { SluiceError } from '../protocol/errors.js';
import type { LogIndex } from './log-index.js';
import type { BatchMeta } from './types.js';
import { readInt64BE, writeInt64BE } from '../protocol/int64.js';

const META_FORMAT_VERSION = 2;
/**
 *   0 u8 version, 1 i64 baseOffset, 9 i32 lastOffsetDelta, 13 u32 sizeBytes, 17 i32 recordCount,
 *   21 i64 maxTimestamp, 29 i32 leaderEpoch, 33 i16 attributes, 35 i64 expireTimestamp,
 *   43 i64 producerId, 51 i16 producerEpoch, 53 i32 baseSequence
 * (entryIndex lives in the key.)
 */
export const PACKED_META_BYTES = 57;

export function metaFromHeader(header: BatchHeader, sizeBytes: number, entryIndex: number): BatchMeta {
  return {
    entryIndex,
    baseOffset: header.baseOffset,
    lastOffset: header.baseOffset + header.lastOffsetDelta,
    sizeBytes,
    recordCount: header.recordCount,
    maxTimestamp: header.maxTimestamp,
    leaderEpoch: header.leaderEpoch,
    attributes: header.attributes,
    expireTimestamp: header.expireTimestamp,
    producerId: header.producerId,
    producerEpoch: header.producerEpoch,
    baseSequence: header.baseSequence,
  };
}

/** The meta of a stored (stamped) batch, read from its own header. */
export function metaOfBatch(batch: Buffer, entryIndex: number): BatchMeta {
  return metaFromHeader(readBatchHeader(batch), batch.length, entryIndex);
}

export function packMeta(meta: BatchMeta): Buffer {
  const value = Buffer.allocUnsafe(PACKED_META_BYTES);
  value.writeUInt8(META_FORMAT_VERSION, 0);
  writeInt64BE(value, meta.baseOffset, 1);
  value.writeInt32BE(meta.lastOffset - meta.baseOffset, 9);
  value.writeUInt32BE(meta.sizeBytes, 13);
  value.writeInt32BE(meta.recordCount, 17);
  writeInt64BE(value, meta.maxTimestamp, 21);
  value.writeInt32BE(meta.leaderEpoch, 29);
  value.writeInt16BE(meta.attributes, 33);
  writeInt64BE(value, meta.expireTimestamp, 35);
  writeInt64BE(value, meta.producerId, 43);
  value.writeInt16BE(meta.producerEpoch, 51);
  value.writeInt32BE(meta.baseSequence, 53);
  return value;
}

export function unpackMeta(entryIndex: number, value: Buffer): BatchMeta {
  // Plain checks, not assert.equal: recovery unpacks every index entry, and the asserts were a third of it.
  if (value.length !== PACKED_META_BYTES) throw new Error(`index value must be ${PACKED_META_BYTES} bytes, got ${value.length}`);
  if (value[0] !== META_FORMAT_VERSION) throw new Error(`unknown index value version ${value[0]}`);
  const baseOffset = readInt64BE(value, 1);
  return {
    entryIndex,
    baseOffset,
    lastOffset: baseOffset + value.readInt32BE(9),
    sizeBytes: value.readUInt32BE(13),
    recordCount: value.readInt32BE(17),
    maxTimestamp: readInt64BE(value, 21),
    leaderEpoch: value.readInt32BE(29),
    attributes: value.readInt16BE(33),
    expireTimestamp: readInt64BE(value, 35),
    producerId: readInt64BE(value, 43),
    producerEpoch: value.readInt16BE(51),
    baseSequence: value.readInt32BE(53),
  };
}

export function sameMeta(a: BatchMeta, b: BatchMeta): boolean {
  return (
    a.entryIndex === b.entryIndex &&
    a.baseOffset === b.baseOffset &&
    a.lastOffset === b.lastOffset &&
    a.sizeBytes === b.sizeBytes &&
    a.recordCount === b.recordCount &&
    a.maxTimestamp === b.maxTimestamp &&
    a.leaderEpoch === b.leaderEpoch &&
    a.attributes === b.attributes &&
    a.expireTimestamp === b.expireTimestamp &&
    a.producerId === b.producerId &&
    a.producerEpoch === b.producerEpoch &&
    a.baseSequence === b.baseSequence
  );
}

const LEADER_EPOCH_MAX = 0x7fff_ffff;

export function assertLeaderEpoch(leaderEpoch: number): void {
  assert(Number.isInteger(leaderEpoch) && leaderEpoch >= 0 && leaderEpoch <= LEADER_EPOCH_MAX, `bad leader epoch ${leaderEpoch}`);
}

/**
 * The cheap checks an append makes (a whole header, a length field matching the buffer, a record
 * count matching lastOffsetDelta); the CRC
 * is the caller's job (validateBatch), done once where the batch enters the broker.
 */
export function assertWholeBatch(batch: Buffer): void {
  const header = readBatchHeader(batch);
  if (batchSize(batch) !== batch.length) {
    throw new SluiceError('CORRUPT_BATCH', `batch length field says ${batchSize(batch)} bytes, buffer has ${batch.length}`);
  }
  // Zero-record batches (Raft no-ops) are allowed; the offsets they claim must still add up.
  if (header.recordCount < 0 || header.lastOffsetDelta !== header.recordCount - 1) {
    throw new SluiceError('CORRUPT_BATCH', `lastOffsetDelta ${header.lastOffsetDelta} does not match ${header.recordCount} records`);
  }
}

/** appendStamped's precondition: the batch is the log's next entry, by index and by offset. */
export function assertStampedFits(logId: number, index: LogIndex, batch: Buffer, entryIndex: number): void {
  if (entryIndex !== index.nextEntryIndex()) {
    throw new Error(`log ${logId}: stamped batch is entry ${entryIndex}, the next entry is ${index.nextEntryIndex()}`);
  }
  const { baseOffset } = readBatchHeader(batch);
  if (baseOffset !== index.logEndOffset()) {
    throw new Error(`log ${logId}: stamped batch starts at ${baseOffset}, log ends at ${index.logEndOffset()}`);
  }
}
