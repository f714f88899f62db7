/**
 * One partition a group member owns, as a pure step machine (the shape of src/raft/): the driver
 * (consumer.ts) feeds events with `step(event, nowMs)` and performs the actions returned. No timers,
 * network, promises or clock here: time comes in as `nowMs`, randomness (backoff jitter) as an option.
 *
 * What it decides:
 * - Delivery in offset order: one record (eachMessage) or the fetched run (eachBatch) at a time, only
 *   while nothing else is pending on the partition (a handler, a dead-letter write, a commit asked for).
 * - Acknowledgements advance the committable offset only over a contiguous prefix (AckTracker).
 * - A failure (handler threw, nack) rewinds to the failed record after a backoff; its attempt count is
 *   committed before it is delivered again; at maxAttempts it goes to the dead-letter topic and the
 *   partition commits past it.
 * - Careful mode (after an earlier owner failed): every record is committed before the next one.
 * - Revocation: stop fetching, wait for what is pending, commit until stored, then release.
 *
 * Action contract: `commit` asks the driver to send this partition's `commitRequest()` now and to step
 * `commitSettled` once that send settled; `deadLetter` asks for `deadLettered` or `deadLetterFailed`;
 * `wakeAt` asks for a `tick` at or after that time. Deliveries and dead letters are handed out only in
 * answer to `next`, so the driver pulls them when it is free to run a handler.
 */
import { backoffMs, type RetryOptions } from '../retry.js';
import { AckTracker } from './ack-tracker.js';

/** Failed deliveries of one record, as committed with the offsets. */
export interface Attempts {
  offset: number;
  count: number;
  lastError: string;
}

/** Which delivery a record came from: acks and nacks of an earlier ownership or position are ignored. */
export interface DeliveryTag {
  /** Member epoch the partition was assigned in. */
  epoch: number;
  /** Bumped by every rewind and seek of the partition. */
  generation: number;
}

export interface PartitionStateOptions {
  epoch: number;
  maxAttempts: number;
  retryBackoff: RetryOptions;
  /** In [0, 1): jitter of the retry backoff. */
  random: () => number;
}

export interface CommitRequest {
  offset: number;
  /** Sent only when they changed since the last stored commit. */
  attempts: Attempts | null;
}

export type PartitionEvent =
  /** The starting position is known: the committed offset (with its attempts), else autoOffsetReset's. */
  | { type: 'started'; position: number; committed: { offset: number; attempts: Attempts | undefined } | undefined; carefulUntil: number }
  /** Offsets (ascending) of the records the fetcher handed out for this partition in one poll round. */
  | { type: 'fetched'; offsets: number[] }
  /** After a round: every record below `offset` was handed out by the fetcher; offsets without one expired or were deleted. */
  | { type: 'fetchedUpTo'; offset: number }
  /** The driver is free to run a handler on this partition: one record, or the fetched run for eachBatch. */
  | { type: 'next'; batch: boolean }
  /**
   * The driver's poll round is over: the records of `fetched` it holds are gone. Those not handed
   * out yet (a commit was pending, or a backoff began) must be fetched again.
   */
  | { type: 'roundEnded' }
  /** The handler of the last `deliver` returned (`threw` undefined) or threw (the error's text). */
  | { type: 'handlerDone'; threw: string | undefined }
  /** `tag` undefined: a record the application built itself, taken to be of the current delivery. */
  | { type: 'acked'; offset: number; tag: DeliveryTag | undefined }
  | { type: 'nacked'; offset: number; error: string; delayMs: number | undefined; tag: DeliveryTag | undefined }
  | { type: 'seek'; offset: number }
  | { type: 'pause' }
  | { type: 'resume' }
  /** A `wakeAt` came due (a timer may fire a little early). */
  | { type: 'tick' }
  | { type: 'revoke' }
  /** The coordinator stored this partition's commit (whoever sent it: auto-commit, commit(), an action). */
  | { type: 'commitStored'; request: CommitRequest }
  /** The send a `commit` action asked for settled; `retriable`: worth sending again (not fenced, not closing). */
  | { type: 'commitSettled'; ok: boolean; retriable: boolean }
  | { type: 'deadLettered' }
  | { type: 'deadLetterFailed' };

