/**
 * Record batches: the unit a producer sends, a broker stores and a consumer fetches.
 * Modelled on Kafka's v2 record batch, with one Sluice field (expireTimestamp) so a broker can drop
 * wholly expired batches without decoding records.
 *
 *   offset size field
 *    0     8   baseOffset          int64   stamped by the partition leader
 *    8     4   batchLength         int32   bytes after this field
 *   12     4   leaderEpoch         int32   Raft term of the leader that appended it (stamped)
 *   16     1   magic               int8    = 2
 *   17     4   crc                 uint32  CRC32C of bytes [21, end)
 *   21     2   attributes          int16   bits 0-2 compression codec; bit 5 control batch;
 *                                              bit 6 every record has a TTL
 *   23     4   lastOffsetDelta     int32   = recordCount - 1 (-1 for a zero-record batch)
 *   27     8   firstTimestamp      int64   ms since the epoch
 *   35     8   maxTimestamp        int64   ms since the epoch
 *   43     8   producerId          int64   -1 when not idempotent
 *   51     2   producerEpoch       int16
 *   53     4   baseSequence        int32   -1 when not idempotent
 *   57     8   expireTimestamp     int64   latest expiry among records with a TTL, -1 if none has one
 *   65     4   recordCount         int32
 *   69     …   records             (compressed as a whole when the codec is not none)
 *
 *   record := length varint, attributes int8 (bit 0: has TTL), timestampDelta varint,
 *             offsetDelta varint, [ttlMs varint], key (varint length, -1 = null), value (same),
 *             headerCount varint, headers (key: varint length + utf8, value: varint length + bytes)
 *
 * baseOffset and leaderEpoch sit before the CRC'd range so a leader stamps them without rehashing.
 *
 * A control batch (encodeControlBatch) has zero records: recordCount 0, lastOffsetDelta -1, and no
 * body, or a Raft configuration entry as its body (controlBatchBody). It is the Raft no-op entry a new leader appends; it consumes no offset (its base offset is
 * the log end offset, shared with the next batch). Producers never send one (validateBatch rejects
 * it unless asked to allow it); decodeBatch yields no records for it.
 */
import { crc32c } from '@node-rs/crc32';
import { CodecNotLoadedError, codecFromId, codecId, compress, decompress, decompressAsync, type CompressionCodec } from './compression.js';
import { SluiceError } from './errors.js';
import { Reader, varintSize, writeVarint } from './varint.js';
import { readInt64BE, writeInt64BE } from './int64.js';

export const BATCH_HEADER_BYTES = 69;
export const MAGIC = 2;
/** The length field does not count the 12 bytes before and including itself. */
export const BATCH_LENGTH_PREFIX_BYTES = 12;
const CRC_OFFSET = 17;
const CRC_START = 21;
const ATTR_COMPRESSION_MASK = 0x07;
const ATTR_ALL_RECORDS_HAVE_TTL = 0x40;
/** Attribute bit 5, as in Kafka: a control batch (here: a zero-record Raft no-op entry). */
export const ATTR_CONTROL = 0x20;
const RECORD_ATTR_HAS_TTL = 0x01;

export interface RecordHeader {
  key: string;
  value: Buffer;
}

/** What an application hands the producer. */
export interface RecordInput {
  key?: Buffer | null;
  value: Buffer | null;
  headers?: RecordHeader[];
  /** ms since the epoch; the producer's clock when omitted. */
  timestamp?: number;
  /** Time to live from `timestamp`, in ms; overrides the topic's `message.ttl.ms`. */
  ttlMs?: number;
}

/** A record as a consumer sees it. */
export interface DecodedRecord {
  offset: number;
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
  /** Set when the producer gave the record its own TTL. */
  ttlMs: number | undefined;
}

export interface BatchHeader {
  baseOffset: number;
  batchLength: number;
  leaderEpoch: number;
  magic: number;
  crc: number;
  attributes: number;
  lastOffsetDelta: number;
  firstTimestamp: number;
  maxTimestamp: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  expireTimestamp: number;
  recordCount: number;
}

export interface EncodeOptions {
  compression?: CompressionCodec;
  producerId?: number;
  producerEpoch?: number;
  baseSequence?: number;
  /** Timestamp for records that carry none, in ms since the epoch. */
  nowMs?: number;
}

