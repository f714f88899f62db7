/**
 * The producer's sender for one partition, as a pure state machine (the shape of `src/raft/`): the
 * driver (producer.ts) feeds it events with `step` and performs the actions it returns, in order.
 * It owns no timers, transport, promises or clock; backoff jitter comes from the `random` it is
 * given. Batches are named by ids the machine hands out in `nextSeal` (and `split`); the driver
 * maps them to its encoded batches.
 *
 * Sealing: `nextSeal()` says whether a new batch may go now and with which id, producer epoch and
 * base sequence (0, then += record count, wrapping at 2^31 as in Kafka); the driver encodes the
 * next sendable batch with that stamp and steps `sealed`, and the machine answers `send`.
 *
 * Pipelining and ordering: up to `maxInFlight` requests, but one at a time until a batch of the
 * current epoch is acknowledged (a leader that does not know the producer yet takes any sequence
 * first, so an overtaking request would be stored ahead of its predecessor). Idempotent, the leader
 * refuses a batch whose sequence does not follow the last one it stored (OUT_OF_ORDER_SEQUENCE), so
 * a later batch can never overtake a failed earlier one. When a batch in flight fails with a
 * retriable error (or OUT_OF_ORDER_SEQUENCE while an earlier batch was unanswered), the partition
 * enters *recovery*: nothing new is sent, the others in flight settle, and the failed ones are
 * resent in order, one at a time, after a backoff (none when only reordering was to blame); then
 * pipelining resumes. Without idempotence the same recovery runs, but a batch stored after the
 * failed one stays before its resend (as in Kafka; `maxInFlight: 1` keeps order across retries).
 *
 * A batch of several records refused as larger than the topic's max.message.bytes
 * (BATCH_TOO_LARGE) is split in two (KIP-126): the halves take its place in the order and its
 * sequence range, and go out during recovery before any later batch.
 *
 * A batch that fails for good (non-retriable error, retries used up) fails its records. With
 * idempotence the sequence now has a hole below which the leader stored everything and above which
 * nothing can be stored: every later batch fails too (unless it was stored), and once everything
 * has settled the partition restarts its sequence at 0 under the next producer epoch, which the
 * leader accepts as a new sequence. When every such batch was refused as too large (a single
 * record, never stored), later batches the leader refused or never got keep their place instead:
 * they are restamped under the new epoch and resent in order.
 *
 * DUPLICATE_SEQUENCE says the leader already stored the batch: it is acknowledged (offset unknown,
 * -1), as Kafka's producer does. Sluice brokers answer a retried batch with its original offsets
 * instead, so this only guards against a broker that says so.
 */
import { SluiceError } from '../../protocol/errors.js';
import { backoffMs, type RetryOptions } from '../retry.js';

/** Sequences are int32 and wrap to 0 after 2^31 - 1, as in Kafka (and the broker's producer state). */
export const SEQUENCE_MODULUS = 2 ** 31;
/** Producer epochs are int16. */
const EPOCH_MODULUS = 2 ** 15;

export interface PartitionSenderOptions {
  /** Named in the errors of batches failed because of another one. */
  topic: string;
  partition: number;
  idempotent: boolean;
  /** Requests in flight once a batch of the current epoch was acknowledged (1 before). */
  maxInFlight: number;
  /** `retries` bounds the attempts per batch; the rest shapes the backoff. */
  retry: RetryOptions;
  /** The epoch InitProducerId gave (idempotent only). */
  producerEpoch: number;
  /** [0, 1): jitters backoffs. */
  random: () => number;
}

/** How the next new batch is encoded: its id, and (idempotent; else -1) epoch and base sequence. */
export interface SealStamp {
  id: number;
  producerEpoch: number;
  baseSequence: number;
}

export type SenderEvent =
  /** The driver took the next sendable batch and encoded it with `nextSeal()`'s stamp. */
  | { type: 'sealed'; id: number; recordCount: number }
  /** The leader stored the batch at `baseOffset` (-1 with acks=0). */
  | { type: 'answered'; id: number; baseOffset: number }
  /** The attempt failed; `error.code` and `error.retriable` (the error table) decide what happens. */
  | { type: 'failed'; id: number; error: SluiceError }
  /** The backoff asked for by a `backoff` action is over. */
  | { type: 'backoffElapsed' }
  /** The producer is closing: nothing more is sent; batches waiting for a resend fail. */
  | { type: 'close' };

/** One half of a split batch: a new batch id, its record count and stamp. */
export interface SplitHalf {
  id: number;
  recordCount: number;
  producerEpoch: number;
  baseSequence: number;
}

