import { expect } from 'chai';
import { ownMemory } from '../../src/protocol/own-memory.js';

describe('ownMemory', () => {
  it('keeps a buffer that is most of its memory, and copies a small view of a large one', () => {
    const whole = Buffer.alloc(4096, 1);
    expect(ownMemory(whole)).to.equal(whole);
    const chunk = Buffer.alloc(64 * 1024, 7);
    const copy = ownMemory(chunk.subarray(100, 600));
    expect(copy.buffer).to.not.equal(chunk.buffer);
    chunk.fill(0);
    expect(copy.equals(Buffer.alloc(500, 7))).to.equal(true);
  });

  it('packs small copies into shared memory without overlap, and does not copy them again', () => {
    const chunk = Buffer.alloc(1 << 20);
    const copies = Array.from({ length: 600 }, (_, i) => ownMemory(chunk.subarray(i * 1000, i * 1000 + 999).fill(i % 251)));
    // 600 copies of 999 B fill three 256 KiB slabs (four if one was in use), not one ArrayBuffer each.
    expect(new Set(copies.map((copy) => copy.buffer)).size).to.be.at.most(4);
    copies.forEach((copy, i) => expect(copy.equals(Buffer.alloc(999, i % 251)), `copy ${i}`).to.equal(true));
    expect(copies.every((copy) => copy.byteOffset % 8 === 0)).to.equal(true);
    expect(ownMemory(copies[5]!)).to.equal(copies[5]);
  });

  it('gives a large copy its own memory', () => {
    const chunk = Buffer.alloc(1 << 20, 3);
    const copy = ownMemory(chunk.subarray(0, 100_000));
    expect(copy.buffer.byteLength).to.equal(100_000);
    expect(copy.equals(Buffer.alloc(100_000, 3))).to.equal(true);
  });
});
