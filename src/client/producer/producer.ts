/**
 * The batching producer. `send` partitions records and encodes each at once into its partition's
 * open batch (reserving buffer space, waiting when the buffer is full); per partition, a
 * `PartitionSender` state machine (partition-sender.ts: pipelining, retries, recovery, splitting,
 * sequence restarts) decides what goes out, and this driver performs what it says: transport
 * calls, backoff timers on the client's clock, acknowledging and failing sends. One promise per
 * `send()` call, however many records it carries.
 *
 * Idempotence (default with acks=all, as in Kafka 3+): on first use the producer asks any broker
 * for a producer id and epoch (`InitProducerId`) and stamps every batch with them and the sequence
 * its partition's sender gives. A batch is encoded once, when it leaves the accumulator; every
 * retry resends the same bytes, so when an answer is lost (connection dropped, timeout) the leader
 * recognises the retry and answers with the original offsets instead of appending a duplicate.
 */
import { restampSequence, type HeaderInput } from '../../protocol/batch.js';
import { fromServiceError, SluiceError } from '../../protocol/errors.js';
import { Cancellation } from '../cancellation.js';
import { Cluster } from '../cluster.js';
import { DefaultPartitioner, type Partitioner, type PartitionerInput } from '../partitioner.js';
import { withRetry, type RetryOptions } from '../retry.js';
import type { Clock, TimerHandle } from '../../runtime/clock.js';
import { RECORD_OVERHEAD_BYTES, RecordAccumulator, type BatchOwner, type PartitionQueue, type ProducerBatch } from './accumulator.js';
import { PartitionSender, type SenderAction, type SenderEvent } from './partition-sender.js';
import { parseAcks, resolveProducerOptions, type ProducerOptions, type ResolvedProducerOptions } from './options.js';
import { produceEnvelopeBytes, produceEnvelopeBytesMax, writeProduceEnvelope, type ProduceEnvelope } from './produce-request.js';
import { checkRecord } from './records.js';
import { ClusterTransport, type ProducerTransport } from './transport.js';
import type { Acks, ProducerRecord, RecordMetadata, SendRequest } from './types.js';

export { toRecordInput } from './records.js';

/** Test seam: the cluster as the producer sees it (time and randomness come with the `Cluster`). */
export interface ProducerInternals {
  transport?: ProducerTransport;
}

const HEADER_OVERHEAD_BYTES = 10;

/** One partition: its sender state machine and what the driver holds for it. */
interface PartitionDriver {
  topic: string;
  partition: number;
  sender: PartitionSender;
  /** Sealed batches by the sender's ids, until acknowledged, failed or split. */
  batches: Map<number, ProducerBatch>;
  backoffTimer: TimerHandle | undefined;
  /** Ends the leader watch that may cut the backoff short. */
  backoffWatch: AbortController | undefined;
  /** Requests awaiting their answer, by batch id. */
  outstanding: Map<number, OutstandingRequest>;
  /** Ends the leader watch started when a request waited too long (see STALLED_REQUEST_MS). */
  stallWatch: AbortController | undefined;
}

interface OutstandingRequest {
  sentAtMs: number;
  cancellation: Cancellation;
  /** Set when the request was given up because another leader was named meanwhile. */
  abandoned: SluiceError | undefined;
}

/**
 * A request unanswered for this long (acks=all normally answers within milliseconds) starts a
 * leader watch: when metadata names another leader meanwhile, the request is given up and its batch
 * resent there (deduplicated by the idempotent producer if the old leader stored it after all),
 * rather than waited on until the connection's keepalive gives the silent leader up.
 */
export const STALLED_REQUEST_MS = 300;
/** How often requests are checked for STALLED_REQUEST_MS. */
const STALL_CHECK_INTERVAL_MS = 100;

/** One `send()` call: resolves once every record is acknowledged, rejects on the first failure. */
class PendingSend implements BatchOwner {
  readonly promise: Promise<RecordMetadata[]>;
  private resolveSend!: (metadata: RecordMetadata[]) => void;
  private rejectSend!: (err: Error) => void;
  private remaining: number;
  /** Flat runs of (first, count, partition, baseOffset). */
  private readonly acks: number[] = [];
  settled = false;

