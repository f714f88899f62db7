/**
 * A consumer-group member (KIP-848 style): the coordinator assigns partitions; this class
 * heartbeats, reconciles (a revoked partition is committed, then given back), fetches with the
 * partition consumer (consumer/consumer.ts) and runs the application's handler one record (or one
 * batch) at a time.
 *
 * What happens on each owned partition (delivery order, acks, retries, dead letters, careful mode,
 * revocation) is decided by its pure state machine (partition-state.ts); this class is the driver:
 * it feeds the machine events (records fetched, handler outcomes, acks, timers, commit answers) and
 * performs its actions with the fetcher, the handler, the dead-letter producer, commits and timers,
 * all on the client's injected clock.
 */
import { randomUUID } from 'node:crypto';
import { SluiceError } from '../../protocol/errors.js';
import type { FetchOffsetsResponse__Output } from '../../protocol/generated/sluice/v1/FetchOffsetsResponse.js';
import type { HeartbeatResponse__Output } from '../../protocol/generated/sluice/v1/HeartbeatResponse.js';
import type { Clock, TimerHandle } from '../../runtime/clock.js';
import { Cluster, type ResolvedClientOptions } from '../cluster.js';
import { Consumer } from '../consumer/consumer.js';
import type { ConsumedRecord } from '../consumer/types.js';
import { listOffset } from '../offsets.js';
import type { TopicPartition } from '../types.js';
import { DeadLetters } from './dead-letter.js';
import { GroupsClient } from './groups-client.js';
import { resolveGroupConsumerOptions, type GroupConsumerOptions, type ResolvedGroupConsumerOptions } from './options.js';
import { PartitionState, type Attempts, type DeliveryTag, type PartitionAction, type PartitionEvent } from './partition-state.js';
import type { GroupMessage, NackOptions, RunHandlers } from './types.js';

const JOIN_EPOCH = 0;
const LEAVE_EPOCH = -1;
const STATIC_LEAVE_EPOCH = -2;
/** Wait of one poll round for records, in ms (short, so revocations and close are handled promptly). */
const POLL_WAIT_MS = 200;
/** Retries of one group request before the loop tries again at its next turn. */
const GROUP_REQUEST_RETRIES = 3;
/** Which delivery a message came from, carried on the message (and on spread copies) for ack() and nack(). */
const DELIVERY_TAG = Symbol('sluice.deliveryTag');

interface TaggedMessage extends GroupMessage {
  readonly [DELIVERY_TAG]: DeliveryTag;
}

interface OwnedPartition {
  key: string;
  topic: string;
  partition: number;
  machine: PartitionState;
}

