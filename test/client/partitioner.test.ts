import { expect } from 'chai';
import { DefaultPartitioner, partitionForKey, SluiceError } from '../../src/client/index.js';

function sequence(values: number[]): () => number {
  let i = 0;
  return () => values[i++ % values.length]!;
}

describe('DefaultPartitioner', () => {
  it('honours an explicit partition, rejects one the topic does not have as UNKNOWN_PARTITION and a malformed one as a RangeError', () => {
    const partitioner = new DefaultPartitioner();
    expect(partitioner.partition({ topic: 't', key: Buffer.from('k'), partition: 2, numPartitions: 3, sizeBytes: 100 })).to.equal(2);
    expect(() => partitioner.partition({ topic: 't', key: null, partition: 3, numPartitions: 3, sizeBytes: 100 }))
      .to.throw(SluiceError, 'UNKNOWN_PARTITION: topic t has no partition 3 (it has 3)')
      .with.property('code', 'UNKNOWN_PARTITION');
    for (const partition of [-1, 1.5]) {
      expect(() => partitioner.partition({ topic: 't', key: null, partition, numPartitions: 3, sizeBytes: 100 })).to.throw(RangeError);
    }
  });

  it('hashes keys with murmur2', () => {
    const partitioner = new DefaultPartitioner();
    const key = Buffer.from('user-42');
    expect(partitioner.partition({ topic: 't', key, partition: undefined, numPartitions: 7, sizeBytes: 100 })).to.equal(partitionForKey(key, 7));
  });

  it('sticks keyless records to one partition until its batch closes, then moves on', () => {
    const partitioner = new DefaultPartitioner(sequence([0.5, 0.5, 0.1]));
    const input = { topic: 't', key: null, partition: undefined, numPartitions: 4, sizeBytes: 100 };
    const first = partitioner.partition(input);
    expect(first).to.equal(2);
    for (let i = 0; i < 10; i++) expect(partitioner.partition(input)).to.equal(first);
    partitioner.onBatchClosed('t', 1); // another partition's batch: no change
    expect(partitioner.partition(input)).to.equal(first);
    partitioner.onBatchClosed('t', first);
    // random picks 2 again, which is avoided: the next partition is used instead.
    expect(partitioner.partition(input)).to.equal(3);
  });

  it('moves keyless records on after stickyBytesMax bytes even while the batch stays open', () => {
    const partitioner = new DefaultPartitioner(sequence([0.0, 0.0, 0.6]), 1_000);
    const input = { topic: 't', key: null, partition: undefined, numPartitions: 4, sizeBytes: 300 };
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 12; i++) counts[partitioner.partition(input)]!++;
    // 1,000 bytes budget at 300 bytes a record: four records each, never the same partition twice in a row.
    expect(counts).to.deep.equal([4, 4, 4, 0]);
  });

  it('keeps sticky choices per topic', () => {
    const partitioner = new DefaultPartitioner(sequence([0.0, 0.9]));
    expect(partitioner.partition({ topic: 'a', key: null, partition: undefined, numPartitions: 4, sizeBytes: 100 })).to.equal(0);
    expect(partitioner.partition({ topic: 'b', key: null, partition: undefined, numPartitions: 4, sizeBytes: 100 })).to.equal(3);
    expect(partitioner.partition({ topic: 'a', key: null, partition: undefined, numPartitions: 4, sizeBytes: 100 })).to.equal(0);
  });
});