/** Total bytes of the batch that starts at `pos`, from its length field. */
export function batchSize(buf: Buffer, pos = 0): number {
  return BATCH_LENGTH_PREFIX_BYTES + buf.readInt32BE(pos + 8);
}

export function lastOffsetOf(header: Pick<BatchHeader, 'baseOffset' | 'lastOffsetDelta'>): number {
  return header.baseOffset + header.lastOffsetDelta;
}

/** Key, value or header value as the producer takes them: bytes, or a string encoded as UTF-8. */
export type BytesInput = Buffer | string;

export interface HeaderInput {
  key: string;
  value: BytesInput;
}

function byteLengthOf(bytes: BytesInput): number {
  return typeof bytes === 'string' ? Buffer.byteLength(bytes, 'utf8') : bytes.length;
}

/** Header fields a producer sets when it closes a batch. */
export interface BatchStamp {
  compression?: CompressionCodec;
  /** -1 when not idempotent. */
  producerId?: number;
  producerEpoch?: number;
  /** -1 when not idempotent. */
  baseSequence?: number;
}

const BUILDER_INITIAL_BYTES_MIN = 128;
const EMPTY_BUFFER = Buffer.alloc(0);

/**
 * Encodes records one at a time straight into a growing buffer whose first BATCH_HEADER_BYTES are
 * kept for the header, so closing an uncompressed batch writes the header and CRC in place: no
 * per-record objects, no second copy. Timestamp deltas are relative to `baseTimestamp`, which must
 * be the smallest timestamp of the batch (the header's firstTimestamp): `append` refuses an earlier
 * one and the caller starts a new batch for it.
 */
export class BatchBuilder {
  private buf: Buffer;
  private pos: number;
  private finished: Buffer | undefined;
  private count = 0;
  private maxTs: number;
  private expireTs = -1;
  private allHaveTtl = true;

  /**
   * `initialBytes`: first buffer size; the buffer doubles as records arrive. `headroomBytes` are
   * kept free before the batch so a request envelope can be written in front of it (`withPrefix`).
   * `allocate` gives buffers of at least the size asked (a pool may hand out larger ones).
   */
  constructor(
    readonly baseTimestamp: number,
    initialBytes = 16 * 1024,
    private readonly headroomBytes = 0,
    private readonly allocate: (bytes: number) => Buffer = Buffer.allocUnsafe,
  ) {
    this.buf = allocate(headroomBytes + Math.max(BUILDER_INITIAL_BYTES_MIN, initialBytes));
    this.pos = headroomBytes + BATCH_HEADER_BYTES;
    this.maxTs = baseTimestamp;
  }

  get recordCount(): number {
    return this.count;
  }

  /** Bytes of the uncompressed batch so far, header included. */
  get sizeBytes(): number {
    return this.pos - this.headroomBytes;
  }

