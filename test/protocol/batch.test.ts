import { expect } from 'chai';
import fc from 'fast-check';
import { crc32c } from '@node-rs/crc32';
import {
  ATTR_CONTROL,
  BATCH_HEADER_BYTES,
  batchExpiresAt,
  decodeBatch,
  encodeBatch,
  encodeControlBatch,
  firstOffsetAtTimestamp,
  isControlBatch,
  lastOffsetOf,
  readBatchHeader,
  splitBatches,
  stampBatch,
  validateBatch,
  validateRecords,
  type RecordInput,
} from '../../src/protocol/batch.js';
import { SluiceError } from '../../src/protocol/errors.js';

const CRC_START = 21;
const TIMESTAMP_MIN_MS = 0;
const TIMESTAMP_MAX_MS = 4_102_444_800_000; // 2100-01-01

const bytes = (maxLength: number) => fc.uint8Array({ maxLength }).map((array) => Buffer.from(array));

const recordArb: fc.Arbitrary<RecordInput> = fc.record(
  {
    key: fc.option(bytes(32), { nil: null }),
    value: fc.option(bytes(200), { nil: null }),
    headers: fc.array(fc.record({ key: fc.string({ unit: 'grapheme', maxLength: 12 }), value: bytes(16) }), { maxLength: 4 }),
    timestamp: fc.integer({ min: TIMESTAMP_MIN_MS, max: TIMESTAMP_MAX_MS }),
    ttlMs: fc.integer({ min: 1, max: 10 * 365 * 24 * 3600 * 1000 }),
  },
  { requiredKeys: ['value'] },
);

const batchArb = fc.record({
  records: fc.array(recordArb, { minLength: 1, maxLength: 20 }),
  compression: fc.constantFrom('none' as const, 'gzip' as const),
  nowMs: fc.integer({ min: TIMESTAMP_MIN_MS, max: TIMESTAMP_MAX_MS }),
});

function expectCorrupt(run: () => unknown): void {
  let thrown: unknown;
  try {
    run();
  } catch (err) {
    thrown = err;
  }
  expect(thrown, 'expected CORRUPT_BATCH').to.be.instanceOf(SluiceError);
  expect((thrown as SluiceError).code).to.equal('CORRUPT_BATCH');
}

