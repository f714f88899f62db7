/**
 * Record batches for the fuzzer: well-formed ones (so requests reach the append path), and broken
 * ones — CRC wrong, or a mutation with the CRC fixed afterwards (so the record walk sees it), a
 * length field that lies, a record count that lies, gzip bombs and lz4 size headers claiming
 * gigabytes, each with a valid CRC.
 */
import { gzipSync } from 'node:zlib';
import { BATCH_HEADER_BYTES, encodeBatch, restampSequence } from '../../src/protocol/batch.js';
import { codecId, DECOMPRESSED_BYTES_MAX, type CompressionCodec } from '../../src/protocol/compression.js';
import type { Rng } from '../../src/raft/rng.js';

/** Offsets of header fields (protocol/batch.ts documents the layout). */
const LENGTH_OFFSET = 8;
const CRC_OFFSET = 17;
const ATTRIBUTES_OFFSET = 21;
const RECORD_COUNT_OFFSET = 65;
const CODEC_MASK = 0x07;

let bombs: { over: Buffer; under: Buffer } | undefined;

/** Gzip of zeros just over and just under what the broker inflates (made once: ~65 KB each). */
function gzipBombs(): { over: Buffer; under: Buffer } {
  bombs ??= { over: gzipSync(Buffer.alloc(DECOMPRESSED_BYTES_MAX + 1)), under: gzipSync(Buffer.alloc(DECOMPRESSED_BYTES_MAX / 2)) };
  return bombs;
}

/** Rehashes the CRC (the producer epoch and sequence are rewritten as they are). */
function fixCrc(batch: Buffer): Buffer {
  if (batch.length >= BATCH_HEADER_BYTES) restampSequence(batch, batch.readInt16BE(51), batch.readInt32BE(53));
  return batch;
}

/** The batch's records section replaced by `section` under `codec`, lengths and CRC made consistent. */
function withSection(batch: Buffer, section: Buffer, codec: CompressionCodec): Buffer {
  const out = Buffer.concat([batch.subarray(0, BATCH_HEADER_BYTES), section]);
  out.writeInt32BE(out.length - 12, LENGTH_OFFSET);
  out.writeInt16BE((out.readInt16BE(ATTRIBUTES_OFFSET) & ~CODEC_MASK) | codecId(codec), ATTRIBUTES_OFFSET);
  return fixCrc(out);
}

function validBatch(rng: Rng): Buffer {
  const count = 1 + Math.floor(rng() * 5);
  const codecs: CompressionCodec[] = ['none', 'none', 'gzip', 'lz4'];
  const records = Array.from({ length: count }, (_, i) => ({
    key: rng() < 0.5 ? null : Buffer.from(`k${i}`),
    value: Buffer.alloc(Math.floor(rng() * 200), i),
    headers: rng() < 0.3 ? [{ key: 'h', value: Buffer.from('v') }] : undefined,
    ttlMs: rng() < 0.1 ? 1 + Math.floor(rng() * 10_000) : undefined,
  }));
  return encodeBatch(records, { compression: codecs[Math.floor(rng() * codecs.length)]! });
}

export function randomBatch(rng: Rng): Buffer {
  const batch = validBatch(rng);
  const roll = rng();
  if (roll < 0.4) return batch;
  if (roll < 0.5) {
    batch[BATCH_HEADER_BYTES + Math.floor(rng() * (batch.length - BATCH_HEADER_BYTES))]! ^= 0xff; // CRC now wrong
    return batch;
  }
  if (roll < 0.65) {
    const at = Math.floor(rng() * batch.length);
    if (at !== CRC_OFFSET) batch[at]! ^= 1 << Math.floor(rng() * 8);
    return fixCrc(batch); // a valid CRC over a mutated header or records
  }
  if (roll < 0.7) {
    batch.writeInt32BE(Math.floor(rng() * 2 ** 31), LENGTH_OFFSET);
    return batch;
  }
  if (roll < 0.75) {
    batch.writeInt32BE(rng() < 0.5 ? -1 : Math.floor(rng() * 2 ** 31), RECORD_COUNT_OFFSET);
    return fixCrc(batch);
  }
  if (roll < 0.8) return batch.subarray(0, Math.floor(rng() * batch.length));
  if (roll < 0.85) return withSection(batch, gzipBombs().over, 'gzip');
  if (roll < 0.87) return withSection(batch, gzipBombs().under, 'gzip');
  if (roll < 0.92) {
    // lz4 block whose size header claims up to 4 GiB.
    const section = Buffer.alloc(16);
    section.writeUInt32LE(Math.floor(rng() * 2 ** 32), 0);
    return withSection(batch, section, 'lz4');
  }
  if (roll < 0.96) return withSection(batch, Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3]), 'gzip');
  const junk = Buffer.allocUnsafe(Math.floor(rng() * 300));
  for (let i = 0; i < junk.length; i++) junk[i] = Math.floor(rng() * 256);
  return junk;
}
