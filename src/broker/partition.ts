/**
 * One partition replica on this broker: its log, its high watermark, and the produce and fetch
 * paths over it. Batches are stored and served as bytes; only batch headers are read.
 *
 * Today every partition has one replica, so an append is committed once it is stored locally;
 * `Replicator` is the seam where Raft replication plugs in (commit = majority stored).
 */
import { batchExpiresAt, readBatchHeader, type BatchHeader } from '../protocol/batch.js';
import { SluiceError } from '../protocol/errors.js';
import type { AppendResult, PartitionLog } from '../storage/types.js';
import type { TopicConfig } from '../config/topic-config.js';

export type Acks = 0 | 1 | -1;

export interface FetchResult {
  batches: Buffer[];
  bytes: number;
  highWatermark: number;
  logStartOffset: number;
  logEndOffset: number;
  nextOffset: number;
  expiredRecords: number;
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
  /** Called once per fetch answer with data (metrics); `endOffset` follows the last batch served. */
  onServed?(records: number, bytes: number, endOffset: number): void;
}

/** How many wholly expired batches one fetch may skip over before answering. */
const EXPIRED_BATCH_SKIPS_MAX = 1024;

export class Partition {
  private highWatermark: number;
  private waiters = new Set<() => void>();
  private lastAppend: Promise<unknown> = Promise.resolve();

  constructor(
    readonly topic: string,
    readonly index: number,
    readonly log: PartitionLog,
    private readonly config: () => Readonly<TopicConfig>,
    readonly leaderEpoch: number,
    private readonly hooks: PartitionHooks = {},
    private readonly now: () => number = Date.now,
  ) {
    // A single replica's whole log is committed: it was acknowledged only once stored.
    this.highWatermark = log.logEndOffset();
  }

  get hw(): number {
    return this.highWatermark;
  }

  /**
   * Appends a validated batch. acks=0 answers before the append; 1 and all once it is committed
   * (the same while a partition has a single replica).
   */
  async produce(batch: Buffer, header: BatchHeader, acks: Acks): Promise<AppendResult | undefined> {
    const maxBytes = this.config()['max.message.bytes'];
    if (batch.length > maxBytes) {
      throw new SluiceError('BATCH_TOO_LARGE', `batch of ${batch.length} bytes exceeds max.message.bytes=${maxBytes} of topic "${this.topic}"`);
    }
    const appendedAtMs = this.now();
    const appended = this.log.append(batch, this.leaderEpoch).then((result) => {
      this.advanceHighWatermark(result.lastOffset + 1);
      this.hooks.onCommitted?.(header, batch.length, appendedAtMs, result.lastOffset + 1);
      return result;
    });
    this.lastAppend = appended.catch(() => undefined);
    if (acks === 0) {
      appended.catch((err: unknown) => console.error(`acks=0 append to ${this.topic}/${this.index} failed:`, err));
      return undefined;
    }
    return appended;
  }

  /** Resolves when every append issued so far has settled (graceful shutdown). */
  drain(): Promise<unknown> {
    return this.lastAppend;
  }

  private advanceHighWatermark(offset: number): void {
    if (offset <= this.highWatermark) return;
    this.highWatermark = offset;
    this.wakeFetchers();
  }

  /** Ends every waiting long-poll now (new data, truncation, shutdown). */
  wakeFetchers(): void {
    const waiters = this.waiters;
    this.waiters = new Set();
    for (const wake of waiters) wake();
  }

  /** After deletePrefix/truncate the high watermark must stay inside the log. */
  clampHighWatermark(): void {
    this.highWatermark = Math.min(Math.max(this.highWatermark, this.log.logStartOffset()), this.log.logEndOffset());
    this.wakeFetchers();
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
    const deadline = this.now() + spec.maxWaitMs;
    for (;;) {
      this.checkOffset(spec.offset);
      const result = await this.readCommitted(spec.offset, spec.maxBytes);
      const remainingMs = deadline - this.now();
      if (result.bytes >= Math.max(spec.minBytes, 1) || result.nextOffset !== spec.offset || remainingMs <= 0 || spec.signal?.aborted) {
        return result;
      }
      await this.waitForData(remainingMs, spec.signal);
    }
  }

  private waitForData(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      signal?.addEventListener('abort', done, { once: true });
      this.waiters.add(done);
    });
  }

  /** Committed batches from `offset`, skipping wholly expired ones (never delivered, counted). */
  private async readCommitted(offset: number, maxBytes: number): Promise<FetchResult> {
    const ttlMs = this.config()['message.ttl.ms'];
    const nowMs = this.now();
    const batches: Buffer[] = [];
    let bytes = 0;
    let expiredRecords = 0;
    let servedRecords = 0;
    let position = offset;
    for (let skips = 0; skips < EXPIRED_BATCH_SKIPS_MAX && position < this.highWatermark; ) {
      const read = await this.log.read(position, maxBytes - bytes, this.highWatermark);
      if (read.length === 0) break;
      for (const batch of read) {
        const header = readBatchHeader(batch);
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
    if (servedRecords > 0) this.hooks.onServed?.(servedRecords, bytes, position);
    return {
      batches,
      bytes,
      highWatermark: this.highWatermark,
      logStartOffset: this.log.logStartOffset(),
      logEndOffset: this.log.logEndOffset(),
      nextOffset: position,
      expiredRecords,
    };
  }

  /** -2 earliest, -1 latest (high watermark), else the first offset at or after the timestamp. */
  listOffset(timestamp: number): number {
    if (timestamp === -2) return this.log.logStartOffset();
    if (timestamp === -1) return this.highWatermark;
    if (timestamp < 0) throw new SluiceError('INVALID_REQUEST', `timestamp must be -2, -1 or >= 0, got ${timestamp}`);
    return Math.min(Math.max(this.log.offsetForTimestamp(timestamp), this.log.logStartOffset()), this.highWatermark);
  }
}
