/**
 * The per-partition sender against a model leader with the broker's idempotence rules, under
 * seeded random faults (refusals, lost answers, reordered arrivals, batches too large, fatal
 * errors): whatever happens, no record is stored twice or out of order, every acknowledgement
 * names where its records are, every batch settles exactly once, and the in-flight limits hold.
 * The scenarios step by step are in the transcripts (testdata/sender/*.txt).
 */
import { expect } from 'chai';
import { PartitionSender, SEQUENCE_MODULUS, type SenderAction, type SenderEvent } from '../../src/client/producer/partition-sender.js';
import { SluiceError, type ErrorCode } from '../../src/protocol/errors.js';
import { seededRng } from '../../src/raft/index.js';

/** Records per batch the leader takes; a batch holding a record numbered a multiple of HUGE_EVERY is too large alone. */
const BATCH_RECORDS_MAX = 4;
const HUGE_EVERY = 41;
const MAX_IN_FLIGHT = 5;

interface ModelBatch {
  /** Record numbers [first, first + count). */
  first: number;
  count: number;
  producerEpoch: number;
  baseSequence: number;
}

/** The leader's log and idempotence state for one producer (as ProducerStateTable, remembering 5 batches). */
class ModelLeader {
  readonly log: number[] = [];
  private epoch = -1;
  private recent: Array<{ baseSequence: number; count: number; offset: number }> = [];

  /** Appends the batch, or answers a duplicate with its offset; throws the broker's refusals. */
  produce(batch: ModelBatch): number {
    if (batch.count > BATCH_RECORDS_MAX) throw new SluiceError('BATCH_TOO_LARGE', `${batch.count} records`);
    for (let r = batch.first; r < batch.first + batch.count; r++) if (r % HUGE_EVERY === 0) throw new SluiceError('BATCH_TOO_LARGE', `record ${r}`);
    if (batch.producerEpoch < this.epoch) throw new SluiceError('OUT_OF_ORDER_SEQUENCE', 'fenced epoch');
    if (batch.producerEpoch === this.epoch) {
      const duplicate = this.recent.find((b) => b.baseSequence === batch.baseSequence && b.count === batch.count);
      if (duplicate) return duplicate.offset;
      const last = this.recent[this.recent.length - 1]!;
      if (batch.baseSequence !== (last.baseSequence + last.count) % SEQUENCE_MODULUS) throw new SluiceError('OUT_OF_ORDER_SEQUENCE', 'gap');
    } else {
      this.epoch = batch.producerEpoch;
      this.recent = [];
    }
    const offset = this.log.length;
    for (let r = batch.first; r < batch.first + batch.count; r++) this.log.push(r);
    this.recent.push({ baseSequence: batch.baseSequence, count: batch.count, offset });
    if (this.recent.length > 5) this.recent.shift();
    return offset;
  }
}

