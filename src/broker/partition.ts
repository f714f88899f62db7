/**
 * One partition replica on this broker: it opens and drops its Raft group (the replicated log) and
 * handles the group's events itself, and serves the produce and fetch paths over it. Batches are stored and served as bytes; only batch headers are read. The high watermark
 * is the Raft commit: consumers never see past it. Only the leader serves produce and fetch.
 */
import { batchExpiresAt, compressionOf, decompressRecords, readBatchHeader, validateRecords, type BatchHeader } from '../protocol/batch.js';
import { SluiceError } from '../protocol/errors.js';
import type { ReplicaManager } from '../replication/replica-manager.js';
import type { LostOffsets, ReplicatedLog } from '../replication/replicated-log.js';
import { storageFault, type StorageFault } from '../storage/storage-fault.js';
import type { PartitionLog } from '../storage/types.js';
import type { TopicConfig } from '../config/topic-config.js';
import { PRODUCER_BATCHES_MAX, PRODUCERS_MAX, ProducerStateTable } from './producer-state.js';
import { systemClock, withTimeout, type Clock } from '../runtime/clock.js';

export type Acks = 0 | 1 | -1;

export interface ProduceResult {
  /** -1 with acks=0 (answered before the append). */
  baseOffset: number;
  lastOffset: number;
  logStartOffset: number;
}

export interface FetchResult {
  batches: Buffer[];
  bytes: number;
  highWatermark: number;
  logStartOffset: number;
  logEndOffset: number;
  nextOffset: number;
  expiredRecords: number;
  /** How long the fetch long-polled for data, in ms. */
  waitedMs: number;
}

/**
 * When a produced batch reached each step, in ms on the partition's clock (0: not reached), for the
 * slow-request log: proposed to Raft (after validation), stored here, committed by a majority.
 */
export interface ProduceTiming {
  proposedAtMs: number;
  storedAtMs: number;
  committedAtMs: number;
}

export interface FetchRequestSpec {
  offset: number;
  maxBytes: number;
  maxWaitMs: number;
  minBytes: number;
  /** Ends the wait early (client cancelled, broker shutting down). */
  signal?: AbortSignal;
}

export interface PartitionHooks {
  /** Called once per committed batch (metrics); `endOffset` follows its last record. */
  onCommitted?(header: BatchHeader, bytes: number, appendedAtMs: number, endOffset: number): void;
  onExpiredSkipped?(records: number): void;
  /** Called once per fetch answer with data (metrics): it was asked from `fromOffset`; `endOffset` follows the last batch served. */
  onServed?(records: number, bytes: number, fromOffset: number, endOffset: number): void;
  /** Leader append to majority commit of a produced batch, in ms. */
  onCommitLatency?(latencyMs: number): void;
  /** The partition's Raft group saw a new leader or term. */
  onLeaderChange?(): void;
}

export interface PartitionOptions {
  topic: string;
  topicId: number;
  index: number;
  /** Name of the partition's Raft group (see broker.ts's partitionGroup). */
  group: string;
  /** Broker ids of the replicas, the preferred leader first. */
  replicas: readonly number[];
  /** A replica joining an existing group (a move) bootstraps as a learner of `replicas`: it names itself here. */
  learners?: readonly number[];
  config: () => Readonly<TopicConfig>;
  /** `host:port` of a broker id, for NOT_LEADER hints. */
  addressOf: (brokerId: number) => string | undefined;
  /** True once the owner is stopping: fetches then answer without waiting for data. */
  waitingStopped?: () => boolean;
  hooks?: PartitionHooks;
  /** Timestamps, deadlines and long-poll timers (default: Node's clock). */
  clock?: Clock;
  /** The replica's storage failed (see Partition.storageFault); the owner reopens it once writes are taken again. */
  onStorageFailure?: (partition: Partition) => void;
}

/** How many wholly expired batches one fetch may skip over before answering. */
const EXPIRED_BATCH_SKIPS_MAX = 1024;
/** How long a request waits for a leader elected here to store its no-op (a disk write, normally milliseconds). */
const OWN_LEADERSHIP_WAIT_MS = 2_000;

