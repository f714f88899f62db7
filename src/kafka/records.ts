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
 * - compression: every codec's bytes are stored as the client sent them (docs/KAFKA.md); only lz4
 *   from the Sluice producer (size-prefixed LZ4 blocks, not Kafka's LZ4 frames) is re-framed on fetch.
 * - records with a Sluice TTL (only the Sluice producer writes them) carry a TTL varint Kafka's
 *   record format lacks: such a batch is rewritten without it on fetch (one pass over its bytes).
 */
import { crc32c } from '@node-rs/crc32';
import { compressFrameSync } from 'lz4-napi';
import { BATCH_HEADER_BYTES, BATCH_LENGTH_PREFIX_BYTES, MAGIC, compressionOf, readBatchHeader } from '../protocol/batch.js';
import { compress, decompress, isLz4Frame } from '../protocol/compression.js';
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
  if (codec > CODEC_ZSTD) throw new KafkaProtocolError('CORRUPT_MESSAGE', `unknown compression codec ${codec}`);
  if ((attributes & ~CODEC_MASK) !== 0) {
    // Log-append time, transactions, control batches, delete horizons: nothing a plain producer sends.
    throw new KafkaProtocolError('INVALID_RECORD', `batch attributes 0x${attributes.toString(16)} are not supported (transactions and log-append time are not)`);
  }
  // lz4 must be Kafka's frame format (Sluice's own block format is no Kafka client's).
  if (codec === CODEC_LZ4 && !isLz4Frame(records.subarray(KAFKA_BATCH_HEADER_BYTES))) throw new KafkaProtocolError('CORRUPT_MESSAGE', 'lz4 records are not an LZ4 frame');
  const body = records.subarray(KAFKA_BATCH_HEADER_BYTES);
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
  const lz4Blocks = codec === 'lz4' && !isLz4Frame(body);
  if (hasTtls || lz4Blocks) {
    let plain = decompress(codec, body);
    if (hasTtls) plain = withoutTtls(plain, header.recordCount);
    body = codec === 'lz4' ? compressFrameSync(plain) : compress(codec, plain);
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