  constructor(
    readonly topic: string,
    readonly records: readonly ProducerRecord[],
    readonly nowMs: number,
  ) {
    this.remaining = records.length;
    this.promise = new Promise<RecordMetadata[]>((resolve, reject) => {
      this.resolveSend = resolve;
      this.rejectSend = reject;
    });
  }

  acknowledged(first: number, count: number, partition: number, baseOffset: number): void {
    if (this.settled) return;
    this.acks.push(first, count, partition, baseOffset);
    this.remaining -= count;
    if (this.remaining === 0) {
      this.settled = true;
      this.resolveSend(this.metadata());
    }
  }

  failed(err: Error): void {
    if (this.settled) return;
    this.settled = true;
    this.rejectSend(err);
  }

  private metadata(): RecordMetadata[] {
    const out = new Array<RecordMetadata>(this.records.length);
    const acks = this.acks;
    for (let a = 0; a < acks.length; a += 4) {
      const first = acks[a]!;
      const count = acks[a + 1]!;
      const partition = acks[a + 2]!;
      const baseOffset = acks[a + 3]!;
      for (let i = 0; i < count; i++) {
        out[first + i] = {
          topic: this.topic,
          partition,
          offset: baseOffset === -1 ? -1 : baseOffset + i,
          timestamp: this.records[first + i]!.timestamp ?? this.nowMs,
        };
      }
    }
    return out;
  }
}

/** Where appending stopped to wait for buffer space: record `index` holds `sizeBytes` once `space` resolves. */
interface Blocked {
  index: number;
  sizeBytes: number;
  space: Promise<void>;
}

export class Producer {
  private readonly options: ResolvedProducerOptions;
  private readonly partitioner: Partitioner;
  private readonly accumulator: RecordAccumulator;
  private readonly transport: ProducerTransport;
  private readonly retry: RetryOptions;
  private readonly clock: Clock;
  private readonly partitions = new Map<string, PartitionDriver>();
  /** Sends whose appending waits (metadata, buffer space) run one after another, in call order. */
  private appendTail: Promise<void> | undefined;
  private idleWaiters: Array<() => void> = [];
  private closed = false;
  /** Runs checkStalled while the producer is open (started by the first request). */
  private stallCheck: TimerHandle | undefined;
  private producerId = -1;
  private producerEpoch = -1;
  private producerIdInit: Promise<void> | undefined;

  constructor(
    private readonly cluster: Cluster,
    options: ProducerOptions = {},
    internals: ProducerInternals = {},
  ) {
    this.options = resolveProducerOptions(options);
    this.partitioner = options.partitioner ?? new DefaultPartitioner();
    this.transport = internals.transport ?? new ClusterTransport(cluster);
    this.retry = cluster.options.retry;
    this.clock = cluster.clock;
    this.accumulator = new RecordAccumulator({
      lingerMs: this.options.lingerMs,
      batchBytesMax: this.options.batchBytesMax,
      bufferBytesMax: this.options.bufferBytesMax,
      clock: this.clock,
      headroomBytes: produceEnvelopeBytesMax,
      onReady: (topic, partition) => {
        this.partitioner.onBatchClosed(topic, partition);
        this.pump(topic, partition);
      },
    });
  }

  /** Producer id and epoch once idempotence is set up; -1 before or without it. */
  get idempotence(): { producerId: number; producerEpoch: number } {
    return { producerId: this.producerId, producerEpoch: this.producerEpoch };
  }

  /**
   * Resolves with one RecordMetadata per record, in order, once every record is acknowledged;
   * rejects with the first failure. Records of concurrent sends keep their call order per partition.
   * A record of the wrong shape rejects the send at once (TypeError or RangeError naming it), and
   * none of its records is sent.
   */
  send(request: SendRequest): Promise<RecordMetadata[]> {
    if (this.closed) return Promise.reject(new Error('producer is closed'));
    let acks: Acks;
    const nowMs = this.clock.nowMs();
    try {
      acks = request.acks === undefined ? this.options.acks : parseAcks(request.acks);
      if (this.options.idempotent && acks !== -1) {
        throw new RangeError(`an idempotent producer sends with acks=all only, got acks=${acks} (create the producer with idempotent: false)`);
      }
      if (!Array.isArray(request.records)) throw new TypeError(`records must be an array, got ${typeof request.records}`);
      for (let i = 0; i < request.records.length; i++) checkRecord(request.records[i]!, nowMs, i);
    } catch (err) {
      return Promise.reject(err);
    }
    const pending = new PendingSend(request.topic, request.records, nowMs);
    if (request.records.length === 0) {
      pending.acknowledged(0, 0, -1, -1);
      return pending.promise;
    }
    if (this.options.idempotent) this.ensureProducerId();
    if (this.appendTail === undefined) {
      const numPartitions = this.transport.cachedPartitionCount(request.topic);
      if (numPartitions !== undefined) {
        const blocked = this.appendFrom(pending, acks, numPartitions, 0, 0);
        if (blocked !== undefined) this.chainAppend(() => this.appendRest(pending, acks, blocked));
        return pending.promise;
      }
    }
    this.chainAppend(() => this.appendRest(pending, acks, undefined));
    return pending.promise;
  }

