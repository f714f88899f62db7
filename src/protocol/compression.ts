/**
 * Batch-level compression codecs; the codec id lives in the low 3 bits of a batch's attributes.
 * The producer compresses the records section of a batch as a whole, the broker stores the batch
 * as it arrived, and the consumer decompresses; the broker decompresses to check a produced
 * batch's records and to look an offset up by time (ListOffsets), never to serve batches.
 */
import { gunzip, gunzipSync, gzipSync, constants as zlibConstants } from 'node:zlib';
import { compressSync as lz4CompressSync, uncompress as lz4Uncompress, uncompressSync as lz4UncompressSync } from 'lz4-napi';
import { MAX_MESSAGE_BYTES } from './grpc.js';

/**
 * Most bytes a records section may decompress to: what one gRPC message may carry, since the same
 * records uncompressed could not be sent. It bounds what a small forged batch costs whoever
 * decompresses it: a gzip bomb inflating to gigabytes, or an lz4 size header claiming them (the
 * decoder allocates what the header claims).
 */
export const DECOMPRESSED_BYTES_MAX = MAX_MESSAGE_BYTES;
/** lz4: the uncompressed size, a little-endian u32, precedes the block. */
const LZ4_SIZE_BYTES = 4;

export const COMPRESSION_CODECS = ['none', 'gzip', 'lz4'] as const;
export type CompressionCodec = (typeof COMPRESSION_CODECS)[number];

/** Wire ids as in Kafka (1 gzip, 2 snappy, 3 lz4, 4 zstd); ids not listed here are reserved. */
const CODEC_IDS: Readonly<Record<CompressionCodec, number>> = { none: 0, gzip: 1, lz4: 3 };

export function codecId(codec: CompressionCodec): number {
  return CODEC_IDS[codec];
}

export function codecFromId(id: number): CompressionCodec | undefined {
  return COMPRESSION_CODECS.find((codec) => CODEC_IDS[codec] === id);
}

export function isCompressionCodec(value: string): value is CompressionCodec {
  return (COMPRESSION_CODECS as readonly string[]).includes(value);
}

export function compress(codec: CompressionCodec, data: Buffer): Buffer {
  switch (codec) {
    case 'none':
      return data;
    case 'gzip':
      return gzipSync(data, { level: zlibConstants.Z_BEST_SPEED });
    case 'lz4':
      // lz4_flex block format with the uncompressed size prepended, so decompression needs no frame.
      return lz4CompressSync(data);
  }
}

/** Throws a RangeError for data that claims or inflates to more than DECOMPRESSED_BYTES_MAX, or whose lz4 size header lies. */
export function decompress(codec: CompressionCodec, data: Buffer): Buffer {
  switch (codec) {
    case 'none':
      return data;
    case 'gzip':
      return gunzipSync(data, { maxOutputLength: DECOMPRESSED_BYTES_MAX });
    case 'lz4':
      return checkedLz4(data, lz4UncompressSync(lz4Claim(data)));
  }
}

/**
 * decompress() off the event loop, on libuv's thread pool: what a broker uses on a produced batch,
 * so a client's gzip bomb (up to DECOMPRESSED_BYTES_MAX) costs a pool thread, not every other
 * client's answers. Same bounds and errors (the promise rejects with the RangeError).
 */
export async function decompressAsync(codec: CompressionCodec, data: Buffer): Promise<Buffer> {
  if (codec === 'none') return data;
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

async function decompressOnPool(codec: CompressionCodec, data: Buffer): Promise<Buffer> {
  switch (codec) {
    case 'none':
      return data;
    case 'gzip':
      return new Promise((resolve, reject) =>
        gunzip(data, { maxOutputLength: DECOMPRESSED_BYTES_MAX }, (err, out) => (err ? reject(err instanceof RangeError ? err : new RangeError(err.message)) : resolve(out))),
      );
    case 'lz4':
      return checkedLz4(data, await lz4Uncompress(lz4Claim(data)));
  }
}

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