describe('record batch codec', () => {
  it('round-trips arbitrary records through encodeBatch/decodeBatch', () => {
    fc.assert(
      fc.property(batchArb, ({ records, compression, nowMs }) => {
        const buf = encodeBatch(records, { compression, nowMs });
        const { header, records: decoded } = decodeBatch(buf);
        expect(header.recordCount).to.equal(records.length);
        expect(decoded).to.have.length(records.length);
        decoded.forEach((record, i) => {
          const input = records[i]!;
          expect(record.offset).to.equal(i);
          expect(record.timestamp).to.equal(input.timestamp ?? nowMs);
          expect(record.key).to.deep.equal(input.key ?? null);
          expect(record.value).to.deep.equal(input.value);
          expect(record.headers).to.deep.equal(input.headers ?? []);
          expect(record.ttlMs).to.equal(input.ttlMs);
        });
      }),
      { numRuns: 300 },
    );
  });

  it('validateBatch accepts every encoded batch and reports its header', () => {
    fc.assert(
      fc.property(batchArb, ({ records, compression, nowMs }) => {
        const buf = encodeBatch(records, { compression, nowMs });
        const header = validateBatch(buf);
        expect(header.recordCount).to.equal(records.length);
        expect(header.lastOffsetDelta).to.equal(records.length - 1);
        expect(header.batchLength + 12).to.equal(buf.length);
        const timestamps = records.map((r) => r.timestamp ?? nowMs);
        expect(header.firstTimestamp).to.equal(Math.min(...timestamps));
        expect(header.maxTimestamp).to.equal(Math.max(...timestamps));
      }),
    );
  });

  it('rejects every single-byte change in the CRC’d range with CORRUPT_BATCH', () => {
    fc.assert(
      fc.property(batchArb, fc.nat(), fc.integer({ min: 1, max: 255 }), ({ records, compression, nowMs }, at, xor) => {
        const buf = encodeBatch(records, { compression, nowMs });
        const pos = CRC_START + (at % (buf.length - CRC_START));
        buf[pos]! ^= xor;
        expectCorrupt(() => validateBatch(buf));
      }),
      { numRuns: 500 },
    );
  });

  it('rejects every truncation and any trailing bytes with CORRUPT_BATCH', () => {
    fc.assert(
      fc.property(batchArb, fc.nat(), ({ records, compression, nowMs }, cut) => {
        const buf = encodeBatch(records, { compression, nowMs });
        expectCorrupt(() => validateBatch(buf.subarray(0, cut % buf.length)));
        expectCorrupt(() => validateBatch(Buffer.concat([buf, Buffer.alloc(1 + (cut % 8))])));
      }),
    );
  });

  it('validateRecords accepts every encoded batch', () => {
    fc.assert(
      fc.property(batchArb, ({ records, compression, nowMs }) => {
        const buf = encodeBatch(records, { compression, nowMs });
        validateRecords(buf, validateBatch(buf));
      }),
    );
  });

  describe('validateRecords rejects records that do not match a header with a valid CRC', () => {
    /** The batch after `tamper`, with its CRC recomputed so only the records check can catch it. */
    function tampered(records: RecordInput[], tamper: (buf: Buffer) => void, compression: 'none' | 'gzip' = 'none'): Buffer {
      const buf = Buffer.from(encodeBatch(records, { compression, nowMs: 1_000 }));
      tamper(buf);
      buf.writeUInt32BE(crc32c(buf.subarray(CRC_START)), 17);
      return buf;
    }
    const one = [{ value: Buffer.from('v') }];
    const three = [{ value: Buffer.from('a') }, { value: Buffer.from('b') }, { value: Buffer.from('c') }];
    const cases: Array<[string, () => Buffer]> = [
      ['garbage records', () => tampered(one, (buf) => buf.fill(0xff, BATCH_HEADER_BYTES))],
      ['a count far above the records', () => tampered(one, (buf) => {
        buf.writeInt32BE(1_000_000, 65);
        buf.writeInt32BE(999_999, 23);
      })],
      ['a count below the records', () => tampered(three, (buf) => {
        buf.writeInt32BE(2, 65);
        buf.writeInt32BE(1, 23);
      })],
      ['a second offset delta of 1 replaced by 2', () => tampered([{ value: null }, { value: null }], (buf) => {
        // Record 1 starts after record 0 (length 6 + 1 byte): length, attributes, timestamp delta, offset delta.
        const offsetDeltaAt = BATCH_HEADER_BYTES + 7 + 3;
        expect(buf[offsetDeltaAt]).to.equal(2); // zigzag(1)
        buf[offsetDeltaAt] = 4; // zigzag(2)
      })],
      ['a gzip flag on records that are not gzip', () => tampered(one, (buf) => buf.writeInt16BE(buf.readInt16BE(21) | 1, 21))],
      ['an expiry the records do not have', () => tampered([{ value: Buffer.from('t'), ttlMs: 500 }], (buf) => buf.writeBigInt64BE(9_999_999n, 57))],
      ['an all-records-have-TTL flag without TTLs', () => tampered(one, (buf) => buf.writeInt16BE(buf.readInt16BE(21) | 0x40, 21))],
      ['a record TTL of 0 (the client reads it as none, retention as expired)', () => tampered([{ value: Buffer.from('z'), ttlMs: 0 }], () => undefined)],
      ['a record timestamp after maxTimestamp', () =>
        tampered([1_000, 2_000, 3_000].map((timestamp) => ({ value: null, timestamp })), (buf) => buf.writeBigInt64BE(2_500n, 35))],
    ];
    for (const [what, make] of cases) {
      it(what, () => {
        const buf = make();
        const header = validateBatch(buf);
        expectCorrupt(() => validateRecords(buf, header));
      });
    }
  });

  it('reports records that do not decompress as CORRUPT_BATCH when decoding too', () => {
    const buf = Buffer.from(encodeBatch([{ value: Buffer.from('not gzip') }], { nowMs: 1_000 }));
    buf.writeInt16BE(buf.readInt16BE(21) | 1, 21); // gzip
    buf.writeUInt32BE(crc32c(buf.subarray(CRC_START)), 17);
    expectCorrupt(() => decodeBatch(buf));
    expectCorrupt(() => firstOffsetAtTimestamp(buf, 0));
  });

  it('stampBatch sets base offset and leader epoch and keeps the CRC valid', () => {
    fc.assert(
      fc.property(batchArb, fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), fc.integer({ min: 0, max: 0x7fffffff }), ({ records, compression, nowMs }, baseOffset, leaderEpoch) => {
        const buf = encodeBatch(records, { compression, nowMs });
        stampBatch(buf, baseOffset, leaderEpoch);
        const header = validateBatch(buf);
        expect(header.baseOffset).to.equal(baseOffset);
        expect(header.leaderEpoch).to.equal(leaderEpoch);
        expect(decodeBatch(buf).records.map((r) => r.offset)).to.deep.equal(records.map((_, i) => baseOffset + i));
      }),
    );
  });

  it('firstOffsetAtTimestamp finds what decoding every record finds', () => {
    fc.assert(
      fc.property(batchArb, fc.nat(), fc.integer({ min: -1, max: 1 }), fc.nat({ max: 25 }), ({ records, compression, nowMs }, pick, delta, skip) => {
        const buf = encodeBatch(records, { compression, nowMs });
        stampBatch(buf, 1_000, 1);
        const target = decodeBatch(buf).records[pick % records.length]!.timestamp + delta;
        const expected = decodeBatch(buf).records.find((r) => r.offset >= 1_000 + skip && r.timestamp >= target)?.offset;
        expect(firstOffsetAtTimestamp(buf, target, 1_000 + skip)).to.equal(expected);
      }),
    );
    expect(firstOffsetAtTimestamp(encodeControlBatch({ nowMs: 5 }), 0)).to.equal(undefined);
  });

  it('splitBatches returns the whole batches of a concatenation and ignores a partial tail', () => {
    fc.assert(
      fc.property(fc.array(batchArb, { minLength: 1, maxLength: 5 }), fc.nat(), (specs, cut) => {
        const batches = specs.map(({ records, compression, nowMs }) => encodeBatch(records, { compression, nowMs }));
        const whole = Buffer.concat(batches);
        expect(splitBatches(whole)).to.deep.equal(batches);
        const last = batches.at(-1)!;
        const partial = whole.subarray(0, whole.length - 1 - (cut % last.length));
        expect(splitBatches(partial)).to.deep.equal(batches.slice(0, -1));
      }),
    );
  });

  it('splitBatches returns nothing for an empty buffer or a lone partial header', () => {
    expect(splitBatches(Buffer.alloc(0))).to.deep.equal([]);
    expect(splitBatches(Buffer.alloc(11))).to.deep.equal([]);
  });

  it('rejects a header shorter than BATCH_HEADER_BYTES', () => {
    expectCorrupt(() => readBatchHeader(Buffer.alloc(BATCH_HEADER_BYTES - 1)));
  });

  it('refuses to encode an empty batch', () => {
    expect(() => encodeBatch([])).to.throw(/at least one record/);
  });
});