export class Partition {
  readonly topic: string;
  readonly topicId: number;
  readonly index: number;
  private replicatedLog: ReplicatedLog;
  /** Set when persisting failed: the Raft group stopped and waits to be reopened (`reopen`). */
  private failure: StorageFault | undefined;
  private waiters = new Set<() => void>();
  /** Settles once the last admitted produce request proposed or failed (see proposalTurn). */
  private proposalTail: Promise<void> | undefined;
  private producers: ProducerStateTable | undefined;
  /** The term `producers` was rebuilt in; a new term rebuilds it from the log. */
  private producersTerm = -1;
  private readonly clock: Clock;
  private readonly hooks: PartitionHooks;

  private constructor(
    replicated: ReplicatedLog,
    private readonly replicaManager: ReplicaManager,
    private readonly options: PartitionOptions,
  ) {
    this.topic = options.topic;
    this.topicId = options.topicId;
    this.index = options.index;
    this.replicatedLog = replicated;
    this.clock = options.clock ?? systemClock;
    this.hooks = options.hooks ?? {};
  }

  /**
   * Opens the partition's Raft group (its log recovered from the store) with this partition's own
   * handlers for its events. A brand-new group's preferred leader campaigns at once instead of
   * after an election timeout.
   */
  static async open(replicaManager: ReplicaManager, options: PartitionOptions): Promise<Partition> {
    const holder: { partition?: Partition } = {};
    const replicated = await replicaManager.open(options.group, Partition.groupOptions(holder, options));
    const partition = (holder.partition = new Partition(replicated, replicaManager, options));
    if (options.replicas[0] === replicaManager.selfId && replicated.term === 0) replicated.campaign();
    return partition;
  }

  /** The Raft group's handlers: Raft reports from its rounds, which begin once `holder` is filled. */
  private static groupOptions(holder: { partition?: Partition }, options: PartitionOptions) {
    return {
      voters: options.replicas,
      learners: options.learners ?? [],
      onHighWatermark: () => holder.partition?.wakeFetchers(),
      onLeaderChange: () => holder.partition?.leaderChanged(),
      onStorageFailure: (err: unknown) => holder.partition?.storageFailed(err),
    };
  }

  get replicated(): ReplicatedLog {
    return this.replicatedLog;
  }

  /** Why this replica's storage refuses writes, until `reopen`; undefined while it is healthy. */
  get storageFault(): StorageFault | undefined {
    return this.failure;
  }

  private storageFailed(err: unknown): void {
    this.failure = storageFault(err, `storing ${this.topic}/${this.index}`);
    this.wakeFetchers();
    this.options.onStorageFailure?.(this);
  }

  /**
   * After a storage failure, once the store takes writes again: reopens the Raft group from what
   * is stored, as a restart would (the log recovered anew; it rejoins as a follower or leads again).
   */
  async reopen(): Promise<void> {
    const holder: { partition?: Partition } = { partition: this };
    this.replicatedLog = await this.replicaManager.reopen(this.options.group, Partition.groupOptions(holder, this.options));
    this.failure = undefined;
    this.producers = undefined;
    this.producersTerm = -1;
    this.wakeFetchers();
  }

  /** Stops the Raft group and deletes its log (the metadata took the replica away from this broker). */
  async drop(): Promise<void> {
    this.wakeFetchers();
    await this.replicaManager.drop(this.options.group);
  }

  /** A new leader or term: waiting fetches look again (and answer NOT_LEADER if leadership left). */
  private leaderChanged(): void {
    this.wakeFetchers();
    this.hooks.onLeaderChange?.();
  }

  get log(): PartitionLog {
    return this.replicated.log;
  }

  get hw(): number {
    return this.replicated.highWatermark;
  }

  /** Leads and can store: a replica whose storage failed leads no more (its group stopped). */
  get isLeader(): boolean {
    return this.failure === undefined && this.replicated.isLeader;
  }

  /**
   * Answers waiting fetches (they look again): called when the high watermark moved or leadership
   * changed, and by the owner when the log was cut or it began to stop (see `waitingStopped`).
   */
  wakeFetchers(): void {
    const waiters = this.waiters;
    this.waiters = new Set();
    for (const wake of waiters) wake();
  }