export type PartitionAction =
  /** Start fetching the partition at `from`. */
  | { type: 'fetch'; from: number }
  /** Stop fetching it; records fetched meanwhile are dropped. */
  | { type: 'stopFetch' }
  /** It is being fetched: continue at `to`, dropping what was fetched from the old position. */
  | { type: 'seekFetch'; to: number }
  | { type: 'wakeAt'; atMs: number }
  /** Run the handler on these records, then step `handlerDone`. */
  | { type: 'deliver'; records: Array<{ offset: number; attempt: number }>; tag: DeliveryTag }
  | { type: 'deadLetter'; offset: number; attempts: number; error: string }
  | { type: 'commit' }
  /** Revoked (or could not start): forget the partition and tell the coordinator. */
  | { type: 'release' }
  /** The handler's throw fails no record (eachBatch acknowledged all of them): report it. */
  | { type: 'reportHandlerError' };

interface Failure {
  offset: number;
  error: string;
  delayMs: number | undefined;
}

interface InFlight {
  offsets: number[];
  /** eachMessage: returning acknowledges the record. */
  autoAck: boolean;
  generation: number;
  /** The lowest record failed (thrown or nacked) while the handler ran. */
  failure: Failure | undefined;
}

export class PartitionState {
  private ready = false;
  /** The first commit of a partition that had none is stored before fetching starts, so a restart resumes there. */
  private startCommitPending = false;
  /** Next offset to hand the application. */
  private position = 0;
  private tracker = new AckTracker(0);
  /** What the coordinator holds; a commit is due only when the prefix or the attempts moved. */
  private committedOffset = -1;
  private attempts: Attempts | undefined;
  private attemptsDirty = false;
  /** While position < carefulUntil, every record is committed before the next is handed out. */
  private carefulUntil = 0;
  private paused = false;
  private revoking = false;
  private released = false;
  /** Backing off after a failure until this time, and until its attempt count is stored (`commitSettled`). */
  private resumeAtMs = 0;
  private attemptsCommitPending = false;
  private generation = 0;
  /** Whether the fetcher has the partition (as the last fetch/stopFetch said). */
  private fetching = false;
  /** After the last record the fetcher handed out since it was positioned: below it, records taken but not handled are no gap. */
  private polledThrough = 0;
  /** Offsets fetched in the current round and not handed out yet. */
  private queue: number[] = [];
  private inFlight: InFlight | undefined;
  private deadLettering: Attempts | undefined;
  /** `commit` actions whose `commitSettled` has not come yet; deliveries wait for them. */
  private commitsPending = 0;

  constructor(private readonly options: PartitionStateOptions) {}

  /** Revoked: no longer counted as owned in heartbeats' assignment(), though still committed until released. */
  get isRevoking(): boolean {
    return this.revoking;
  }

  /** A handler or a dead-letter write is running on the partition. */
  private get busy(): boolean {
    return this.inFlight !== undefined || this.deadLettering !== undefined;
  }

  /** What a commit sent now would carry, or undefined when the coordinator already holds it. */
  commitRequest(): CommitRequest | undefined {
    if (!this.ready || (this.tracker.committable === this.committedOffset && !this.attemptsDirty)) return undefined;
    return { offset: this.tracker.committable, attempts: this.attemptsDirty && this.attempts ? { ...this.attempts } : null };
  }

  /** For transcripts and debugging. */
  describe(): string {
    const flags = [this.ready ? 'ready' : 'starting', this.fetching ? 'fetching' : 'idle'];
    if (this.paused) flags.push('paused');
    if (this.revoking) flags.push(this.released ? 'released' : 'revoking');
    if (this.position < this.carefulUntil) flags.push(`careful-until=${this.carefulUntil}`);
    const attempts = this.attempts ? ` attempts=${this.attempts.offset}x${this.attempts.count}${this.attemptsDirty ? '*' : ''}` : '';
    return `position=${this.position} committable=${this.tracker.committable} committed=${this.committedOffset}${attempts} gen=${this.generation} ${flags.join(' ')}`;
  }

