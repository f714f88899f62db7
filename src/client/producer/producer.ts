/**
 * The batching producer. `send` partitions records, reserves buffer space (waiting when the buffer is
 * full), and appends them to per-partition batches; a sender pumps closed batches to each
 * partition's leader.
 *
 * Ordering: at most one request is in flight per partition, so a retried batch can never overtake
 * a later one (there is no idempotent producer yet to make pipelining safe). Different partitions
 * are sent concurrently. Retries may duplicate a batch whose acknowledgement was lost.
 */
import { encodeBatch, type RecordHeader, type RecordInput } from '../../protocol/batch.js';
import { fromServiceError, SluiceError } from '../../protocol/errors.js';
import type { ProduceResponse__Output } from '../../protocol/generated/sluice/v1/ProduceResponse.js';
import { Cluster, unary } from '../cluster.js';
import { DefaultPartitioner, type Partitioner } from '../partitioner.js';
import { withRetry, type RetryHooks } from '../retry.js';
import { estimateRecordBytes, RecordAccumulator, type Completion, type ProducerBatch, type Timers } from './accumulator.js';
import { parseAcks, resolveProducerOptions, type ProducerOptions, type ResolvedProducerOptions } from './options.js';
import type { Acks, ProducerRecord, RecordMetadata, SendRequest } from './types.js';

/** Test seams: time and randomness. */
export interface ProducerInternals {
  timers?: Timers;
  retryHooks?: RetryHooks;
}

export class Producer {
  private readonly options: ResolvedProducerOptions;
  private readonly partitioner: Partitioner;
  private readonly accumulator: RecordAccumulator;
  private readonly inFlight = new Set<string>();
  /** Appends run one `send` after another so concurrent sends keep their call order per partition. */
  private appendChain: Promise<void> = Promise.resolve();
  private idleWaiters: Array<() => void> = [];
  private closed = false;

  constructor(
    private readonly cluster: Cluster,
    options: ProducerOptions = {},
    private readonly internals: ProducerInternals = {},
  ) {
    this.options = resolveProducerOptions(options);
    this.partitioner = options.partitioner ?? new DefaultPartitioner();
    this.accumulator = new RecordAccumulator({
      lingerMs: this.options.lingerMs,
      batchBytesMax: this.options.batchBytesMax,
      bufferBytesMax: this.options.bufferBytesMax,
      ...(internals.timers ? { timers: internals.timers } : {}),
      onReady: (topic, partition) => {
        this.partitioner.onBatchClosed(topic, partition);
        this.pump(topic, partition);
      },
    });
  }

  /** Resolves with one RecordMetadata per record, in order, once every record is acknowledged. */
  send(request: SendRequest): Promise<RecordMetadata[]> {
    if (this.closed) return Promise.reject(new Error('producer is closed'));
    const acks = request.acks === undefined ? this.options.acks : parseAcks(request.acks);
    const appended = this.appendChain.then(() => this.appendAll(request.topic, request.records, acks));
    this.appendChain = appended.then(
      () => undefined,
      () => undefined,
    );
    return appended.then((acknowledgements) => Promise.all(acknowledgements));
  }