  /** NOT_LEADER unless this broker leads in exactly `term` (not a later one it won back). */
  requireLeaderTerm(term: number): void {
    this.requireLeader('write');
    if (this.replicated.term !== term) {
      throw new SluiceError('NOT_LEADER', `${this.topic}/${this.index} was led here in term ${term}; the term is ${this.replicated.term} now`);
    }
  }

  /**
   * Elected here but still storing its no-op, this replica leads within a disk write: a request
   * waits for that (bounded) instead of being sent to this same broker as "the leader".
   */
  private async settleOwnLeadership(): Promise<void> {
    const deadline = this.clock.nowMs() + OWN_LEADERSHIP_WAIT_MS;
    while (this.failure === undefined && !this.replicated.isLeader && this.replicated.leaderId === this.replicaManager.selfId) {
      const remainingMs = deadline - this.clock.nowMs();
      if (remainingMs <= 0) return;
      await this.waitForData(remainingMs);
    }
  }

  /**
   * Throws unless this replica leads. One whose storage failed answers STORAGE_ERROR; it still
   * serves reads of what is committed when it is the only replica (no other can lead meanwhile).
   */
  private requireLeader(access: 'read' | 'write'): void {
    if (this.failure !== undefined) {
      const soleLeader = this.replicated.voters.length === 1 && this.replicated.isLeader;
      if (access === 'read' && soleLeader) return;
      throw this.failure;
    }
    if (this.replicated.isLeader) return;
    const leader = this.replicated.leaderId;
    const hint = leader ? this.options.addressOf(leader) : undefined;
    throw new SluiceError('NOT_LEADER', `this broker does not lead ${this.topic}/${this.index}${leader ? `; broker ${leader} does` : '; no leader yet'}`, hint);
  }

  /** An operator's repair of a damaged single copy, on its leader (ReplicatedLog.skipDamaged). */
  skipDamaged(): Promise<LostOffsets[]> {
    this.requireLeader('write');
    return this.replicated.skipDamaged();
  }

  private producerState(): ProducerStateTable {
    if (!this.producers || this.producersTerm !== this.replicated.term) {
      this.producers = ProducerStateTable.rebuild(this.log.producerBatches(PRODUCER_BATCHES_MAX, PRODUCERS_MAX));
      this.producersTerm = this.replicated.term;
    }
    return this.producers;
  }

  /**
   * Appends a batch whose header was validated (validateBatch) as leader, after checking its records
   * (validateRecords: after the cheap checks, since it may decompress them). acks=0 answers before
   * the append, 1 once the leader stored it, all once a majority of replicas stored it (or
   * NOT_ENOUGH_REPLICAS after `timeoutMs`). A retried idempotent batch is answered with its original
   * offsets.
   */
  async produce(batch: Buffer, header: BatchHeader, acks: Acks, timeoutMs: number, leaderTerm?: number, timing?: ProduceTiming): Promise<ProduceResult> {
    try {
      return await this.produceAsLeader(batch, header, acks, timeoutMs, leaderTerm, timing);
    } catch (err) {
      // A proposal that failed with the storage under it answers with the cause, not INTERNAL.
      throw this.failure ?? err;
    }
  }