  step(event: PartitionEvent, nowMs: number): PartitionAction[] {
    if (this.released) return [];
    const actions: PartitionAction[] = [];
    switch (event.type) {
      case 'started':
        this.start(event, actions);
        break;
      case 'fetched':
        if (this.fetching && event.offsets.length > 0) {
          this.queue = event.offsets.filter((offset) => offset >= this.position);
          this.polledThrough = Math.max(this.polledThrough, event.offsets[event.offsets.length - 1]! + 1);
        }
        break;
      case 'fetchedUpTo':
        this.skipUnseen(event.offset, nowMs);
        break;
      case 'next':
        this.next(event.batch, nowMs, actions);
        break;
      case 'roundEnded':
        this.refetchLeftovers(actions);
        break;
      case 'handlerDone':
        this.handlerDone(event.threw, nowMs, actions);
        break;
      case 'acked':
        if (this.isCurrent(event.tag)) this.tracker.ack(event.offset);
        break;
      case 'nacked':
        this.nacked(event, nowMs, actions);
        break;
      case 'seek':
        this.moveTo(event.offset, true, actions);
        break;
      case 'pause':
      case 'resume':
        this.paused = event.type === 'pause';
        break;
      case 'tick':
        // A revoked partition resumes nothing.
        if (this.resumeAtMs > nowMs && !this.revoking) actions.push({ type: 'wakeAt', atMs: this.resumeAtMs });
        break;
      case 'revoke':
        if (this.revoking) break;
        this.revoking = true;
        if (!this.busy) this.requestCommit(actions);
        break;
      case 'commitStored':
        this.commitStored(event.request);
        break;
      case 'commitSettled':
        this.commitSettled(event.ok, event.retriable, actions);
        break;
      case 'deadLettered':
        this.deadLettered(actions);
        break;
      case 'deadLetterFailed':
        this.deadLetterFailed(nowMs, actions);
        break;
    }
    this.syncFetch(nowMs, actions);
    return actions;
  }

  private start(event: Extract<PartitionEvent, { type: 'started' }>, actions: PartitionAction[]): void {
    // Revoked before its position was known: the revocation releases it.
    if (this.ready || this.revoking) return;
    this.ready = true;
    this.position = event.position;
    this.polledThrough = event.position;
    this.tracker = new AckTracker(event.position);
    this.carefulUntil = event.carefulUntil;
    if (event.committed) {
      this.committedOffset = event.committed.offset;
      this.attempts = event.committed.attempts;
    } else {
      this.startCommitPending = true;
      this.requestCommit(actions);
    }
  }

  private isCurrent(tag: DeliveryTag | undefined): boolean {
    return tag === undefined || (tag.epoch === this.options.epoch && tag.generation === this.generation);
  }

  /** Whether records can be handed out now: started, not paused, revoked or backing off. */
  private isActive(nowMs: number): boolean {
    return this.ready && !this.startCommitPending && !this.attemptsCommitPending && !this.paused && !this.revoking && this.resumeAtMs <= nowMs;
  }

  /** The attempt number the next delivery of `offset` is. */
  private attemptOf(offset: number): number {
    return (this.attempts?.offset === offset ? this.attempts.count : 0) + 1;
  }

  private next(batch: boolean, nowMs: number, actions: PartitionAction[]): void {
    if (!this.isActive(nowMs) || this.busy || this.commitsPending > 0) return;
    this.queue = this.queue.filter((offset) => offset >= this.position);
    const first = this.queue[0];
    if (first === undefined) return;
    if (first > this.position) {
      // Records in between expired or were deleted: nothing to acknowledge there.
      this.tracker.skip(this.position, first);
      this.position = first;
    }
    // Its attempts (e.g. crashes of earlier owners) reached maxAttempts: not handed out again.
    if (this.attempts && this.attempts.offset === first && this.attempts.count >= this.options.maxAttempts) {
      this.queue.shift();
      this.deadLettering = { ...this.attempts };
      actions.push({ type: 'deadLetter', offset: first, attempts: this.attempts.count, error: this.attempts.lastError });
      return;
    }
    // In careful mode a batch is one record, so a crash is pinned to it.
    const offsets = batch && this.position >= this.carefulUntil ? this.queue.splice(0) : this.queue.splice(0, 1);
    // Offsets missing between a batch's records expired or were deleted, as above.
    for (let i = 1; i < offsets.length; i++) this.tracker.skip(offsets[i - 1]! + 1, offsets[i]!);
    this.inFlight = { offsets, autoAck: !batch, generation: this.generation, failure: undefined };
    actions.push({
      type: 'deliver',
      records: offsets.map((offset) => ({ offset, attempt: this.attemptOf(offset) })),
      tag: { epoch: this.options.epoch, generation: this.generation },
    });
  }

