import { expect } from 'chai';
import { readInt64BE, writeInt64BE } from '../../src/protocol/int64.js';

describe('int64 as two 32-bit halves', () => {
  const values = [0, 1, -1, 255, 2 ** 31 - 1, 2 ** 31, -(2 ** 31), 2 ** 32 - 1, 2 ** 32, -(2 ** 32), 1_764_000_000_000, 2 ** 53 - 1, -(2 ** 53 - 1)];

  for (const value of values) {
    it(`${value}: the same bytes as writeBigInt64BE, read back exactly`, () => {
      const ours = Buffer.alloc(10, 0xee);
      const bigint = Buffer.alloc(10, 0xee);
      writeInt64BE(ours, value, 1);
      bigint.writeBigInt64BE(BigInt(value), 1);
      expect(ours.equals(bigint)).to.equal(true);
      expect(readInt64BE(bigint, 1)).to.equal(value);
    });
  }

  it('refuses what it cannot write exactly', () => {
    const buf = Buffer.alloc(8);
    for (const bad of [2 ** 53, 1.5, Number.NaN, Infinity]) expect(() => writeInt64BE(buf, bad, 0)).to.throw(RangeError);
  });
});