  /** Sends every buffered record now and resolves when all of them are acknowledged or failed. */
  async flush(): Promise<void> {
    await this.appendChain;
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
      this.cluster.close();
    }
  }

  /** Bytes held by buffered and in-flight records. */
  get bufferedBytes(): number {
    return this.accumulator.bufferedBytes;
  }

  private async appendAll(topic: string, records: ProducerRecord[], acks: Acks): Promise<Promise<RecordMetadata>[]> {
    const numPartitions = await withRetry(() => this.cluster.partitionCount(topic), this.cluster.options.retry, this.internals.retryHooks);
    const acknowledgements: Promise<RecordMetadata>[] = [];
    for (const record of records) {
      const input = toRecordInput(record);
      const partition = this.partitioner.partition({ topic, key: input.key ?? null, partition: record.partition, numPartitions });
      const sizeBytes = estimateRecordBytes(input);
      const reserved = this.accumulator.reserve(sizeBytes);
      if (reserved) await reserved;
      const acknowledgement = new Promise<RecordMetadata>((resolve, reject) => {
        const completion: Completion = { resolve, reject };
        this.accumulator.append(topic, partition, acks, input, sizeBytes, completion);
      });
      // A batch may fail while later records are still being appended; `send` reports it via
      // Promise.all, this only keeps Node from flagging the rejection as unhandled meanwhile.
      acknowledgement.catch(() => undefined);
      acknowledgements.push(acknowledgement);
    }
    return acknowledgements;
  }

  private pump(topic: string, partition: number): void {
    const key = `${topic}\u0000${partition}`;
    if (this.inFlight.has(key)) return;
    const batch = this.accumulator.takeReady(topic, partition);
    if (!batch) return;
    this.inFlight.add(key);
    void this.sendBatch(batch).finally(() => {
      this.inFlight.delete(key);
      this.accumulator.release(batch.sizeBytes);
      this.pump(topic, partition);
      this.notifyIfIdle();
    });
  }

  private async sendBatch(batch: ProducerBatch): Promise<void> {
    try {
      const encoded = encodeBatch(batch.records, { compression: this.options.compression });
      const response = await withRetry(
        async () => {
          const address = await this.cluster.leaderAddress(batch.topic, batch.partition);
          try {
            return await unary<ProduceResponse__Output>((cb) =>
              this.cluster.broker(address).Produce(
                { topic: batch.topic, partition: batch.partition, acks: batch.acks, timeoutMs: this.options.ackTimeoutMs, batch: encoded },
                this.cluster.deadline(this.options.ackTimeoutMs),
                cb,
              ),
            );
          } catch (raw) {
            const err = fromServiceError(raw);
            this.cluster.noteError(batch.topic, err);
            throw err;
          }
        },
        this.cluster.options.retry,
        this.internals.retryHooks,
      );
      batch.completions.forEach((completion, i) => {
        completion.resolve({
          topic: batch.topic,
          partition: batch.partition,
          offset: batch.acks === 0 ? -1 : response.baseOffset + i,
          timestamp: batch.records[i]!.timestamp!,
        });
      });
    } catch (raw) {
      const err = raw instanceof Error ? raw : new SluiceError('INTERNAL', String(raw));
      for (const completion of batch.completions) completion.reject(err);
    }
  }

  private isIdle(): boolean {
    return this.inFlight.size === 0 && this.accumulator.isEmpty();
  }

  private notifyIfIdle(): void {
    if (!this.isIdle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

function toBuffer(value: Buffer | string): Buffer {
  return typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
}

function toHeaders(headers: ProducerRecord['headers']): RecordHeader[] {
  if (!headers) return [];
  if (Array.isArray(headers)) return headers.map((header) => ({ key: header.key, value: toBuffer(header.value) }));
  return Object.entries(headers).map(([key, value]) => ({ key, value: toBuffer(value) }));
}

/** Normalises an application record; stamps the send time so the caller learns the timestamp. */
export function toRecordInput(record: ProducerRecord, nowMs = Date.now()): RecordInput {
  if (record.ttlMs !== undefined && !(Number.isInteger(record.ttlMs) && record.ttlMs > 0)) {
    throw new RangeError(`ttlMs must be a positive integer, got ${record.ttlMs}`);
  }
  const input: RecordInput = {
    key: record.key === undefined || record.key === null ? null : toBuffer(record.key),
    value: record.value === null ? null : toBuffer(record.value),
    headers: toHeaders(record.headers),
    timestamp: record.timestamp ?? nowMs,
  };
  if (record.ttlMs !== undefined) input.ttlMs = record.ttlMs;
  return input;
}
