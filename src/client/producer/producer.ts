/**
 * The batching producer. `send` partitions records and encodes each at once into its partition's
 * open batch (reserving buffer space, waiting when the buffer is full); a sender pumps batches to
 * each partition's leader. One promise per `send()` call, however many records it carries.
 *
 * Idempotence (default with acks=all, as in Kafka 3+): on first use the producer asks any broker
 * for a producer id and epoch (`InitProducerId`) and stamps every batch with them and a
 * per-partition base sequence (0, then += record count, wrapping at 2^31 as in Kafka). A batch is
 * encoded once, when it leaves the accumulator; every retry resends the same bytes, so when an
 * answer is lost (connection dropped, timeout) the leader recognises the retry and answers with
 * the original offsets instead of appending a duplicate.
 *
 * Pipelining and ordering: up to `maxInFlightPerPartition` requests per partition (default 5),
 * sent in order on one request stream per broker, so they reach the leader in order. Idempotent,
 * the leader refuses a batch whose sequence does not follow the last one it stored
 * (OUT_OF_ORDER_SEQUENCE), so a later batch can never overtake a failed earlier one. When any
 * in-flight batch of a partition fails with a retriable error (or OUT_OF_ORDER_SEQUENCE while an
 * earlier batch of the partition was unanswered), the partition enters *recovery*: no new batch is
 * sent, the others in flight settle, and the failed ones are resent in sequence order, one at a
 * time, after a backoff (none when only reordering was to blame); then pipelining resumes.
 *
 * Without idempotence the same recovery runs, but a batch stored after the failed one stays
 * before its resend (as in Kafka; `maxInFlightPerPartition: 1` keeps order across retries too).
 *
 * A batch of several records that the leader refuses as larger than the topic's max.message.bytes
 * (BATCH_TOO_LARGE) is split in two, recursively, as Kafka does since KIP-126: the halves take its
 * place in the partition's order and its sequence range, and go out during recovery before any
 * later batch.
 *
 * A batch that fails for good (non-retriable error, retries used up) fails its records. With
 * idempotence the partition's sequence now has a hole, so every later batch of the partition that
 * was already sent fails too (unless it was stored), and the partition restarts its sequence at 0
 * under the next producer epoch, which the leader accepts as a new sequence. When every such batch
 * was a single record refused as too large (never stored), later batches that the leader refused or
 * never got do not fail: they are resent under the new epoch, in order, with new sequences.
 */
import { restampSequence, type HeaderInput } from '../../protocol/batch.js';
import { fromServiceError, SluiceError } from '../../protocol/errors.js';
import { Cluster } from '../cluster.js';
import { DefaultPartitioner, type Partitioner, type PartitionerInput } from '../partitioner.js';
import { backoffMs, withRetry, type RetryHooks, type RetryOptions } from '../retry.js';
import {
  RECORD_OVERHEAD_BYTES,
  RecordAccumulator,
  type BatchOwner,
  type PartitionQueue,
  type ProducerBatch,
  type Timers,
} from './accumulator.js';
import { parseAcks, resolveProducerOptions, type ProducerOptions, type ResolvedProducerOptions } from './options.js';
import { produceEnvelopeBytes, produceEnvelopeBytesMax, writeProduceEnvelope, type ProduceEnvelope } from './produce-request.js';
import { checkRecord } from './records.js';
import { ClusterTransport, type ProducerTransport } from './transport.js';
import type { Acks, ProducerRecord, RecordMetadata, SendRequest } from './types.js';

export { toRecordInput } from './records.js';

/** Test seams: time, randomness and the cluster. */
export interface ProducerInternals {
  timers?: Timers;
  retryHooks?: RetryHooks;
  transport?: ProducerTransport;
}

/** Sequences are int32 and wrap to 0 after 2^31 - 1, as in Kafka (and the broker's producer state). */
const SEQUENCE_MODULUS = 2 ** 31;
const EPOCH_MODULUS = 2 ** 15;
const HEADER_OVERHEAD_BYTES = 10;