export type SenderAction =
  /** Send (or resend, with the same bytes) the batch. */
  | { type: 'send'; id: number }
  /** Its records are stored from `baseOffset` on; the batch is done. */
  | { type: 'acknowledge'; id: number; baseOffset: number }
  /** Its records failed with `error`; the batch is done. */
  | { type: 'fail'; id: number; error: Error }
  /** Rewrite the (unsent or refused) batch's bytes with this epoch and base sequence. */
  | { type: 'restamp'; id: number; producerEpoch: number; baseSequence: number }
  /**
   * Replace the batch by two new ones holding its first `first.recordCount` records and the rest,
   * encoded with the halves' stamps; the batch is done, the halves wait for a resend.
   */
  | { type: 'split'; id: number; first: SplitHalf; second: SplitHalf }
  /** Step `backoffElapsed` after `delayMs`. */
  | { type: 'backoff'; delayMs: number }
  /** Forget the backoff asked for (closing). */
  | { type: 'cancelBackoff' };

/** What the machine knows of a sealed batch. */
interface SentBatch {
  readonly id: number;
  /** Position in the partition's send order; shifts by one behind a split batch. */
  order: number;
  readonly recordCount: number;
  producerEpoch: number;
  baseSequence: number;
  attempts: number;
  /** Another batch of the partition was unanswered (or waiting) when this one was last sent. */
  sentBehindOthers: boolean;
  /** Sent, and the last attempt's outcome is unknown: the leader may have stored it (false once refused). */
  maybeStored: boolean;
}

/** A snapshot for tests and logs. */
export interface PartitionSenderStatus {
  inFlight: number[];
  waiting: number[];
  recovering: boolean;
  backoffArmed: boolean;
  producerEpoch: number;
  nextSequence: number;
  established: boolean;
  /** Order (place in the send order) of the first batch that failed for good while its hole is open; else undefined. */
  holeAtOrder: number | undefined;
  closed: boolean;
}

export class PartitionSender {
  /** Sent and unanswered, in send order. */
  private readonly inFlight: SentBatch[] = [];
  /** Failed retriably (or kept behind a hole, or split halves): resent by `order` once nothing is in flight. */
  private readonly waiting: SentBatch[] = [];
  private recovering = false;
  /** Backoff before the next resend, in ms: the largest one asked for in this recovery round. */
  private recoveryDelayMs = 0;
  private backoffArmed = false;
  /** Order of the first batch that failed for good; -1 when none. */
  private holeBelowOrder = -1;
  /** Every batch that failed for good was refused as too large (never stored): later refused ones keep their place. */
  private holeKeepsLater = false;
  private producerEpoch: number;
  private nextSequence = 0;
  private nextOrder = 0;
  private nextId = 0;
  /** A batch of the current epoch was acknowledged: pipelining allowed. */
  private established: boolean;
  private closed = false;

  constructor(private readonly options: PartitionSenderOptions) {
    this.producerEpoch = options.idempotent ? options.producerEpoch : -1;
    this.established = !options.idempotent;
  }

  /** The stamp of the next new batch when one may be sent now; undefined while recovering, full or closed. */
  nextSeal(): SealStamp | undefined {
    if (this.closed || this.recovering) return undefined;
    const maxInFlight = this.established ? this.options.maxInFlight : 1;
    if (this.inFlight.length >= maxInFlight) return undefined;
    return { id: this.nextId, producerEpoch: this.producerEpoch, baseSequence: this.options.idempotent ? this.nextSequence : -1 };
  }

  /** Batches sealed and not yet acknowledged, failed or split. */
  get unsettled(): number {
    return this.inFlight.length + this.waiting.length;
  }

  status(): PartitionSenderStatus {
    return {
      inFlight: this.inFlight.map((batch) => batch.id),
      waiting: this.waiting.map((batch) => batch.id),
      recovering: this.recovering,
      backoffArmed: this.backoffArmed,
      producerEpoch: this.producerEpoch,
      nextSequence: this.nextSequence,
      established: this.established,
      holeAtOrder: this.holeBelowOrder < 0 ? undefined : this.holeBelowOrder,
      closed: this.closed,
    };
  }

  step(event: SenderEvent): SenderAction[] {
    const actions: SenderAction[] = [];
    switch (event.type) {
      case 'sealed':
        this.onSealed(event.id, event.recordCount, actions);
        break;
      case 'answered':
        this.onAnswered(this.takeInFlight(event.id), event.baseOffset, actions);
        break;
      case 'failed':
        this.onFailed(this.takeInFlight(event.id), event.error, actions);
        break;
      case 'backoffElapsed':
        if (!this.backoffArmed) throw new Error(`${this.name}: backoffElapsed without a backoff`);
        this.backoffArmed = false;
        break;
      case 'close':
        this.onClose(actions);
        break;
    }
    this.recover(actions);
    return actions;
  }

