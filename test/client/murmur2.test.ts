import { expect } from 'chai';
import fc from 'fast-check';
import { murmur2, partitionForKey, toPositive } from '../../src/client/index.js';

describe('murmur2', () => {
  // Kafka's UtilsTest.testMurmur2 vectors: keys must land where a Kafka client puts them.
  const kafkaVectors: Array<[string, number]> = [
    ['21', -973932308],
    ['foobar', -790332482],
    ['a-little-bit-long-string', -985981536],
    ['a-little-bit-longer-string', -1486304829],
    ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
    ['abc', 479470107],
  ];
  for (const [input, expected] of kafkaVectors) {
    it(`hashes "${input}" like Kafka's Utils.murmur2`, () => {
      expect(murmur2(Buffer.from(input, 'utf8'))).to.equal(expected);
    });
  }

  it('maps "foobar" to partition 16 of 50 (toPositive, then modulo)', () => {
    expect(partitionForKey(Buffer.from('foobar'), 50)).to.equal(16);
  });

  it('toPositive clears the sign bit rather than negating', () => {
    expect(toPositive(-1)).to.equal(0x7fffffff);
    expect(toPositive(-2147483648)).to.equal(0);
    expect(toPositive(5)).to.equal(5);
  });

  it('always returns a signed 32-bit integer and a partition in range', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.integer({ min: 1, max: 1000 }), (bytes, numPartitions) => {
        const hash = murmur2(bytes);
        expect(hash).to.equal(hash | 0);
        const partition = partitionForKey(bytes, numPartitions);
        expect(partition).to.be.within(0, numPartitions - 1);
        expect(partitionForKey(Buffer.from(bytes), numPartitions)).to.equal(partition);
      }),
    );
  });
});