/** The records of one poll round for one partition, by offset: what `deliver` and `deadLetter` actions name. */
type RoundRecords = ReadonlyMap<number, ConsumedRecord>;

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
  private readonly clock: Clock;
  private readonly groups: GroupsClient;
  private readonly fetcher: Consumer;
  private readonly offsetsCluster: Cluster;
  private readonly deadLetters: DeadLetters;
  private handlers: RunHandlers | undefined;
  private readonly fetcherAssignment = new Set<string>();
  /** The partition whose record(s) the handler is running on, and since when (ms). */
  private handling: { key: string; sinceMs: number } | undefined;
  private handlerDone: Array<() => void> = [];
  private heartbeatWake: (() => void) | undefined;
  private heartbeatLoop: Promise<void> | undefined;
  private autoCommitTimer: TimerHandle | undefined;
  private commitChain: Promise<unknown> = Promise.resolve();
  /** Commits in the chain not settled yet (one may be on the wire, the rest wait behind it). */
  private commitsQueued = 0;
  private running: Promise<void> | undefined;
  private closing = false;
  private closed: Promise<void> | undefined;
  private readonly wakeTimers = new Set<TimerHandle>();

  constructor(
    private readonly clientOptions: ResolvedClientOptions,
    options: GroupConsumerOptions,
    /** Called with errors of background work (auto-commit, heartbeats) that the application cannot catch. */
    private readonly onError: (err: unknown) => void = (err) => console.error('sluice group consumer:', errorText(err)),
  ) {
    this.options = resolveGroupConsumerOptions(options);
    this.clock = clientOptions.runtime.clock;
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
    return [...this.owned.values()].filter(({ machine }) => !machine.isRevoking).map(({ topic, partition }) => ({ topic, partition }));
  }

  /** This member's state in one line, for reports of a stalled group (e.g. the chaos soak's). */
  describeState(): string {
    const handling = this.handling ? ` handling ${this.handling.key} for ${this.clock.nowMs() - this.handling.sinceMs} ms;` : '';
    const partitions = [...this.owned.values()].map(({ topic, partition, machine }) => `${topic}/${partition}: ${machine.describe()}`);
    return `epoch ${this.memberEpoch}; commits queued ${this.commitsQueued};${handling} ${partitions.join('; ') || 'owns nothing'}; fetcher: ${this.fetcher.describeState() || 'nothing assigned'}`;
  }

  /**
   * Joins the group and hands records to the handler until close(). Resolves once closed. Do not
   * await close() inside a handler (it waits for the handler); call it without awaiting.
   */
  run(handlers: RunHandlers): Promise<void> {
    // Rejected, not thrown: `run().catch(…)` is how callers handle run's failures.
    if (this.running) return Promise.reject(new Error('run() was already called'));
    if (this.topics.length === 0) return Promise.reject(new Error('call subscribe() before run()'));
    this.handlers = handlers;
    this.heartbeatLoop = this.heartbeatForever();
    if (this.options.autoCommit) {
      this.autoCommitTimer = this.clock.setInterval(() => this.commitAsync(), this.options.autoCommitIntervalMs);
    }
    this.running = this.deliverForever(handlers.eachBatch !== undefined);
    // Delivery ends when close() begins; run() resolves once close() committed and left the group,
    // so an application that exits after `await run()` loses no progress.
    return this.running.then(() => this.closed);
  }

  /** Acknowledges a record: it counts as handled; the committable offset moves past it once no gap is left. */
  ack(message: ConsumedRecord): void {
    // Also while revoking: the revocation waits for the handler and commits what it acknowledged.
    const owned = this.owned.get(key(message.topic, message.partition));
    if (owned) this.react(owned, { type: 'acked', offset: message.offset, tag: deliveryTag(message) });
  }

  /** The record failed: the partition rewinds to it after `delayMs` (or the backoff); after maxAttempts it is dead-lettered. */
  nack(message: ConsumedRecord, options: NackOptions = {}): void {
    const owned = this.owned.get(key(message.topic, message.partition));
    if (!owned) return;
    this.react(owned, { type: 'nacked', offset: message.offset, error: 'nacked by the application', delayMs: options.delayMs, tag: deliveryTag(message) });
  }

  pause(partitions: TopicPartition[]): void {
    for (const tp of partitions) {
      const owned = this.owned.get(key(tp.topic, tp.partition));
      if (owned) this.react(owned, { type: 'pause' });
    }
  }

  resume(partitions: TopicPartition[]): void {
    for (const tp of partitions) {
      const owned = this.owned.get(key(tp.topic, tp.partition));
      if (owned) this.react(owned, { type: 'resume' });
    }
  }

  /** The next record handed out from the partition is `offset`; the next commit commits it. */
  seek(tp: TopicPartition, offset: number): void {
    if (!(Number.isSafeInteger(offset) && offset >= 0)) throw new RangeError(`offset must be an integer >= 0, got ${offset}`);
    const owned = this.owned.get(key(tp.topic, tp.partition));
    if (!owned) throw new RangeError(`${tp.topic}/${tp.partition} is not assigned to this member`);
    this.react(owned, { type: 'seek', offset });
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
    this.clock.clearTimer(this.autoCommitTimer);
    for (const timer of this.wakeTimers) this.clock.clearTimer(timer);
    this.wakeTimers.clear();
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

  // ---- the partition machines ----

  /** Steps the partition's machine, unless the partition was given up meanwhile (fenced, released). */
  private step(owned: OwnedPartition, event: PartitionEvent): PartitionAction[] {
    if (this.owned.get(owned.key) !== owned) return [];
    return owned.machine.step(event, this.clock.nowMs());
  }

  /** Steps the machine and performs its actions in the background. */
  private react(owned: OwnedPartition, event: PartitionEvent): void {
    this.perform(owned, this.step(owned, event)).catch((err: unknown) => this.onError(err));
  }

  /**
   * Performs the actions: first, at once and in order, those that only set where the fetcher stands
   * and when to wake (so they never lag behind a later step's: a tick during an awaited commit may
   * already have resumed fetching that a stale stopFetch would undo); then the others in order.
   * Resolves once the deliveries, dead letters and commits among them (and what their outcomes led
   * to) are done, except a revoked partition's commit, which retries in the background so the other
   * partitions' deliveries go on meanwhile.
   */
  private async perform(owned: OwnedPartition, actions: PartitionAction[], records?: RoundRecords): Promise<void> {
    for (const action of actions) {
      switch (action.type) {
        case 'fetch':
          this.fetchFrom(owned, action.from);
          break;
        case 'stopFetch':
          this.stopFetching(owned);
          break;
        case 'seekFetch':
          if (!this.closing) this.fetcher.seek(owned, action.to);
          break;
        case 'wakeAt':
          this.wakeAt(owned, action.atMs);
          break;
      }
    }
    for (const action of actions) {
      switch (action.type) {
        case 'deliver':
          await this.deliver(owned, action, inRound(records));
          break;
        case 'deadLetter':
          await this.deadLetter(owned, action, inRound(records));
          break;
        case 'commit': {
          const settled = this.commitAndSettle(owned);
          if (!owned.machine.isRevoking) await settled;
          else settled.catch((err: unknown) => this.onError(err));
          break;
        }
        case 'release':
          if (this.owned.get(owned.key) === owned) this.owned.delete(owned.key);
          this.wakeHeartbeat();
          break;
        case 'reportHandlerError':
          // deliver() reports the error object itself.
          break;
      }
    }
  }

  private fetchFrom(owned: OwnedPartition, offset: number): void {
    if (this.closing) return;
    this.fetcherAssignment.add(owned.key);
    this.assignFetcher();
    this.fetcher.seek(owned, offset);
  }

  private stopFetching(owned: OwnedPartition): void {
    if (this.closing || !this.fetcherAssignment.delete(owned.key)) return;
    this.assignFetcher();
  }

  private assignFetcher(): void {
    const partitions = [...this.fetcherAssignment].map((partitionKey) => this.owned.get(partitionKey)).filter((owned) => owned !== undefined);
    this.fetcher.assign(partitions.map(({ topic, partition }) => ({ topic, partition })));
  }

  /** Steps `tick` once `atMs` came; the machine asks again if the timer fired early. */
  private wakeAt(owned: OwnedPartition, atMs: number): void {
    if (this.closing) return;
    const timer = this.clock.setTimeout(() => {
      this.wakeTimers.delete(timer);
      this.react(owned, { type: 'tick' });
    }, Math.max(0, atMs - this.clock.nowMs()));
    this.wakeTimers.add(timer);
  }

  /** Sends the partition's commit, then tells the machine how it went. */
  private async commitAndSettle(owned: OwnedPartition): Promise<void> {
    let event: PartitionEvent = { type: 'commitSettled', ok: true, retriable: false };
    try {
      await this.commitPartitions([owned.key]);
    } catch (err) {
      this.onError(err);
      // After close() began nobody waits for a retry's outcome.
      event = { type: 'commitSettled', ok: false, retriable: err instanceof SluiceError && err.retriable && !this.closing };
    }
    await this.perform(owned, this.step(owned, event));
  }

  // ---- delivery ----

  private async deliverForever(batch: boolean): Promise<void> {
    while (!this.closing) {
      const records = await this.fetcher.poll({ timeoutMs: POLL_WAIT_MS });
      const round = new Map<string, Map<number, ConsumedRecord>>();
      for (const record of records) {
        const partitionKey = key(record.topic, record.partition);
        const byOffset = round.get(partitionKey) ?? new Map<number, ConsumedRecord>();
        byOffset.set(record.offset, record);
        round.set(partitionKey, byOffset);
      }
      // All before the first handler: a handler may seek or pause another partition of the round.
      for (const [partitionKey, byOffset] of round) {
        const owned = this.owned.get(partitionKey);
        if (owned) this.react(owned, { type: 'fetched', offsets: [...byOffset.keys()] });
      }
      for (const [partitionKey, byOffset] of round) {
        const owned = this.owned.get(partitionKey);
        if (!owned) continue;
        await this.deliverPartition(owned, byOffset, batch);
        this.react(owned, { type: 'roundEnded' });
      }
      this.skipUnseenGaps();
    }
  }

  /** Hands out the partition's records of this round until its machine has nothing more to hand out. */
  private async deliverPartition(owned: OwnedPartition, records: RoundRecords, batch: boolean): Promise<void> {
    while (!this.closing) {
      const actions = this.step(owned, { type: 'next', batch });
      if (actions.length === 0) return;
      await this.perform(owned, actions, records);
    }
  }

  /** Tells each fetched partition where the fetcher stands, so offsets without records after the last one count as handled. */
  private skipUnseenGaps(): void {
    if (this.closing) return;
    for (const partitionKey of this.fetcherAssignment) {
      const owned = this.owned.get(partitionKey);
      const unseenFrom = owned && this.fetcher.unseenFrom(owned);
      if (owned && unseenFrom !== undefined) this.react(owned, { type: 'fetchedUpTo', offset: unseenFrom });
    }
  }

  /** Runs the handler on the records the machine named; counts as handling until their outcome is performed. */
  private async deliver(owned: OwnedPartition, action: Extract<PartitionAction, { type: 'deliver' }>, records: RoundRecords): Promise<void> {
    const messages = action.records.map(({ offset, attempt }) => groupMessage(roundRecord(records, offset), attempt, action.tag));
    const handlers = this.handlers!;
    this.handling = { key: owned.key, sinceMs: this.clock.nowMs() };
    try {
      let threw: { err: unknown } | undefined;
      try {
        if (handlers.eachBatch) await handlers.eachBatch({ topic: owned.topic, partition: owned.partition, messages });
        else await handlers.eachMessage(messages[0]!);
      } catch (err) {
        threw = { err };
      }
      const actions = this.step(owned, { type: 'handlerDone', threw: threw && errorText(threw.err) });
      if (threw && actions.some((next) => next.type === 'reportHandlerError')) this.onError(threw.err);
      await this.perform(owned, actions, records);
    } finally {
      this.handling = undefined;
      const waiters = this.handlerDone;
      this.handlerDone = [];
      for (const wake of waiters) wake();
    }
  }

  private async deadLetter(owned: OwnedPartition, action: Extract<PartitionAction, { type: 'deadLetter' }>, records: RoundRecords): Promise<void> {
    let event: PartitionEvent = { type: 'deadLettered' };
    try {
      await this.deadLetters.send(roundRecord(records, action.offset), action.attempts, action.error);
    } catch (err) {
      this.onError(err);
      event = { type: 'deadLetterFailed' };
    }
    await this.perform(owned, this.step(owned, event), records);
  }

  // ---- offsets ----

  /** Commits the given partitions, one commit at a time so an older commit never lands after a newer one. */
  private commitPartitions(keys: string[]): Promise<void> {
    this.commitsQueued++;
    const next = this.commitChain.then(() => this.sendCommit(keys)).finally(() => this.commitsQueued--);
    this.commitChain = next.catch(() => undefined);
    return next;
  }

  private async sendCommit(keys: string[]): Promise<void> {
    const due = keys.flatMap((partitionKey) => {
      const owned = this.owned.get(partitionKey);
      const request = owned?.machine.commitRequest();
      return owned && request ? [{ owned, request }] : [];
    });
    if (due.length === 0 || this.memberEpoch <= 0) return;
    await this.groups.toCoordinator(this.options.groupId, (stub, options, cb) =>
      stub.CommitOffsets(
        {
          groupId: this.options.groupId,
          memberId: this.memberId,
          memberEpoch: this.memberEpoch,
          offsets: due.map(({ owned, request }) => ({ topic: owned.topic, partition: owned.partition, offset: request.offset, metadata: '', attempts: request.attempts })),
        },
        options,
        cb,
      ),
    );
    for (const { owned, request } of due) this.react(owned, { type: 'commitStored', request });
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
        const timer = this.clock.setTimeout(resolve, intervalMs);
        this.heartbeatWake = () => {
          this.clock.clearTimer(timer);
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
    for (const { topic, partition } of this.owned.values()) owned.set(topic, [...(owned.get(topic) ?? []), partition]);
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
          pollIdleMs: this.handling ? this.clock.nowMs() - this.handling.sinceMs : 0,
          clientId: this.clientOptions.clientId,
        },
        options,
        cb,
      ),
    );
    if (epoch < 0) return response;
    this.memberEpoch = response.memberEpoch;
    this.reconcile(response.assignment.flatMap((entry) => entry.partitions.map((partition) => ({ topic: entry.topic, partition }))));
    return response;
  }

  /** Starts newly assigned partitions and gives back revoked ones. */
  private reconcile(target: TopicPartition[]): void {
    const targetKeys = new Set(target.map(({ topic, partition }) => key(topic, partition)));
    for (const owned of this.owned.values()) {
      if (!targetKeys.has(owned.key)) this.react(owned, { type: 'revoke' });
    }
    for (const { topic, partition } of target) {
      const partitionKey = key(topic, partition);
      if (this.owned.has(partitionKey)) continue;
      const machine = new PartitionState({
        epoch: this.memberEpoch,
        maxAttempts: this.options.maxAttempts,
        retryBackoff: this.options.retryBackoff,
        random: this.clientOptions.runtime.random,
      });
      const owned: OwnedPartition = { key: partitionKey, topic, partition, machine };
      this.owned.set(partitionKey, owned);
      this.start(owned).catch((err: unknown) => {
        // Not started: give it back so the coordinator can move it; the next heartbeat says so.
        this.onError(err);
        if (this.owned.get(partitionKey) === owned) this.owned.delete(partitionKey);
      });
    }
  }

  /** Resolves the starting position: the committed offset, else autoOffsetReset (committed at once so a restart resumes there). */
  private async start(owned: OwnedPartition): Promise<void> {
    const response = await this.groups.toCoordinator<FetchOffsetsResponse__Output>(this.options.groupId, (stub, options, cb) =>
      stub.FetchOffsets({ groupId: this.options.groupId, partitions: [{ topic: owned.topic, partitions: [owned.partition] }] }, options, cb),
    );
    const stored = response.offsets[0];
    if (!stored) {
      const position = (await listOffset(this.offsetsCluster, owned.topic, owned.partition, this.options.autoOffsetReset)).offset;
      await this.perform(owned, this.step(owned, { type: 'started', position, committed: undefined, carefulUntil: 0 }));
      return;
    }
    const attempts: Attempts | undefined = stored.attempts && stored.attempts.count > 0 ? { ...stored.attempts } : undefined;
    // Someone failed on this partition: commit record by record up to what they could have seen.
    const carefulUntil = attempts ? (await listOffset(this.offsetsCluster, owned.topic, owned.partition, 'latest')).offset : 0;
    await this.perform(owned, this.step(owned, { type: 'started', position: stored.offset, committed: { offset: stored.offset, attempts }, carefulUntil }));
  }

  private loseAll(): void {
    this.owned.clear();
    this.memberEpoch = JOIN_EPOCH;
    if (this.fetcherAssignment.size === 0 || this.closing) return;
    this.fetcherAssignment.clear();
    this.assignFetcher();
  }
}

function deliveryTag(message: ConsumedRecord): DeliveryTag | undefined {
  return (message as Partial<TaggedMessage>)[DELIVERY_TAG];
}

/** Deliveries and dead letters come only from `next`, which the delivery loop steps with the round's records. */
function inRound(records: RoundRecords | undefined): RoundRecords {
  if (!records) throw new Error('a delivery outside a poll round');
  return records;
}

function roundRecord(records: RoundRecords, offset: number): ConsumedRecord {
  const record = records.get(offset);
  if (!record) throw new Error(`offset ${offset} is not among the records of this round`);
  return record;
}

/**
 * One object per record delivered, so spelled out: V8 (Node 20) keeps object-spread copies alive
 * through a scavenge and promotes them (a spread per record made every delivered record garbage
 * the old generation had to collect).
 */
function groupMessage(record: ConsumedRecord, attempt: number, tag: DeliveryTag): TaggedMessage {
  const { topic, partition, offset, timestamp, key, value, headers } = record;
  return { topic, partition, offset, timestamp, key, value, headers, attempt, [DELIVERY_TAG]: tag };
}