/** Per-partition sender state. */
interface PartitionSender {
  topic: string;
  partition: number;
  /** Sent and unanswered, in send order. */
  inFlight: ProducerBatch[];
  /** Failed retriably; resent in `order` once nothing is in flight. */
  retry: ProducerBatch[];
  recovering: boolean;
  /** Backoff before the next resend, in ms; the largest one asked for in this recovery round. */
  recoveryDelayMs: number;
  backoffTimer: ReturnType<typeof setTimeout> | undefined;
  /** The first batch that failed for good: later batches fail, then the sequence restarts under a new epoch. */
  holeBelowOrder: number;
  /**
   * Every batch that failed for good was refused as too large, so it was not stored: later batches
   * the broker refused or never saw keep their place and are resent under the new epoch instead.
   */
  holeKeepsLater: boolean;
  nextSequence: number;
  producerEpoch: number;
  nextOrder: number;
  /**
   * A batch of the current epoch was acknowledged. Until then one request at a time: a leader
   * that does not know the producer yet takes any sequence first, so an overtaking request would
   * be stored ahead of its predecessor.
   */
  established: boolean;
}

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
  private readonly senders = new Map<string, PartitionSender>();
  /** Sends whose appending waits (metadata, buffer space) run one after another, in call order. */
  private appendTail: Promise<void> | undefined;
  private idleWaiters: Array<() => void> = [];
  private closed = false;
  private producerId = -1;
  private producerEpoch = -1;
  private producerIdInit: Promise<void> | undefined;

  constructor(
    cluster: Cluster,
    options: ProducerOptions = {},
    private readonly internals: ProducerInternals = {},
  ) {
    this.options = resolveProducerOptions(options);
    this.partitioner = options.partitioner ?? new DefaultPartitioner();
    this.transport = internals.transport ?? new ClusterTransport(cluster);
    this.retry = cluster.options.retry;
    this.accumulator = new RecordAccumulator({
      lingerMs: this.options.lingerMs,
      batchBytesMax: this.options.batchBytesMax,
      bufferBytesMax: this.options.bufferBytesMax,
      ...(internals.timers ? { timers: internals.timers } : {}),
      headroomBytes: produceEnvelopeBytesMax,
      onReady: (topic, partition) => {
        this.partitioner.onBatchClosed(topic, partition);
        this.pump(this.sender(topic, partition));
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
    const nowMs = Date.now();
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
      for (const sender of this.senders.values()) if (sender.backoffTimer !== undefined) clearTimeout(sender.backoffTimer);
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
      const numPartitions = await withRetry(() => this.transport.partitionCount(pending.topic), this.retry, this.internals.retryHooks);
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

  private sender(topic: string, partition: number): PartitionSender {
    const key = `${topic}\u0000${partition}`;
    let sender = this.senders.get(key);
    if (!sender) {
      sender = {
        topic,
        partition,
        inFlight: [],
        retry: [],
        recovering: false,
        recoveryDelayMs: 0,
        backoffTimer: undefined,
        holeBelowOrder: -1,
        holeKeepsLater: false,
        nextSequence: 0,
        producerEpoch: -1,
        nextOrder: 0,
        established: !this.options.idempotent,
      };
      this.senders.set(key, sender);
    }
    return sender;
  }

  /** Starts InitProducerId once; batches wait in the accumulator until it answers. */
  private ensureProducerId(): void {
    if (this.producerIdInit !== undefined) return;
    this.producerIdInit = withRetry(() => this.transport.initProducerId(), this.retry, this.internals.retryHooks).then(
      ({ producerId, producerEpoch }) => {
        this.producerId = producerId;
        this.producerEpoch = producerEpoch;
        for (const { topic, partition } of this.accumulator.readyPartitions()) this.pump(this.sender(topic, partition));
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

  /** Sends what the partition may send now. */
  private pump(sender: PartitionSender): void {
    if (this.closed) return;
    if (this.options.idempotent && this.producerId < 0) return; // ensureProducerId pumps once it is known
    if (sender.recovering) {
      if (sender.inFlight.length > 0 || sender.backoffTimer !== undefined) return;
      if (sender.recoveryDelayMs > 0) {
        const delayMs = sender.recoveryDelayMs;
        sender.recoveryDelayMs = 0;
        sender.backoffTimer = setTimeout(() => {
          sender.backoffTimer = undefined;
          this.pump(sender);
        }, delayMs);
        return;
      }
      const hole = sender.holeBelowOrder;
      const next = sender.retry[0];
      if (next !== undefined && (hole < 0 || next.order < hole)) {
        sender.retry.shift();
        this.dispatch(sender, next);
        return;
      }
      if (hole >= 0) {
        // Everything around the failed batch has settled: restart the sequence under the next epoch.
        sender.holeBelowOrder = -1;
        sender.holeKeepsLater = false;
        sender.producerEpoch = (sender.producerEpoch + 1) % EPOCH_MODULUS;
        sender.nextSequence = 0;
        sender.established = false;
        // Left after the hole: batches never stored, resent in their order with new sequences.
        for (const kept of sender.retry) {
          kept.producerEpoch = sender.producerEpoch;
          kept.baseSequence = sender.nextSequence;
          restampSequence(kept.encoded!, kept.producerEpoch, kept.baseSequence);
          sender.nextSequence = (sender.nextSequence + kept.builder.recordCount) % SEQUENCE_MODULUS;
        }
        const first = sender.retry.shift();
        if (first !== undefined) {
          this.dispatch(sender, first);
          return;
        }
      }
      sender.recovering = false;
    }
    const maxInFlight = sender.established ? this.options.maxInFlightPerPartition : 1;
    while (sender.inFlight.length < maxInFlight) {
      const batch = this.accumulator.takeReady(sender.topic, sender.partition);
      if (batch === undefined) break;
      if (this.seal(sender, batch)) this.dispatch(sender, batch);
    }
  }

  /**
   * Encodes a batch (once) and gives it its place in the partition's order and sequence. A batch
   * that cannot be encoded (a record changed after `send`, a compression failure) fails its own
   * sends and is dropped, taking no place: this runs on the linger timer, where a throw would end
   * the process.
   */
  private seal(sender: PartitionSender, batch: ProducerBatch): boolean {
    if (this.options.idempotent && sender.producerEpoch < 0) sender.producerEpoch = this.producerEpoch;
    try {
      this.encode(batch, sender.producerEpoch, sender.nextSequence);
    } catch (raw) {
      const message = raw instanceof Error ? raw.message : String(raw);
      this.fail(batch, new SluiceError('INTERNAL', `cannot encode a batch of ${batch.topic}/${batch.partition}: ${message}`));
      this.release(batch);
      this.notifyIfIdle();
      return false;
    }
    batch.order = sender.nextOrder++;
    if (this.options.idempotent) sender.nextSequence = (sender.nextSequence + batch.builder.recordCount) % SEQUENCE_MODULUS;
    return true;
  }

  /** Encodes a batch (stamped with `producerEpoch` and `baseSequence` when idempotent) and its request. */
  private encode(batch: ProducerBatch, producerEpoch: number, baseSequence: number): void {
    if (this.options.idempotent) {
      batch.producerEpoch = producerEpoch;
      batch.baseSequence = baseSequence;
      batch.encoded = batch.builder.finish({
        compression: this.options.compression,
        producerId: this.producerId,
        producerEpoch: batch.producerEpoch,
        baseSequence: batch.baseSequence,
      });
    } else {
      batch.encoded = batch.builder.finish({ compression: this.options.compression });
    }
    const { topic, partition, acks, builder } = batch;
    const timeoutMs = this.options.ackTimeoutMs;
    const batchBytes = batch.encoded.length;
    batch.request = (correlationId) => {
      // Spelled out, not spread from a prepared object: V8 promoted the spread copies (heap profile).
      const envelope: ProduceEnvelope = { topic, partition, acks, timeoutMs, batchBytes, correlationId };
      return builder.withPrefix(produceEnvelopeBytes(envelope), (buf, pos) => writeProduceEnvelope(buf, pos, envelope))!;
    };
  }

  private dispatch(sender: PartitionSender, batch: ProducerBatch): void {
    const before = (other: ProducerBatch): boolean => other.order < batch.order;
    batch.sentBehindOthers = sender.inFlight.some(before) || sender.retry.some(before);
    batch.attempts++;
    batch.maybeStored = true;
    sender.inFlight.push(batch);
    this.transport
      .produce({
        topic: batch.topic,
        partition: batch.partition,
        acks: batch.acks,
        ackTimeoutMs: this.options.ackTimeoutMs,
        batch: batch.encoded!,
        request: batch.request,
      })
      .then(
        (response) => this.onAnswered(sender, batch, response.baseOffset),
        (raw: unknown) => this.onFailed(sender, batch, raw),
      );
  }

  private onAnswered(sender: PartitionSender, batch: ProducerBatch, baseOffset: number): void {
    removeFrom(sender.inFlight, batch);
    if (batch.producerEpoch === sender.producerEpoch) sender.established = true;
    for (const segment of batch.segments) {
      segment.owner.acknowledged(segment.first, segment.count, batch.partition, baseOffset === -1 ? -1 : baseOffset + segment.batchIndex);
    }
    this.release(batch);
    this.pump(sender);
    this.notifyIfIdle();
  }

  private onFailed(sender: PartitionSender, batch: ProducerBatch, raw: unknown): void {
    removeFrom(sender.inFlight, batch);
    const err = fromServiceError(raw);
    // A refusal proves this attempt was not stored (and an earlier one neither: it would be a duplicate); a lost answer proves nothing.
    if (err.code === 'OUT_OF_ORDER_SEQUENCE' || err.code === 'BATCH_TOO_LARGE') batch.maybeStored = false;
    let waitsForResend = false;
    if (sender.holeBelowOrder >= 0 && batch.order > sender.holeBelowOrder) {
      if (sender.holeKeepsLater && !batch.maybeStored) {
        insertByOrder(sender.retry, batch);
        waitsForResend = true;
      } else {
        this.fail(batch, new SluiceError(err.code, `an earlier batch of ${batch.topic}/${batch.partition} failed; this one was not stored: ${err.message}`));
      }
    } else if (err.code === 'BATCH_TOO_LARGE' && batch.builder.recordCount > 1) {
      // Above the topic's max.message.bytes (KIP-126): resend its records as two smaller batches.
      this.splitForResend(sender, batch);
      waitsForResend = true; // the halves hold its buffer reservation now
    } else {
      // OUT_OF_ORDER_SEQUENCE for a batch sent behind others: an earlier one was not stored yet
      // (it failed, or its request arrived later); resending it after them is safe.
      const reordered = this.options.idempotent && err.code === 'OUT_OF_ORDER_SEQUENCE' && batch.sentBehindOthers;
      if ((err.retriable || reordered) && batch.attempts <= this.retry.retries) {
        sender.recovering = true;
        insertByOrder(sender.retry, batch);
        waitsForResend = true;
        if (!reordered) {
          const delayMs = backoffMs(batch.attempts - 1, this.retry, this.internals.retryHooks?.random);
          this.internals.retryHooks?.onRetry?.(err, batch.attempts - 1, delayMs);
          sender.recoveryDelayMs = Math.max(sender.recoveryDelayMs, delayMs);
        }
      } else {
        this.fail(batch, err);
        if (this.options.idempotent) {
          sender.holeKeepsLater = (sender.holeBelowOrder < 0 || sender.holeKeepsLater) && err.code === 'BATCH_TOO_LARGE';
          sender.holeBelowOrder = sender.holeBelowOrder < 0 ? batch.order : Math.min(sender.holeBelowOrder, batch.order);
          sender.recovering = true; // nothing new goes out until the sequence restarts
        }
      }
    }
    if (sender.holeBelowOrder >= 0) {
      // Batches waiting for a resend after the hole were not stored: they fail too.
      const hole = sender.holeBelowOrder;
      for (let i = sender.retry.length - 1; i >= 0; i--) {
        const waiting = sender.retry[i]!;
        if (waiting.order <= hole || (sender.holeKeepsLater && !waiting.maybeStored)) continue;
        sender.retry.splice(i, 1);
        if (waiting === batch) waitsForResend = false;
        this.fail(waiting, new SluiceError(err.code, `an earlier batch of ${waiting.topic}/${waiting.partition} failed: ${err.message}`));
        if (waiting !== batch) this.release(waiting);
      }
    }
    if (!waitsForResend) this.release(batch);
    this.pump(sender);
    this.notifyIfIdle();
  }

  /**
   * Replaces a batch the broker refused as too large by two halves in its place: the same position
   * in the partition's order and, when idempotent, the same epoch and sequence range (first half
   * from its base sequence), so batches after it keep theirs. The partition recovers: the halves go
   * out one at a time, before any later batch.
   */
  private splitForResend(sender: PartitionSender, batch: ProducerBatch): void {
    const [first, second] = this.accumulator.split(batch);
    for (const other of sender.inFlight) if (other.order > batch.order) other.order++;
    for (const other of sender.retry) if (other.order > batch.order) other.order++;
    if (sender.holeBelowOrder > batch.order) sender.holeBelowOrder++;
    sender.nextOrder++;
    first.order = batch.order;
    second.order = batch.order + 1;
    this.encode(first, batch.producerEpoch, batch.baseSequence);
    this.encode(second, batch.producerEpoch, (batch.baseSequence + first.builder.recordCount) % SEQUENCE_MODULUS);
    insertByOrder(sender.retry, first);
    insertByOrder(sender.retry, second);
    sender.recovering = true;
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
    for (const sender of this.senders.values()) if (sender.inFlight.length > 0 || sender.retry.length > 0) return false;
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

function removeFrom(list: ProducerBatch[], batch: ProducerBatch): void {
  const at = list.indexOf(batch);
  if (at >= 0) list.splice(at, 1);
}

function insertByOrder(list: ProducerBatch[], batch: ProducerBatch): void {
  let at = list.length;
  while (at > 0 && list[at - 1]!.order > batch.order) at--;
  list.splice(at, 0, batch);
}
