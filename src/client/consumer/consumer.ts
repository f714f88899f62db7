/**
 * A consumer of explicitly assigned partitions. Each assigned partition has at most one long-poll
 * fetch in flight, and fetches the next while the application works through the records of the
 * previous one (prefetch), but never while more than one fetch's worth is buffered: memory stays
 * bounded by two fetches' `maxBytes` per partition. Records come out in offset order per partition.
 * Records are decoded straight into the objects handed out: key and value are views into the fetch
 * response (no copies), records without headers share one frozen empty array.
 *
 * Groups seam: a group coordinator (later issue) will drive `assign()` on rebalance and commit
 * `position()`s; nothing else here needs to change for that.
 */
import {
  anyBatchCompressedWith,
  BATCH_HEADER_BYTES,
  BATCH_LENGTH_PREFIX_BYTES,
  batchIntegrityProblem,
  batchSize,
  decodeRecords,
  lastOffsetOf,
  readBatchHeader,
  type RecordHeader,
} from '../../protocol/batch.js';
import { setMaxListeners } from 'node:events';
import { loadZstd, zstdLoaded } from '../../protocol/compression.js';
import { fromServiceError, SluiceError } from '../../protocol/errors.js';
import type { FetchRequest } from '../../protocol/generated/sluice/v1/FetchRequest.js';
import type { FetchResponse__Output } from '../../protocol/generated/sluice/v1/FetchResponse.js';
import { brokerApi } from '../../protocol/grpc.js';
import { Cancellation } from '../cancellation.js';
import { Cluster } from '../cluster.js';
import { listOffset, specToTimestamp } from '../offsets.js';
import { backoffMs, sleepMs } from '../retry.js';
import type { OffsetSpec, TopicPartition } from '../types.js';
import { resolveConsumerOptions, type ConsumerOptions, type ResolvedConsumerOptions } from './options.js';
import type { ConsumedRecord, ConsumerStats, PollOptions } from './types.js';

/** Test seams. */
interface PartitionState {
  topic: string;
  partition: number;
  /** Next offset to fetch; undefined until a reset resolved it. */
  fetchOffset: number | undefined;
  /** Next offset the application has not seen yet (what a group would commit). */
  consumedOffset: number | undefined;
  /** A seek or reset waiting to be resolved into an offset before the next fetch. */
  pendingReset: OffsetSpec | undefined;
  /** Fetched records not yet delivered: `buffer[bufferStart…]`. */
  buffer: ConsumedRecord[];
  bufferStart: number;
  /** Cancels the one request in flight for this partition, if any. */
  inFlight: Cancellation | undefined;
  /** Bumped by every seek and unassign so late fetch answers are dropped. */
  epoch: number;
  /** The buffered records came from a fetch sent while older ones were still buffered. */
  prefetched: boolean;
  retryAttempt: number;
  backoffUntilMs: number;
  error: SluiceError | undefined;
}

let requestSerialize: ((request: FetchRequest) => Buffer) | undefined;

function fetchRequestSerialize(request: FetchRequest): Buffer {
  requestSerialize ??= brokerApi().Broker.service.Fetch.requestSerialize;
  return requestSerialize(request);
}

function tpKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

/**
 * Where the fetch after `response` starts: after the last record of its whole batches, read from
 * batch headers without decoding; past wholly expired batches the broker skipped (its next_offset)
 * when it returned no records.
 */
function nextFetchOffset(offset: number, response: FetchResponse__Output): number {
  const records = response.records;
  let next = offset;
  for (let pos = 0; records.length - pos >= BATCH_LENGTH_PREFIX_BYTES; ) {
    const size = batchSize(records, pos);
    if (size < BATCH_HEADER_BYTES || pos + size > records.length) break;
    const header = readBatchHeader(records, pos);
    if (header.recordCount > 0) next = Math.max(next, lastOffsetOf(header) + 1);
    pos += size;
  }
  if (next === offset && response.nextOffset > offset) next = response.nextOffset;
  return next;
}

/**
 * CORRUPT_BATCH naming the partition and offset if the fetched batch at `records[pos, end)` fails
 * its CRC32C (or framing) check, else undefined: what `checkCrcs` runs on every batch before it is
 * decoded. The offset is the batch header's (it lies outside the CRC'd bytes, so it is a hint).
 */