  /**
   * Offsets still queued when the round ended have no record object any more: fetch them again,
   * or the next round's later records would make them look expired and be skipped, never handed out.
   */
  private refetchLeftovers(actions: PartitionAction[]): void {
    if (this.queue.length === 0) return;
    this.queue = [];
    if (!this.fetching) return;
    this.polledThrough = this.position;
    actions.push({ type: 'seekFetch', to: this.position });
  }

  /** Keeps the lowest failure of the running handler. */
  private noteFailure(flight: InFlight, failure: Failure): void {
    if (!flight.failure || flight.failure.offset > failure.offset) flight.failure = failure;
  }

  private nacked(event: Extract<PartitionEvent, { type: 'nacked' }>, nowMs: number, actions: PartitionAction[]): void {
    if (!this.isCurrent(event.tag) || this.tracker.isAcked(event.offset)) return;
    const failure = { offset: event.offset, error: event.error, delayMs: event.delayMs };
    if (this.inFlight) {
      this.noteFailure(this.inFlight, failure);
      return;
    }
    // After its handler returned (eachBatch acknowledging later): a record handed out already fails now.
    if (event.offset >= this.position || this.revoking) return;
    this.fail(failure, false, nowMs, actions);
  }

  private handlerDone(threw: string | undefined, nowMs: number, actions: PartitionAction[]): void {
    const flight = this.inFlight;
    if (!flight) throw new Error('handlerDone without a delivery');
    this.inFlight = undefined;
    if (threw !== undefined) {
      // eachBatch: the throw fails the first record the handler did not ack() (its attempts then grow
      // from one throw to the next); a batch acknowledged whole has nothing left to retry.
      const failed = flight.autoAck ? flight.offsets[0] : flight.offsets.find((offset) => !this.tracker.isAcked(offset));
      if (failed === undefined) actions.push({ type: 'reportHandlerError' });
      else this.noteFailure(flight, { offset: failed, error: threw, delayMs: undefined });
    }
    // The handler seek()ed the partition: its records belong to the old position.
    if (flight.generation !== this.generation) {
      if (this.revoking) this.requestCommit(actions);
      return;
    }
    const failure = flight.failure;
    for (const offset of flight.offsets) {
      if (!flight.autoAck || (failure && offset >= failure.offset)) break;
      this.tracker.ack(offset);
    }
    // Revoked meanwhile: commit what was acknowledged; the next owner takes the rest.
    if (this.revoking) {
      this.requestCommit(actions);
      return;
    }
    if (!failure) {
      this.position = flight.offsets[flight.offsets.length - 1]! + 1;
      if (this.position <= this.carefulUntil) this.requestCommit(actions);
      return;
    }
    this.fail(failure, flight.offsets.includes(failure.offset), nowMs, actions);
  }

  /**
   * Counts a failed delivery: dead-letters the record at maxAttempts when the driver still holds it
   * (`delivered`: it is one of the handler's records), else commits the count, rewinds to the record
   * and backs off (a record past maxAttempts is dead-lettered when it comes again).
   */
  private fail(failure: Failure, delivered: boolean, nowMs: number, actions: PartitionAction[]): void {
    const attempt = this.attemptOf(failure.offset);
    if (delivered && attempt >= this.options.maxAttempts) {
      this.deadLettering = { offset: failure.offset, count: attempt, lastError: failure.error };
      actions.push({ type: 'deadLetter', offset: failure.offset, attempts: attempt, error: failure.error });
      return;
    }
    this.retryLater({ offset: failure.offset, count: attempt, lastError: failure.error }, failure.delayMs, nowMs, actions);
  }

  /** Rewinds to the record and backs off; the count is committed before it is delivered again, so a crash meanwhile still counts. */
  private retryLater(attempts: Attempts, delayMs: number | undefined, nowMs: number, actions: PartitionAction[]): void {
    this.attempts = attempts;
    this.attemptsDirty = true;
    this.moveTo(attempts.offset, false, actions);
    this.requestCommit(actions);
    this.attemptsCommitPending = true;
    this.resumeAtMs = nowMs + (delayMs ?? backoffMs(attempts.count - 1, this.options.retryBackoff, this.options.random));
    // Without a delay, the stored count resumes it (commitSettled).
    if (this.resumeAtMs > nowMs) actions.push({ type: 'wakeAt', atMs: this.resumeAtMs });
  }