/** Drives one sender to the end: `batches` batches of 1 to 6 records, faults drawn from `seed`. */
function run(seed: number, batches: number): void {
  const random = seededRng(seed);
  const sender = new PartitionSender({
    topic: 't',
    partition: 0,
    idempotent: true,
    maxInFlight: MAX_IN_FLIGHT,
    retry: { retries: 30, initialBackoffMs: 10, maxBackoffMs: 100, multiplier: 2, jitter: 0.2 },
    producerEpoch: 0,
    random,
  });
  const leader = new ModelLeader();
  const held = new Map<number, ModelBatch>();
  const settled = new Set<number>();
  /** Sent and unanswered, in send order (the order requests reach the leader). */
  const inFlight: number[] = [];
  const acknowledged = new Map<number, number>(); // record → offset
  const failed = new Set<number>();
  let nextRecord = 0;
  let sealed = 0;
  let backoffArmed = false;
  let acksThisEpoch = 0;
  let epoch = 0;

  const perform = (actions: SenderAction[]): void => {
    for (const action of actions) {
      if (action.type === 'backoff' || action.type === 'cancelBackoff') {
        backoffArmed = action.type === 'backoff';
        continue;
      }
      expect(settled.has(action.id), `b${action.id} named after it settled`).to.equal(false);
      const batch = held.get(action.id)!;
      switch (action.type) {
        case 'send':
          expect(inFlight).not.to.include(action.id);
          inFlight.push(action.id);
          if (batch.producerEpoch !== epoch) [epoch, acksThisEpoch] = [batch.producerEpoch, 0];
          expect(inFlight.length).to.be.at.most(acksThisEpoch > 0 ? MAX_IN_FLIGHT : 1);
          break;
        case 'acknowledge':
          if (batch.producerEpoch === epoch) acksThisEpoch++;
          for (let i = 0; i < batch.count; i++) acknowledged.set(batch.first + i, action.baseOffset + i);
          settled.add(action.id);
          break;
        case 'fail':
          for (let i = 0; i < batch.count; i++) failed.add(batch.first + i);
          settled.add(action.id);
          break;
        case 'restamp':
          batch.producerEpoch = action.producerEpoch;
          batch.baseSequence = action.baseSequence;
          break;
        case 'split':
          expect(action.first.recordCount + action.second.recordCount).to.equal(batch.count);
          held.set(action.first.id, { first: batch.first, count: action.first.recordCount, producerEpoch: action.first.producerEpoch, baseSequence: action.first.baseSequence });
          held.set(action.second.id, { first: batch.first + action.first.recordCount, count: action.second.recordCount, producerEpoch: action.second.producerEpoch, baseSequence: action.second.baseSequence });
          settled.add(action.id);
          break;
      }
    }
  };
  const step = (event: SenderEvent): void => perform(sender.step(event));
  const answer = (id: number): void => {
    inFlight.splice(inFlight.indexOf(id), 1);
    const dice = random();
    if (dice < 0.08) return step({ type: 'failed', id, error: new SluiceError('NOT_LEADER', 'moved') });
    if (dice < 0.09) return step({ type: 'failed', id, error: new SluiceError('CORRUPT_BATCH', 'fatal') });
    let offset: number;
    try {
      offset = leader.produce(held.get(id)!);
    } catch (err) {
      return step({ type: 'failed', id, error: err as SluiceError });
    }
    const lost: ErrorCode = 'REQUEST_TIMED_OUT';
    if (dice < 0.14) step({ type: 'failed', id, error: new SluiceError(lost, 'answer lost') });
    else step({ type: 'answered', id, baseOffset: offset });
  };

  for (let turns = 0; ; turns++) {
    expect(turns, 'the sender never finishes').to.be.below(100_000);
    for (let stamp = sender.nextSeal(); stamp !== undefined && sealed < batches; stamp = sender.nextSeal()) {
      const count = 1 + Math.floor(random() * 6);
      held.set(stamp.id, { first: nextRecord, count, producerEpoch: stamp.producerEpoch, baseSequence: stamp.baseSequence });
      nextRecord += count;
      sealed++;
      step({ type: 'sealed', id: stamp.id, recordCount: count });
    }
    if (inFlight.length > 0) {
      // Requests reach the leader in send order, except now and then the second overtakes the first.
      answer(inFlight.length > 1 && random() < 0.05 ? inFlight[1]! : inFlight[0]!);
    } else if (backoffArmed) {
      backoffArmed = false;
      step({ type: 'backoffElapsed' });
    } else {
      break;
    }
  }
  step({ type: 'close' });

  expect(sender.unsettled).to.equal(0);
  expect(sealed).to.equal(batches);
  expect(new Set(leader.log).size, 'a record stored twice').to.equal(leader.log.length);
  for (let i = 1; i < leader.log.length; i++) expect(leader.log[i]!, 'records stored out of order').to.be.greaterThan(leader.log[i - 1]!);
  for (const [record, offset] of acknowledged) expect(leader.log[offset], `record ${record} acknowledged at ${offset}`).to.equal(record);
  for (let r = 0; r < nextRecord; r++) expect(acknowledged.has(r) !== failed.has(r), `record ${r} settles once`).to.equal(true);
  // Huge records fail; most of the others get through.
  for (let r = 0; r < nextRecord; r += HUGE_EVERY) expect(failed.has(r)).to.equal(true);
  expect(acknowledged.size).to.be.greaterThan(nextRecord / 2);
}

describe('PartitionSender (model leader, random faults)', () => {
  for (let seed = 1; seed <= 40; seed++) {
    it(`seed ${seed}: no record stored twice or out of order, every batch settles once`, () => run(seed, 300));
  }

  it('refuses events that do not match its state (a driver bug)', () => {
    const sender = new PartitionSender({ topic: 't', partition: 0, idempotent: true, maxInFlight: 5, retry: { retries: 1, initialBackoffMs: 1, maxBackoffMs: 1, multiplier: 1, jitter: 0 }, producerEpoch: 0, random: () => 0 });
    expect(() => sender.step({ type: 'sealed', id: 7, recordCount: 1 })).to.throw(/sealed, but the next seal is 0/);
    expect(() => sender.step({ type: 'answered', id: 0, baseOffset: 0 })).to.throw(/not in flight/);
    expect(() => sender.step({ type: 'backoffElapsed' })).to.throw(/without a backoff/);
    expect(sender.step({ type: 'sealed', id: 0, recordCount: 1 })).to.deep.equal([{ type: 'send', id: 0 }]);
    expect(sender.nextSeal()).to.equal(undefined); // one at a time until the first acknowledgement
  });
});