export function fetchedBatchError(topic: string, partition: number, records: Buffer, pos: number, end: number): SluiceError | undefined {
  const problem = batchIntegrityProblem(records, pos, end);
  if (problem === undefined) return undefined;
  const offset = readBatchHeader(records, pos).baseOffset;
  return new SluiceError('CORRUPT_BATCH', `${topic}/${partition}: the fetched batch at offset ${offset} is corrupt (${problem}); it was not delivered`);
}

/** True if the record's TTL (its own, else the topic's; 0 = none) has passed at `nowMs`. */
export function isExpired(record: { timestamp: number; ttlMs: number | undefined }, topicTtlMs: number, nowMs: number): boolean {
  const ttlMs = record.ttlMs ?? topicTtlMs;
  return ttlMs > 0 && record.timestamp + ttlMs <= nowMs;
}

export class Consumer implements AsyncIterable<ConsumedRecord> {
  private readonly options: ResolvedConsumerOptions;
  private readonly partitions = new Map<string, PartitionState>();
  /**
   * Closing ends every retry backoff: each sleeping partition adds one listener here, more than
   * Node's default warning at 10 when many partitions back off at once.
   */
  private readonly abort = unlimitedListeners(new AbortController());
  private readonly nowMs: () => number;
  private readonly random: () => number;
  private wakeWaiters: Array<() => void> = [];
  private roundRobin = 0;
  private closed = false;
  private readonly counters: ConsumerStats = { recordsDelivered: 0, expiredRecords: 0, fetchRequests: 0, fetchErrors: 0 };

  constructor(
    private readonly cluster: Cluster,
    options: ConsumerOptions = {},
  ) {
    this.options = resolveConsumerOptions(options);
    this.nowMs = () => cluster.clock.nowMs();
    this.random = cluster.random;
  }

  /** Replaces the assignment. Partitions kept keep their position; new ones start per autoOffsetReset. */
  assign(partitions: TopicPartition[]): void {
    this.assertOpen();
    // Checked before anything changes, so a bad entry leaves the assignment as it was.
    for (const tp of partitions) {
      if (typeof tp.topic !== 'string' || tp.topic === '') throw new TypeError(`invalid topic ${String(tp.topic)}`);
      if (!Number.isInteger(tp.partition) || tp.partition < 0) throw new RangeError(`invalid partition ${tp.partition}`);
    }
    const wanted = new Map(partitions.map((tp) => [tpKey(tp.topic, tp.partition), tp]));
    for (const [key, state] of this.partitions) {
      if (!wanted.has(key)) {
        state.epoch++;
        state.inFlight?.cancel();
        this.partitions.delete(key);
      }
    }
    for (const [key, tp] of wanted) {
      if (this.partitions.has(key)) continue;
      this.partitions.set(key, {
        topic: tp.topic,
        partition: tp.partition,
        fetchOffset: undefined,
        consumedOffset: undefined,
        pendingReset: undefined,
        buffer: [],
        bufferStart: 0,
        inFlight: undefined,
        epoch: 0,
        prefetched: false,
        retryAttempt: 0,
        backoffUntilMs: 0,
        error: undefined,
      });
    }
    this.schedule();
  }

  assignment(): TopicPartition[] {
    return [...this.partitions.values()].map(({ topic, partition }) => ({ topic, partition }));
  }

  /**
   * Moves the partition's position; buffered records of the old position are dropped, also those
   * the async iterator took but has not handed out yet. After a seek to 'earliest', 'latest' or a
   * timestamp, position() is undefined until the broker answered where that is.
   */
  seek(tp: TopicPartition, target: number | OffsetSpec): void {
    const state = this.state(tp);
    if (typeof target === 'number') {
      if (!(Number.isInteger(target) && target >= 0)) throw new RangeError(`offset must be an integer >= 0, got ${target}`);
    } else {
      // The spec a fetch would send; refused now rather than failing inside a later fetch.
      try {
        specToTimestamp(target);
      } catch {
        throw new RangeError(`seek target must be an offset, 'earliest', 'latest' or { timestamp } (an integer >= 0), got ${JSON.stringify(target)}`);
      }
    }
    state.epoch++;
    // The answer for the old position is useless; cancel it so the new position is fetched at once.
    state.inFlight?.cancel();
    state.inFlight = undefined;
    state.buffer = [];
    state.bufferStart = 0;
    state.prefetched = false;
    state.error = undefined;
    state.retryAttempt = 0;
    state.backoffUntilMs = 0;
    if (typeof target === 'number') {
      state.fetchOffset = target;
      state.consumedOffset = target;
      state.pendingReset = undefined;
    } else {
      state.fetchOffset = undefined;
      state.consumedOffset = undefined;
      state.pendingReset = target;
    }
    this.schedule();
  }

