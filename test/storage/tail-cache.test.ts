import { expect } from 'chai';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
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
    cache.evictRange(1, 0, Number.POSITIVE_INFINITY);
    expect([cache.get(1, 2), cache.sizeBytes()]).to.deep.equal([undefined, 300]);
    expect(cache.get(11, 2)?.length).to.equal(100);
  });

  it('evicts oldest first through puts, re-puts, evictions and dropped logs (model check, seeded)', () => {
    const seed = 20261126;
    let state = seed;
    const random = (): number => ((state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const pick = (n: number): number => Math.floor(random() * n);
    const cache = new TailCache(2_000);
    // The model: [logId, entryIndex, bytes] oldest first.
    let model: Array<[number, number, number]> = [];
    const drop = (keep: (entry: [number, number, number]) => boolean): void => {
      model = model.filter(keep);
    };
    try {
      for (let step = 0; step < 2_000; step++) {
        const roll = random();
        const logId = 1 + pick(3);
        const entryIndex = pick(40);
        if (roll < 0.7) {
          const bytes = 1 + pick(roll < 0.02 ? 3_000 : 300);
          cache.put(logId, entryIndex, Buffer.alloc(bytes, step % 256));
          if (bytes <= 2_000) {
            drop(([l, e]) => l !== logId || e !== entryIndex);
            model.push([logId, entryIndex, bytes]);
            while (model.reduce((sum, [, , b]) => sum + b, 0) > 2_000) model.shift();
          }
        } else if (roll < 0.95) {
          cache.evictRange(logId, entryIndex, entryIndex + 2);
          drop(([l, e]) => l !== logId || (e !== entryIndex && e !== entryIndex + 1));
        } else {
          // A wide range: evicted by a scan of the cache rather than key by key.
          cache.evictRange(logId, entryIndex, entryIndex + 1_000);
          drop(([l, e]) => l !== logId || e < entryIndex || e >= entryIndex + 1_000);
        }
        expect(cache.sizeBytes()).to.equal(model.reduce((sum, [, , b]) => sum + b, 0));
        for (let l = 1; l <= 3; l++) {
          for (let e = 0; e < 41; e++) expect(cache.get(l, e)?.length).to.equal(model.find(([ml, me]) => ml === l && me === e)?.[2]);
        }
      }
    } catch (err) {
      console.error(`TailCache model check failed with seed ${seed}`);
      throw err;
    }
  });

  it('lets go of the batches it evicts, also after the map outgrew its tables', async () => {
    setFlagsFromString('--expose-gc');
    const collectGarbage = runInNewContext('gc') as () => void;
    const cache = new TailCache(64 * 1024);
    // One eviction by size, so eviction has a place to go on from...
    cache.put(1, 0, Buffer.alloc(60 * 1024));
    cache.put(1, 1, Buffer.alloc(8 * 1024));
    // ...then enough small batches for V8 to replace the map's table several times, evicted by hand.
    const refs: Array<WeakRef<Buffer>> = [];
    // In a function of its own, so no stack slot of the test still holds the last batch.
    const putSmall = (entryIndex: number): void => {
      const batch = Buffer.alloc(100);
      refs.push(new WeakRef(batch));
      cache.put(1, entryIndex, batch);
    };
    for (let i = 2; i < 502; i++) putSmall(i);
    cache.evictRange(1, 2, 502);
    await new Promise((resolve) => setImmediate(resolve));
    collectGarbage();
    expect(refs.flatMap((ref, i) => (ref.deref() === undefined ? [] : [i]))).to.deep.equal([]);
  });
});