  /**
   * Appends one record. `keyBytes`/`valueBytes` are the UTF-8 (or Buffer) lengths of key and value,
   * which the caller has already measured (-1 for null). Returns false, appending nothing, when
   * `timestamp` is before `baseTimestamp`.
   */
  append(
    key: BytesInput | null,
    keyBytes: number,
    value: BytesInput | null,
    valueBytes: number,
    headers: readonly HeaderInput[] | undefined,
    timestamp: number,
    ttlMs: number | undefined,
  ): boolean {
    const timestampDelta = timestamp - this.baseTimestamp;
    if (timestampDelta < 0) return false;
    const offsetDelta = this.count;
    let size = 1 + varintSize(timestampDelta) + varintSize(offsetDelta);
    if (ttlMs !== undefined) size += varintSize(ttlMs);
    size += key === null ? 1 : varintSize(keyBytes) + keyBytes;
    size += value === null ? 1 : varintSize(valueBytes) + valueBytes;
    const headerCount = headers === undefined ? 0 : headers.length;
    size += varintSize(headerCount);
    for (let h = 0; h < headerCount; h++) {
      const header = headers![h]!;
      const headerKeyBytes = Buffer.byteLength(header.key, 'utf8');
      const headerValueBytes = byteLengthOf(header.value);
      size += varintSize(headerKeyBytes) + headerKeyBytes + varintSize(headerValueBytes) + headerValueBytes;
    }
    this.ensure(varintSize(size) + size);
    const buf = this.buf;
    let pos = writeVarint(buf, this.pos, size);
    const start = pos;
    buf[pos++] = ttlMs !== undefined ? RECORD_ATTR_HAS_TTL : 0;
    pos = writeVarint(buf, pos, timestampDelta);
    pos = writeVarint(buf, pos, offsetDelta);
    if (ttlMs !== undefined) pos = writeVarint(buf, pos, ttlMs);
    pos = key === null ? writeVarint(buf, pos, -1) : writeBytes(buf, writeVarint(buf, pos, keyBytes), key);
    pos = value === null ? writeVarint(buf, pos, -1) : writeBytes(buf, writeVarint(buf, pos, valueBytes), value);
    pos = writeVarint(buf, pos, headerCount);
    for (let h = 0; h < headerCount; h++) {
      const header = headers![h]!;
      pos = writeBytes(buf, writeVarint(buf, pos, Buffer.byteLength(header.key, 'utf8')), header.key);
      pos = writeBytes(buf, writeVarint(buf, pos, byteLengthOf(header.value)), header.value);
    }
    if (pos - start !== size) throw new Error(`record encoder wrote ${pos - start} bytes, sized ${size}`);
    this.pos = pos;
    this.count++;
    if (timestamp > this.maxTs) this.maxTs = timestamp;
    if (ttlMs === undefined) this.allHaveTtl = false;
    else if (timestamp + ttlMs > this.expireTs) this.expireTs = timestamp + ttlMs;
    return true;
  }

  /**
   * The finished batch (base offset 0; the leader stamps the real one). Uncompressed, it is a view
   * of the builder's buffer: append nothing afterwards.
   */
  finish(stamp: BatchStamp = {}): Buffer {
    if (this.count === 0) throw new Error('a batch holds at least one record');
    const codec = stamp.compression ?? 'none';
    const headroom = this.headroomBytes;
    let buf: Buffer;
    if (codec === 'none') {
      buf = this.buf.subarray(headroom, this.pos);
    } else {
      const body = compress(codec, this.buf.subarray(headroom + BATCH_HEADER_BYTES, this.pos));
      this.buf = Buffer.allocUnsafe(headroom + BATCH_HEADER_BYTES + body.length);
      this.buf.set(body, headroom + BATCH_HEADER_BYTES);
      buf = this.buf.subarray(headroom);
    }
    writeInt64BE(buf, 0, 0);
    buf.writeInt32BE(buf.length - BATCH_LENGTH_PREFIX_BYTES, 8);
    buf.writeInt32BE(0, 12);
    buf.writeInt8(MAGIC, 16);
    buf.writeInt16BE(codecId(codec) | (this.allHaveTtl ? ATTR_ALL_RECORDS_HAVE_TTL : 0), 21);
    buf.writeInt32BE(this.count - 1, 23);
    writeInt64BE(buf, this.baseTimestamp, 27);
    writeInt64BE(buf, this.maxTs, 35);
    writeInt64BE(buf, stamp.producerId ?? -1, 43);
    buf.writeInt16BE(stamp.producerEpoch ?? -1, 51);
    buf.writeInt32BE(stamp.baseSequence ?? -1, 53);
    writeInt64BE(buf, this.expireTs, 57);
    buf.writeInt32BE(this.count, 65);
    buf.writeUInt32BE(crc32c(buf.subarray(CRC_START)), CRC_OFFSET);
    this.finished = buf;
    return buf;
  }

  /**
   * Hands over the buffer the batch was built in, for reuse: neither the builder nor its batch may
   * be used afterwards. Only the first call gets it (later ones get an empty buffer).
   */
  takeBuffer(): Buffer {
    const buf = this.buf;
    this.buf = EMPTY_BUFFER;
    this.finished = undefined;
    return buf;
  }

