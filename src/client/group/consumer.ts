/**
 * A consumer-group member (KIP-848 style): the coordinator assigns partitions; this class
 * heartbeats, reconciles (a revoked partition is committed, then given back), fetches with the
 * partition consumer (consumer/consumer.ts) and runs the application's handler one record (or one
 * batch) at a time.
 *
 * Delivery: per partition in offset order. A record acknowledged (handler returned, or ack())
 * advances the committable prefix; an out-of-order ack waits for the gap. A failure (handler threw,
 * or nack()) rewinds the partition to that record after a backoff; its attempt count is committed
 * with the offsets, so it survives restarts; at maxAttempts the record goes to the dead-letter
 * topic and the group commits past it. After a member failure the coordinator adds an attempt to
 * the record at the committed offset; the next owner then commits before every record up to the
 * end of the log seen at takeover, so a record that crashes its consumer is pinned down and
 * dead-lettered after maxAttempts crashes.
 */
import { randomUUID } from 'node:crypto';
import { SluiceError } from '../../protocol/errors.js';
import type { FetchOffsetsResponse__Output } from '../../protocol/generated/sluice/v1/FetchOffsetsResponse.js';
import type { HeartbeatResponse__Output } from '../../protocol/generated/sluice/v1/HeartbeatResponse.js';
import type { RecordAttempts } from '../../protocol/generated/sluice/v1/RecordAttempts.js';
import { Cluster, type ResolvedClientOptions } from '../cluster.js';
import { Consumer } from '../consumer/consumer.js';
import type { ConsumedRecord } from '../consumer/types.js';
import { listOffset } from '../offsets.js';
import { backoffMs } from '../retry.js';
import type { TopicPartition } from '../types.js';
import { AckTracker } from './ack-tracker.js';
import { DeadLetters } from './dead-letter.js';
import { GroupsClient } from './groups-client.js';
import { resolveGroupConsumerOptions, type GroupConsumerOptions, type ResolvedGroupConsumerOptions } from './options.js';
import type { EachBatchPayload, GroupMessage, NackOptions, RunHandlers } from './types.js';

const JOIN_EPOCH = 0;
const LEAVE_EPOCH = -1;
const STATIC_LEAVE_EPOCH = -2;
/** Wait of one poll round for records, in ms (short, so revocations and close are handled promptly). */
const POLL_WAIT_MS = 200;
/** Retries of one group request before the loop tries again at its next turn. */
const GROUP_REQUEST_RETRIES = 3;

interface Attempts {
  offset: number;
  count: number;
  lastError: string;
}

interface OwnedPartition {
  topic: string;
  partition: number;
  /** False until the committed offset was fetched and the position resolved. */
  ready: boolean;
  /** Next offset to hand the application. */
  position: number;
  tracker: AckTracker;
  /** What the coordinator holds; commits are sent only when the prefix or the attempts moved. */
  committedOffset: number;
  attempts: Attempts | undefined;
  attemptsDirty: boolean;
  /** While position < carefulUntil, every record is committed before the next is handed out. */
  carefulUntil: number;
  paused: boolean;
  /** Backing off after a failure until this time (ms since the epoch). */
  resumeAtMs: number;
  revoking: boolean;
  /** Bumped by every rewind or seek, so records fetched before it are dropped. */
  generation: number;
  /**
   * After the last record the fetcher handed out since it was last positioned: until `position`
   * reaches it, some records were taken from the fetcher but not handled (closing, a round cut short).
   */
  polledThrough: number;
}

interface Failure {
  offset: number;
  error: string;
  delayMs: number | undefined;
}

/** Whether the partition's records can be handed out now: started, not paused, revoked or backing off. */
function isActive(state: OwnedPartition, nowMs: number): boolean {
  return state.ready && !state.paused && !state.revoking && state.resumeAtMs <= nowMs;
}

