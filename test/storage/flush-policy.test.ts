import { expect } from 'chai';
import { SluiceError } from '../../src/protocol/errors.js';
import { FLUSH_DEFAULT, FLUSH_INTERVAL_MS_MAX, flushGuarantee, parseFlushPolicy } from '../../src/storage/flush-policy.js';

describe('parseFlushPolicy', () => {
  it('parses the three policies', () => {
    expect(parseFlushPolicy('always')).to.deep.equal({ kind: 'always' });
    expect(parseFlushPolicy('never')).to.deep.equal({ kind: 'never' });
    expect(parseFlushPolicy('interval:250')).to.deep.equal({ kind: 'interval', intervalMs: 250 });
    expect(parseFlushPolicy(' interval:1 ')).to.deep.equal({ kind: 'interval', intervalMs: 1 });
  });

  it('defaults to the durable policy', () => {
    expect(parseFlushPolicy(FLUSH_DEFAULT)).to.deep.equal({ kind: 'always' });
  });

  it('states what each policy promises of acknowledged records', () => {
    expect(flushGuarantee({ kind: 'always' })).to.match(/^durable: every acknowledged write is fsynced/);
    for (const optOut of ['never', 'interval:100']) {
      expect(flushGuarantee(parseFlushPolicy(optOut))).to.equal('may lose acknowledged records on power loss');
    }
  });

  for (const bad of ['', 'sometimes', 'interval', 'interval:', 'interval:0', 'interval:-5', 'interval:1.5', 'interval:10ms', `interval:${FLUSH_INTERVAL_MS_MAX + 1}`, 'ALWAYS']) {
    it(`rejects ${JSON.stringify(bad)} with INVALID_CONFIG naming the accepted forms`, () => {
      let thrown: unknown;
      try {
        parseFlushPolicy(bad);
      } catch (err) {
        thrown = err;
      }
      expect(thrown).to.be.instanceOf(SluiceError);
      expect((thrown as SluiceError).code).to.equal('INVALID_CONFIG');
      expect((thrown as SluiceError).message).to.match(/interval/);
    });
  }
});