describe('control (zero-record) batch', () => {
  it('encodes a header-only batch with the control bit, no records and a valid CRC', () => {
    const batch = encodeControlBatch({ nowMs: 1_234 });
    expect(batch.length).to.equal(BATCH_HEADER_BYTES);
    const header = validateBatch(batch, { allowZeroRecords: true });
    expect(header).to.include({
      baseOffset: 0,
      leaderEpoch: 0,
      magic: 2,
      attributes: ATTR_CONTROL,
      lastOffsetDelta: -1,
      recordCount: 0,
      firstTimestamp: 1_234,
      maxTimestamp: 1_234,
      producerId: -1,
      producerEpoch: -1,
      baseSequence: -1,
      expireTimestamp: -1,
    });
    expect(ATTR_CONTROL).to.equal(0x20);
    expect(isControlBatch(header)).to.equal(true);
    expect(isControlBatch(readBatchHeader(encodeBatch([{ value: null }])))).to.equal(false);
    expect(lastOffsetOf({ baseOffset: 7, lastOffsetDelta: header.lastOffsetDelta })).to.equal(6);
  });

  it('is rejected by validateBatch for producers unless zero records are allowed', () => {
    expectCorrupt(() => validateBatch(encodeControlBatch()));
  });

  it('stays valid after stamping, decodes to no records and splits like any batch', () => {
    const control = encodeControlBatch({ nowMs: 5 });
    stampBatch(control, 42, 9);
    validateBatch(control, { allowZeroRecords: true });
    const decoded = decodeBatch(control);
    expect(decoded.records).to.deep.equal([]);
    expect([decoded.header.baseOffset, decoded.header.leaderEpoch]).to.deep.equal([42, 9]);
    const data = encodeBatch([{ value: Buffer.from('a') }], { nowMs: 5 });
    const parts = splitBatches(Buffer.concat([data, control, data]));
    expect(parts.map((part) => readBatchHeader(part).recordCount)).to.deep.equal([1, 0, 1]);
    expect(splitBatches(control.subarray(0, BATCH_HEADER_BYTES - 1))).to.deep.equal([]);
  });

  it('detects a corrupted control batch', () => {
    const control = encodeControlBatch({ nowMs: 5 });
    for (let i = CRC_START; i < control.length; i++) {
      const copy = Buffer.from(control);
      copy[i]! ^= 0x01;
      expectCorrupt(() => validateBatch(copy, { allowZeroRecords: true }));
    }
  });
});

describe('batchExpiresAt', () => {
  const at = (records: RecordInput[]) => validateBatch(encodeBatch(records, { nowMs: 1_000 }));

  it('is undefined when some record has no TTL and the topic has none', () => {
    expect(batchExpiresAt(at([{ value: null }, { value: null, ttlMs: 5 }]), 0)).to.equal(undefined);
  });

  it('is the latest record expiry when every record has a TTL, ignoring the topic TTL', () => {
    const header = at([
      { value: null, ttlMs: 50, timestamp: 1_000 },
      { value: null, ttlMs: 10, timestamp: 2_000 },
    ]);
    expect(batchExpiresAt(header, 0)).to.equal(2_010);
    expect(batchExpiresAt(header, 1_000_000)).to.equal(2_010);
  });

  it('is maxTimestamp + topic TTL for records without their own', () => {
    expect(batchExpiresAt(at([{ value: null, timestamp: 3_000 }, { value: null, timestamp: 1_000 }]), 100)).to.equal(3_100);
  });

  it('waits for the later of the topic TTL and the records’ own TTLs when mixed', () => {
    const header = at([
      { value: null, timestamp: 1_000 },
      { value: null, timestamp: 1_000, ttlMs: 10_000 },
    ]);
    expect(batchExpiresAt(header, 100)).to.equal(11_000);
    expect(batchExpiresAt(header, 50_000)).to.equal(51_000);
  });
});