  /**
   * After `finish`: the finished batch with `prefixBytes` written right in front of it by `write`
   * (into the headroom: no copy of the batch), or undefined when the headroom is too small.
   */
  withPrefix(prefixBytes: number, write: (buf: Buffer, pos: number) => void): Buffer | undefined {
    const batch = this.finished;
    if (batch === undefined) throw new Error('withPrefix needs a finished batch');
    if (prefixBytes > this.headroomBytes) return undefined;
    const start = this.headroomBytes - prefixBytes;
    write(this.buf, start);
    return this.buf.subarray(start, this.headroomBytes + batch.length);
  }

  private ensure(bytes: number): void {
    if (this.pos + bytes <= this.buf.length) return;
    const grown = this.allocate(Math.max(this.buf.length * 2, this.pos + bytes));
    this.buf.copy(grown, 0, 0, this.pos);
    this.buf = grown;
  }
}

function writeBytes(buf: Buffer, pos: number, bytes: BytesInput): number {
  if (typeof bytes === 'string') return pos + buf.write(bytes, pos, 'utf8');
  buf.set(bytes, pos);
  return pos + bytes.length;
}

/** Encodes records into one batch with base offset 0; the leader stamps the real one. */
export function encodeBatch(records: readonly RecordInput[], options: EncodeOptions = {}): Buffer {
  if (records.length === 0) throw new Error('a batch holds at least one record');
  const nowMs = options.nowMs ?? Date.now();
  let firstTimestamp = Infinity;
  let bytes = BATCH_HEADER_BYTES;
  for (const record of records) {
    firstTimestamp = Math.min(firstTimestamp, record.timestamp ?? nowMs);
    bytes += 16 + (record.key?.length ?? 0) + (record.value?.length ?? 0);
  }
  const builder = new BatchBuilder(firstTimestamp, bytes);
  for (const record of records) {
    const key = record.key ?? null;
    const value = record.value;
    builder.append(key, key === null ? -1 : key.length, value, value === null ? -1 : value.length, record.headers, record.timestamp ?? nowMs, record.ttlMs);
  }
  return builder.finish(options);
}

/**
 * A zero-record control batch (the Raft no-op entry a new leader appends): base offset 0 and leader
 * epoch 0 until stamped, like encodeBatch's output, with a valid CRC.
 */
export function encodeControlBatch(options: { nowMs?: number; body?: Uint8Array } = {}): Buffer {
  const nowMs = options.nowMs ?? Date.now();
  const body = options.body;
  const buf = Buffer.allocUnsafe(BATCH_HEADER_BYTES + (body?.length ?? 0));
  if (body !== undefined) buf.set(body, BATCH_HEADER_BYTES);
  writeInt64BE(buf, 0, 0);
  buf.writeInt32BE(buf.length - BATCH_LENGTH_PREFIX_BYTES, 8);
  buf.writeInt32BE(0, 12);
  buf.writeInt8(MAGIC, 16);
  buf.writeInt16BE(ATTR_CONTROL, 21);
  buf.writeInt32BE(-1, 23);
  writeInt64BE(buf, nowMs, 27);
  writeInt64BE(buf, nowMs, 35);
  writeInt64BE(buf, -1, 43);
  buf.writeInt16BE(-1, 51);
  buf.writeInt32BE(-1, 53);
  writeInt64BE(buf, -1, 57);
  buf.writeInt32BE(0, 65);
  buf.writeUInt32BE(crc32c(buf.subarray(CRC_START)), CRC_OFFSET);
  return buf;
}

/**
 * The body of a zero-record control batch that carries one (a Raft configuration entry, stored as a
 * control batch so that it takes no offset and readers skip it), else undefined. Cheap: a data
 * batch costs one read of its attributes.
 */
export function controlBatchBody(buf: Uint8Array): Uint8Array | undefined {
  if (buf.length <= BATCH_HEADER_BYTES) return undefined;
  if ((buf[22]! & ATTR_CONTROL) === 0) return undefined;
  if (buf[65] !== 0 || buf[66] !== 0 || buf[67] !== 0 || buf[68] !== 0) return undefined;
  return buf.subarray(BATCH_HEADER_BYTES);
}

export function isControlBatch(header: Pick<BatchHeader, 'attributes'>): boolean {
  return (header.attributes & ATTR_CONTROL) !== 0;
}

