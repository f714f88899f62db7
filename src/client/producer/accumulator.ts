/**
 * Collects records into one open batch per partition, encoded at once into the batch's growing
 * buffer (`BatchBuilder`: no per-record objects), and hands batches to the sender in order.
 *
 * A batch is closed (ready) when the next record would push it past `batchBytesMax`, when its acks
 * differ from the next record's, or when the next record's timestamp is before the batch's first
 * (the header's firstTimestamp is the smallest). It becomes *sendable* when it has waited
 * `lingerMs` or on `closeAll()` (flush), but stays open and keeps growing until the sender takes
 * it: when the round trip is slower than the linger time, fewer larger requests go out instead of
 * a queue of small ones that grows without bound (measured: e2e latency at 10k records/s,
 * docs/PERFORMANCE.md).
 *
 * Memory is bounded by `bufferBytesMax`: `reserve` waits (FIFO, so callers keep their order) until
 * enough buffered bytes are `release`d by completed batches.
 */
import { BufferPool } from './buffer-pool.js';
import { BatchBuilder, decodeBatch, type RecordInput } from '../../protocol/batch.js';
import type { Clock, TimerHandle } from '../../runtime/clock.js';
import type { Acks } from './types.js';

/** Whoever appended records learns here what became of them (the producer: one per `send()` call). */
export interface BatchOwner {
  /** Records [first, first + count) of the owner were stored at `baseOffset` onwards (-1 with acks=0). */
  acknowledged(first: number, count: number, partition: number, baseOffset: number): void;
  failed(err: Error): void;
}

/** A run of one owner's consecutive records inside a batch. */
export interface BatchSegment {
  owner: BatchOwner;
  /** Index of the run's first record among the owner's records. */
  first: number;
  /** Index of the run's first record in the batch (its offset delta). */
  batchIndex: number;
  count: number;
}

export interface ProducerBatch {
  topic: string;
  partition: number;
  acks: Acks;
  builder: BatchBuilder;
  segments: BatchSegment[];
  /** Estimated encoded size, in bytes, at or above the real one; also what the batch holds of the buffer. */
  sizeBytes: number;
  /** Linger passed or flush asked: the sender may take it although it is not full. */
  sendable: boolean;
  // Set once the batch leaves the accumulator (partition-sender.ts keeps its place and stamp).
  /** Encoded once; every retry resends these bytes (restamped only when its sequence restarts). */
  encoded: Buffer | undefined;
  /** Writes the whole ProduceRequest around `encoded` (same memory, envelope in the headroom) for one attempt's correlation id. */
  request: ((correlationId: number) => Buffer) | undefined;
}

export interface AccumulatorOptions {
  lingerMs: number;
  batchBytesMax: number;
  bufferBytesMax: number;
  /** Runs the linger timers; a 0 ms linger runs on `defer`, after pending I/O, not after a 1 ms timer. */
  clock: Clock;
  /** A batch of this partition closed or became sendable; the sender may `takeReady`. */
  onReady: (topic: string, partition: number) => void;
  /** Bytes to keep free in front of each batch of `topic` for a request envelope (default none). */
  headroomBytes?: (topic: string) => number;
  /** Buffers kept for reuse once their batch is done (see `recycle`); default 8. */
  pooledBuffers?: number;
}

/** Batch header plus slack; keeps estimates at or above the encoded size. */
export const BATCH_OVERHEAD_BYTES = 69;
/** Length, attributes, timestamp and offset deltas, TTL, key and value lengths, header count. */
export const RECORD_OVERHEAD_BYTES = 24;
const HEADER_OVERHEAD_BYTES = 10;
const DEFAULT_POOLED_BUFFERS = 8;
/** Never start a batch buffer smaller than this. */
const BATCH_BUFFER_INITIAL_BYTES_MIN = 4096;

/** Upper-bound estimate of a record's encoded size, in bytes (key and value are bytes). */
export function estimateRecordBytes(record: RecordInput): number {
  let size = RECORD_OVERHEAD_BYTES + (record.key?.length ?? 0) + (record.value?.length ?? 0);
  for (const header of record.headers ?? []) size += HEADER_OVERHEAD_BYTES + Buffer.byteLength(header.key) + header.value.length;
  return size;
}

export interface PartitionQueue {
  readonly topic: string;
  readonly partition: number;
  open: ProducerBatch | undefined;
  lingerTimer: TimerHandle | undefined;
  ready: ProducerBatch[];
  /** Estimated size of the partition's last batch: the next one's buffer starts this big. */
  lastBatchBytes: number;
  headroomBytes: number;
}

interface SpaceWaiter {
  bytes: number;
  resolve: () => void;
}

export class RecordAccumulator {
  private readonly topics = new Map<string, PartitionQueue[]>();
  private readonly spaceWaiters: SpaceWaiter[] = [];
  private usedBytes = 0;

  private readonly buffers: BufferPool;

  constructor(private readonly options: AccumulatorOptions) {
    this.buffers = new BufferPool(options.pooledBuffers ?? DEFAULT_POOLED_BUFFERS, 2 * options.batchBytesMax);
  }