  private async produceAsLeader(batch: Buffer, header: BatchHeader, acks: Acks, timeoutMs: number, leaderTerm: number | undefined, timing: ProduceTiming | undefined): Promise<ProduceResult> {
    const turn = this.proposalTurn();
    let step: Awaited<ReturnType<Partition['validateAndPropose']>>;
    try {
      step = await this.validateAndPropose(batch, header, leaderTerm, turn.before);
    } finally {
      turn.done();
    }
    if (step.kind === 'duplicate') {
      const { baseOffset, lastOffset } = step;
      if (acks !== 0 && this.hw <= lastOffset) await this.waitForHighWatermark(lastOffset + 1, timeoutMs);
      return { baseOffset, lastOffset, logStartOffset: this.log.logStartOffset() };
    }
    const { proposal, appendedAtMs } = step;
    const endOffset = proposal.lastOffset + 1;
    proposal.committed.then(
      () => {
        this.hooks.onCommitted?.(header, batch.length, appendedAtMs, endOffset);
        this.hooks.onCommitLatency?.(this.clock.nowMs() - appendedAtMs);
      },
      () => undefined,
    );
    if (acks === 0) return { baseOffset: -1, lastOffset: -1, logStartOffset: this.log.logStartOffset() };
    if (timing !== undefined) timing.proposedAtMs = appendedAtMs;
    if (acks === 1) {
      await proposal.persisted;
      if (timing !== undefined) timing.storedAtMs = this.clock.nowMs();
    } else {
      if (timing !== undefined) proposal.persisted.then(() => void (timing.storedAtMs = this.clock.nowMs()), () => undefined);
      await withTimeout(this.clock, proposal.committed, timeoutMs, () =>
        new SluiceError('NOT_ENOUGH_REPLICAS', `${this.topic}/${this.index}: not committed by a majority of replicas within ${timeoutMs} ms`),
      );
      if (timing !== undefined) timing.committedAtMs = this.clock.nowMs();
    }
    return { baseOffset: proposal.baseOffset, lastOffset: proposal.lastOffset, logStartOffset: this.log.logStartOffset() };
  }

  /**
   * Produce requests reach the log in the order they arrived: one whose records are decompressed
   * on the thread pool would otherwise be overtaken by the requests behind it (pipelined requests
   * of one connection, e.g. librdkafka's, then landed out of order). `before` settles once the
   * request ahead proposed or failed; undefined when none is pending (the uncompressed hot path).
   */
  private proposalTurn(): { before: Promise<void> | undefined; done: () => void } {
    const before = this.proposalTail;
    let done!: () => void;
    const mine = new Promise<void>((resolve) => (done = resolve));
    this.proposalTail = mine;
    return {
      before,
      done: () => {
        if (this.proposalTail === mine) this.proposalTail = undefined;
        done();
      },
    };
  }

  /** Checks the batch as leader and proposes it, after the request ahead of it (`before`). */
  private async validateAndPropose(batch: Buffer, header: BatchHeader, leaderTerm: number | undefined, before: Promise<void> | undefined) {
    if (!this.replicated.isLeader) await this.settleOwnLeadership();
    this.requireLeader('write');
    const maxBytes = this.options.config()['max.message.bytes'];
    if (batch.length > maxBytes) {
      throw new SluiceError('BATCH_TOO_LARGE', `batch of ${batch.length} bytes exceeds max.message.bytes=${maxBytes} of topic "${this.topic}"`);
    }
    if (compressionOf(header) === 'none') validateRecords(batch, header);
    else {
      // Decompressed on the thread pool: a gzip bomb must not stall every other client's answers.
      validateRecords(batch, header, await decompressRecords(batch, header));
    }
    if (before !== undefined) await before;
    this.requireLeader('write');
    const producers = this.producerState();
    const check = producers.check(header);
    if (check.kind === 'duplicate') return { kind: 'duplicate' as const, baseOffset: check.batch.baseOffset, lastOffset: check.batch.lastOffset };
    if (leaderTerm !== undefined) this.requireLeaderTerm(leaderTerm);
    const appendedAtMs = this.clock.nowMs();
    const proposal = this.replicated.propose(batch, header);
    producers.record(header, proposal.baseOffset, proposal.lastOffset);
    return { kind: 'proposed' as const, proposal, appendedAtMs };
  }

  private async waitForHighWatermark(offset: number, timeoutMs: number): Promise<void> {
    const deadline = this.clock.nowMs() + timeoutMs;
    while (this.hw < offset) {
      const remainingMs = deadline - this.clock.nowMs();
      if (remainingMs <= 0) {
        throw new SluiceError('NOT_ENOUGH_REPLICAS', `${this.topic}/${this.index}: offset ${offset - 1} not committed within ${timeoutMs} ms`);
      }
      this.requireLeader('write');
      await this.waitForData(remainingMs);
    }
  }