export function readBatchHeader(buf: Buffer, pos = 0): BatchHeader {
  if (buf.length - pos < BATCH_HEADER_BYTES) {
    throw new SluiceError('CORRUPT_BATCH', `batch header needs ${BATCH_HEADER_BYTES} bytes, got ${buf.length - pos}`);
  }
  return {
    baseOffset: readInt64BE(buf, pos),
    batchLength: buf.readInt32BE(pos + 8),
    leaderEpoch: buf.readInt32BE(pos + 12),
    magic: buf.readInt8(pos + 16),
    crc: buf.readUInt32BE(pos + 17),
    attributes: buf.readInt16BE(pos + 21),
    lastOffsetDelta: buf.readInt32BE(pos + 23),
    firstTimestamp: readInt64BE(buf, pos + 27),
    maxTimestamp: readInt64BE(buf, pos + 35),
    producerId: readInt64BE(buf, pos + 43),
    producerEpoch: buf.readInt16BE(pos + 51),
    baseSequence: buf.readInt32BE(pos + 53),
    expireTimestamp: readInt64BE(buf, pos + 57),
    recordCount: buf.readInt32BE(pos + 65),
  };
}

/**
 * Checks that `buf` is exactly one well-formed batch: size, magic, record count and CRC.
 * Records are not decoded. Throws CORRUPT_BATCH with what is wrong. A zero-record batch is
 * rejected (producers must not send one) unless `allowZeroRecords` (storage verifying what it
 * stored, a follower checking copied entries).
 */
export function validateBatch(buf: Buffer, options: { allowZeroRecords?: boolean } = {}): BatchHeader {
  const header = readBatchHeader(buf);
  const corrupt = (why: string): never => {
    throw new SluiceError('CORRUPT_BATCH', why);
  };
  if (header.magic !== MAGIC) corrupt(`unsupported batch magic ${header.magic}, expected ${MAGIC}`);
  if (header.batchLength + BATCH_LENGTH_PREFIX_BYTES !== buf.length) {
    corrupt(`batch length field says ${header.batchLength + BATCH_LENGTH_PREFIX_BYTES} bytes, got ${buf.length}`);
  }
  if (header.recordCount < (options.allowZeroRecords ? 0 : 1)) corrupt(`batch has ${header.recordCount} records`);
  if (header.lastOffsetDelta !== header.recordCount - 1) {
    corrupt(`lastOffsetDelta ${header.lastOffsetDelta} does not match ${header.recordCount} records`);
  }
  if (codecFromId(header.attributes & ATTR_COMPRESSION_MASK) === undefined) {
    corrupt(`unknown compression codec ${header.attributes & ATTR_COMPRESSION_MASK}`);
  }
  if (header.maxTimestamp < header.firstTimestamp) corrupt('maxTimestamp is before firstTimestamp');
  const actual = crc32c(buf.subarray(CRC_START));
  if (actual !== header.crc) corrupt(`CRC32C mismatch: header says ${header.crc}, content hashes to ${actual}`);
  return header;
}

/**
 * Why the batch in `buf[pos, end)` cannot be trusted, or undefined when it can: a whole header, a
 * length field that matches, magic 2, and the CRC32C over the bytes. Builds no header object and
 * decodes no record, so storage can run it on every batch it reads back and the consumer on every
 * batch it receives. Base offset and leader epoch lie before the CRC'd range: a caller that knows
 * what they must be compares them itself.
 */
export function batchIntegrityProblem(buf: Buffer, pos = 0, end = buf.length): string | undefined {
  const size = end - pos;
  if (size < BATCH_HEADER_BYTES) return `batch of ${size} bytes is shorter than a batch header (${BATCH_HEADER_BYTES})`;
  const declared = batchSize(buf, pos);
  if (declared !== size) return `batch length field says ${declared} bytes, got ${size}`;
  const magic = buf.readInt8(pos + 16);
  if (magic !== MAGIC) return `unsupported batch magic ${magic}, expected ${MAGIC}`;
  const stored = buf.readUInt32BE(pos + CRC_OFFSET);
  const actual = crc32c(buf.subarray(pos + CRC_START, end));
  return actual === stored ? undefined : `CRC32C mismatch: header says ${stored}, content hashes to ${actual}`;
}

