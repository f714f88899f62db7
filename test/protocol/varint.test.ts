import { expect } from 'chai';
import fc from 'fast-check';
import { Reader, varintSize, writeVarint, zigzag } from '../../src/protocol/varint.js';

function roundTrip(value: number): { decoded: number; written: number; size: number } {
  const buf = Buffer.alloc(16);
  const written = writeVarint(buf, 0, value);
  const reader = new Reader(buf);
  const decoded = reader.varint();
  expect(reader.pos).to.equal(written);
  return { decoded, written, size: varintSize(value) };
}

describe('varint', () => {
  for (const value of [0, 1, -1, 63, -64, 64, -65, 127, 128, 300, -300, 2 ** 31 - 1, -(2 ** 31), 2 ** 32, 2 ** 52, -(2 ** 52), Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER]) {
    it(`round-trips ${value}`, () => {
      const { decoded, written, size } = roundTrip(value);
      expect(decoded).to.equal(value);
      expect(written).to.equal(size);
    });
  }

  it('round-trips every safe integer (property)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer(), fc.maxSafeInteger().map((v) => v), fc.integer({ min: -1000, max: 1000 })), (value) => {
        const { decoded, written, size } = roundTrip(value);
        expect(decoded).to.equal(value);
        expect(written).to.equal(size);
      }),
      { numRuns: 2000 },
    );
  });

  it('writes the bytes of Kafka’s zig-zag varint (base-128 digits of zigzag(value))', () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 40), max: 2 ** 40 }), (value) => {
        const expected: number[] = [];
        let rest = zigzag(value);
        while (rest >= 0x80) {
          expected.push((rest % 128) | 0x80);
          rest = Math.floor(rest / 128);
        }
        expected.push(rest);
        const buf = Buffer.alloc(16);
        expect([...buf.subarray(0, writeVarint(buf, 0, value))]).to.deep.equal(expected);
      }),
    );
  });

  it('encodes small magnitudes in one byte (zig-zag)', () => {
    expect(varintSize(0)).to.equal(1);
    expect(varintSize(-64)).to.equal(1);
    expect(varintSize(63)).to.equal(1);
    expect(varintSize(64)).to.equal(2);
  });

  it('throws a RangeError on a truncated varint', () => {
    const reader = new Reader(Buffer.from([0x80, 0x80]));
    expect(() => reader.varint()).to.throw(RangeError);
  });
});
