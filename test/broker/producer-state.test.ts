import { expect } from 'chai';
import { ProducerStateTable, PRODUCERS_MAX } from '../../src/broker/producer-state.js';
import { SluiceError } from '../../src/protocol/errors.js';
import type { BatchMeta } from '../../src/storage/types.js';

function batch(producerId: number, baseSequence: number, recordCount = 10, producerEpoch = 0) {
  return { producerId, producerEpoch, baseSequence, recordCount };
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof SluiceError ? err.code : String(err);
  }
  return undefined;
}

describe('idempotent producer state', () => {
  it('appends in-sequence batches and answers a retried one with its original offsets', () => {
    const table = new ProducerStateTable();
    expect(table.check(batch(7, 0))).to.deep.equal({ kind: 'append' });
    table.record(batch(7, 0), 100, 109);
    expect(table.check(batch(7, 10))).to.deep.equal({ kind: 'append' });
    table.record(batch(7, 10), 110, 119);
    expect(table.check(batch(7, 0))).to.deep.equal({ kind: 'duplicate', batch: { baseSequence: 0, lastSequence: 9, baseOffset: 100, lastOffset: 109 } });
  });

  it('refuses a sequence gap and a fenced epoch', () => {
    const table = new ProducerStateTable();
    table.record(batch(7, 0, 10, 3), 0, 9);
    expect(codeOf(() => table.check(batch(7, 20, 10, 3)))).to.equal('OUT_OF_ORDER_SEQUENCE');
    expect(codeOf(() => table.check(batch(7, 10, 10, 2)))).to.equal('OUT_OF_ORDER_SEQUENCE');
    expect(table.check(batch(7, 0, 10, 4))).to.deep.equal({ kind: 'append' }); // a new epoch starts over
  });

  it('lets non-idempotent batches through', () => {
    expect(new ProducerStateTable().check(batch(-1, -1))).to.deep.equal({ kind: 'append' });
  });

  it('is rebuilt from the batch index, skipping control batches', () => {
    const meta = (entryIndex: number, baseOffset: number, recordCount: number, producerId: number, baseSequence: number): BatchMeta => ({
      entryIndex, baseOffset, lastOffset: baseOffset + recordCount - 1, sizeBytes: 100, recordCount, maxTimestamp: 0,
      leaderEpoch: 1, attributes: 0, expireTimestamp: -1, producerId, producerEpoch: 0, baseSequence,
    });
    const table = ProducerStateTable.rebuild([meta(1, 0, 0, -1, -1), meta(2, 0, 5, 9, 0), meta(3, 5, 5, 9, 5)]);
    expect(table.check(batch(9, 5, 5))).to.deep.equal({ kind: 'duplicate', batch: { baseSequence: 5, lastSequence: 9, baseOffset: 5, lastOffset: 9 } });
    expect(table.check(batch(9, 10, 5))).to.deep.equal({ kind: 'append' });
  });

  it('forgets the longest-idle producer beyond its bound', () => {
    const table = new ProducerStateTable();
    for (let id = 0; id <= PRODUCERS_MAX; id++) table.record(batch(id, 0), id * 10, id * 10 + 9);
    // Producer 0 was forgotten: its retry is no longer recognised, a later producer's still is.
    expect(table.check(batch(0, 0))).to.deep.equal({ kind: 'append' });
    expect(table.check(batch(PRODUCERS_MAX, 0)).kind).to.equal('duplicate');
  });
});
