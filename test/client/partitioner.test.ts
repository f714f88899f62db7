import { expect } from 'chai';
import { DefaultPartitioner, partitionForKey } from '../../src/client/index.js';

function sequence(values: number[]): () => number {
  let i = 0;
  return () => values[i++ % values.length]!;
}

describe('DefaultPartitioner', () => {
  it('honours an explicit partition and rejects one out of range', () => {
    const partitioner = new DefaultPartitioner();
    expect(partitioner.partition({ topic: 't', key: Buffer.from('k'), partition: 2, numPartitions: 3 })).to.equal(2);
    expect(() => partitioner.partition({ topic: 't', key: null, partition: 3, numPartitions: 3 })).to.throw(RangeError);
  });

  it('hashes keys with murmur2', () => {
    const partitioner = new DefaultPartitioner();
    const key = Buffer.from('user-42');
    expect(partitioner.partition({ topic: 't', key, partition: undefined, numPartitions: 7 })).to.equal(partitionForKey(key, 7));
  });

  it('sticks keyless records to one partition until its batch closes, then moves on', () => {
    const partitioner = new DefaultPartitioner(sequence([0.5, 0.5, 0.1]));
    const input = { topic: 't', key: null, partition: undefined, numPartitions: 4 };
    const first = partitioner.partition(input);
    expect(first).to.equal(2);
    for (let i = 0; i < 10; i++) expect(partitioner.partition(input)).to.equal(first);
    partitioner.onBatchClosed('t', 1); // another partition's batch: no change
    expect(partitioner.partition(input)).to.equal(first);
    partitioner.onBatchClosed('t', first);
    // random picks 2 again, which is avoided: the next partition is used instead.
    expect(partitioner.partition(input)).to.equal(3);
  });

  it('keeps sticky choices per topic', () => {
    const partitioner = new DefaultPartitioner(sequence([0.0, 0.9]));
    expect(partitioner.partition({ topic: 'a', key: null, partition: undefined, numPartitions: 4 })).to.equal(0);
    expect(partitioner.partition({ topic: 'b', key: null, partition: undefined, numPartitions: 4 })).to.equal(3);
    expect(partitioner.partition({ topic: 'a', key: null, partition: undefined, numPartitions: 4 })).to.equal(0);
  });
});
