/**
 * Kafka record batches (magic 2) ↔ Sluice's stored batches, at the edge of the Kafka listener.
 *
 * The two formats are the same up to byte 57 and in their records, except that Sluice puts an
 * 8-byte expireTimestamp between baseSequence and recordCount (69-byte header, Kafka's is 61):
 *
 *   Kafka:  … producerId(43) producerEpoch(51) baseSequence(53) recordCount(57) records(61)
 *   Sluice: … producerId(43) producerEpoch(51) baseSequence(53) expireTimestamp(57) recordCount(65) records(69)
 *
 * Both CRC32C the bytes from attributes (21) to the end, so moving the field means a new CRC. What
 * each direction costs per batch (never a decoded record object):
 * - produce: the Kafka CRC checked, one copy into the Sluice layout, one CRC32C over the copy.
 * - fetch: a new 61-byte header sent in front of the stored records (no copy of them) and one
 *   CRC32C pass over them.
 * - lz4: Kafka compresses with the LZ4 frame format, Sluice with size-prefixed LZ4 blocks, so lz4
 *   batches are decompressed and recompressed once each way (gzip is the same in both: untouched).
 * - records with a Sluice TTL (only the Sluice producer writes them) carry a TTL varint Kafka's
 *   record format lacks: such a batch is rewritten without it on fetch (one pass over its bytes).
 */
import { crc32c } from '@node-rs/crc32';
import { gzipSync, constants as zlibConstants } from 'node:zlib';
import { compressFrameSync, decompressFrameSync, compressSync as lz4CompressSync } from 'lz4-napi';
import { BATCH_HEADER_BYTES, BATCH_LENGTH_PREFIX_BYTES, MAGIC, compressionOf, readBatchHeader } from '../protocol/batch.js';
import { DECOMPRESSED_BYTES_MAX, decompress } from '../protocol/compression.js';
import { writeInt64BE } from '../protocol/int64.js';
import { Reader, writeVarint, varintSize } from '../protocol/varint.js';
import { KafkaProtocolError } from './errors.js';

export const KAFKA_BATCH_HEADER_BYTES = 61;
/** Bytes [0, 57) are laid out alike; Sluice's expireTimestamp sits at 57. */
const SHARED_HEADER_BYTES = 57;
const CRC_OFFSET = 17;
const CRC_START = 21;
const ATTRIBUTES_OFFSET = 21;
const CODEC_MASK = 0x07;
const CODEC_NONE = 0;
const CODEC_GZIP = 1;
const CODEC_SNAPPY = 2;
const CODEC_LZ4 = 3;
const CODEC_ZSTD = 4;
/** Sluice's attribute bit 6: every record carries a TTL (in Kafka the bit means a delete horizon). */
const SLUICE_ATTR_ALL_HAVE_TTL = 0x40;
const RECORD_ATTR_HAS_TTL = 0x01;

/**
 * The Sluice batch for one Kafka batch a producer sent (`records` of one produce partition), or a
 * KafkaProtocolError with the code Kafka would answer.
 */
export function kafkaBatchToSluice(records: Buffer): Buffer {
  if (records.length < KAFKA_BATCH_HEADER_BYTES) {
    throw new KafkaProtocolError('CORRUPT_MESSAGE', `record set of ${records.length} bytes is shorter than a batch header`);
  }
  const magic = records.readInt8(16);
  if (magic !== MAGIC) throw new KafkaProtocolError('UNSUPPORTED_FOR_MESSAGE_FORMAT', `message format magic ${magic} is not supported, only ${MAGIC}`);
  const size = BATCH_LENGTH_PREFIX_BYTES + records.readInt32BE(8);
  if (size > records.length) throw new KafkaProtocolError('CORRUPT_MESSAGE', `batch length field says ${size} bytes, got ${records.length}`);
  if (size < records.length) throw new KafkaProtocolError('INVALID_RECORD', 'a produce request carries exactly one record batch per partition');
  if (size < KAFKA_BATCH_HEADER_BYTES) throw new KafkaProtocolError('CORRUPT_MESSAGE', `batch length field says ${size} bytes`);
  const crc = records.readUInt32BE(CRC_OFFSET);
  if (crc32c(records.subarray(CRC_START)) !== crc) throw new KafkaProtocolError('CORRUPT_MESSAGE', 'record batch CRC32C does not match its contents');
  const attributes = records.readInt16BE(ATTRIBUTES_OFFSET);
  const codec = attributes & CODEC_MASK;
  if (codec === CODEC_SNAPPY || codec === CODEC_ZSTD) {
    throw new KafkaProtocolError('UNSUPPORTED_COMPRESSION_TYPE', `${codec === CODEC_SNAPPY ? 'snappy' : 'zstd'} is not supported yet; use gzip or lz4`);
  }
  if (codec !== CODEC_NONE && codec !== CODEC_GZIP && codec !== CODEC_LZ4) throw new KafkaProtocolError('CORRUPT_MESSAGE', `unknown compression codec ${codec}`);
  if ((attributes & ~CODEC_MASK) !== 0) {
    // Log-append time, transactions, control batches, delete horizons: nothing a plain producer sends.
    throw new KafkaProtocolError('INVALID_RECORD', `batch attributes 0x${attributes.toString(16)} are not supported (transactions and log-append time are not)`);
  }
  let body = records.subarray(KAFKA_BATCH_HEADER_BYTES);
  if (codec === CODEC_LZ4) body = lz4CompressSync(decompressLz4Frame(body));
  const out = Buffer.allocUnsafe(BATCH_HEADER_BYTES + body.length);
  records.copy(out, 0, 0, SHARED_HEADER_BYTES);
  writeInt64BE(out, -1, SHARED_HEADER_BYTES);
  out.writeInt32BE(records.readInt32BE(57), 65);
  body.copy(out, BATCH_HEADER_BYTES);
  out.writeInt32BE(out.length - BATCH_LENGTH_PREFIX_BYTES, 8);
  out.writeUInt32BE(crc32c(out.subarray(CRC_START)), CRC_OFFSET);
  return out;
}

