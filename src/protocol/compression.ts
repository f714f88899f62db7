/**
 * Batch-level compression codecs; the codec id lives in the low 3 bits of a batch's attributes.
 * The producer compresses the records section of a batch as a whole, the broker stores the batch
 * as it arrived, and the consumer decompresses; the broker decompresses to check a produced
 * batch's records and to look an offset up by time (ListOffsets), never to serve batches.
 *
 * Formats, as Kafka clients write them (a batch from a Kafka client is stored as it came):
 * - gzip: a gzip member.
 * - snappy: a raw snappy block (librdkafka), or xerial's framing of raw blocks (the Java client):
 *   magic `\x82SNAPPY\0`, two int32 versions, then [int32 length, raw block]...
 * - lz4: the LZ4 frame format (Kafka clients), or Sluice's own: one block after its uncompressed
 *   size as a little-endian u32. A frame starts with the magic 0x184D2204, which as a size would
 *   be far above DECOMPRESSED_BYTES_MAX, so the two never mix up.
 * - zstd: zstd frames, decoded by a WebAssembly build of libzstd that loads once, on first need
 *   (loadZstd); the Sluice producer does not write zstd.
 */
import { gunzip, gunzipSync, gzipSync, constants as zlibConstants } from 'node:zlib';
import { compressSync as lz4CompressSync, decompressFrame, decompressFrameSync, uncompress as lz4Uncompress, uncompressSync as lz4UncompressSync } from 'lz4-napi';
import { compressSync as snappyCompressSync, uncompress as snappyUncompress, uncompressSync as snappyUncompressSync } from 'snappy';
import { MAX_MESSAGE_BYTES } from './grpc.js';

/**
 * Most bytes a records section may decompress to: what one gRPC message may carry, since the same
 * records uncompressed could not be sent. It bounds what a small forged batch costs whoever
 * decompresses it: a gzip bomb inflating to gigabytes, or a size header claiming them (decoders
 * allocate what the header claims).
 */
export const DECOMPRESSED_BYTES_MAX = MAX_MESSAGE_BYTES;
/** lz4: the uncompressed size, a little-endian u32, precedes the block. */
const LZ4_SIZE_BYTES = 4;

/** Every codec a stored batch may carry. */
export const COMPRESSION_CODECS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;
export type CompressionCodec = (typeof COMPRESSION_CODECS)[number];
/** The codecs the Sluice producer writes (zstd's encoder would need an asynchronous load first). */
export const PRODUCER_CODECS = ['none', 'gzip', 'snappy', 'lz4'] as const;
export type ProducerCodec = (typeof PRODUCER_CODECS)[number];

/** Wire ids as in Kafka (1 gzip, 2 snappy, 3 lz4, 4 zstd); ids not listed here are reserved. */
const CODEC_IDS: Readonly<Record<CompressionCodec, number>> = { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 };

export function codecId(codec: CompressionCodec): number {
  return CODEC_IDS[codec];
}

export function codecFromId(id: number): CompressionCodec | undefined {
  return COMPRESSION_CODECS.find((codec) => CODEC_IDS[codec] === id);
}

export function isProducerCodec(value: string): value is ProducerCodec {
  return (PRODUCER_CODECS as readonly string[]).includes(value);
}

/** Thrown by the synchronous calls for zstd before loadZstd() finished; not a fault of the data. */
export class CodecNotLoadedError extends Error {
  override name = 'CodecNotLoadedError';
}

interface ZstdCodec {
  compress(data: Uint8Array, level?: number): Uint8Array;
  decompress(data: Uint8Array, options?: { defaultHeapSize: number }): Uint8Array;
}

let zstd: ZstdCodec | undefined;
let zstdLoading: Promise<void> | undefined;
/** librdkafka's and Kafka's default level. */
const ZSTD_LEVEL = 3;

/** Loads the zstd decoder (once per process; later calls return the same promise). */
export function loadZstd(): Promise<void> {
  zstdLoading ??= import('@bokuweb/zstd-wasm').then(async (module) => {
    await module.init();
    zstd = module;
  });
  return zstdLoading;
}

export function zstdLoaded(): boolean {
  return zstd !== undefined;
}

function zstdCodec(): ZstdCodec {
  if (zstd !== undefined) return zstd;
  void loadZstd();
  throw new CodecNotLoadedError('the zstd codec is still loading');
}

export function compress(codec: CompressionCodec, data: Buffer): Buffer {
  switch (codec) {
    case 'none':
      return data;
    case 'gzip':
      return gzipSync(data, { level: zlibConstants.Z_BEST_SPEED });
    case 'snappy':
      return snappyCompressSync(data);
    case 'lz4':
      // lz4_flex block format with the uncompressed size prepended, so decompression needs no frame.
      return lz4CompressSync(data);
    case 'zstd':
      return toBuffer(zstdCodec().compress(data, ZSTD_LEVEL));
  }
}

