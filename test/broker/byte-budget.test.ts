import { expect } from 'chai';
import { ByteBudget } from '../../src/broker/byte-budget.js';

describe('ByteBudget (queued.max.request.bytes)', () => {
  it('admits within the budget, queues beyond it first come first served, and admits as bytes are released', async () => {
    const budget = new ByteBudget(100);
    expect(budget.tryAcquire(60)).to.equal(true);
    expect(budget.tryAcquire(50)).to.equal(false);
    const order: string[] = [];
    const never = new AbortController().signal;
    const a = budget.acquire(50, never).then((ok) => order.push(`a:${ok}`));
    const b = budget.acquire(10, never).then((ok) => order.push(`b:${ok}`));
    // b would fit, but a waits before it.
    expect(budget.tryAcquire(10)).to.equal(false);
    await Promise.resolve();
    expect(order).to.deep.equal([]);
    budget.release(60);
    await Promise.all([a, b]);
    expect(order).to.deep.equal(['a:true', 'b:true']);
    expect(budget.used).to.equal(60);
  });

  it('admits one request larger than the whole budget when nothing else holds any', async () => {
    const budget = new ByteBudget(10);
    expect(budget.tryAcquire(50)).to.equal(true);
    expect(budget.tryAcquire(1)).to.equal(false);
    budget.release(50);
    expect(budget.tryAcquire(50)).to.equal(true);
  });

  it('a waiter whose stream is cancelled leaves the queue and lets the next one in', async () => {
    const budget = new ByteBudget(100);
    budget.tryAcquire(100);
    const cancelled = new AbortController();
    const first = budget.acquire(80, cancelled.signal);
    const second = budget.acquire(20, new AbortController().signal);
    cancelled.abort();
    expect(await first).to.equal(false);
    budget.release(80);
    expect(await second).to.equal(true);
    expect(budget.used).to.equal(40);
  });
});