  /** Bytes reserved by records not yet completed. */
  get bufferedBytes(): number {
    return this.usedBytes;
  }

  get waitingForSpace(): number {
    return this.spaceWaiters.length;
  }

  /**
   * Reserves `bytes` of the buffer. Returns undefined when reserved at once, else a promise that
   * resolves once reserved. Waiters are served first come, first served.
   */
  reserve(bytes: number): Promise<void> | undefined {
    if (bytes > this.options.bufferBytesMax) {
      throw new RangeError(`a record of ${bytes} bytes exceeds bufferBytesMax ${this.options.bufferBytesMax}`);
    }
    if (this.spaceWaiters.length === 0 && this.usedBytes + bytes <= this.options.bufferBytesMax) {
      this.usedBytes += bytes;
      return undefined;
    }
    return new Promise((resolve) => this.spaceWaiters.push({ bytes, resolve }));
  }

  /** A sent batch is done (acknowledged, or failed for good): its buffer may hold the next one. */
  recycle(batch: ProducerBatch): void {
    this.buffers.give(batch.builder.takeBuffer());
  }

  release(bytes: number): void {
    this.usedBytes -= bytes;
    if (this.usedBytes < 0) throw new Error(`accumulator released more than it reserved (${this.usedBytes})`);
    while (this.spaceWaiters.length > 0) {
      const next = this.spaceWaiters[0]!;
      if (this.usedBytes + next.bytes > this.options.bufferBytesMax) break;
      this.spaceWaiters.shift();
      this.usedBytes += next.bytes;
      next.resolve();
    }
  }

  /** The queue of one partition (created on first use); callers keep it across records of a send. */
  queue(topic: string, partition: number): PartitionQueue {
    let queues = this.topics.get(topic);
    if (!queues) {
      queues = [];
      this.topics.set(topic, queues);
    }
    let queue = queues[partition];
    if (!queue) {
      queue = {
        topic,
        partition,
        open: undefined,
        lingerTimer: undefined,
        ready: [],
        lastBatchBytes: BATCH_BUFFER_INITIAL_BYTES_MIN,
        headroomBytes: this.options.headroomBytes?.(topic) ?? 0,
      };
      queues[partition] = queue;
    }
    return queue;
  }

  /**
   * The open batch that takes the next record of `queue` (`sizeBytes` reserved, stamped
   * `timestamp`); closes the current one first when the record does not belong in it. The caller
   * appends the record to `batch.builder`, then calls `appended`.
   */
  batchFor(queue: PartitionQueue, acks: Acks, sizeBytes: number, timestamp: number): ProducerBatch {
    const open = queue.open;
    if (open) {
      if (open.acks === acks && open.sizeBytes + sizeBytes <= this.options.batchBytesMax && timestamp >= open.builder.baseTimestamp) return open;
      this.close(queue);
    }
    const initialBytes = Math.min(this.options.batchBytesMax, Math.max(queue.lastBatchBytes, sizeBytes + BATCH_OVERHEAD_BYTES));
    const builder = new BatchBuilder(timestamp, initialBytes, queue.headroomBytes, this.buffers.take);
    const batch = newBatch(queue.topic, queue.partition, acks, builder, BATCH_OVERHEAD_BYTES, false);
    this.usedBytes += BATCH_OVERHEAD_BYTES;
    queue.open = batch;
    this.armLinger(queue, batch);
    return batch;
  }

  /** Accounts a record just appended to `batch.builder`: record `index` of `owner`. */
  appended(queue: PartitionQueue, batch: ProducerBatch, sizeBytes: number, owner: BatchOwner, index: number): void {
    batch.sizeBytes += sizeBytes;
    const segments = batch.segments;
    const last = segments[segments.length - 1];
    if (last !== undefined && last.owner === owner && last.first + last.count === index) last.count++;
    else segments.push({ owner, first: index, batchIndex: batch.builder.recordCount - 1, count: 1 });
    if (batch.sizeBytes >= this.options.batchBytesMax) this.close(queue);
  }

