import { expect } from 'chai';
import { BufferPool } from '../../src/client/producer/buffer-pool.js';
import { BatchBuilder } from '../../src/protocol/batch.js';

describe('BufferPool', () => {
  it('hands a returned buffer out again for a request it fits, the smallest that fits first', () => {
    const pool = new BufferPool(4, 1 << 22);
    const big = pool.take(1_000_000);
    const small = pool.take(40_000);
    expect(big.length).to.be.at.least(1_000_000);
    expect(small.length).to.be.at.least(40_000);
    pool.give(big);
    pool.give(small);
    expect(pool.take(30_000)).to.equal(small);
    expect(pool.take(900_000)).to.equal(big);
    expect(pool.size).to.equal(0);
    expect(pool.take(30_000)).to.not.equal(small); // nothing pooled: a new one
  });

  it('keeps at most maxBuffers, preferring larger ones, and never keeps outsized buffers', () => {
    const pool = new BufferPool(2, 1 << 20);
    pool.give(Buffer.allocUnsafe(1 << 21));
    expect(pool.size).to.equal(0);
    const sizes = [1 << 16, 1 << 18, 1 << 17, 1 << 15];
    for (const size of sizes) pool.give(Buffer.allocUnsafe(size));
    expect(pool.size).to.equal(2);
    expect(pool.take(1).length).to.equal(1 << 17);
    expect(pool.take(1).length).to.equal(1 << 18);
  });

  it('a builder takes its buffer from the allocator and hands it over exactly once', () => {
    const pool = new BufferPool(4, 1 << 22);
    const builder = new BatchBuilder(Date.now(), 20_000, 64, pool.take);
    builder.append(null, -1, Buffer.alloc(100, 1), 100, undefined, Date.now(), undefined);
    builder.finish();
    const buffer = builder.takeBuffer();
    expect(buffer.length).to.be.at.least(20_064);
    expect(builder.takeBuffer().length).to.equal(0);
    pool.give(buffer);
    pool.give(builder.takeBuffer());
    expect(pool.size).to.equal(1);
  });
});
