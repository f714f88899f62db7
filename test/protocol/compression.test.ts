import { expect } from 'chai';
import { gzipSync } from 'node:zlib';
import { compress, decompress, DECOMPRESSED_BYTES_MAX } from '../../src/protocol/compression.js';

describe('compression: decompressing what a peer sent', () => {
  const text = Buffer.from('sluice '.repeat(1000));

  for (const codec of ['gzip', 'lz4'] as const) {
    it(`${codec}: round-trips`, () => {
      expect(decompress(codec, compress(codec, text)).equals(text)).to.equal(true);
    });
  }

  it('gzip: refuses data that inflates past DECOMPRESSED_BYTES_MAX, without inflating it all', () => {
    const bomb = gzipSync(Buffer.alloc(DECOMPRESSED_BYTES_MAX + 1));
    expect(bomb.length).to.be.below(DECOMPRESSED_BYTES_MAX / 500);
    expect(() => decompress('gzip', bomb)).to.throw(RangeError);
  });

  it('lz4: refuses a size header over DECOMPRESSED_BYTES_MAX before decoding', () => {
    const forged = Buffer.from(compress('lz4', text));
    forged.writeUInt32LE(0xffffffff, 0);
    // Refused by the header check, not by the decoder (which would allocate the 4 GiB first).
    expect(() => decompress('lz4', forged)).to.throw(RangeError, /claims 4294967295 bytes/);
  });

  it('lz4: refuses a size header that does not match the block, and data without one', () => {
    const forged = Buffer.from(compress('lz4', text));
    forged.writeUInt32LE(text.length + 1, 0);
    expect(() => decompress('lz4', forged)).to.throw(RangeError, /says 7001 bytes, the block holds 7000/);
    expect(() => decompress('lz4', Buffer.from([1, 2]))).to.throw(RangeError, /no size header/);
  });
});
