/**
 * Collects records into one open batch per partition and hands closed batches to the sender in order.
 * A batch closes when the next record would push it past `batchBytesMax`, when it has waited
 * `lingerMs`, when its acks differ from the next record's, or on `closeAll()` (flush). A closed
 * batch that fits into the partition's last unsent batch joins it.
 *
 * Memory is bounded by `bufferBytesMax`: `reserve` waits (FIFO, so callers keep their order) until
 * enough buffered bytes are `release`d by completed batches.
 */
import type { RecordInput } from '../../protocol/batch.js';
import type { Acks, RecordMetadata } from './types.js';

export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const REAL_TIMERS: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface Completion {
  resolve(metadata: RecordMetadata): void;
  reject(err: Error): void;
}

export interface ProducerBatch {
  topic: string;
  partition: number;
  acks: Acks;
  records: RecordInput[];
  completions: Completion[];
  /** Estimated encoded size, in bytes; also what the batch holds of the buffer. */
  sizeBytes: number;
}

export interface AccumulatorOptions {
  lingerMs: number;
  batchBytesMax: number;
  bufferBytesMax: number;
  timers?: Timers;
  /** A batch of this partition closed and waits in `takeReady`. */
  onReady: (topic: string, partition: number) => void;
}

/** Batch header plus slack for varint framing; keeps estimates at or above the encoded size. */
export const BATCH_OVERHEAD_BYTES = 69;
const RECORD_OVERHEAD_BYTES = 24;

/** Upper-bound estimate of a record's encoded size, in bytes. */
export function estimateRecordBytes(record: RecordInput): number {
  let size = RECORD_OVERHEAD_BYTES + (record.key?.length ?? 0) + (record.value?.length ?? 0);
  for (const header of record.headers ?? []) size += 10 + Buffer.byteLength(header.key) + header.value.length;
  return size;
}

interface PartitionQueue {
  topic: string;
  partition: number;
  open: ProducerBatch | undefined;
  lingerTimer: unknown;
  ready: ProducerBatch[];
}

interface SpaceWaiter {
  bytes: number;
  resolve: () => void;
}

export class RecordAccumulator {
  private readonly queues = new Map<string, PartitionQueue>();
  private readonly spaceWaiters: SpaceWaiter[] = [];
  private readonly timers: Timers;
  private usedBytes = 0;

  constructor(private readonly options: AccumulatorOptions) {
    this.timers = options.timers ?? REAL_TIMERS;
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

  /**
   * Adds a record (whose `sizeBytes` were reserved) to its partition's open batch.
   * Returns true if this closed the previous open batch of that partition.
   */
  append(topic: string, partition: number, acks: Acks, record: RecordInput, sizeBytes: number, completion: Completion): boolean {
    const queue = this.queue(topic, partition);
    let closedPrevious = false;
    const open = queue.open;
    if (open && (open.acks !== acks || open.sizeBytes + sizeBytes > this.options.batchBytesMax)) {
      this.close(queue);
      closedPrevious = true;
    }
    if (!queue.open) {
      queue.open = { topic, partition, acks, records: [], completions: [], sizeBytes: BATCH_OVERHEAD_BYTES };
      this.usedBytes += BATCH_OVERHEAD_BYTES;
      queue.lingerTimer = this.timers.setTimeout(() => {
        queue.lingerTimer = undefined;
        if (queue.open) this.close(queue);
      }, this.options.lingerMs);
    }
    const batch = queue.open!;
    batch.records.push(record);
    batch.completions.push(completion);
    batch.sizeBytes += sizeBytes;
    if (batch.sizeBytes >= this.options.batchBytesMax) this.close(queue);
    return closedPrevious;
  }

  /** Closes every open batch so it is sent without waiting for its linger time (flush). */
  closeAll(): void {
    for (const queue of this.queues.values()) if (queue.open) this.close(queue);
  }

  /** The oldest closed batch of the partition, removed from the accumulator. */
  takeReady(topic: string, partition: number): ProducerBatch | undefined {
    return this.queues.get(key(topic, partition))?.ready.shift();
  }

  /** True when no record is waiting in an open or closed batch. */
  isEmpty(): boolean {
    for (const queue of this.queues.values()) if (queue.open || queue.ready.length > 0) return false;
    return true;
  }

  /** Rejects every buffered record (close without flush). */
  abort(err: Error): void {
    for (const queue of this.queues.values()) {
      if (queue.lingerTimer !== undefined) this.timers.clearTimeout(queue.lingerTimer);
      const batches = [...queue.ready, ...(queue.open ? [queue.open] : [])];
      queue.ready = [];
      queue.open = undefined;
      for (const batch of batches) {
        for (const completion of batch.completions) completion.reject(err);
        this.release(batch.sizeBytes);
      }
    }
  }

  private close(queue: PartitionQueue): void {
    if (queue.lingerTimer !== undefined) {
      this.timers.clearTimeout(queue.lingerTimer);
      queue.lingerTimer = undefined;
    }
    const batch = queue.open;
    if (!batch) return;
    queue.open = undefined;
    // A batch still waiting behind the partition's in-flight request absorbs the next one: when the
    // round trip is slower than the linger time, fewer larger requests go out instead of a queue of
    // small ones that grows without bound (measured: e2e latency at 10k records/s, docs/PERFORMANCE.md).
    const waiting = queue.ready[queue.ready.length - 1];
    if (waiting && waiting.acks === batch.acks && waiting.sizeBytes + batch.sizeBytes - BATCH_OVERHEAD_BYTES <= this.options.batchBytesMax) {
      for (let i = 0; i < batch.records.length; i++) {
        waiting.records.push(batch.records[i]!);
        waiting.completions.push(batch.completions[i]!);
      }
      waiting.sizeBytes += batch.sizeBytes - BATCH_OVERHEAD_BYTES;
      this.release(BATCH_OVERHEAD_BYTES);
    } else {
      queue.ready.push(batch);
    }
    this.options.onReady(queue.topic, queue.partition);
  }

  private queue(topic: string, partition: number): PartitionQueue {
    const queueKey = key(topic, partition);
    let queue = this.queues.get(queueKey);
    if (!queue) {
      queue = { topic, partition, open: undefined, lingerTimer: undefined, ready: [] };
      this.queues.set(queueKey, queue);
    }
    return queue;
  }
}

function key(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}
