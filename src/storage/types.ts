/**
 * The storage contract: one LevelDB per broker holding many partition logs, plus small metadata
 * values (topic registry, later Raft hard state). A partition log is an append-only sequence of
 * record batches; offsets are record offsets, gapless, assigned by `append` in order.
 *
 * Ranges are half-open: a log holds offsets [logStartOffset, logEndOffset).
 */

export type FlushPolicy =
  /** fsync (LevelDB sync write) before an append resolves. */
  | { kind: 'always' }
  /** No sync per write; a sync write every `intervalMs` persists everything before it. */
  | { kind: 'interval'; intervalMs: number }
  /** Never sync; the OS writes back in its own time. */
  | { kind: 'never' };

/** What the in-memory index knows of each stored batch, without reading its bytes. */
export interface BatchMeta {
  baseOffset: number;
  /** Offset of the batch's last record. */
  lastOffset: number;
  /** Stored size of the batch in bytes. */
  sizeBytes: number;
  recordCount: number;
  /** Largest record timestamp in the batch, ms since the epoch. */
  maxTimestamp: number;
  /** Raft term of the leader that appended it (the batch's leaderEpoch field). */
  leaderEpoch: number;
  /** Batch header fields that decide TTL expiry (see batchExpiresAt in protocol/batch.ts). */
  attributes: number;
  expireTimestamp: number;
}

export interface AppendResult {
  baseOffset: number;
  lastOffset: number;
}

export interface PartitionLog {
  /** First offset still stored (moves forward with deletePrefix). */
  logStartOffset(): number;
  /** Offset the next appended record gets. */
  logEndOffset(): number;
  /** Bytes of all stored batches. */
  sizeBytes(): number;
  /** Index entries of stored batches, oldest first (a read-only view; do not mutate). */
  batches(): readonly BatchMeta[];

  /**
   * Stamps `batch` (already validated: see validateBatch) with base offset = logEndOffset() and
   * `leaderEpoch`, and stores it. Offsets are assigned synchronously in call order; the promise
   * resolves once LevelDB has the write (and, with flush `always`, synced it). Appends resolve in
   * call order.
   */
  append(batch: Buffer, leaderEpoch: number): Promise<AppendResult>;

  /**
   * Stores a batch that already carries its base offset (a follower copying the leader's log).
   * Throws unless batch.baseOffset === logEndOffset().
   */
  appendStamped(batch: Buffer): Promise<AppendResult>;

  /**
   * Whole stored batches from the one holding `fromOffset` on, up to `maxBytes` in total, but at
   * least one batch when any exists at or after `fromOffset` (so a large batch is never stuck).
   * Returns [] when fromOffset >= logEndOffset(). Throws OFFSET_OUT_OF_RANGE (SluiceError) when
   * fromOffset < logStartOffset() or > logEndOffset(). `upToOffset` (exclusive, default
   * logEndOffset()) stops before batches that start at or after it, e.g. the high watermark.
   */
  read(fromOffset: number, maxBytes: number, upToOffset?: number): Promise<Buffer[]>;

  /** First offset of the first batch whose maxTimestamp >= timestampMs, or logEndOffset(). */
  offsetForTimestamp(timestampMs: number): number;

  /**
   * Removes every batch at or after `offset`, which must be a batch boundary in
   * [logStartOffset, logEndOffset]; logEndOffset becomes `offset`. (A follower discarding an
   * uncommitted suffix after a leader change.)
   */
  truncateSuffix(offset: number): Promise<void>;

  /**
   * Removes every batch whose last offset is below `offset` and makes logStartOffset = `offset`
   * (which may fall inside a batch, as in Kafka). `offset` may exceed logEndOffset (a follower
   * jumping to a leader's log start): the log then becomes empty and starts and ends there.
   */
  deletePrefix(offset: number): Promise<void>;
}

export interface LogStore {
  /** Opens (creating if absent) the partition log with this id, recovering it from disk. */
  openLog(logId: number): Promise<PartitionLog>;
  /** Deletes every batch and index entry of the log, e.g. when its topic is deleted. */
  dropLog(logId: number): Promise<void>;
  /** Small metadata values (topic registry, hard state), stored with sync. */
  getMeta(key: string): Promise<Buffer | undefined>;
  putMeta(key: string, value: Buffer): Promise<void>;
  deleteMeta(key: string): Promise<void>;
  listMeta(prefix: string): Promise<Array<[string, Buffer]>>;
  /** Syncs everything written so far (used by the `interval` flush policy and on shutdown). */
  sync(): Promise<void>;
  close(): Promise<void>;
}
