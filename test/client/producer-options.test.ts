import { expect } from 'chai';
import { resolveProducerOptions } from '../../src/client/index.js';

describe('Producer options', () => {
  it('refuses an ackTimeoutMs the ProduceRequest cannot carry (uint32)', () => {
    for (const ackTimeoutMs of [-1, 1.5, NaN, 2 ** 32]) {
      expect(() => resolveProducerOptions({ ackTimeoutMs }), String(ackTimeoutMs)).to.throw(RangeError, `ackTimeoutMs must be an integer from 0 to 4294967295, got ${ackTimeoutMs}`);
    }
    expect(resolveProducerOptions({ ackTimeoutMs: 0 }).ackTimeoutMs).to.equal(0);
    expect(resolveProducerOptions({ ackTimeoutMs: 2 ** 32 - 1 }).ackTimeoutMs).to.equal(2 ** 32 - 1);
  });
});