  /**
   * Splits a sent batch (`encoded`) into two new unsent batches holding its first `at` records and
   * the rest, for a broker that refused it as too large. The halves share its buffer reservation
   * and segments; its own buffer goes back to the pool.
   */
  split(batch: ProducerBatch, at: number): [ProducerBatch, ProducerBatch] {
    const { records } = decodeBatch(batch.encoded!);
    if (!(at > 0 && at < records.length)) throw new Error(`cannot split a batch of ${records.length} records at ${at}`);
    const headroomBytes = this.queue(batch.topic, batch.partition).headroomBytes;
    const halves = [records.slice(0, at), records.slice(at)].map((part): ProducerBatch => {
      let baseTimestamp = Infinity;
      let sizeBytes = BATCH_OVERHEAD_BYTES;
      for (const record of part) {
        baseTimestamp = Math.min(baseTimestamp, record.timestamp);
        sizeBytes += estimateRecordBytes(record);
      }
      const builder = new BatchBuilder(baseTimestamp, sizeBytes, headroomBytes, this.buffers.take);
      for (const r of part) builder.append(r.key, r.key?.length ?? -1, r.value, r.value?.length ?? -1, r.headers, r.timestamp, r.ttlMs);
      return newBatch(batch.topic, batch.partition, batch.acks, builder, sizeBytes, true);
    }) as [ProducerBatch, ProducerBatch];
    // Segments by record index, one cut at `at`.
    for (const segment of batch.segments) {
      const end = segment.batchIndex + segment.count;
      if (segment.batchIndex < at) halves[0].segments.push({ owner: segment.owner, first: segment.first, batchIndex: segment.batchIndex, count: Math.min(end, at) - segment.batchIndex });
      if (end > at) {
        const skip = Math.max(0, at - segment.batchIndex);
        halves[1].segments.push({ owner: segment.owner, first: segment.first + skip, batchIndex: segment.batchIndex + skip - at, count: segment.count - skip });
      }
    }
    // The halves hold exactly what the batch held of the buffer, in proportion to their estimates.
    const firstBytes = Math.round((batch.sizeBytes * halves[0].sizeBytes) / (halves[0].sizeBytes + halves[1].sizeBytes));
    halves[1].sizeBytes = batch.sizeBytes - firstBytes;
    halves[0].sizeBytes = firstBytes;
    this.recycle(batch);
    return halves;
  }

  /** Makes every open batch sendable so it goes without waiting for its linger time (flush). */
  closeAll(): void {
    for (const queues of this.topics.values()) for (const queue of queues) if (queue?.open) this.markSendable(queue);
  }

  /** The partition's oldest batch the sender may send now, removed from the accumulator. */
  takeReady(topic: string, partition: number): ProducerBatch | undefined {
    const queue = this.topics.get(topic)?.[partition];
    if (!queue) return undefined;
    if (queue.ready.length > 0) return queue.ready.shift();
    if (queue.open?.sendable) {
      this.close(queue, false);
      return queue.ready.shift();
    }
    return undefined;
  }

  /** Partitions with a batch the sender may take. */
  readyPartitions(): Array<{ topic: string; partition: number }> {
    const out: Array<{ topic: string; partition: number }> = [];
    for (const queues of this.topics.values()) {
      for (const queue of queues) if (queue && (queue.ready.length > 0 || queue.open?.sendable)) out.push({ topic: queue.topic, partition: queue.partition });
    }
    return out;
  }

  /** True when no record is waiting in an open or closed batch. */
  isEmpty(): boolean {
    for (const queues of this.topics.values()) for (const queue of queues) if (queue && (queue.open || queue.ready.length > 0)) return false;
    return true;
  }

  /** Fails every buffered record (close without flush, or the producer cannot go on). */
  abort(err: Error): void {
    for (const queues of this.topics.values()) {
      for (const queue of queues) {
        if (!queue) continue;
        this.options.clock.clearTimer(queue.lingerTimer);
        queue.lingerTimer = undefined;
        const batches = queue.open ? [...queue.ready, queue.open] : queue.ready;
        queue.ready = [];
        queue.open = undefined;
        for (const batch of batches) {
          for (const segment of batch.segments) segment.owner.failed(err);
          this.release(batch.sizeBytes);
        }
      }
    }
  }

  /**
   * Makes `batch` sendable after `lingerMs` if it is still the open one then. A deferred callback
   * cannot be cancelled, hence the check; a timer is also cleared once the batch closes.
   */
  private armLinger(queue: PartitionQueue, batch: ProducerBatch): void {
    const expire = (): void => {
      if (queue.open !== batch) return;
      queue.lingerTimer = undefined;
      this.markSendable(queue);
    };
    if (this.options.lingerMs > 0) queue.lingerTimer = this.options.clock.setTimeout(expire, this.options.lingerMs);
    else this.options.clock.defer(expire);
  }

  private markSendable(queue: PartitionQueue): void {
    const open = queue.open;
    if (!open || open.sendable) return;
    this.options.clock.clearTimer(queue.lingerTimer);
    queue.lingerTimer = undefined;
    open.sendable = true;
    this.options.onReady(queue.topic, queue.partition);
  }

  private close(queue: PartitionQueue, notify = true): void {
    this.options.clock.clearTimer(queue.lingerTimer);
    queue.lingerTimer = undefined;
    const batch = queue.open;
    if (!batch) return;
    queue.open = undefined;
    queue.lastBatchBytes = Math.max(BATCH_BUFFER_INITIAL_BYTES_MIN, batch.sizeBytes);
    batch.sendable = true;
    queue.ready.push(batch);
    if (notify) this.options.onReady(queue.topic, queue.partition);
  }
}

/** A batch not yet sealed: not encoded, never sent. */
function newBatch(topic: string, partition: number, acks: Acks, builder: BatchBuilder, sizeBytes: number, sendable: boolean): ProducerBatch {
  return {
    topic,
    partition,
    acks,
    builder,
    segments: [],
    sizeBytes,
    sendable,
    encoded: undefined,
    request: undefined,
  };
}
