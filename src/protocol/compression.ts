/**
 * Batch-level compression codecs; the codec id lives in the low 3 bits of a batch's attributes.
 * The producer compresses the records section of a batch as a whole, the broker stores the batch
 * as it arrived, and the consumer decompresses; the broker decompresses only to look an offset up
 * by time (ListOffsets), never to store or serve batches.
 */
import { gunzipSync, gzipSync, constants as zlibConstants } from 'node:zlib';
import { compressSync as lz4CompressSync, uncompressSync as lz4UncompressSync } from 'lz4-napi';

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

export function decompress(codec: CompressionCodec, data: Buffer): Buffer {
  switch (codec) {
    case 'none':
      return data;
    case 'gzip':
      return gunzipSync(data);
    case 'lz4':
      return lz4UncompressSync(data);
  }
}
