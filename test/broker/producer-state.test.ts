import { expect } from 'chai';
import { ProducerStateTable, PRODUCERS_MAX } from '../../src/broker/producer-state.js';
import { SluiceError } from '../../src/protocol/errors.js';
import { LogIndex } from '../../src/storage/log-index.js';
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

  it('rebuilt from the log\'s producer batches, decides as when rebuilt from all of them (model check, seeded)', () => {
    const seed = 20261126;
    let state = seed;
    const random = (): number => ((state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const pick = (n: number): number => Math.floor(random() * n);
    for (let round = 0; round < 40; round++) {
      // A log of idempotent producers (some bumping their epoch), plain batches and Raft no-ops.
      const producers = 1 + pick(8);
      const next = Array.from({ length: producers }, () => ({ epoch: 0, sequence: pick(2 ** 31) }));
      const metas: BatchMeta[] = [];
      let offset = 0;
      for (let entryIndex = 1; entryIndex <= 300; entryIndex++) {
        const roll = random();
        const id = pick(producers);
        const producer = next[id]!;
        const recordCount = roll < 0.05 ? 0 : 1 + pick(20);
        const idempotent = roll >= 0.15;
        if (idempotent && random() < 0.03) producer.epoch++;
        const baseSequence = idempotent ? producer.sequence : -1;
        if (idempotent && recordCount > 0) producer.sequence = (producer.sequence + recordCount) % 2 ** 31;
        metas.push({
          entryIndex,
          baseOffset: offset,
          lastOffset: offset + recordCount - 1,
          sizeBytes: 100,
          recordCount,
          maxTimestamp: 0,
          leaderEpoch: 1,
          attributes: 0,
          expireTimestamp: -1,
          producerId: idempotent && recordCount > 0 ? 1_000 + id : -1,
          producerEpoch: idempotent && recordCount > 0 ? producer.epoch : -1,
          baseSequence: idempotent && recordCount > 0 ? baseSequence : -1,
        });
        offset += recordCount;
      }
      const index = new LogIndex(metas, 0);
      const full = ProducerStateTable.rebuild(index.batches());
      const fromTail = ProducerStateTable.rebuild(index.producerBatches(5, PRODUCERS_MAX));
      // With a smaller bound, the producers kept are those that wrote last.
      const bound = 1 + pick(producers);
      const writers = [...new Set(metas.filter((m) => m.producerId >= 0).map((m) => m.producerId).reverse())];
      const kept = new Set(index.producerBatches(5, bound).map((m) => m.producerId));
      expect([...kept].sort(), `seed ${seed}, round ${round}`).to.deep.equal(writers.slice(0, bound).sort());
      // Probe every stored batch (a retry), each producer's next batch and a gap, in both epochs.
      const probes = metas.filter((m) => m.producerId >= 0).map((m) => batch(m.producerId, m.baseSequence, m.recordCount, m.producerEpoch));
      next.forEach((p, id) => {
        for (const epoch of [p.epoch, p.epoch + 1]) probes.push(batch(1_000 + id, p.sequence, 3, epoch), batch(1_000 + id, p.sequence + 1, 3, epoch));
      });
      for (const probe of probes) {
        const outcome = (table: ProducerStateTable): unknown => codeOf(() => table.check(probe)) ?? table.check(probe);
        expect(outcome(fromTail), `seed ${seed}, round ${round}, probe ${JSON.stringify(probe)}`).to.deep.equal(outcome(full));
      }
    }
  });
});