/**
 * Throws a RangeError for data that claims or inflates to more than DECOMPRESSED_BYTES_MAX, or
 * whose size header lies; CodecNotLoadedError for zstd before loadZstd() finished.
 */
export function decompress(codec: CompressionCodec, data: Buffer): Buffer {
  switch (codec) {
    case 'none':
      return data;
    case 'gzip':
      return gunzipSync(data, { maxOutputLength: DECOMPRESSED_BYTES_MAX });
    case 'snappy':
      return decompressSnappy(data, (block) => snappyUncompressSync(block, { asBuffer: true }) as Buffer);
    case 'lz4':
      if (isLz4Frame(data)) return decompressFrameSync(checkLz4Frame(data));
      return checkedLz4(data, lz4UncompressSync(lz4Claim(data)));
    case 'zstd':
      return decompressZstd(zstdCodec(), data);
  }
}

/**
 * decompress() off the event loop, on libuv's thread pool: what a broker uses on a produced batch,
 * so a client's gzip bomb (up to DECOMPRESSED_BYTES_MAX) costs a pool thread, not every other
 * client's answers. Same bounds and errors (the promise rejects with the RangeError). zstd runs
 * on the event loop (its decoder is WebAssembly), within the same bound.
 */
export async function decompressAsync(codec: CompressionCodec, data: Buffer): Promise<Buffer> {
  if (codec === 'none') return data;
  if (codec === 'zstd') {
    await loadZstd();
    return decompressZstd(zstdCodec(), data);
  }
  // At most ASYNC_DECOMPRESSIONS_MAX at once: each may hold DECOMPRESSED_BYTES_MAX, and the pool's
  // other threads stay free for the file system.
  while (asyncDecompressions >= ASYNC_DECOMPRESSIONS_MAX) await new Promise<void>((resolve) => decompressionWaiters.push(resolve));
  asyncDecompressions++;
  try {
    return await decompressOnPool(codec, data);
  } finally {
    asyncDecompressions--;
    decompressionWaiters.shift()?.();
  }
}

const ASYNC_DECOMPRESSIONS_MAX = 2;
let asyncDecompressions = 0;
const decompressionWaiters: Array<() => void> = [];

async function decompressOnPool(codec: Exclude<CompressionCodec, 'none' | 'zstd'>, data: Buffer): Promise<Buffer> {
  switch (codec) {
    case 'gzip':
      return new Promise((resolve, reject) =>
        gunzip(data, { maxOutputLength: DECOMPRESSED_BYTES_MAX }, (err, out) => (err ? reject(err instanceof RangeError ? err : new RangeError(err.message)) : resolve(out))),
      );
    case 'snappy': {
      const blocks = await Promise.all(snappyBlocks(data).map((block) => snappyUncompress(block, { asBuffer: true }).catch(asRangeError)));
      return blocks.length === 1 ? (blocks[0] as Buffer) : Buffer.concat(blocks as Buffer[]);
    }
    case 'lz4':
      if (isLz4Frame(data)) return decompressFrame(checkLz4Frame(data)).catch(asRangeError);
      return checkedLz4(data, await lz4Uncompress(lz4Claim(data)));
  }
}

function asRangeError(err: unknown): never {
  throw err instanceof RangeError ? err : new RangeError(err instanceof Error ? err.message : String(err));
}

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

// ------------------------------------------------------------------ lz4

/** The lz4 data, once its size header is checked against DECOMPRESSED_BYTES_MAX (the decoder allocates what it claims). */
function lz4Claim(data: Buffer): Buffer {
  if (data.length < LZ4_SIZE_BYTES) throw new RangeError(`lz4 data of ${data.length} bytes has no size header`);
  const claimed = data.readUInt32LE(0);
  if (claimed > DECOMPRESSED_BYTES_MAX) throw new RangeError(`lz4 size header claims ${claimed} bytes, over the ${DECOMPRESSED_BYTES_MAX} allowed`);
  return data;
}

function checkedLz4(data: Buffer, out: Buffer): Buffer {
  const claimed = data.readUInt32LE(0);
  if (out.length !== claimed) throw new RangeError(`lz4 size header says ${claimed} bytes, the block holds ${out.length}`);
  return out;
}

const LZ4_FRAME_MAGIC = 0x184d2204;
const LZ4_FLG_CONTENT_SIZE = 0x08;
const LZ4_FLG_DICT_ID = 0x01;
const LZ4_FLG_BLOCK_CHECKSUM = 0x10;
const LZ4_FLG_CONTENT_CHECKSUM = 0x04;
const LZ4_BLOCK_UNCOMPRESSED = 0x80000000;