/**
 * Checks the records section of a batch that passed validateBatch: exactly `recordCount` records,
 * each framed within its length with offset deltas 0, 1, 2…, timestamps up to the header's
 * maxTimestamp, and TTLs matching the header's expiry fields; a compressed section is decompressed
 * to be checked. Reads lengths and integers only, nothing is allocated per record. Throws
 * CORRUPT_BATCH. The broker checks every produced batch so: one stored with a valid CRC but
 * malformed records would stop every reader of the partition, and a wrong count would take offsets
 * no record holds.
 */
export function validateRecords(buf: Buffer, header: BatchHeader, decompressed?: Buffer): void {
  const corrupt = (why: string): never => {
    throw new SluiceError('CORRUPT_BATCH', why);
  };
  const body = decompressed ?? recordsSection(buf, header, 0, buf.length);
  const reader = new Reader(body);
  let allHaveTtl = true;
  let expireTimestamp = -1;
  try {
    for (let i = 0; i < header.recordCount; i++) {
      const length = reader.varint();
      const recordEnd = reader.pos + length;
      if (length < 1 || recordEnd > body.length) throw new RangeError(`record ${i} length ${length} runs past the end of the batch`);
      const attributes = body[reader.pos++]!; // within the record: length >= 1
      if ((attributes & ~RECORD_ATTR_HAS_TTL) !== 0) throw new RangeError(`record ${i} has unknown attributes ${attributes}`);
      const timestamp = header.firstTimestamp + reader.varint();
      if (timestamp > header.maxTimestamp) throw new RangeError(`record ${i} timestamp ${timestamp} is after the batch's maxTimestamp`);
      const offsetDelta = reader.varint();
      if (offsetDelta !== i) throw new RangeError(`record ${i} has offset delta ${offsetDelta}`);
      if (attributes & RECORD_ATTR_HAS_TTL) {
        const ttlMs = reader.varint();
        // The client reads a TTL of 0 as none and retention as expired at once: refuse it (producers send >= 1).
        if (ttlMs < 1) throw new RangeError(`record ${i} has TTL ${ttlMs}`);
        expireTimestamp = Math.max(expireTimestamp, timestamp + ttlMs);
      } else {
        allHaveTtl = false;
      }
      skipField(reader, recordEnd, true); // key
      skipField(reader, recordEnd, true); // value
      const headerCount = reader.varint();
      if (headerCount < 0) throw new RangeError(`record ${i} has ${headerCount} headers`);
      for (let h = 0; h < headerCount; h++) {
        skipField(reader, recordEnd, false);
        skipField(reader, recordEnd, true);
      }
      if (reader.pos !== recordEnd) throw new RangeError(`record ${i} length says ${length}, its fields take ${length + reader.pos - recordEnd}`);
    }
  } catch (err) {
    if (err instanceof RangeError) corrupt(`malformed record: ${err.message}`);
    throw err;
  }
  if (reader.pos !== body.length) corrupt(`${body.length - reader.pos} bytes after the last of ${header.recordCount} records`);
  if (((header.attributes & ATTR_ALL_RECORDS_HAVE_TTL) !== 0) !== allHaveTtl) corrupt('the all-records-have-TTL flag does not match the records');
  if (header.expireTimestamp !== expireTimestamp) corrupt(`expireTimestamp ${header.expireTimestamp} does not match the records' TTLs (${expireTimestamp})`);
}

