import { expect } from 'chai';
import { gzipSync } from 'node:zlib';
import { compressFrameSync } from 'lz4-napi';
import { CodecNotLoadedError, compress, decompress, decompressAsync, loadZstd, zstdLoaded, DECOMPRESSED_BYTES_MAX } from '../../src/protocol/compression.js';

describe('compression: decompressing what a peer sent', () => {
  const text = Buffer.from('sluice '.repeat(1000));

  for (const codec of ['gzip', 'snappy', 'lz4'] as const) {
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

  it('lz4: refuses a frame whose blocks could inflate past the limit before decompressing it, sync and async', async () => {
    // Frame header: magic, FLG (version 01), BD (4 MiB blocks), header checksum byte; then 17 one-byte
    // uncompressed blocks: up to 68 MiB by the header, over the 64 MiB bound.
    const blocks = Array.from({ length: 17 }, () => Buffer.from([1, 0, 0, 0x80, 0x61]));
    const frame = Buffer.concat([Buffer.from([0x04, 0x22, 0x4d, 0x18, 0x40, 0x70, 0x00]), ...blocks, Buffer.alloc(4)]);
    expect(() => decompress('lz4', frame)).to.throw(RangeError, /inflate past/);
    let failure: unknown;
    await decompressAsync('lz4', frame).catch((err: unknown) => (failure = err));
    expect(failure).to.be.instanceOf(RangeError);
    expect(decompress('lz4', compressFrameSync(text)).equals(text)).to.equal(true);
    expect((await decompressAsync('lz4', compressFrameSync(text))).equals(text)).to.equal(true);
  });

  it('snappy: refuses a length header over DECOMPRESSED_BYTES_MAX, raw or in a xerial chunk', async () => {
    const forged = Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0x00]);
    expect(() => decompress('snappy', forged)).to.throw(RangeError, /claim more/);
    const xerial = Buffer.concat([Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 6]), forged]);
    let failure: unknown;
    await decompressAsync('snappy', xerial).catch((err: unknown) => (failure = err));
    expect(failure).to.be.instanceOf(RangeError);
    expect(() => decompress('snappy', Buffer.from('garbage that is not snappy'))).to.throw(RangeError);
  });

  it('zstd: loads once on first need, decodes frames with and without a content size, and refuses a forged size', async () => {
    // 'sluice ' × 20 as libzstd frames it (level 3, content size in the header).
    const frame = Buffer.from('28b52ffd208c75000038736c756963652001000251c508', 'hex');
    if (!zstdLoaded()) expect(() => decompress('zstd', frame)).to.throw(CodecNotLoadedError);
    expect((await decompressAsync('zstd', frame)).toString()).to.equal('sluice '.repeat(20));
    await loadZstd();
    expect(decompress('zstd', compress('zstd', text)).equals(text)).to.equal(true);
    // A frame header claiming 2^40 bytes (single segment, 8-byte content size).
    const forged = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0xe0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0]);
    expect(() => decompress('zstd', forged)).to.throw(RangeError, /claims/);
    expect(() => decompress('zstd', Buffer.from('not zstd at all'))).to.throw(RangeError);
  });
});
