import { expect } from 'chai';
import { TailCache } from '../../src/storage/tail-cache.js';

describe('TailCache', () => {
  it('evicts the oldest batches beyond its byte bound and skips a batch larger than the bound', () => {
    const cache = new TailCache(250);
    for (let i = 1; i <= 3; i++) cache.put(1, i, Buffer.alloc(100, i));
    expect([cache.get(1, 1), cache.get(1, 2)?.[0], cache.get(1, 3)?.[0]]).to.deep.equal([undefined, 2, 3]);
    expect(cache.sizeBytes()).to.equal(200);
    cache.put(1, 4, Buffer.alloc(300));
    expect(cache.get(1, 4)).to.equal(undefined);
  });

  it('keeps a copy of a small view of a large buffer, so the cache does not pin the whole buffer', () => {
    const cache = new TailCache(1 << 20);
    const chunk = Buffer.alloc(64 * 1024, 7);
    const view = chunk.subarray(1000, 1500);
    cache.put(1, 1, view);
    const cached = cache.get(1, 1)!;
    expect(cached.equals(view)).to.equal(true);
    expect(cached.buffer).to.not.equal(chunk.buffer);
    chunk.fill(0);
    expect(cached.equals(Buffer.alloc(500, 7))).to.equal(true);
    const whole = Buffer.alloc(4096, 1);
    cache.put(1, 2, whole);
    expect(cache.get(1, 2)).to.equal(whole); // owns its memory already: no copy
  });

  it('forgets one whole log, and only that log', () => {
    const cache = new TailCache(1 << 20);
    for (const logId of [1, 11]) for (let i = 1; i <= 3; i++) cache.put(logId, i, Buffer.alloc(100));
    cache.evictLog(1);
    expect([cache.get(1, 2), cache.sizeBytes()]).to.deep.equal([undefined, 300]);
    expect(cache.get(11, 2)?.length).to.equal(100);
  });
});