  private checkOffset(offset: number): void {
    const start = this.log.logStartOffset();
    const end = this.log.logEndOffset();
    if (offset < start || offset > end) {
      throw new SluiceError('OFFSET_OUT_OF_RANGE', `offset ${offset} is outside [${start}, ${end}] of ${this.topic}/${this.index}`);
    }
  }

  /** Long-polls until `minBytes` of committed batches are there, the wait ends, or the signal fires. */
  async fetch(spec: FetchRequestSpec): Promise<FetchResult> {
    if (!this.replicated.isLeader) await this.settleOwnLeadership();
    const deadline = this.clock.nowMs() + spec.maxWaitMs;
    let waitedMs = 0;
    for (;;) {
      this.requireLeader('read');
      this.checkOffset(spec.offset);
      const result = await this.readCommitted(spec.offset, spec.maxBytes);
      const remainingMs = deadline - this.clock.nowMs();
      const done = remainingMs <= 0 || spec.signal?.aborted === true || this.options.waitingStopped?.() === true;
      if (done || result.bytes >= Math.max(spec.minBytes, 1) || result.nextOffset !== spec.offset) {
        result.waitedMs = waitedMs;
        return result;
      }
      const waitStartMs = this.clock.nowMs();
      await this.waitForData(remainingMs, spec.signal);
      waitedMs += this.clock.nowMs() - waitStartMs;
    }
  }

  private waitForData(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        this.clock.clearTimer(timer);
        signal?.removeEventListener('abort', done);
        this.waiters.delete(done);
        resolve();
      };
      const timer = this.clock.setTimeout(done, timeoutMs);
      signal?.addEventListener('abort', done, { once: true });
      this.waiters.add(done);
    });
  }

  /**
   * Committed batches from `offset`, skipping control batches (Raft no-ops) and wholly expired
   * batches (never delivered, counted).
   */
  private async readCommitted(offset: number, maxBytes: number): Promise<FetchResult> {
    const ttlMs = this.options.config()['message.ttl.ms'];
    const nowMs = this.clock.nowMs();
    const hw = this.hw;
    const batches: Buffer[] = [];
    let bytes = 0;
    let expiredRecords = 0;
    let servedRecords = 0;
    // Offsets an operator skipped (a damaged single copy) are passed over, as expired batches are.
    let position = this.replicated.firstUnskippedOffset(offset);
    for (let skips = 0; skips < EXPIRED_BATCH_SKIPS_MAX && position < hw; ) {
      const read = await this.log.read(position, maxBytes - bytes, hw);
      if (read.length === 0) break;
      for (const batch of read) {
        const header = readBatchHeader(batch);
        if (header.recordCount === 0) continue;
        position = header.baseOffset + header.lastOffsetDelta + 1;
        const expiresAt = batchExpiresAt(header, ttlMs);
        if (expiresAt !== undefined && expiresAt <= nowMs) {
          expiredRecords += header.recordCount;
          skips++;
          continue;
        }
        batches.push(batch);
        bytes += batch.length;
        servedRecords += header.recordCount;
      }
      if (batches.length > 0) break;
    }
    if (expiredRecords > 0) this.hooks.onExpiredSkipped?.(expiredRecords);
    if (servedRecords > 0) this.hooks.onServed?.(servedRecords, bytes, offset, position);
    return {
      batches,
      bytes,
      highWatermark: hw,
      logStartOffset: this.log.logStartOffset(),
      logEndOffset: this.log.logEndOffset(),
      nextOffset: position,
      expiredRecords,
      waitedMs: 0,
    };
  }

  /**
   * -2 earliest, -1 latest (high watermark), else the earliest offset whose record's timestamp is at
   * or after `timestamp`, or the high watermark when no committed record's is.
   */
  async listOffset(timestamp: number): Promise<number> {
    this.requireLeader('read');
    if (timestamp === -2) return this.log.logStartOffset();
    if (timestamp === -1) return this.hw;
    if (timestamp < 0) throw new SluiceError('INVALID_REQUEST', `timestamp must be -2, -1 or >= 0, got ${timestamp}`);
    const offset = await this.log.offsetForTimestamp(timestamp);
    return Math.min(Math.max(offset, this.log.logStartOffset()), this.hw);
  }
}