  private deadLettered(actions: PartitionAction[]): void {
    const dead = this.deadLettering;
    if (!dead) throw new Error('deadLettered without a dead letter');
    this.deadLettering = undefined;
    this.tracker.ack(dead.offset);
    this.attempts = undefined;
    this.moveTo(dead.offset + 1, false, actions);
    this.requestCommit(actions);
  }

  /** The dead-letter topic could not take the record: try again after a backoff, keeping its count. */
  private deadLetterFailed(nowMs: number, actions: PartitionAction[]): void {
    const dead = this.deadLettering;
    if (!dead) throw new Error('deadLetterFailed without a dead letter');
    this.deadLettering = undefined;
    if (this.revoking) {
      this.requestCommit(actions);
      return;
    }
    this.retryLater(dead, undefined, nowMs, actions);
  }

  /** Repositions the partition: records fetched from the old position are dropped; `jump` (seek) also forgets acks below. */
  private moveTo(offset: number, jump: boolean, actions: PartitionAction[]): void {
    this.generation++;
    this.position = offset;
    this.polledThrough = offset;
    this.queue = [];
    this.tracker.restartAt(offset, { jump });
    if (this.fetching) actions.push({ type: 'seekFetch', to: offset });
  }

  /**
   * Moves past offsets the fetcher found no record at after the last one it handed out (expired or
   * deleted): no later record closes that gap, and the committed offset (and the lag) would stop in
   * front of it. Only once every record taken from the fetcher was handled.
   */
  private skipUnseen(unseenFrom: number, nowMs: number): void {
    if (!this.fetching || !this.isActive(nowMs) || this.busy) return;
    if (this.position < this.polledThrough || unseenFrom <= this.position) return;
    this.tracker.skip(this.position, unseenFrom);
    this.position = unseenFrom;
  }

  private requestCommit(actions: PartitionAction[]): void {
    this.commitsPending++;
    actions.push({ type: 'commit' });
  }

  private commitStored(request: CommitRequest): void {
    this.committedOffset = request.offset;
    // Attempts changed while the commit was on its way are still to be sent.
    if (request.attempts && this.attempts && request.attempts.offset === this.attempts.offset && request.attempts.count === this.attempts.count) {
      this.attemptsDirty = false;
    }
    if (this.attempts && this.attempts.offset < request.offset) {
      this.attempts = undefined;
      this.attemptsDirty = false;
    }
  }

  private commitSettled(ok: boolean, retriable: boolean, actions: PartitionAction[]): void {
    if (this.commitsPending === 0) throw new Error('commitSettled without a commit');
    this.commitsPending--;
    // Stored or not (the error is reported), the retry goes ahead as the backoff allows.
    if (this.commitsPending === 0) this.attemptsCommitPending = false;
    if (this.startCommitPending && this.commitsPending === 0) {
      this.startCommitPending = false;
      // Not started: give it back so the coordinator can move it.
      if (!ok && !this.revoking) {
        this.release(actions);
        return;
      }
    }
    if (!this.revoking || this.busy || this.commitsPending > 0) return;
    // A revoked partition's commit is repeated while the coordinator is away (a failover keeps this
    // member's epoch), so the next owner does not get acknowledged records again.
    if (!ok && retriable) this.requestCommit(actions);
    else this.release(actions);
  }

  private release(actions: PartitionAction[]): void {
    this.released = true;
    this.revoking = true;
    this.queue = [];
    actions.push({ type: 'release' });
  }

  /** Fetches exactly while records can be handed out. */
  private syncFetch(nowMs: number, actions: PartitionAction[]): void {
    const wanted = !this.released && this.isActive(nowMs);
    if (wanted === this.fetching) return;
    this.fetching = wanted;
    if (wanted) {
      this.polledThrough = this.position;
      actions.push({ type: 'fetch', from: this.position });
    } else {
      this.queue = [];
      actions.push({ type: 'stopFetch' });
    }
  }
}
