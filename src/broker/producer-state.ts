/**
 * Idempotent-producer state of one partition, kept by its leader: per producer id, the epoch and the
 * last few batches' sequence ranges with their offsets. A retried batch is recognised and answered
 * with its original offsets; a gap in sequences is refused. Rebuilt from the log's batch index
 * whenever a broker becomes leader, so it survives failover.
 */
import type { BatchHeader } from '../protocol/batch.js';
import { SluiceError } from '../protocol/errors.js';
import type { BatchMeta } from '../storage/types.js';

/** Batches remembered per producer: as in Kafka, a producer may have this many in flight. */
export const PRODUCER_BATCHES_MAX = 5;
/**
 * Producers remembered per partition; beyond it the one idle longest is forgotten (every CLI run
 * is a new producer id, so the table must not grow without bound). A forgotten producer's next
 * batch is accepted as a fresh sequence, as for a producer the leader never saw.
 */
export const PRODUCERS_MAX = 10_000;

export interface SequencedBatch {
  baseSequence: number;
  lastSequence: number;
  baseOffset: number;
  lastOffset: number;
}

interface ProducerEntry {
  epoch: number;
  batches: SequencedBatch[];
}

export type SequenceCheck = { kind: 'append' } | { kind: 'duplicate'; batch: SequencedBatch };

type IdempotenceFields = Pick<BatchHeader, 'producerId' | 'producerEpoch' | 'baseSequence' | 'recordCount'>;

function lastSequenceOf(baseSequence: number, recordCount: number): number {
  // Sequences are int32 and wrap, as in Kafka.
  return (baseSequence + recordCount - 1) % 2 ** 31;
}

export class ProducerStateTable {
  private readonly producers = new Map<number, ProducerEntry>();

  constructor(private readonly producersMax = PRODUCERS_MAX) {}

  /** The table after recording `batches` in order (a log's producerBatches() give the same as all of its batches). */
  static rebuild(batches: readonly BatchMeta[], producersMax = PRODUCERS_MAX): ProducerStateTable {
    const table = new ProducerStateTable(producersMax);
    for (const meta of batches) {
      if (meta.producerId < 0 || meta.recordCount === 0) continue;
      table.record(meta, meta.baseOffset, meta.lastOffset);
    }
    return table;
  }

  /** Decides what to do with a batch before it is appended; throws on a sequence or epoch error. */
  check(header: IdempotenceFields): SequenceCheck {
    if (header.producerId < 0) return { kind: 'append' };
    const entry = this.producers.get(header.producerId);
    if (!entry || header.producerEpoch > entry.epoch) return { kind: 'append' };
    if (header.producerEpoch < entry.epoch) {
      throw new SluiceError(
        'OUT_OF_ORDER_SEQUENCE',
        `producer ${header.producerId} epoch ${header.producerEpoch} is fenced by epoch ${entry.epoch}`,
      );
    }
    const lastSequence = lastSequenceOf(header.baseSequence, header.recordCount);
    const duplicate = entry.batches.find((b) => b.baseSequence === header.baseSequence && b.lastSequence === lastSequence);
    if (duplicate) return { kind: 'duplicate', batch: duplicate };
    const last = entry.batches[entry.batches.length - 1];
    const expected = last ? (last.lastSequence + 1) % 2 ** 31 : header.baseSequence;
    if (header.baseSequence !== expected) {
      throw new SluiceError(
        'OUT_OF_ORDER_SEQUENCE',
        `producer ${header.producerId} sent sequence ${header.baseSequence}, expected ${expected}`,
      );
    }
    return { kind: 'append' };
  }

  /** Remembers an appended batch. */
  record(header: IdempotenceFields, baseOffset: number, lastOffset: number): void {
    if (header.producerId < 0) return;
    let entry = this.producers.get(header.producerId);
    if (!entry || header.producerEpoch > entry.epoch) entry = { epoch: header.producerEpoch, batches: [] };
    // Re-inserting keeps the Map in least-recently-written order, so the first key is the idlest.
    this.producers.delete(header.producerId);
    this.producers.set(header.producerId, entry);
    if (this.producers.size > this.producersMax) this.producers.delete(this.producers.keys().next().value!);
    entry.batches.push({
      baseSequence: header.baseSequence,
      lastSequence: lastSequenceOf(header.baseSequence, header.recordCount),
      baseOffset,
      lastOffset,
    });
    if (entry.batches.length > PRODUCER_BATCHES_MAX) entry.batches.shift();
  }
}