  /** Next offset the application will see from the partition; undefined before the first reset resolved. */
  position(tp: TopicPartition): number | undefined {
    const state = this.state(tp);
    return state.consumedOffset ?? state.fetchOffset;
  }

  /**
   * Offsets of the partition below this were handed out, or hold no record to hand out (expired or
   * deleted); undefined while the position is still to be resolved.
   */
  unseenFrom(tp: TopicPartition): number | undefined {
    const state = this.state(tp);
    if (state.pendingReset !== undefined) return undefined;
    return state.bufferStart < state.buffer.length ? state.buffer[state.bufferStart]!.offset : state.fetchOffset;
  }

  stats(): ConsumerStats {
    return { ...this.counters };
  }

  /** Each assigned partition's fetch state in one line, for reports of a stalled consumer. */
  describeState(): string {
    const nowMs = this.nowMs();
    return [...this.partitions.values()]
      .map((state) => {
        const backoff = state.backoffUntilMs > nowMs ? ` backoff ${state.backoffUntilMs - nowMs} ms` : '';
        const error = state.error ? ` error ${state.error.code}` : '';
        return `${state.topic}/${state.partition} fetch@${state.fetchOffset} seen@${state.consumedOffset} buffered ${state.buffer.length - state.bufferStart}${state.inFlight ? ' in flight' : ''}${backoff}${error}`;
      })
      .join('; ');
  }

  /**
   * Buffered records (up to maxRecords, spread over partitions), waiting up to timeoutMs for some
   * when none are buffered. Rejects with a partition's non-retriable error.
   */
  async poll(options: PollOptions = {}): Promise<ConsumedRecord[]> {
    const maxRecords = options.maxRecords ?? this.options.maxPollRecords;
    if (!(Number.isInteger(maxRecords) && maxRecords >= 1)) throw new RangeError(`maxRecords must be an integer >= 1, got ${maxRecords}`);
    const deadlineMs = this.nowMs() + (options.timeoutMs ?? this.options.pollTimeoutMs);
    for (;;) {
      if (this.closed) return [];
      this.throwPendingError();
      const records = this.drain(maxRecords, true);
      if (records.length > 0) return records;
      const remainingMs = deadlineMs - this.nowMs();
      if (remainingMs <= 0) return [];
      this.schedule();
      await this.waitForWake(remainingMs);
    }
  }

  async *[Symbol.asyncIterator](): AsyncIterator<ConsumedRecord> {
    while (!this.closed) {
      this.throwPendingError();
      const records = this.drain(this.options.maxPollRecords, false);
      if (records.length === 0) {
        this.schedule();
        await this.waitForWake(this.options.pollTimeoutMs);
        continue;
      }
      const epochs = new Map([...this.partitions.values()].map((state) => [state, state.epoch]));
      for (const record of records) {
        const state = this.partitions.get(tpKey(record.topic, record.partition));
        // Seeked or unassigned since it was taken: it belongs to the old position.
        if (state === undefined || state.epoch !== epochs.get(state)) continue;
        // Marked only when handed out, so breaking out of the loop leaves the position right after it.
        state.consumedOffset = record.offset + 1;
        this.counters.recordsDelivered++;
        yield record;
        if (this.closed) return;
      }
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const state of this.partitions.values()) state.inFlight?.cancel();
    this.abort.abort();
    this.wake();
    this.cluster.close();
  }

  private state(tp: TopicPartition): PartitionState {
    const state = this.partitions.get(tpKey(tp.topic, tp.partition));
    if (!state) throw new RangeError(`${tp.topic}/${tp.partition} is not assigned`);
    return state;
  }

  private throwPendingError(): void {
    for (const state of this.partitions.values()) {
      if (state.error) {
        const err = state.error;
        state.error = undefined;
        throw err;
      }
    }
  }

