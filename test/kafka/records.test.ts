/**
 * Kafka batches ↔ Sluice batches. The Kafka batches here are laid out by hand from Kafka's
 * record-batch grammar (magic 2, 61-byte header), not by the code under test.
 */
import { expect } from 'chai';
import { crc32c } from '@node-rs/crc32';
import { compressFrameSync, decompressFrameSync } from 'lz4-napi';
import { gzipSync } from 'node:zlib';
import { decodeBatch, encodeBatch, stampBatch, validateBatch, validateRecords } from '../../src/protocol/batch.js';
import { kafkaBatchToSluice, sluiceBatchToKafka } from '../../src/kafka/records.js';
import { compressSync as snappyCompressSync } from 'snappy';
import { compress as zstdCompress } from '@bokuweb/zstd-wasm';
import { decompress, loadZstd } from '../../src/protocol/compression.js';
import { KafkaError, KafkaProtocolError, kafkaFailure } from '../../src/kafka/errors.js';

/** One Kafka record: varint-framed, attributes 0, as Kafka's producers write them. */
function kafkaRecord(offsetDelta: number, timestampDelta: number, key: string | null, value: string, headers: [string, string][] = []): Buffer {
  const zz = (n: number): number[] => {
    let v = n >= 0 ? n * 2 : -n * 2 - 1;
    const out: number[] = [];
    while (v >= 0x80) {
      out.push((v & 0x7f) | 0x80);
      v >>>= 7;
    }
    out.push(v);
    return out;
  };
  const field = (s: string | null): number[] => (s === null ? zz(-1) : [...zz(Buffer.byteLength(s)), ...Buffer.from(s)]);
  const inner = [0, ...zz(timestampDelta), ...zz(offsetDelta), ...field(key), ...field(value), ...zz(headers.length)];
  for (const [k, v] of headers) inner.push(...field(k), ...field(v));
  return Buffer.from([...zz(inner.length), ...inner]);
}

/** A Kafka magic-2 batch around `body` (records, compressed per `codec`). */
function kafkaBatch(options: { body: Buffer; count: number; codec?: number; attributes?: number; magic?: number; firstTimestamp?: number }): Buffer {
  const buf = Buffer.alloc(61 + options.body.length);
  buf.writeBigInt64BE(0n, 0); // base offset
  buf.writeInt32BE(buf.length - 12, 8);
  buf.writeInt32BE(0, 12); // partition leader epoch
  buf.writeInt8(options.magic ?? 2, 16);
  buf.writeInt16BE(options.attributes ?? options.codec ?? 0, 21);
  buf.writeInt32BE(options.count - 1, 23);
  buf.writeBigInt64BE(BigInt(options.firstTimestamp ?? 1_700_000_000_000), 27);
  buf.writeBigInt64BE(BigInt((options.firstTimestamp ?? 1_700_000_000_000) + options.count - 1), 35);
  buf.writeBigInt64BE(-1n, 43); // producer id
  buf.writeInt16BE(-1, 51);
  buf.writeInt32BE(-1, 53);
  buf.writeInt32BE(options.count, 57);
  options.body.copy(buf, 61);
  buf.writeUInt32BE(crc32c(buf.subarray(21)), 17);
  return buf;
}

const RECORDS = Buffer.concat([kafkaRecord(0, 0, 'k1', 'v1', [['h', 'x']]), kafkaRecord(1, 1, null, 'v2')]);

function failureOf(run: () => unknown): number {
  try {
    run();
  } catch (err) {
    expect(err).to.be.instanceOf(KafkaProtocolError);
    return kafkaFailure(err).code;
  }
  throw new Error('did not fail');
}