function key(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

function errorText(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

export class GroupConsumer {
  readonly options: ResolvedGroupConsumerOptions;
  readonly memberId = randomUUID();
  private memberEpoch = JOIN_EPOCH;
  private topics: string[] = [];
  private readonly owned = new Map<string, OwnedPartition>();
  private readonly groups: GroupsClient;
  private readonly fetcher: Consumer;
  private readonly offsetsCluster: Cluster;
  private readonly deadLetters: DeadLetters;
  private fetcherAssignment = new Set<string>();
  /** The partition whose record(s) the handler is running on, and since when (ms). */
  private handling: { key: string; sinceMs: number } | undefined;
  private handlerDone: Array<() => void> = [];
  private readonly failures = new Map<string, Failure>();
  private heartbeatWake: (() => void) | undefined;
  private heartbeatLoop: Promise<void> | undefined;
  private autoCommitTimer: NodeJS.Timeout | undefined;
  private commitChain: Promise<unknown> = Promise.resolve();
  private running: Promise<void> | undefined;
  private closing = false;
  private closed: Promise<void> | undefined;
  private readonly resumeTimers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly clientOptions: ResolvedClientOptions,
    options: GroupConsumerOptions,
    /** Called with errors of background work (auto-commit, heartbeats) that the application cannot catch. */
    private readonly onError: (err: unknown) => void = (err) => console.error('sluice group consumer:', errorText(err)),
  ) {
    this.options = resolveGroupConsumerOptions(options);
    this.groups = new GroupsClient(new Cluster({ ...clientOptions, retry: { ...clientOptions.retry, retries: GROUP_REQUEST_RETRIES } }));
    this.offsetsCluster = new Cluster(clientOptions);
    this.fetcher = new Consumer(new Cluster(clientOptions), {
      autoOffsetReset: this.options.autoOffsetReset,
      maxWaitMs: this.options.maxWaitMs,
      maxBytes: this.options.maxBytes,
      maxPollRecords: this.options.maxPollRecords,
    });
    this.deadLetters = new DeadLetters(clientOptions, this.options.groupId, this.options.deadLetterTopic);
  }

  /** Topics to consume; the coordinator assigns their partitions among the group's members. */
  subscribe(topics: string[]): void {
    if (topics.length === 0) throw new RangeError('subscribe needs at least one topic');
    this.topics = [...new Set(topics)].sort();
    this.wakeHeartbeat();
  }

  /** Partitions this member owns now. */
  assignment(): TopicPartition[] {
    return [...this.owned.values()].filter((state) => !state.revoking).map(({ topic, partition }) => ({ topic, partition }));
  }

  /**
   * Joins the group and hands records to the handler until close(). Resolves once closed. Do not
   * await close() inside a handler (it waits for the handler); call it without awaiting.
   */
  run(handlers: RunHandlers): Promise<void> {
    // Rejected, not thrown: `run().catch(…)` is how callers handle run's failures.
    if (this.running) return Promise.reject(new Error('run() was already called'));
    if (this.topics.length === 0) return Promise.reject(new Error('call subscribe() before run()'));
    this.heartbeatLoop = this.heartbeatForever();
    if (this.options.autoCommit) {
      this.autoCommitTimer = setInterval(() => this.commitAsync(), this.options.autoCommitIntervalMs);
    }
    this.running = this.deliverForever(handlers);
    // Delivery ends when close() begins; run() resolves once close() committed and left the group,
    // so an application that exits after `await run()` loses no progress.
    return this.running.then(() => this.closed);
  }

  /** Acknowledges a record: it counts as handled; the committable offset moves past it once no gap is left. */
  ack(message: ConsumedRecord): void {
    // Also while revoking: the revocation waits for the handler and commits what it acknowledged.
    const state = this.owned.get(key(message.topic, message.partition));
    if (!state) return;
    state.tracker.ack(message.offset);
  }

  /** The record failed: the partition rewinds to it after `delayMs` (or the backoff); after maxAttempts it is dead-lettered. */
  nack(message: ConsumedRecord, options: NackOptions = {}): void {
    const partitionKey = key(message.topic, message.partition);
    const current = this.failures.get(partitionKey);
    if (current && current.offset <= message.offset) return;
    this.failures.set(partitionKey, { offset: message.offset, error: 'nacked by the application', delayMs: options.delayMs });
  }

  pause(partitions: TopicPartition[]): void {
    for (const tp of partitions) {
      const state = this.owned.get(key(tp.topic, tp.partition));
      if (state) state.paused = true;
    }
    this.syncFetcher();
  }

  resume(partitions: TopicPartition[]): void {
    for (const tp of partitions) {
      const state = this.owned.get(key(tp.topic, tp.partition));
      if (state) state.paused = false;
    }
    this.syncFetcher();
  }

  /** The next record handed out from the partition is `offset`; the next commit commits it. */
  seek(tp: TopicPartition, offset: number): void {
    if (!(Number.isSafeInteger(offset) && offset >= 0)) throw new RangeError(`offset must be an integer >= 0, got ${offset}`);
    const state = this.owned.get(key(tp.topic, tp.partition));
    if (!state) throw new RangeError(`${tp.topic}/${tp.partition} is not assigned to this member`);
    this.moveTo(state, offset, true);
  }

  /** Commits the acknowledged prefix (and attempt counts) of every owned partition; resolves once stored. */
  commit(): Promise<void> {
    return this.commitPartitions([...this.owned.keys()]);
  }

  /** Like commit(), without waiting; failures go to onError. */
  commitAsync(): void {
    this.commit().catch((err: unknown) => this.onError(err));
  }

  /** Stops handing out records, commits, leaves the group (a static member keeps its partitions for the session timeout). */
  close(): Promise<void> {
    this.closed ??= this.shutdown();
    return this.closed;
  }

  private async shutdown(): Promise<void> {
    this.closing = true;
    clearInterval(this.autoCommitTimer);
    for (const timer of this.resumeTimers) clearTimeout(timer);
    this.wakeHeartbeat();
    await this.running?.catch(() => undefined);
    await this.heartbeatLoop;
    try {
      if (this.memberEpoch > 0) {
        await this.commit().catch((err: unknown) => this.onError(err));
        const epoch = this.options.groupInstanceId === undefined ? LEAVE_EPOCH : STATIC_LEAVE_EPOCH;
        await this.heartbeat(epoch).catch((err: unknown) => this.onError(err));
      }
    } finally {
      await this.fetcher.close();
      await this.deadLetters.close();
      this.offsetsCluster.close();
      this.groups.close();
    }
  }

  // ---- delivery ----

  private async deliverForever(handlers: RunHandlers): Promise<void> {
    while (!this.closing) {
      const records = await this.fetcher.poll({ timeoutMs: POLL_WAIT_MS });
      const byPartition = new Map<string, { generation: number; records: ConsumedRecord[] }>();
      for (const record of records) {
        const partitionKey = key(record.topic, record.partition);
        const state = this.owned.get(partitionKey);
        if (!state) continue;
        const entry = byPartition.get(partitionKey) ?? { generation: state.generation, records: [] };
        entry.records.push(record);
        state.polledThrough = Math.max(state.polledThrough, record.offset + 1);
        byPartition.set(partitionKey, entry);
      }
      for (const [partitionKey, { generation, records: batch }] of byPartition) {
        if (this.closing) return;
        if (handlers.eachBatch) await this.deliverBatch(partitionKey, generation, batch, handlers.eachBatch);
        else await this.deliverEach(partitionKey, generation, batch, handlers.eachMessage);
      }
      this.skipUnseenGaps();
    }
  }

  /**
   * Moves each partition past the offsets the fetcher found no record at after the last one it
   * handed out (records that expired or were deleted): no later record closes that gap, and the
   * committed offset, and with it the lag, would stop in front of it. Only once every record taken
   * from the fetcher was handled: records taken but not handled are not a gap.
   */
  private skipUnseenGaps(): void {
    if (this.closing) return;
    const nowMs = Date.now();
    for (const [partitionKey, state] of this.owned) {
      if (!this.fetcherAssignment.has(partitionKey) || !isActive(state, nowMs) || this.failures.has(partitionKey)) continue;
      if (state.position < state.polledThrough) continue;
      const unseenFrom = this.fetcher.unseenFrom(state);
      if (unseenFrom === undefined || unseenFrom <= state.position) continue;
      state.tracker.skip(state.position, unseenFrom);
      state.position = unseenFrom;
    }
  }

  /** The record to hand out next, or undefined when it must be skipped (stale, revoked, paused, backing off). */
  private deliverable(partitionKey: string, generation: number, record: ConsumedRecord): OwnedPartition | undefined {
    const state = this.owned.get(partitionKey);
    if (!state || !isActive(state, Date.now()) || state.generation !== generation || record.offset < state.position) return undefined;
    if (record.offset > state.position) {
      // Records in between expired or were deleted: nothing to acknowledge there.
      state.tracker.skip(state.position, record.offset);
      state.position = record.offset;
    }
    return state;
  }

  private async deliverEach(partitionKey: string, generation: number, records: ConsumedRecord[], handler: (message: GroupMessage) => Promise<void> | void): Promise<void> {
    for (const record of records) {
      if (this.closing) return;
      const state = this.deliverable(partitionKey, generation, record);
      if (!state) continue;
      if (await this.deadLetterIfExhausted(state, record)) continue;
      const message = groupMessage(record, this.attemptOf(state, record.offset));
      if (!(await this.handle(state, partitionKey, [record], true, () => handler(message)))) return;
    }
  }

  private async deliverBatch(partitionKey: string, generation: number, records: ConsumedRecord[], handler: (batch: EachBatchPayload) => Promise<void> | void): Promise<void> {
    while (!this.closing) {
      const position = this.owned.get(partitionKey)?.position ?? Number.POSITIVE_INFINITY;
      const fresh = records.filter((record) => record.offset >= position);
      const state = fresh[0] && this.deliverable(partitionKey, generation, fresh[0]);
      if (!state) return;
      if (await this.deadLetterIfExhausted(state, fresh[0]!)) continue;
      // In careful mode a batch is one record, so a crash is pinned to it.
      const batch = state.position < state.carefulUntil ? fresh.slice(0, 1) : fresh;
      // Offsets missing between the batch's records expired or were deleted: nothing to acknowledge
      // there, or the committable offset would stop at the first of them.
      for (let i = 1; i < batch.length; i++) state.tracker.skip(batch[i - 1]!.offset + 1, batch[i]!.offset);
      const messages = batch.map((record) => groupMessage(record, this.attemptOf(state, record.offset)));
      if (!(await this.handle(state, partitionKey, batch, false, () => handler({ topic: state.topic, partition: state.partition, messages })))) return;
    }
  }

  /**
   * Runs the handler on `records` (a throw is a failure of the first), then settles them. Counts as
   * handling until settled, so a revocation waiting for it commits what the handler acknowledged.
   */
  private async handle(state: OwnedPartition, partitionKey: string, records: ConsumedRecord[], autoAck: boolean, call: () => Promise<void> | void): Promise<boolean> {
    this.handling = { key: partitionKey, sinceMs: Date.now() };
    const generation = state.generation;
    try {
      try {
        await call();
      } catch (err) {
        // eachBatch: the throw fails the first record the handler did not ack() (its attempts then
        // grow from one throw to the next); a batch acknowledged whole has nothing left to retry.
        const failed = autoAck ? records[0] : records.find((record) => !state.tracker.isAcked(record.offset));
        const current = this.failures.get(partitionKey);
        if (failed === undefined) this.onError(err);
        else if (!current || current.offset > failed.offset) this.failures.set(partitionKey, { offset: failed.offset, error: errorText(err), delayMs: undefined });
      }
      // The handler seek()ed the partition: its records belong to the old position.
      if (state.generation !== generation) {
        this.failures.delete(partitionKey);
        return false;
      }
      return await this.settle(state, partitionKey, records, autoAck);
    } finally {
      this.handling = undefined;
      const waiters = this.handlerDone;
      this.handlerDone = [];
      for (const wake of waiters) wake();
    }
  }

  /**
   * After a handler: acknowledges the records (eachMessage: returning acknowledges; eachBatch:
   * only ack() does), or rewinds to the failed one (or dead-letters it). Returns false when the
   * rest of the partition's records must be dropped.
   */
  private async settle(state: OwnedPartition, partitionKey: string, records: ConsumedRecord[], autoAck: boolean): Promise<boolean> {
    const failure = this.failures.get(partitionKey);
    this.failures.delete(partitionKey);
    if (this.owned.get(partitionKey) !== state) return false;
    const last = records[records.length - 1]!;
    for (const record of records) {
      if (!autoAck || (failure && record.offset >= failure.offset)) break;
      state.tracker.ack(record.offset);
    }
    // Revoked meanwhile: the revocation commits what was acknowledged; the next owner takes the rest.
    if (state.revoking) return false;
    if (!failure) {
      state.position = last.offset + 1;
      if (state.position <= state.carefulUntil) await this.commitPartitions([partitionKey]);
      return true;
    }
    const failed = records.find((record) => record.offset === failure.offset) ?? records[0]!;
    const attempt = this.attemptOf(state, failed.offset);
    if (attempt >= this.options.maxAttempts) {
      await this.deadLetter(state, failed, attempt, failure.error);
      return false;
    }
    state.attempts = { offset: failed.offset, count: attempt, lastError: failure.error };
    state.attemptsDirty = true;
    this.moveTo(state, failed.offset, false);
    // Durable before the retry, so a crash during the retry still counts this attempt.
    await this.commitPartitions([partitionKey]).catch((err: unknown) => this.onError(err));
    const delayMs = failure.delayMs ?? backoffMs(attempt - 1, this.options.retryBackoff);
    this.backOff(state, delayMs);
    return false;
  }

  private attemptOf(state: OwnedPartition, offset: number): number {
    return (state.attempts?.offset === offset ? state.attempts.count : 0) + 1;
  }

  /** A record whose attempts (e.g. crashes of earlier owners) reached maxAttempts is not handed out again. */
  private async deadLetterIfExhausted(state: OwnedPartition, record: ConsumedRecord): Promise<boolean> {
    const attempts = state.attempts;
    if (!attempts || attempts.offset !== record.offset || attempts.count < this.options.maxAttempts) return false;
    await this.deadLetter(state, record, attempts.count, attempts.lastError);
    return true;
  }

  /** Dead-letters the record, then commits past it. */
  private async deadLetter(state: OwnedPartition, record: ConsumedRecord, attempts: number, error: string): Promise<void> {
    await this.deadLetters.send(record, attempts, error);
    state.tracker.ack(record.offset);
    state.attempts = undefined;
    state.position = record.offset + 1;
    this.moveTo(state, record.offset + 1, false);
    await this.commitPartitions([key(state.topic, state.partition)]).catch((err: unknown) => this.onError(err));
  }

  /** Repositions the partition: later records already fetched are dropped and fetching restarts there. */
  private moveTo(state: OwnedPartition, offset: number, jump: boolean): void {
    state.generation++;
    state.position = offset;
    state.polledThrough = offset;
    state.tracker.restartAt(offset, { jump });
    if (this.fetcherAssignment.has(key(state.topic, state.partition))) this.fetcher.seek(state, offset);
  }

  private backOff(state: OwnedPartition, delayMs: number): void {
    state.resumeAtMs = Date.now() + delayMs;
    this.syncFetcher();
    this.wakeAfter(state, delayMs);
  }

  /** Resumes fetching once the backoff has passed by Date.now(), which a timer may fire a millisecond ahead of. */
  private wakeAfter(state: OwnedPartition, delayMs: number): void {
    const timer = setTimeout(() => {
      this.resumeTimers.delete(timer);
      const leftMs = state.resumeAtMs - Date.now();
      if (leftMs > 0 && !this.closing) this.wakeAfter(state, leftMs);
      else this.syncFetcher();
    }, delayMs);
    this.resumeTimers.add(timer);
  }

  /** Fetches exactly the partitions that can be handed out now. */
  private syncFetcher(): void {
    if (this.closing) return;
    const nowMs = Date.now();
    const active = [...this.owned.entries()].filter(([, state]) => isActive(state, nowMs));
    const wanted = new Set(active.map(([partitionKey]) => partitionKey));
    this.fetcher.assign(active.map(([, state]) => ({ topic: state.topic, partition: state.partition })));
    for (const [partitionKey, state] of active) {
      if (this.fetcherAssignment.has(partitionKey)) continue;
      this.fetcher.seek(state, state.position);
      state.polledThrough = state.position;
    }
    this.fetcherAssignment = wanted;
  }

  // ---- offsets ----

  /** Commits the given partitions, one commit at a time so an older commit never lands after a newer one. */
  private commitPartitions(keys: string[]): Promise<void> {
    const next = this.commitChain.then(() => this.sendCommit(keys));
    this.commitChain = next.catch(() => undefined);
    return next;
  }

  private async sendCommit(keys: string[]): Promise<void> {
    const states = keys.map((partitionKey) => this.owned.get(partitionKey)).filter((state): state is OwnedPartition => state !== undefined && state.ready);
    const due = states.filter((state) => state.tracker.committable !== state.committedOffset || state.attemptsDirty);
    if (due.length === 0 || this.memberEpoch <= 0) return;
    const offsets = due.map((state) => {
      const attempts: RecordAttempts | null = state.attemptsDirty && state.attempts ? { ...state.attempts } : null;
      return { state, offset: state.tracker.committable, attempts };
    });
    await this.groups.toCoordinator(this.options.groupId, (stub, options, cb) =>
      stub.CommitOffsets(
        {
          groupId: this.options.groupId,
          memberId: this.memberId,
          memberEpoch: this.memberEpoch,
          offsets: offsets.map(({ state, offset, attempts }) => ({ topic: state.topic, partition: state.partition, offset, metadata: '', attempts })),
        },
        options,
        cb,
      ),
    );
    for (const { state, offset, attempts } of offsets) {
      state.committedOffset = offset;
      if (attempts) state.attemptsDirty = false;
      if (state.attempts && state.attempts.offset < offset) state.attempts = undefined;
    }
  }

  // ---- membership ----

  private async heartbeatForever(): Promise<void> {
    let intervalMs = Math.floor(this.options.sessionTimeoutMs / 3);
    while (!this.closing) {
      try {
        if (this.memberEpoch === JOIN_EPOCH && this.handling) await this.handlerFinished();
        if (this.closing) break;
        intervalMs = (await this.heartbeat(this.memberEpoch)).heartbeatIntervalMs || intervalMs;
      } catch (err) {
        if (err instanceof SluiceError && (err.code === 'STALE_MEMBER_EPOCH' || err.code === 'UNKNOWN_MEMBER')) {
          // Fenced: the partitions already belong to others, so drop them without committing and rejoin.
          this.onError(err);
          this.loseAll();
          continue;
        }
        this.onError(err);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, intervalMs);
        this.heartbeatWake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.heartbeatWake = undefined;
    }
  }

  private wakeHeartbeat(): void {
    this.heartbeatWake?.();
  }

  private handlerFinished(): Promise<void> {
    if (!this.handling) return Promise.resolve();
    return new Promise((resolve) => this.handlerDone.push(resolve));
  }

  private async heartbeat(epoch: number): Promise<HeartbeatResponse__Output> {
    const owned = new Map<string, number[]>();
    for (const state of this.owned.values()) owned.set(state.topic, [...(owned.get(state.topic) ?? []), state.partition]);
    const response = await this.groups.toCoordinator<HeartbeatResponse__Output>(this.options.groupId, (stub, options, cb) =>
      stub.Heartbeat(
        {
          groupId: this.options.groupId,
          memberId: this.memberId,
          memberEpoch: epoch,
          groupInstanceId: this.options.groupInstanceId ?? '',
          subscribedTopics: this.topics,
          ownedPartitions: [...owned.entries()].map(([topic, partitions]) => ({ topic, partitions })),
          sessionTimeoutMs: this.options.sessionTimeoutMs,
          maxPollIntervalMs: this.options.maxPollIntervalMs,
          pollIdleMs: this.handling ? Date.now() - this.handling.sinceMs : 0,
          clientId: this.clientOptions.clientId,
        },
        options,
        cb,
      ),
    );
    if (epoch < 0) return response;
    this.memberEpoch = response.memberEpoch;
    this.reconcile(new Set(response.assignment.flatMap((entry) => entry.partitions.map((partition) => key(entry.topic, partition)))));
    return response;
  }

  /** Starts newly assigned partitions and gives back revoked ones. */
  private reconcile(target: ReadonlySet<string>): void {
    for (const [partitionKey, state] of this.owned) {
      if (!target.has(partitionKey) && !state.revoking) void this.revoke(partitionKey, state);
    }
    for (const partitionKey of target) {
      if (this.owned.has(partitionKey)) continue;
      const at = partitionKey.lastIndexOf('\u0000');
      const state: OwnedPartition = {
        topic: partitionKey.slice(0, at),
        partition: Number(partitionKey.slice(at + 1)),
        ready: false,
        position: 0,
        tracker: new AckTracker(0),
        committedOffset: -1,
        attempts: undefined,
        attemptsDirty: false,
        carefulUntil: 0,
        paused: false,
        resumeAtMs: 0,
        revoking: false,
        generation: 0,
        polledThrough: 0,
      };
      this.owned.set(partitionKey, state);
      void this.start(partitionKey, state).catch((err: unknown) => {
        // Not started: give it back so the coordinator can move it; the next heartbeat says so.
        this.onError(err);
        if (this.owned.get(partitionKey) === state) this.owned.delete(partitionKey);
      });
    }
  }

  /** Resolves the starting position: the committed offset, else autoOffsetReset (committed at once so a restart resumes there). */
  private async start(partitionKey: string, state: OwnedPartition): Promise<void> {
    const response = await this.groups.toCoordinator<FetchOffsetsResponse__Output>(this.options.groupId, (stub, options, cb) =>
      stub.FetchOffsets({ groupId: this.options.groupId, partitions: [{ topic: state.topic, partitions: [state.partition] }] }, options, cb),
    );
    const committed = response.offsets[0];
    let position: number;
    if (committed) {
      position = committed.offset;
      state.committedOffset = committed.offset;
      if (committed.attempts && committed.attempts.count > 0) {
        state.attempts = { offset: committed.attempts.offset, count: committed.attempts.count, lastError: committed.attempts.lastError };
        // Someone failed on this partition: commit record by record up to what they could have seen.
        state.carefulUntil = (await listOffset(this.offsetsCluster, state.topic, state.partition, 'latest')).offset;
      }
    } else {
      position = (await listOffset(this.offsetsCluster, state.topic, state.partition, this.options.autoOffsetReset)).offset;
    }
    if (this.owned.get(partitionKey) !== state || state.revoking) return;
    state.position = position;
    state.tracker = new AckTracker(position);
    state.ready = true;
    if (!committed) await this.commitPartitions([partitionKey]);
    this.syncFetcher();
  }

  /** Stops handing out the partition, waits for its handler to settle, commits it, and tells the coordinator. */
  private async revoke(partitionKey: string, state: OwnedPartition): Promise<void> {
    state.revoking = true;
    this.syncFetcher();
    while (this.handling?.key === partitionKey) await this.handlerFinished();
    await this.commitUntilStored(partitionKey);
    if (this.owned.get(partitionKey) === state) this.owned.delete(partitionKey);
    this.syncFetcher();
    this.wakeHeartbeat();
  }

  /**
   * Commits a partition about to be given back, retrying while the coordinator is away (a failover:
   * it keeps this member's epoch), so the next owner does not get acknowledged records again.
   * Gives up on a fence, a non-retriable error or close().
   */
  private async commitUntilStored(partitionKey: string): Promise<void> {
    for (;;) {
      try {
        await this.commitPartitions([partitionKey]);
        return;
      } catch (err) {
        this.onError(err);
        if (!(err instanceof SluiceError && err.retriable) || this.closing || !this.owned.has(partitionKey)) return;
      }
    }
  }

  private loseAll(): void {
    this.owned.clear();
    this.failures.clear();
    this.memberEpoch = JOIN_EPOCH;
    this.syncFetcher();
  }
}

/**
 * One object per record delivered, so spelled out: V8 (Node 20) keeps object-spread copies alive
 * through a scavenge and promotes them (a spread per record made every delivered record garbage
 * the old generation had to collect).
 */
function groupMessage(record: ConsumedRecord, attempt: number): GroupMessage {
  const { topic, partition, offset, timestamp, key, value, headers } = record;
  return { topic, partition, offset, timestamp, key, value, headers, attempt };
}