  /**
   * Takes records round robin over partitions so one busy partition cannot starve the rest.
   * `markConsumed`: move each partition's consumed position past what was taken (poll); the
   * iterator marks record by record instead, as it hands them out.
   */
  private drain(maxRecords: number, markConsumed: boolean): ConsumedRecord[] {
    let out: ConsumedRecord[] = [];
    if (this.partitions.size === 0) return out;
    const states = [...this.partitions.values()];
    const start = this.roundRobin++ % states.length;
    for (let i = 0; i < states.length && out.length < maxRecords; i++) {
      const state = states[(start + i) % states.length]!;
      const available = state.buffer.length - state.bufferStart;
      if (available === 0) continue;
      const take = Math.min(available, maxRecords - out.length);
      const from = state.bufferStart;
      if (from === 0 && take === available && out.length === 0) {
        out = state.buffer; // hand the whole buffer over; the partition starts a new one below
      } else {
        for (let j = from; j < from + take; j++) out.push(state.buffer[j]!);
      }
      state.bufferStart += take;
      if (state.bufferStart === state.buffer.length) {
        state.buffer = [];
        state.bufferStart = 0;
        state.prefetched = false;
      }
      if (markConsumed) {
        state.consumedOffset = out[out.length - 1]!.offset + 1;
        this.counters.recordsDelivered += take;
      }
    }
    if (out.length > 0) this.schedule();
    return out;
  }

  /** Starts a fetch for every partition with nothing in flight and at most one fetch's records buffered. */
  private schedule(): void {
    if (this.closed) return;
    const nowMs = this.nowMs();
    for (const state of this.partitions.values()) {
      if (state.inFlight || state.error) continue;
      if (state.buffer.length - state.bufferStart > 0 && state.prefetched) continue;
      if (state.backoffUntilMs > nowMs) continue;
      void this.fetch(state);
    }
  }

  private async fetch(state: PartitionState): Promise<void> {
    const inFlight = new Cancellation();
    state.inFlight = inFlight;
    const epoch = state.epoch;
    let address: string | undefined;
    try {
      if (state.fetchOffset === undefined && state.pendingReset === undefined) {
        if (this.options.autoOffsetReset === 'none') {
          throw new SluiceError('OFFSET_OUT_OF_RANGE', `${state.topic}/${state.partition} has no position and autoOffsetReset is none`);
        }
        state.pendingReset = this.options.autoOffsetReset;
      }
      if (state.pendingReset !== undefined) {
        const listed = await listOffset(this.cluster, state.topic, state.partition, state.pendingReset);
        if (state.epoch !== epoch) return;
        state.pendingReset = undefined;
        state.fetchOffset = listed.offset;
        state.consumedOffset = listed.offset;
      }
      const offset = state.fetchOffset!;
      address = await this.cluster.leaderAddress(state.topic, state.partition);
      this.counters.fetchRequests++;
      const { maxBytes, maxWaitMs, minBytes } = this.options;
      const timeoutMs = this.cluster.options.requestTimeoutMs + maxWaitMs;
      // Spelled out, not spread from a prepared object: V8 promoted the spread copies (heap profile).
      const encode = (correlationId: number): Buffer =>
        fetchRequestSerialize({ topic: state.topic, partition: state.partition, offset, maxBytes, maxWaitMs, minBytes, correlationId });
      const response = await this.cluster.fetchStream(address).request(encode, timeoutMs, inFlight);
      if (state.epoch !== epoch || this.closed) return;
      // The zstd decoder loads on first need (a Kafka client's zstd batch), once per process.
      if (!zstdLoaded() && anyBatchCompressedWith(response.records, 'zstd')) {
        await loadZstd();
        if (state.epoch !== epoch || this.closed) return;
      }
      state.retryAttempt = 0;
      const bufferWasEmpty = state.buffer.length === state.bufferStart;
      state.fetchOffset = nextFetchOffset(offset, response);
      if (bufferWasEmpty) {
        // Send the next fetch before decoding this one, so the broker works while we decode.
        if (state.inFlight === inFlight) state.inFlight = undefined;
        this.schedule();
      }
      const corrupt = this.accept(state, offset, response);
      if (corrupt !== undefined) {
        // A corrupt batch: keep the records before it, stay at it, drop the fetch sent past it, and report.
        state.epoch++;
        if (state.inFlight !== inFlight) state.inFlight?.cancel();
        state.inFlight = inFlight;
        state.fetchOffset = corrupt.resumeOffset;
        this.counters.fetchErrors++;
        this.handleFetchError(state, corrupt.error);
        return;
      }
      state.prefetched = !bufferWasEmpty;
    } catch (raw) {
      if (this.closed || state.epoch !== epoch) return;
      this.counters.fetchErrors++;
      const err = fromServiceError(raw);
      if (address !== undefined) this.cluster.noteLeaderError(address, err);
      this.handleFetchError(state, err);
    } finally {
      if (state.inFlight === inFlight) state.inFlight = undefined;
      this.wake();
      this.schedule();
    }
  }

