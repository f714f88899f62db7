/** Batch-level compression codecs; the codec id lives in the low 3 bits of a batch's attributes. */
import { gunzipSync, gzipSync, constants as zlibConstants } from 'node:zlib';

export const COMPRESSION_CODECS = ['none', 'gzip'] as const;
export type CompressionCodec = (typeof COMPRESSION_CODECS)[number];

/** Wire ids as in Kafka (1 gzip, 2 snappy, 3 lz4, 4 zstd); ids not listed here are reserved. */
const CODEC_IDS: Readonly<Record<CompressionCodec, number>> = { none: 0, gzip: 1 };

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
  }
}

export function decompress(codec: CompressionCodec, data: Buffer): Buffer {
  switch (codec) {
    case 'none':
      return data;
    case 'gzip':
      return gunzipSync(data);
  }
}