  private get name(): string {
    return `${this.options.topic}/${this.options.partition}`;
  }

  private onSealed(id: number, recordCount: number, actions: SenderAction[]): void {
    const stamp = this.nextSeal();
    if (stamp === undefined || stamp.id !== id) throw new Error(`${this.name}: batch ${id} sealed, but the next seal is ${stamp?.id ?? 'none'}`);
    this.nextId++;
    const batch: SentBatch = {
      id,
      order: this.nextOrder++,
      recordCount,
      producerEpoch: stamp.producerEpoch,
      baseSequence: stamp.baseSequence,
      attempts: 0,
      sentBehindOthers: false,
      maybeStored: false,
    };
    if (this.options.idempotent) this.nextSequence = (this.nextSequence + recordCount) % SEQUENCE_MODULUS;
    this.dispatch(batch, actions);
  }

  private onAnswered(batch: SentBatch, baseOffset: number, actions: SenderAction[]): void {
    if (batch.producerEpoch === this.producerEpoch) this.established = true;
    actions.push({ type: 'acknowledge', id: batch.id, baseOffset });
  }

  private onFailed(batch: SentBatch, err: SluiceError, actions: SenderAction[]): void {
    if (err.code === 'DUPLICATE_SEQUENCE') return this.onAnswered(batch, -1, actions);
    if (this.closed) {
      actions.push({ type: 'fail', id: batch.id, error: err });
      return;
    }
    // A refusal proves this attempt was not stored (and an earlier one neither: it would be a duplicate); a lost answer proves nothing.
    if (err.code === 'OUT_OF_ORDER_SEQUENCE' || err.code === 'BATCH_TOO_LARGE') batch.maybeStored = false;
    if (this.holeBelowOrder >= 0 && batch.order > this.holeBelowOrder) {
      if (this.holeKeepsLater && !batch.maybeStored) insertByOrder(this.waiting, batch);
      else actions.push({ type: 'fail', id: batch.id, error: new SluiceError(err.code, `an earlier batch of ${this.name} failed; this one was not stored: ${err.message}`) });
    } else if (err.code === 'BATCH_TOO_LARGE' && batch.recordCount > 1) {
      this.split(batch, actions);
    } else {
      // OUT_OF_ORDER_SEQUENCE for a batch sent behind others: an earlier one was not stored yet
      // (it failed, or its request arrived later); resending it after them is safe.
      const reordered = this.options.idempotent && err.code === 'OUT_OF_ORDER_SEQUENCE' && batch.sentBehindOthers;
      if ((err.retriable || reordered) && batch.attempts <= this.options.retry.retries) {
        this.recovering = true;
        insertByOrder(this.waiting, batch);
        if (!reordered) this.recoveryDelayMs = Math.max(this.recoveryDelayMs, backoffMs(batch.attempts - 1, this.options.retry, this.options.random));
      } else {
        actions.push({ type: 'fail', id: batch.id, error: err });
        if (this.options.idempotent) this.openHole(batch.order, err.code === 'BATCH_TOO_LARGE');
      }
    }
    if (this.holeBelowOrder >= 0) this.failWaitingAfterHole(err, actions);
  }

  /** A batch at `order` failed for good: nothing new goes out until the sequence restarts. */
  private openHole(order: number, tooLarge: boolean): void {
    this.holeKeepsLater = (this.holeBelowOrder < 0 || this.holeKeepsLater) && tooLarge;
    this.holeBelowOrder = this.holeBelowOrder < 0 ? order : Math.min(this.holeBelowOrder, order);
    this.recovering = true;
  }

  /** Batches waiting for a resend after the hole cannot be stored in this epoch: they fail, unless kept. */
  private failWaitingAfterHole(err: SluiceError, actions: SenderAction[]): void {
    const waiting = this.waiting;
    for (let i = waiting.length - 1; i >= 0; i--) {
      const batch = waiting[i]!;
      if (batch.order <= this.holeBelowOrder || (this.holeKeepsLater && !batch.maybeStored)) continue;
      waiting.splice(i, 1);
      actions.push({ type: 'fail', id: batch.id, error: new SluiceError(err.code, `an earlier batch of ${this.name} failed: ${err.message}`) });
    }
  }