/** The records section of the batch at `pos`, decompressed; CORRUPT_BATCH if it does not decompress. */
function recordsSection(buf: Buffer, header: BatchHeader, pos: number, end: number): Buffer {
  const codec = compressionOf(header);
  try {
    return decompress(codec, buf.subarray(pos + BATCH_HEADER_BYTES, end));
  } catch (err) {
    if (err instanceof CodecNotLoadedError) throw err;
    throw new SluiceError('CORRUPT_BATCH', `records do not decompress as ${codec}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/**
 * The records section of a compressed batch, decompressed off the event loop (decompressAsync), for
 * validateRecords; CORRUPT_BATCH if it does not decompress.
 */
export async function decompressRecords(buf: Buffer, header: BatchHeader): Promise<Buffer> {
  const codec = compressionOf(header);
  try {
    return await decompressAsync(codec, buf.subarray(BATCH_HEADER_BYTES));
  } catch (err) {
    throw new SluiceError('CORRUPT_BATCH', `records do not decompress as ${codec}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Skips one length-prefixed field (-1 = null where `nullable`) that must end within the record. */
function skipField(reader: Reader, recordEnd: number, nullable: boolean): void {
  const length = reader.varint();
  if (length === -1 && nullable) return;
  if (length < 0 || reader.pos + length > recordEnd) throw new RangeError(`a field of ${length} bytes runs past its record`);
  reader.pos += length;
}

/** Writes the leader-assigned base offset and leader epoch in place; the CRC stays valid. */
export function stampBatch(buf: Buffer, baseOffset: number, leaderEpoch: number, pos = 0): void {
  writeInt64BE(buf, baseOffset, pos);
  buf.writeInt32BE(leaderEpoch, pos + 12);
}

/** Rewrites the producer epoch and base sequence of a finished batch in place and rehashes its CRC. */
export function restampSequence(buf: Buffer, producerEpoch: number, baseSequence: number): void {
  buf.writeInt16BE(producerEpoch, 51);
  buf.writeInt32BE(baseSequence, 53);
  buf.writeUInt32BE(crc32c(buf.subarray(CRC_START)), CRC_OFFSET);
}

export function compressionOf(header: Pick<BatchHeader, 'attributes'>): CompressionCodec {
  const codec = codecFromId(header.attributes & ATTR_COMPRESSION_MASK);
  if (codec === undefined) throw new SluiceError('CORRUPT_BATCH', 'unknown compression codec');
  return codec;
}

/**
 * The time after which every record of the batch has expired, in ms since the epoch, or undefined
 * if some record may live forever. `topicTtlMs` (0 = none) applies to records without their own TTL.
 */
export function batchExpiresAt(header: BatchHeader, topicTtlMs: number): number | undefined {
  const allHaveTtl = (header.attributes & ATTR_ALL_RECORDS_HAVE_TTL) !== 0;
  if (allHaveTtl) return header.expireTimestamp;
  if (topicTtlMs <= 0) return undefined;
  return Math.max(header.maxTimestamp + topicTtlMs, header.expireTimestamp);
}

/** Headers of a record that has none: shared and frozen, so decoding allocates nothing for them. */
export const NO_HEADERS: readonly RecordHeader[] = Object.freeze([]);

/**
 * Receives one decoded record; `key` and `value` are views into the batch (no copies), `headers`
 * is NO_HEADERS when the record has none.
 */
export type RecordVisitor = (
  offset: number,
  timestamp: number,
  key: Buffer | null,
  value: Buffer | null,
  headers: RecordHeader[],
  ttlMs: number | undefined,
) => void;

/**
 * Decodes the records of the batch at `pos` whose offset is at least `minOffset` and hands each to
 * `visit` (clients only: a broker never does this); records below `minOffset` are skipped without
 * decoding their key, value or headers. Returns the batch header.
 */
export function decodeRecords(buf: Buffer, visit: RecordVisitor, minOffset = 0, pos = 0): BatchHeader {
  const header = readBatchHeader(buf, pos);
  const end = pos + BATCH_LENGTH_PREFIX_BYTES + header.batchLength;
  if (end > buf.length) throw new SluiceError('CORRUPT_BATCH', 'batch runs past the end of the buffer');
  if (header.recordCount === 0 || header.baseOffset + header.lastOffsetDelta < minOffset) return header;
  const body = recordsSection(buf, header, pos, end);
  const reader = new Reader(body);
  const { baseOffset, firstTimestamp } = header;
  try {
    for (let i = 0; i < header.recordCount; i++) {
      const length = reader.varint();
      const recordEnd = reader.pos + length;
      const attributes = reader.int8();
      const timestampDelta = reader.varint();
      const offsetDelta = reader.varint();
      const ttlMs = attributes & RECORD_ATTR_HAS_TTL ? reader.varint() : undefined;
      const offset = baseOffset + offsetDelta;
      if (offset < minOffset) {
        if (recordEnd > body.length) throw new RangeError(`record ${i} runs past the end of the batch`);
        reader.pos = recordEnd;
        continue;
      }
      const key = reader.nullableBytes();
      const value = reader.nullableBytes();
      const headerCount = reader.varint();
      let headers = NO_HEADERS as RecordHeader[];
      if (headerCount > 0) {
        headers = [];
        for (let h = 0; h < headerCount; h++) {
          const headerKey = reader.nullableBytes();
          const headerValue = reader.nullableBytes();
          headers.push({ key: headerKey ? headerKey.toString('utf8') : '', value: headerValue ?? Buffer.alloc(0) });
        }
      }
      if (reader.pos !== recordEnd) throw new RangeError(`record ${i} length says ${length}, read ${length + reader.pos - recordEnd}`);
      visit(offset, firstTimestamp + timestampDelta, key, value, headers, ttlMs);
    }
  } catch (err) {
    if (err instanceof RangeError) throw new SluiceError('CORRUPT_BATCH', `malformed record: ${err.message}`);
    throw err;
  }
  return header;
}

/**
 * The offset of the first record of the batch at `pos`, at or after `minOffset`, whose timestamp is
 * at least `timestampMs`; undefined if none is. Records are stored in offset order and their
 * timestamps need not be, so this is the earliest such offset (Kafka's ListOffsets by time). Reads
 * only each record's timestamp and offset: the broker's offset lookup by time, not a hot path.
 */
export function firstOffsetAtTimestamp(buf: Buffer, timestampMs: number, minOffset = 0, pos = 0): number | undefined {
  const header = readBatchHeader(buf, pos);
  const end = pos + BATCH_LENGTH_PREFIX_BYTES + header.batchLength;
  if (end > buf.length) throw new SluiceError('CORRUPT_BATCH', 'batch runs past the end of the buffer');
  if (header.recordCount === 0 || lastOffsetOf(header) < minOffset) return undefined;
  const body = recordsSection(buf, header, pos, end);
  const reader = new Reader(body);
  try {
    for (let i = 0; i < header.recordCount; i++) {
      const length = reader.varint();
      const recordEnd = reader.pos + length;
      reader.int8(); // attributes
      const timestamp = header.firstTimestamp + reader.varint();
      const offset = header.baseOffset + reader.varint();
      if (offset >= minOffset && timestamp >= timestampMs) return offset;
      if (recordEnd > body.length) throw new RangeError(`record ${i} runs past the end of the batch`);
      reader.pos = recordEnd;
    }
  } catch (err) {
    if (err instanceof RangeError) throw new SluiceError('CORRUPT_BATCH', `malformed record: ${err.message}`);
    throw err;
  }
  return undefined;
}

/** Decodes every record of one batch (clients only: a broker never does this). */
export function decodeBatch(buf: Buffer, pos = 0): { header: BatchHeader; records: DecodedRecord[] } {
  const records: DecodedRecord[] = [];
  const header = decodeRecords(
    buf,
    (offset, timestamp, key, value, headers, ttlMs) => records.push({ offset, timestamp, key, value, headers: headers === NO_HEADERS ? [] : headers, ttlMs }),
    0,
    pos,
  );
  return { header, records };
}

/** Whether any whole batch of a concatenation (as a fetch returns them) is compressed with `codec`; reads headers only. */
export function anyBatchCompressedWith(buf: Buffer, codec: CompressionCodec): boolean {
  const id = codecId(codec);
  for (let pos = 0; buf.length - pos >= BATCH_HEADER_BYTES; ) {
    const size = batchSize(buf, pos);
    if (size < BATCH_HEADER_BYTES || pos + size > buf.length) return false;
    if ((buf.readInt16BE(pos + 21) & ATTR_COMPRESSION_MASK) === id) return true;
    pos += size;
  }
  return false;
}

/**
 * Splits a buffer of concatenated batches (as a fetch returns them) into views of whole batches.
 * A trailing partial batch is ignored, as in Kafka, so a reader can cap by bytes without decoding.
 */
export function splitBatches(buf: Buffer): Buffer[] {
  const batches: Buffer[] = [];
  let pos = 0;
  while (buf.length - pos >= BATCH_LENGTH_PREFIX_BYTES) {
    const size = batchSize(buf, pos);
    if (size < BATCH_HEADER_BYTES || pos + size > buf.length) break;
    batches.push(buf.subarray(pos, pos + size));
    pos += size;
  }
  return batches;
}