/**
 * A stored Sluice batch as a Kafka batch: a new header and the records section, to be sent back to
 * back (the records are the stored bytes unless they had to be transcoded).
 */
export function sluiceBatchToKafka(batch: Buffer): [Buffer, Buffer] {
  const header = readBatchHeader(batch);
  const codec = compressionOf(header);
  let body = batch.subarray(BATCH_HEADER_BYTES, BATCH_LENGTH_PREFIX_BYTES + header.batchLength);
  // expireTimestamp is -1 exactly when no record has a TTL.
  const hasTtls = header.expireTimestamp !== -1;
  if (hasTtls || codec === 'lz4') {
    let plain = decompress(codec, body);
    if (hasTtls) plain = withoutTtls(plain, header.recordCount);
    body = codec === 'lz4' ? compressFrameSync(plain) : codec === 'gzip' ? gzipSync(plain, { level: zlibConstants.Z_BEST_SPEED }) : plain;
  }
  const head = Buffer.allocUnsafe(KAFKA_BATCH_HEADER_BYTES);
  batch.copy(head, 0, 0, SHARED_HEADER_BYTES);
  head.writeInt32BE(header.recordCount, SHARED_HEADER_BYTES);
  head.writeInt16BE(header.attributes & ~SLUICE_ATTR_ALL_HAVE_TTL, ATTRIBUTES_OFFSET);
  head.writeInt32BE(KAFKA_BATCH_HEADER_BYTES + body.length - BATCH_LENGTH_PREFIX_BYTES, 8);
  head.writeUInt32BE(crc32c(body, crc32c(head.subarray(CRC_START))), CRC_OFFSET);
  return [head, body];
}

/** Records rewritten without Sluice's per-record TTL (attribute bit 0 and its varint). */
function withoutTtls(records: Buffer, count: number): Buffer {
  const parts: Buffer[] = [];
  const reader = new Reader(records);
  for (let i = 0; i < count; i++) {
    const length = reader.varint();
    const end = reader.pos + length;
    const attributes = reader.int8();
    const timestampDelta = reader.varint();
    const offsetDelta = reader.varint();
    const ttlBytes = attributes & RECORD_ATTR_HAS_TTL ? varintSize(reader.varint()) : 0;
    const rest = reader.bytes(end - reader.pos);
    const head = Buffer.allocUnsafe(4 * 10);
    let pos = writeVarint(head, 0, length - ttlBytes);
    head[pos++] = 0;
    pos = writeVarint(head, pos, timestampDelta);
    pos = writeVarint(head, pos, offsetDelta);
    parts.push(head.subarray(0, pos), rest);
  }
  return Buffer.concat(parts);
}

const LZ4_FRAME_MAGIC = 0x184d2204;
const LZ4_FLG_CONTENT_SIZE = 0x08;
const LZ4_FLG_DICT_ID = 0x01;
const LZ4_FLG_BLOCK_CHECKSUM = 0x10;
const LZ4_FLG_CONTENT_CHECKSUM = 0x04;
const LZ4_BLOCK_UNCOMPRESSED = 0x80000000;

/**
 * Decompresses LZ4 frames after walking their block headers: the blocks' count times the frame's
 * block maximum bounds what they can inflate to, and a frame that could exceed
 * DECOMPRESSED_BYTES_MAX is refused before the decoder allocates anything.
 */
export function decompressLz4Frame(data: Buffer): Buffer {
  const corrupt = (why: string): never => {
    throw new KafkaProtocolError('CORRUPT_MESSAGE', `lz4 frame: ${why}`);
  };
  let pos = 0;
  let bound = 0;
  while (pos < data.length) {
    if (data.length - pos < 7) corrupt('truncated header');
    if (data.readUInt32LE(pos) !== LZ4_FRAME_MAGIC) corrupt('bad magic');
    const flg = data[pos + 4]!;
    const blockMaxBytes = 1 << (8 + 2 * ((data[pos + 5]! >> 4) & 0x07));
    pos += 6 + (flg & LZ4_FLG_CONTENT_SIZE ? 8 : 0) + (flg & LZ4_FLG_DICT_ID ? 4 : 0) + 1;
    for (;;) {
      if (data.length - pos < 4) corrupt('truncated block');
      const word = data.readUInt32LE(pos);
      pos += 4;
      if (word === 0) break;
      const size = (word & ~LZ4_BLOCK_UNCOMPRESSED) >>> 0;
      pos += size + (flg & LZ4_FLG_BLOCK_CHECKSUM ? 4 : 0);
      bound += blockMaxBytes;
      if (pos > data.length) corrupt('block runs past the end');
      if (bound > DECOMPRESSED_BYTES_MAX) corrupt(`may inflate past ${DECOMPRESSED_BYTES_MAX} bytes`);
    }
    pos += flg & LZ4_FLG_CONTENT_CHECKSUM ? 4 : 0;
  }
  if (pos !== data.length) corrupt('truncated content checksum');
  try {
    return decompressFrameSync(data);
  } catch (err) {
    return corrupt(err instanceof Error ? err.message : String(err));
  }
}