  /** Sends every buffered record now and resolves when all of them are acknowledged or failed. */
  async flush(): Promise<void> {
    while (this.appendTail !== undefined) await this.appendTail;
    this.accumulator.closeAll();
    if (this.isIdle()) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  /** Flushes, then releases connections. */
  async close(): Promise<void> {
    if (this.closed) return;
    try {
      await this.flush();
    } finally {
      this.closed = true;
      this.clock.clearTimer(this.stallCheck);
      for (const driver of this.partitions.values()) {
        driver.stallWatch?.abort();
        this.perform(driver, driver.sender.step({ type: 'close' }));
      }
      // Records appended after flush found the producer idle (by a callback of an acknowledged send) would wait forever.
      this.accumulator.abort(new Error('producer is closed'));
      this.transport.close();
    }
  }

  /** Bytes held by buffered and in-flight records. */
  get bufferedBytes(): number {
    return this.accumulator.bufferedBytes;
  }

  private chainAppend(task: () => Promise<void>): void {
    const tail: Promise<void> = (this.appendTail ?? Promise.resolve()).then(task).then(
      () => {
        if (this.appendTail === tail) this.appendTail = undefined;
      },
      () => {
        if (this.appendTail === tail) this.appendTail = undefined;
      },
    );
    this.appendTail = tail;
  }

  /** Appends what `appendFrom` could not: after metadata arrived, or after buffer space was freed. */
  private async appendRest(pending: PendingSend, acks: Acks, blocked: Blocked | undefined): Promise<void> {
    let next = blocked;
    try {
      const numPartitions = await withRetry(() => this.transport.partitionCount(pending.topic), this.retry, this.cluster.retryHooks);
      next ??= this.appendFrom(pending, acks, numPartitions, 0, 0);
      while (next !== undefined) {
        await next.space;
        const current = next;
        next = undefined; // appendFrom owns current's reservation now: the catch below must not give it back
        next = this.appendFrom(pending, acks, numPartitions, current.index, current.sizeBytes);
      }
    } catch (err) {
      pending.failed(err instanceof Error ? err : new SluiceError('INTERNAL', String(err)));
      // A reservation on its way is given back once granted.
      const held = next;
      if (held !== undefined) void held.space.then(() => this.accumulator.release(held.sizeBytes));
    }
  }

  /**
   * Encodes records `from`… of `pending` into their partitions' batches. Returns where it stopped
   * when the buffer is full (that record's space is then on its way), else undefined.
   * `fromReservedBytes`: what record `from` already holds of the buffer (0: nothing yet).
   */
  private appendFrom(pending: PendingSend, acks: Acks, numPartitions: number, from: number, fromReservedBytes: number): Blocked | undefined {
    const { records, topic } = pending;
    const input: PartitionerInput = { topic, key: null, partition: undefined, numPartitions, sizeBytes: 0 };
    let queue: PartitionQueue | undefined;
    /** Reserved for the current record and not yet in a batch: given back if it never gets there. */
    let heldBytes = fromReservedBytes;
    try {
      for (let i = from; i < records.length; i++) {
        if (pending.settled) break;
        const record = records[i]!;
        let key = record.key ?? null;
        if (typeof key === 'string') key = Buffer.from(key, 'utf8'); // once: the partitioner hashes it, the batch copies it
        const value = record.value;
        const keyBytes = key === null ? -1 : key.length;
        const valueBytes = value === null ? -1 : typeof value === 'string' ? Buffer.byteLength(value, 'utf8') : value.length;
        const ttlMs = record.ttlMs;
        const headers = record.headers === undefined ? undefined : toHeaderInputs(record.headers);
        let sizeBytes = RECORD_OVERHEAD_BYTES + (keyBytes > 0 ? keyBytes : 0) + (valueBytes > 0 ? valueBytes : 0);
        if (headers !== undefined) for (const header of headers) sizeBytes += HEADER_OVERHEAD_BYTES + Buffer.byteLength(header.key) + byteLength(header.value);
        // send() checked the record, but it may have been changed since; a NaN size would wedge the buffer accounting for good.
        if (!Number.isSafeInteger(sizeBytes)) throw new TypeError(`record ${i} was changed after send(): its size came out as ${sizeBytes}`);
        input.key = key;
        input.partition = record.partition;
        input.sizeBytes = sizeBytes;
        const partition = this.partitioner.partition(input);
        if (heldBytes === 0) {
          const space = this.accumulator.reserve(sizeBytes);
          if (space !== undefined) return { index: i, sizeBytes, space };
          heldBytes = sizeBytes;
        } else if (heldBytes !== sizeBytes) {
          throw new Error(`record ${i} was reserved ${heldBytes} bytes, needs ${sizeBytes}`);
        }
        if (queue === undefined || queue.partition !== partition) queue = this.accumulator.queue(topic, partition);
        const timestamp = record.timestamp ?? pending.nowMs;
        const batch = this.accumulator.batchFor(queue, acks, sizeBytes, timestamp);
        if (!batch.builder.append(key, keyBytes, value, valueBytes, headers, timestamp, ttlMs)) {
          throw new Error(`batch refused timestamp ${timestamp} before its base ${batch.builder.baseTimestamp}`);
        }
        this.accumulator.appended(queue, batch, sizeBytes, pending, i);
        heldBytes = 0;
      }
    } catch (err) {
      pending.failed(err instanceof Error ? err : new Error(String(err)));
    }
    if (heldBytes > 0) this.accumulator.release(heldBytes);
    return undefined;
  }

  /** The partition's driver; undefined while an idempotent producer waits for its producer id (nothing may be sealed yet). */
  private driver(topic: string, partition: number): PartitionDriver | undefined {
    const key = `${topic}\u0000${partition}`;
    let driver = this.partitions.get(key);
    if (driver === undefined) {
      if (this.options.idempotent && this.producerId < 0) return undefined;
      const sender = new PartitionSender({
        topic,
        partition,
        idempotent: this.options.idempotent,
        maxInFlight: this.options.maxInFlightPerPartition,
        retry: this.retry,
        producerEpoch: this.producerEpoch,
        random: this.cluster.random,
      });
      driver = { topic, partition, sender, batches: new Map(), backoffTimer: undefined, backoffWatch: undefined, outstanding: new Map(), stallWatch: undefined };
      this.partitions.set(key, driver);
    }
    return driver;
  }

  /** Starts InitProducerId once; batches wait in the accumulator until it answers. */
  private ensureProducerId(): void {
    if (this.producerIdInit !== undefined) return;
    this.producerIdInit = withRetry(() => this.transport.initProducerId(), this.retry, this.cluster.retryHooks).then(
      ({ producerId, producerEpoch }) => {
        this.producerId = producerId;
        this.producerEpoch = producerEpoch;
        for (const { topic, partition } of this.accumulator.readyPartitions()) this.pump(topic, partition);
      },
      (raw: unknown) => {
        // Nothing can be sent idempotently: fail what is buffered; the next send tries again.
        this.producerIdInit = undefined;
        const err = raw instanceof Error ? raw : new SluiceError('INTERNAL', String(raw));
        this.accumulator.abort(new SluiceError(raw instanceof SluiceError ? raw.code : 'INTERNAL', `InitProducerId failed: ${err.message}`));
        this.notifyIfIdle();
      },
    );
  }

  /** Seals and sends the partition's sendable batches while its sender has room for new ones. */
  private pump(topic: string, partition: number): void {
    if (this.closed) return;
    const driver = this.driver(topic, partition);
    if (driver === undefined) return; // ensureProducerId pumps once the id is known
    for (let stamp = driver.sender.nextSeal(); stamp !== undefined; stamp = driver.sender.nextSeal()) {
      const batch = this.accumulator.takeReady(topic, partition);
      if (batch === undefined) return;
      if (!this.seal(batch, stamp.producerEpoch, stamp.baseSequence)) continue;
      driver.batches.set(stamp.id, batch);
      this.perform(driver, driver.sender.step({ type: 'sealed', id: stamp.id, recordCount: batch.builder.recordCount }));
    }
  }

  /** Steps the partition's sender, performs what it says, then sends what may go next. */
  private feed(driver: PartitionDriver, event: SenderEvent): void {
    this.perform(driver, driver.sender.step(event));
    this.pump(driver.topic, driver.partition);
    this.notifyIfIdle();
  }

  private perform(driver: PartitionDriver, actions: readonly SenderAction[]): void {
    for (const action of actions) {
      switch (action.type) {
        case 'send':
          this.transmit(driver, action.id);
          break;
        case 'acknowledge': {
          const batch = this.settle(driver, action.id);
          const baseOffset = action.baseOffset;
          for (const segment of batch.segments) {
            segment.owner.acknowledged(segment.first, segment.count, batch.partition, baseOffset === -1 ? -1 : baseOffset + segment.batchIndex);
          }
          this.release(batch);
          break;
        }
        case 'fail': {
          const batch = this.settle(driver, action.id);
          this.fail(batch, action.error);
          this.release(batch);
          break;
        }
        case 'restamp': {
          const batch = this.batch(driver, action.id);
          restampSequence(batch.encoded!, action.producerEpoch, action.baseSequence);
          break;
        }
        case 'split': {
          // Above the topic's max.message.bytes (KIP-126): its records become two smaller batches holding its buffer reservation.
          const [first, second] = this.accumulator.split(this.settle(driver, action.id), action.first.recordCount);
          this.encode(first, action.first.producerEpoch, action.first.baseSequence);
          this.encode(second, action.second.producerEpoch, action.second.baseSequence);
          driver.batches.set(action.first.id, first);
          driver.batches.set(action.second.id, second);
          break;
        }
        case 'backoff':
          this.backOff(driver, action.delayMs);
          break;
        case 'cancelBackoff':
          this.endBackoff(driver);
          break;
      }
    }
  }

  /** Waits `delayMs`, or less when a new leader is named for the partition meanwhile (Cluster.leaderMoved). */
  private backOff(driver: PartitionDriver, delayMs: number): void {
    const elapsed = (): void => {
      this.endBackoff(driver);
      this.feed(driver, { type: 'backoffElapsed' });
    };
    const watch = new AbortController();
    driver.backoffWatch = watch;
    driver.backoffTimer = this.clock.setTimeout(elapsed, delayMs);
    void this.transport.leaderMoved(driver.topic, driver.partition, watch.signal).then((moved) => {
      if (moved && driver.backoffWatch === watch) elapsed();
    });
  }

  private endBackoff(driver: PartitionDriver): void {
    this.clock.clearTimer(driver.backoffTimer);
    driver.backoffTimer = undefined;
    driver.backoffWatch?.abort();
    driver.backoffWatch = undefined;
  }

  private transmit(driver: PartitionDriver, id: number): void {
    const batch = this.batch(driver, id);
    const outstanding: OutstandingRequest = { sentAtMs: this.clock.nowMs(), cancellation: new Cancellation(), abandoned: undefined };
    driver.outstanding.set(id, outstanding);
    this.stallCheck ??= this.clock.setInterval(() => this.checkStalled(), STALL_CHECK_INTERVAL_MS);
    this.transport
      .produce({
        topic: batch.topic,
        partition: batch.partition,
        acks: batch.acks,
        ackTimeoutMs: this.options.ackTimeoutMs,
        batch: batch.encoded!,
        request: batch.request,
        cancellation: outstanding.cancellation,
      })
      .then(
        (response) => {
          this.answered(driver, id);
          this.feed(driver, { type: 'answered', id, baseOffset: response.baseOffset });
        },
        (raw: unknown) => {
          this.answered(driver, id);
          this.feed(driver, { type: 'failed', id, error: outstanding.abandoned ?? fromServiceError(raw) });
        },
      );
  }

  private answered(driver: PartitionDriver, id: number): void {
    driver.outstanding.delete(id);
    if (driver.outstanding.size > 0) return;
    driver.stallWatch?.abort();
    driver.stallWatch = undefined;
  }

  /** Watches the leader of each partition with a request unanswered for STALLED_REQUEST_MS; gives those requests up once another is named. */
  private checkStalled(): void {
    const stalledBefore = this.clock.nowMs() - STALLED_REQUEST_MS;
    for (const driver of this.partitions.values()) {
      if (driver.stallWatch !== undefined || this.closed) continue;
      if (!hasRequestSentBy(driver.outstanding, stalledBefore)) continue;
      const watch = (driver.stallWatch = new AbortController());
      void this.transport.leaderMoved(driver.topic, driver.partition, watch.signal).then((moved) => {
        if (driver.stallWatch === watch) driver.stallWatch = undefined;
        if (!moved) return;
        for (const request of driver.outstanding.values()) {
          request.abandoned = new SluiceError('NOT_LEADER', `${driver.topic}/${driver.partition} has a new leader; the request to the old one was given up`);
          request.cancellation.cancel();
        }
      });
    }
  }

  private batch(driver: PartitionDriver, id: number): ProducerBatch {
    const batch = driver.batches.get(id);
    if (batch === undefined) throw new Error(`${driver.topic}/${driver.partition}: the sender named batch ${id}, which the producer does not hold`);
    return batch;
  }

  /** The batch `id`, which is done with: the driver lets go of it. */
  private settle(driver: PartitionDriver, id: number): ProducerBatch {
    const batch = this.batch(driver, id);
    driver.batches.delete(id);
    return batch;
  }

  /**
   * Encodes a batch (once) with its stamp. A batch that cannot be encoded (a record changed after
   * `send`, a compression failure) fails its own sends and is dropped before the sender gives it a
   * place: this runs on the linger timer, where a throw would end the process.
   */
  private seal(batch: ProducerBatch, producerEpoch: number, baseSequence: number): boolean {
    try {
      this.encode(batch, producerEpoch, baseSequence);
      return true;
    } catch (raw) {
      const message = raw instanceof Error ? raw.message : String(raw);
      this.fail(batch, new SluiceError('INTERNAL', `cannot encode a batch of ${batch.topic}/${batch.partition}: ${message}`));
      this.release(batch);
      this.notifyIfIdle();
      return false;
    }
  }

  /** Encodes a batch (stamped with `producerEpoch` and `baseSequence` when idempotent) and its request. */
  private encode(batch: ProducerBatch, producerEpoch: number, baseSequence: number): void {
    batch.encoded = this.options.idempotent
      ? batch.builder.finish({ compression: this.options.compression, producerId: this.producerId, producerEpoch, baseSequence })
      : batch.builder.finish({ compression: this.options.compression });
    const { topic, partition, acks, builder } = batch;
    const timeoutMs = this.options.ackTimeoutMs;
    const batchBytes = batch.encoded.length;
    batch.request = (correlationId) => {
      // Spelled out, not spread from a prepared object: V8 promoted the spread copies (heap profile).
      const envelope: ProduceEnvelope = { topic, partition, acks, timeoutMs, batchBytes, correlationId };
      return builder.withPrefix(produceEnvelopeBytes(envelope), (buf, pos) => writeProduceEnvelope(buf, pos, envelope))!;
    };
  }

  private fail(batch: ProducerBatch, err: Error): void {
    for (const segment of batch.segments) segment.owner.failed(err);
  }

  private release(batch: ProducerBatch): void {
    this.accumulator.release(batch.sizeBytes);
    this.accumulator.recycle(batch);
  }

  private isIdle(): boolean {
    if (!this.accumulator.isEmpty()) return false;
    for (const driver of this.partitions.values()) if (driver.sender.unsettled > 0) return false;
    return true;
  }

  private notifyIfIdle(): void {
    if (this.idleWaiters.length === 0 || !this.isIdle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

function byteLength(value: Buffer | string): number {
  return typeof value === 'string' ? Buffer.byteLength(value, 'utf8') : value.length;
}

function toHeaderInputs(headers: NonNullable<ProducerRecord['headers']>): readonly HeaderInput[] {
  if (Array.isArray(headers)) return headers;
  const out: HeaderInput[] = [];
  for (const key in headers) if (Object.hasOwn(headers, key)) out.push({ key, value: headers[key]! });
  return out;
}

/** Whether a request still awaiting its answer was sent at or before `atMs` (no copy of the map: this runs every 100 ms). */
function hasRequestSentBy(outstanding: ReadonlyMap<number, OutstandingRequest>, atMs: number): boolean {
  for (const request of outstanding.values()) if (request.sentAtMs <= atMs) return true;
  return false;
}