describe('kafka records: Kafka batch -> Sluice batch', () => {
  it('stores an uncompressed Kafka batch as a valid Sluice batch with the same records', () => {
    const sluice = kafkaBatchToSluice(kafkaBatch({ body: RECORDS, count: 2 }));
    expect(sluice.length).to.equal(61 + RECORDS.length + 8);
    const header = validateBatch(sluice);
    validateRecords(sluice, header);
    expect(header.expireTimestamp).to.equal(-1);
    const { records } = decodeBatch(sluice);
    expect(records.map((r) => [r.offset, r.key?.toString() ?? null, r.value?.toString(), r.headers.map((h) => `${h.key}=${h.value}`)])).to.deep.equal([
      [0, 'k1', 'v1', ['h=x']],
      [1, null, 'v2', []],
    ]);
  });

  it('comes back byte for byte as the Kafka batch it was (the stamped base offset aside)', () => {
    const kafka = kafkaBatch({ body: RECORDS, count: 2 });
    const sluice = kafkaBatchToSluice(kafka);
    stampBatch(sluice, 40, 3);
    const back = Buffer.concat(sluiceBatchToKafka(sluice));
    const expected = Buffer.from(kafka);
    expected.writeBigInt64BE(40n, 0);
    expected.writeInt32BE(3, 12);
    expect(back.toString('hex')).to.equal(expected.toString('hex'));
  });

  it('stores gzip, snappy (raw and xerial-framed), lz4 frames and zstd as sent, readable by the Sluice decoder, and serves them back unchanged', async () => {
    // The library's own encoder, once its module is loaded (loadZstd: once per process).
    await loadZstd();
    const xerial = (block: Buffer): Buffer => {
      const head = Buffer.alloc(20);
      Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]).copy(head);
      head.writeInt32BE(1, 8);
      head.writeInt32BE(1, 12);
      head.writeInt32BE(block.length, 16);
      return Buffer.concat([head, block]);
    };
    const bodies: Array<[number, Buffer]> = [
      [1, gzipSync(RECORDS)],
      [2, snappyCompressSync(RECORDS)],
      [2, xerial(snappyCompressSync(RECORDS))],
      [3, compressFrameSync(RECORDS)],
      [4, Buffer.from(zstdCompress(RECORDS, 3))],
    ];
    for (const [codec, body] of bodies) {
      const kafka = kafkaBatch({ body, count: 2, codec });
      const stored = kafkaBatchToSluice(kafka);
      validateRecords(stored, validateBatch(stored));
      expect(decodeBatch(stored).records.map((r) => r.value?.toString()), `codec ${codec}`).to.deep.equal(['v1', 'v2']);
      expect(Buffer.concat(sluiceBatchToKafka(stored)).toString('hex'), `codec ${codec}`).to.equal(kafka.toString('hex'));
    }
  });

  it('re-frames a Sluice producer\'s lz4 blocks as an LZ4 frame for Kafka clients', () => {
    const sluice = encodeBatch([{ key: Buffer.from('k1'), value: Buffer.from('v1'), headers: [{ key: 'h', value: Buffer.from('x') }], timestamp: 1_700_000_000_000 }, { key: null, value: Buffer.from('v2'), timestamp: 1_700_000_000_001 }], { compression: 'lz4' });
    const [head, body] = sluiceBatchToKafka(sluice);
    expect(head.readInt16BE(21) & 7).to.equal(3);
    expect(decompressFrameSync(body).equals(RECORDS)).to.equal(true);
    expect(head.readUInt32BE(17)).to.equal(crc32c(Buffer.concat([head, body]).subarray(21)));
  });

  it('answers what Kafka would for batches it cannot take', () => {
    const good = kafkaBatch({ body: RECORDS, count: 2 });
    const badCrc = Buffer.from(good);
    badCrc[70] ^= 1;
    expect(failureOf(() => kafkaBatchToSluice(badCrc))).to.equal(KafkaError.CORRUPT_MESSAGE);
    expect(failureOf(() => kafkaBatchToSluice(good.subarray(0, 40)))).to.equal(KafkaError.CORRUPT_MESSAGE);
    expect(failureOf(() => kafkaBatchToSluice(good.subarray(0, good.length - 1)))).to.equal(KafkaError.CORRUPT_MESSAGE);
    expect(failureOf(() => kafkaBatchToSluice(Buffer.concat([good, good])))).to.equal(KafkaError.INVALID_RECORD);
    expect(failureOf(() => kafkaBatchToSluice(kafkaBatch({ body: RECORDS, count: 2, magic: 1 })))).to.equal(KafkaError.UNSUPPORTED_FOR_MESSAGE_FORMAT);
    expect(failureOf(() => kafkaBatchToSluice(kafkaBatch({ body: RECORDS, count: 2, codec: 5 })))).to.equal(KafkaError.CORRUPT_MESSAGE);
    expect(failureOf(() => kafkaBatchToSluice(kafkaBatch({ body: RECORDS, count: 2, attributes: 0x10 })))).to.equal(KafkaError.INVALID_RECORD);
    expect(failureOf(() => kafkaBatchToSluice(kafkaBatch({ body: Buffer.from('not lz4'), count: 2, codec: 3 })))).to.equal(KafkaError.CORRUPT_MESSAGE);
  });

});

describe('kafka records: Sluice batch -> Kafka batch', () => {
  it('drops Sluice TTLs from records (a Kafka record has no such field) and keeps everything else', () => {
    for (const compression of ['none', 'gzip', 'snappy', 'lz4'] as const) {
      const sluice = encodeBatch(
        [
          { key: Buffer.from('k1'), value: Buffer.from('v1'), headers: [{ key: 'h', value: Buffer.from('x') }], timestamp: 1_700_000_000_000, ttlMs: 60_000 },
          { key: null, value: Buffer.from('v2'), timestamp: 1_700_000_000_001 },
        ],
        { compression },
      );
      const [head, body] = sluiceBatchToKafka(sluice);
      const plain = compression === 'lz4' ? decompressFrameSync(body) : decompress(compression, body);
      expect(plain.toString('hex'), compression).to.equal(RECORDS.toString('hex'));
      expect(head.readInt32BE(57)).to.equal(2);
      expect(head.readInt16BE(21) & ~7).to.equal(0);
      expect(head.readInt32BE(8)).to.equal(61 + body.length - 12);
      expect(head.readUInt32BE(17)).to.equal(crc32c(Buffer.concat([head, body]).subarray(21)));
    }
  });
});
