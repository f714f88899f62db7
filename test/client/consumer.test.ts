import { expect } from 'chai';
import { isExpired, resolveConsumerOptions, resolveProducerOptions, parseAcks, parseBootstrap, toRecordInput } from '../../src/client/index.js';

describe('isExpired (consumer TTL filter)', () => {
  it('uses the record TTL, else the topic TTL, and 0 means none', () => {
    expect(isExpired({ timestamp: 1000, ttlMs: 100 }, 0, 1099)).to.equal(false);
    expect(isExpired({ timestamp: 1000, ttlMs: 100 }, 0, 1100)).to.equal(true);
    expect(isExpired({ timestamp: 1000, ttlMs: undefined }, 50, 1050)).to.equal(true);
    expect(isExpired({ timestamp: 1000, ttlMs: undefined }, 0, 10 ** 12)).to.equal(false);
    expect(isExpired({ timestamp: 1000, ttlMs: 5000 }, 50, 1050)).to.equal(false);
  });
});

describe('client options', () => {
  it('parses bootstrap lists and rejects malformed addresses', () => {
    expect(parseBootstrap('a:1, b:2')).to.deep.equal(['a:1', 'b:2']);
    expect(parseBootstrap(['a:1', 'c:3,d:4'])).to.deep.equal(['a:1', 'c:3', 'd:4']);
    expect(() => parseBootstrap('')).to.throw(RangeError);
    expect(() => parseBootstrap('nohost')).to.throw(RangeError);
    expect(() => parseBootstrap('h:99999')).to.throw(RangeError);
  });

  it('resolves producer defaults and validates', () => {
    const resolved = resolveProducerOptions();
    expect(resolved).to.include({ lingerMs: 5, batchBytesMax: 1024 * 1024, bufferBytesMax: 32 * 1024 * 1024, acks: -1, compression: 'none' });
    expect(() => resolveProducerOptions({ batchBytesMax: 10, bufferBytesMax: 5 })).to.throw(RangeError);
    expect(parseAcks('all')).to.equal(-1);
    expect(parseAcks(0)).to.equal(0);
    expect(() => parseAcks('2')).to.throw(RangeError);
  });

  it('refuses consumer groups until they exist', () => {
    expect(() => resolveConsumerOptions({ groupId: 'g' })).to.throw(/not available yet/);
    expect(resolveConsumerOptions().autoOffsetReset).to.equal('latest');
  });

  it('normalises producer records', () => {
    const input = toRecordInput({ key: 'k', value: 'v', headers: { a: 'b' }, ttlMs: 10 }, 42);
    expect(input.key!.toString()).to.equal('k');
    expect(input.value!.toString()).to.equal('v');
    expect(input.headers!.map((h) => [h.key, h.value.toString()])).to.deep.equal([['a', 'b']]);
    expect(input.timestamp).to.equal(42);
    expect(input.ttlMs).to.equal(10);
    expect(() => toRecordInput({ value: 'v', ttlMs: 0 })).to.throw(RangeError);
  });
});