  /**
   * Replaces a batch refused as too large by two halves in its place: the same position in the
   * order and the same epoch and sequence range (first half from its base sequence), so batches
   * after it keep theirs. The halves go out one at a time, in recovery, before any later batch.
   */
  private split(batch: SentBatch, actions: SenderAction[]): void {
    for (const other of this.inFlight) if (other.order > batch.order) other.order++;
    for (const other of this.waiting) if (other.order > batch.order) other.order++;
    if (this.holeBelowOrder > batch.order) this.holeBelowOrder++;
    this.nextOrder++;
    const firstCount = batch.recordCount >> 1;
    const secondSequence = this.options.idempotent ? (batch.baseSequence + firstCount) % SEQUENCE_MODULUS : -1;
    const first = this.unsent(batch.order, firstCount, batch.producerEpoch, batch.baseSequence);
    const second = this.unsent(batch.order + 1, batch.recordCount - firstCount, batch.producerEpoch, secondSequence);
    insertByOrder(this.waiting, first);
    insertByOrder(this.waiting, second);
    this.recovering = true;
    actions.push({ type: 'split', id: batch.id, first: halfOf(first), second: halfOf(second) });
  }

  private unsent(order: number, recordCount: number, producerEpoch: number, baseSequence: number): SentBatch {
    return { id: this.nextId++, order, recordCount, producerEpoch, baseSequence, attempts: 0, sentBehindOthers: false, maybeStored: false };
  }

  private onClose(actions: SenderAction[]): void {
    if (this.closed) return;
    this.closed = true;
    if (this.backoffArmed) {
      this.backoffArmed = false;
      actions.push({ type: 'cancelBackoff' });
    }
    const closedError = new Error('producer is closed');
    for (const batch of this.waiting.splice(0)) actions.push({ type: 'fail', id: batch.id, error: closedError });
  }

  /** Moves recovery on once nothing is in flight: backoff, resend in order, restart the sequence after a hole. */
  private recover(actions: SenderAction[]): void {
    if (this.closed || !this.recovering || this.inFlight.length > 0 || this.backoffArmed) return;
    if (this.recoveryDelayMs > 0) {
      actions.push({ type: 'backoff', delayMs: this.recoveryDelayMs });
      this.recoveryDelayMs = 0;
      this.backoffArmed = true;
      return;
    }
    const hole = this.holeBelowOrder;
    const next = this.waiting[0];
    if (next !== undefined && (hole < 0 || next.order < hole)) {
      this.waiting.shift();
      this.dispatch(next, actions);
      return;
    }
    if (hole >= 0) {
      this.restartSequence(actions);
      const first = this.waiting.shift();
      if (first !== undefined) {
        this.dispatch(first, actions);
        return;
      }
    }
    this.recovering = false;
  }

  /** Everything around the hole has settled: the next epoch, sequence 0; batches kept after the hole get new sequences, in order. */
  private restartSequence(actions: SenderAction[]): void {
    this.holeBelowOrder = -1;
    this.holeKeepsLater = false;
    this.producerEpoch = (this.producerEpoch + 1) % EPOCH_MODULUS;
    this.nextSequence = 0;
    this.established = false;
    for (const kept of this.waiting) {
      kept.producerEpoch = this.producerEpoch;
      kept.baseSequence = this.nextSequence;
      actions.push({ type: 'restamp', id: kept.id, producerEpoch: kept.producerEpoch, baseSequence: kept.baseSequence });
      this.nextSequence = (this.nextSequence + kept.recordCount) % SEQUENCE_MODULUS;
    }
  }

  private dispatch(batch: SentBatch, actions: SenderAction[]): void {
    const before = (other: SentBatch): boolean => other.order < batch.order;
    batch.sentBehindOthers = this.inFlight.some(before) || this.waiting.some(before);
    batch.attempts++;
    batch.maybeStored = true;
    this.inFlight.push(batch);
    actions.push({ type: 'send', id: batch.id });
  }

  private takeInFlight(id: number): SentBatch {
    const at = this.inFlight.findIndex((batch) => batch.id === id);
    if (at < 0) throw new Error(`${this.name}: batch ${id} answered but not in flight`);
    return this.inFlight.splice(at, 1)[0]!;
  }
}

function halfOf(batch: SentBatch): SplitHalf {
  return { id: batch.id, recordCount: batch.recordCount, producerEpoch: batch.producerEpoch, baseSequence: batch.baseSequence };
}

function insertByOrder(list: SentBatch[], batch: SentBatch): void {
  let at = list.length;
  while (at > 0 && list[at - 1]!.order > batch.order) at--;
  list.splice(at, 0, batch);
}