export function isLz4Frame(data: Buffer): boolean {
  return data.length >= 4 && data.readUInt32LE(0) === LZ4_FRAME_MAGIC;
}

/**
 * Walks the block headers of LZ4 frames: the blocks' count times the frame's block maximum bounds
 * what they can inflate to, and frames that could exceed DECOMPRESSED_BYTES_MAX are refused
 * (RangeError) before the decoder allocates anything. Returns `data`.
 */
function checkLz4Frame(data: Buffer): Buffer {
  const corrupt = (why: string): never => {
    throw new RangeError(`lz4 frame: ${why}`);
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
  return data;
}

// ------------------------------------------------------------------ snappy

const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
/** Magic, version and compatible version. */
const XERIAL_HEADER_BYTES = 16;

/** The raw snappy blocks of `data` (one, or xerial's chunks), each claim checked against the bound. */
function snappyBlocks(data: Buffer): Buffer[] {
  const blocks: Buffer[] = [];
  if (data.length >= XERIAL_HEADER_BYTES && data.subarray(0, XERIAL_MAGIC.length).equals(XERIAL_MAGIC)) {
    for (let pos = XERIAL_HEADER_BYTES; pos < data.length; ) {
      if (data.length - pos < 4) throw new RangeError('snappy: truncated xerial chunk length');
      const length = data.readInt32BE(pos);
      pos += 4;
      if (length < 0 || pos + length > data.length) throw new RangeError(`snappy: xerial chunk of ${length} bytes runs past the end`);
      blocks.push(data.subarray(pos, pos + length));
      pos += length;
    }
  } else {
    blocks.push(data);
  }
  let claimed = 0;
  for (const block of blocks) {
    claimed += snappyClaim(block);
    if (claimed > DECOMPRESSED_BYTES_MAX) throw new RangeError(`snappy blocks claim more than the ${DECOMPRESSED_BYTES_MAX} bytes allowed`);
  }
  return blocks;
}

/** The uncompressed length a raw snappy block starts with (a varint of at most 5 bytes). */
function snappyClaim(block: Buffer): number {
  let value = 0;
  for (let i = 0; i < 5 && i < block.length; i++) {
    const byte = block[i]!;
    value += (byte & 0x7f) * 2 ** (7 * i);
    if ((byte & 0x80) === 0) return value;
  }
  throw new RangeError('snappy: malformed length header');
}

function decompressSnappy(data: Buffer, uncompress: (block: Buffer) => Buffer): Buffer {
  const blocks = snappyBlocks(data).map((block) => {
    try {
      return uncompress(block);
    } catch (err) {
      return asRangeError(err);
    }
  });
  return blocks.length === 1 ? blocks[0]! : Buffer.concat(blocks);
}

// ------------------------------------------------------------------ zstd

const ZSTD_MAGIC = 0xfd2fb528;

/** The first frame's content size from its header, or undefined when the header does not say (streamed). */
function zstdContentSize(data: Buffer): number | undefined {
  if (data.length < 6 || data.readUInt32LE(0) !== ZSTD_MAGIC) throw new RangeError('zstd: not a zstd frame');
  const descriptor = data[4]!;
  const fcsFlag = descriptor >> 6;
  const singleSegment = (descriptor & 0x20) !== 0;
  const dictIdBytes = [0, 1, 2, 4][descriptor & 0x03]!;
  const fcsBytes = [singleSegment ? 1 : 0, 2, 4, 8][fcsFlag]!;
  if (fcsBytes === 0) return undefined;
  const pos = 5 + (singleSegment ? 0 : 1) + dictIdBytes;
  if (data.length < pos + fcsBytes) throw new RangeError('zstd: truncated frame header');
  switch (fcsBytes) {
    case 1:
      return data[pos]!;
    case 2:
      return data.readUInt16LE(pos) + 256;
    case 4:
      return data.readUInt32LE(pos);
    default:
      return Number(data.readBigUInt64LE(pos));
  }
}

function decompressZstd(codec: ZstdCodec, data: Buffer): Buffer {
  const claimed = zstdContentSize(data);
  if (claimed !== undefined && claimed > DECOMPRESSED_BYTES_MAX) throw new RangeError(`zstd frame claims ${claimed} bytes, over the ${DECOMPRESSED_BYTES_MAX} allowed`);
  try {
    // A frame without its size (streamed by its writer) is decoded into a buffer of the bound.
    return toBuffer(claimed !== undefined ? codec.decompress(data) : codec.decompress(data, { defaultHeapSize: DECOMPRESSED_BYTES_MAX }));
  } catch (err) {
    return asRangeError(err);
  }
}
