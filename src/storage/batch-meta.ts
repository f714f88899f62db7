/** BatchMeta: built from a batch header, packed into an index value, and unpacked on recovery. */
import assert from 'node:assert/strict';
import { batchSize, readBatchHeader, type BatchHeader } from '../protocol/batch.js';
import { SluiceError } from '../protocol/errors.js';
import type { BatchMeta } from './types.js';

const META_FORMAT_VERSION = 1;
/**
 *   0 u8 version, 1 i32 lastOffsetDelta, 5 u32 sizeBytes, 9 i32 recordCount,
 *   13 i64 maxTimestamp, 21 i32 leaderEpoch, 25 i16 attributes, 27 i64 expireTimestamp
 * (baseOffset lives in the key.)
 */
export const PACKED_META_BYTES = 35;

export function metaFromHeader(header: BatchHeader, sizeBytes: number): BatchMeta {
  return {
    baseOffset: header.baseOffset,
    lastOffset: header.baseOffset + header.lastOffsetDelta,
    sizeBytes,
    recordCount: header.recordCount,
    maxTimestamp: header.maxTimestamp,
    leaderEpoch: header.leaderEpoch,
    attributes: header.attributes,
    expireTimestamp: header.expireTimestamp,
  };
}

/** The meta of a stored (stamped) batch, read from its own header. */
export function metaOfBatch(batch: Buffer): BatchMeta {
  return metaFromHeader(readBatchHeader(batch), batch.length);
}

export function packMeta(meta: BatchMeta): Buffer {
  const value = Buffer.allocUnsafe(PACKED_META_BYTES);
  value.writeUInt8(META_FORMAT_VERSION, 0);
  value.writeInt32BE(meta.lastOffset - meta.baseOffset, 1);
  value.writeUInt32BE(meta.sizeBytes, 5);
  value.writeInt32BE(meta.recordCount, 9);
  value.writeBigInt64BE(BigInt(meta.maxTimestamp), 13);
  value.writeInt32BE(meta.leaderEpoch, 21);
  value.writeInt16BE(meta.attributes, 25);
  value.writeBigInt64BE(BigInt(meta.expireTimestamp), 27);
  return value;
}

export function unpackMeta(baseOffset: number, value: Buffer): BatchMeta {
  assert.equal(value.length, PACKED_META_BYTES, `index value must be ${PACKED_META_BYTES} bytes`);
  assert.equal(value.readUInt8(0), META_FORMAT_VERSION, 'unknown index value version');
  return {
    baseOffset,
    lastOffset: baseOffset + value.readInt32BE(1),
    sizeBytes: value.readUInt32BE(5),
    recordCount: value.readInt32BE(9),
    maxTimestamp: Number(value.readBigInt64BE(13)),
    leaderEpoch: value.readInt32BE(21),
    attributes: value.readInt16BE(25),
    expireTimestamp: Number(value.readBigInt64BE(27)),
  };
}

export function sameMeta(a: BatchMeta, b: BatchMeta): boolean {
  return (
    a.baseOffset === b.baseOffset &&
    a.lastOffset === b.lastOffset &&
    a.sizeBytes === b.sizeBytes &&
    a.recordCount === b.recordCount &&
    a.maxTimestamp === b.maxTimestamp &&
    a.leaderEpoch === b.leaderEpoch &&
    a.attributes === b.attributes &&
    a.expireTimestamp === b.expireTimestamp
  );
}

const LEADER_EPOCH_MAX = 0x7fff_ffff;

export function assertLeaderEpoch(leaderEpoch: number): void {
  assert(Number.isInteger(leaderEpoch) && leaderEpoch >= 0 && leaderEpoch <= LEADER_EPOCH_MAX, `bad leader epoch ${leaderEpoch}`);
}

/**
 * The cheap checks an append makes (a whole header, a length field matching the buffer); the CRC
 * is the caller's job (validateBatch), done once where the batch enters the broker.
 */
export function assertWholeBatch(batch: Buffer): void {
  readBatchHeader(batch);
  if (batchSize(batch) !== batch.length) {
    throw new SluiceError('CORRUPT_BATCH', `batch length field says ${batchSize(batch)} bytes, buffer has ${batch.length}`);
  }
}