  /**
   * Buffers the records of the response's batches in order, up to the first one that is corrupt
   * (CRC, with checkCrcs; or malformed records): then returns the error and the offset to fetch
   * again from, the first not yet buffered, so nothing is buffered twice.
   */
  private accept(state: PartitionState, offset: number, response: FetchResponse__Output): { error: SluiceError; resumeOffset: number } | undefined {
    const nowMs = this.nowMs();
    const { topic, partition } = state;
    const topicTtlMs = response.messageTtlMs;
    const buffer = state.buffer;
    let nextOffset = offset;
    let expired = response.expiredRecords;
    const visit = (recordOffset: number, timestamp: number, key: Buffer | null, value: Buffer | null, headers: RecordHeader[], ttlMs: number | undefined): void => {
      nextOffset = recordOffset + 1;
      const ttl = ttlMs ?? topicTtlMs;
      if (ttl > 0 && timestamp + ttl <= nowMs) {
        expired++;
        return;
      }
      buffer.push({ topic, partition, offset: recordOffset, timestamp, key, value, headers, ttlMs });
    };
    // Whole batches, concatenated; a trailing partial one is ignored. The first may begin before
    // the position: decodeRecords skips records below it without decoding them.
    const records = response.records;
    let corrupt: SluiceError | undefined;
    for (let pos = 0; records.length - pos >= BATCH_LENGTH_PREFIX_BYTES; ) {
      const size = batchSize(records, pos);
      if (size < BATCH_HEADER_BYTES || pos + size > records.length) break;
      corrupt = this.options.checkCrcs ? fetchedBatchError(topic, partition, records, pos, pos + size) : undefined;
      if (corrupt !== undefined) break;
      try {
        decodeRecords(records, visit, nextOffset, pos);
      } catch (err) {
        corrupt = fromServiceError(err);
        break;
      }
      pos += size;
    }
    this.counters.expiredRecords += expired;
    return corrupt === undefined ? undefined : { error: corrupt, resumeOffset: nextOffset };
  }

  private handleFetchError(state: PartitionState, err: SluiceError): void {
    if (err.code === 'OFFSET_OUT_OF_RANGE' && this.options.autoOffsetReset !== 'none') {
      state.pendingReset = this.options.autoOffsetReset;
      return;
    }
    // A positioned partition's topic existed: UNKNOWN_TOPIC now comes from a broker that has not
    // caught up with the cluster's metadata (or from a deletion), so it is retried like a move.
    // Topics only grow: UNKNOWN_PARTITION is a broker behind on a topic that just grew (a group
    // coordinator assigns the new partitions at once) or a partition that never existed, so it is
    // retried as often as a retriable error, then reported.
    const lagging =
      (err.code === 'UNKNOWN_TOPIC' && state.fetchOffset !== undefined) ||
      (err.code === 'UNKNOWN_PARTITION' && state.retryAttempt < this.cluster.options.retry.retries);
    if (err.retriable || lagging) {
      // A consumer outlives broker restarts and leader moves: retriable errors back off forever.
      this.cluster.noteError(state.topic, err);
      const delayMs = backoffMs(Math.min(state.retryAttempt++, 30), this.cluster.options.retry, this.random);
      const until = (state.backoffUntilMs = this.nowMs() + delayMs);
      // The backoff ends early when a new leader is named for the partition meanwhile.
      const watch = new AbortController();
      const resume = (): void => {
        watch.abort();
        if (state.backoffUntilMs === until) state.backoffUntilMs = this.nowMs();
        this.schedule();
      };
      void sleepMs(delayMs, this.abort.signal, this.cluster.clock).then(resume);
      void this.cluster.leaderMoved(state.topic, state.partition, watch.signal).then((moved) => moved && resume());
      return;
    }
    state.error = err;
  }

  private waitForWake(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const clock = this.cluster.clock;
      const timer = clock.setTimeout(done, Math.max(0, timeoutMs));
      const waiter = (): void => done();
      this.wakeWaiters.push(waiter);
      function done(): void {
        clock.clearTimer(timer);
        resolve();
      }
    });
  }

  private wake(): void {
    const waiters = this.wakeWaiters;
    this.wakeWaiters = [];
    for (const waiter of waiters) waiter();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('consumer is closed');
  }
}

function unlimitedListeners(controller: AbortController): AbortController {
  setMaxListeners(0, controller.signal);
  return controller;
}
