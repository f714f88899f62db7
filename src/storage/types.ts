/**
 * The storage contract: one LevelDB per broker holding many partition logs, plus small metadata
 * values (topic registry, later Raft hard state). A partition log is an append-only sequence of
 * record batches; offsets are record offsets, gapless, assigned by `append` in order.
 *
 * Ranges are half-open: a log holds offsets [logStartOffset, logEndOffset).
 *
 * A partition log is also a Raft log: one stored batch = one Raft entry, with a consecutive entry
 * index (`entryIndex`) and term = the batch's leaderEpoch. Entries firstEntryIndex() ..
 * lastEntryIndex() are stored; entry firstEntryIndex() - 1 is the log-start marker (the last entry
 * deleted by deletePrefix or covered by installSnapshot): only its index and term are kept. A new
 * log has the marker { index: 0, term: 0 }, so its first entry has index 1.
 *
 * A zero-record batch (recordCount 0, lastOffsetDelta -1, see encodeControlBatch) is a Raft no-op
 * entry: its base offset is the log end offset when appended and it consumes no offset, so it
 * shares its base offset with the batch after it (its lastOffset is baseOffset - 1). Offsets stay
 * gapless and are never reused.
 */
import type { StorageFault } from './storage-fault.js';

export type FlushPolicy =
  /**
   * Durable: an append resolves once a LevelDB sync write holding it completed; one sync write (a
   * group commit) holds every append of every log made while the previous one was in flight.
   */
  | { kind: 'always' }
  /** No sync per write; a sync write every `intervalMs` persists everything before it. */
  | { kind: 'interval'; intervalMs: number }
  /** Never sync; the OS writes back in its own time. */
  | { kind: 'never' };

/** What the in-memory index knows of each stored batch, without reading its bytes. */
export interface BatchMeta {
  /** Raft entry index: consecutive within a log, starting at snapshotMarker().index + 1. */
  entryIndex: number;
  baseOffset: number;
  /** Offset of the batch's last record; baseOffset - 1 for a zero-record batch. */
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
  /** Idempotence header fields (-1 when the producer is not idempotent), for producer dedup state. */
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
}

export interface AppendResult {
  baseOffset: number;
  /** baseOffset - 1 for a zero-record batch. */
  lastOffset: number;
  /** The Raft entry index the batch got. */
  entryIndex: number;
}

/** The entries [from, to) by Raft entry index: what a truncation, prefix deletion or snapshot removed. */
export interface EntryRange {
  from: number;
  to: number;
}

/** The Raft log-start marker: the index and term of the last entry no longer stored. */
export interface SnapshotMarker {
  index: number;
  term: number;
}

export interface PartitionLog {
  /** First offset still stored (moves forward with deletePrefix). */
  logStartOffset(): number;
  /** Offset the next appended record gets. */
  logEndOffset(): number;
  /** Bytes of all stored batches. */
  sizeBytes(): number;
  /** A copy of the stored batches' index entries, oldest first: O(batches), so not for hot paths. */
  batches(): readonly BatchMeta[];
  /**
   * The newest `perProducer` batches with records of each idempotent producer, for the
   * `producersMax` producers that wrote most recently, oldest first: what a new leader rebuilds its
   * producer state from, without an object per stored batch.
   */
  producerBatches(perProducer: number, producersMax: number): BatchMeta[];
  /** The index entry of one stored batch by its Raft entry index, or undefined when not stored. */
  entry(entryIndex: number): BatchMeta | undefined;

  /** Raft index of the first stored entry (= snapshotMarker().index + 1). */
  firstEntryIndex(): number;
  /** Raft index of the last stored entry; snapshotMarker().index when the log is empty. */
  lastEntryIndex(): number;
  /** The log-start marker (index and term of the last entry before firstEntryIndex()). */
  snapshotMarker(): SnapshotMarker;
  /**
   * Term (leaderEpoch) of entry `entryIndex`, for snapshotMarker().index <= entryIndex <=
   * lastEntryIndex() (the marker's term for the marker's index). RangeError outside.
   */
  entryTerm(entryIndex: number): number;
  /**
   * The stored batch of entry `entryIndex` if it is in memory (not yet written, or in the tail
   * cache), without I/O; undefined otherwise or outside the log. Not re-verified: these are the
   * very buffers `append` was given, checked where they entered the broker, never read from disk.
   */
  cachedBatch(entryIndex: number): Buffer | undefined;
  /**
   * Stored batches of the entries [lo, hi), firstEntryIndex() <= lo <= hi <= lastEntryIndex() + 1
   * (RangeError outside), stopping before their total size exceeds `maxBytes` but with at least one
   * when lo < hi. Fewer if a truncation or prefix deletion removed entries during the read.
   * Verified as `read` is (CORRUPT_BATCH when entry `lo` is damaged, cut short before a later one).
   */
  readEntries(lo: number, hi: number, maxBytes: number): Promise<Buffer[]>;

  /**
   * Stamps `batch` (already validated: see validateBatch; zero-record batches are accepted) with
   * base offset = logEndOffset() and `leaderEpoch`, and stores it as entry lastEntryIndex() + 1.
   * The log keeps `batch` (stamped in place, cached, written later): the caller must not reuse it.
   * Offsets and entry indices are assigned synchronously in call order; the promise resolves once
   * LevelDB has the write (and, with flush `always`, synced it). Appends resolve in call order.
   */
  append(batch: Buffer, leaderEpoch: number): Promise<AppendResult>;

  /**
   * Stores a batch that already carries its base offset and leader epoch (a follower copying the
   * leader's entries) as entry `entryIndex`. Throws unless entryIndex === lastEntryIndex() + 1 and
   * batch.baseOffset === logEndOffset().
   */
  appendStamped(batch: Buffer, entryIndex: number): Promise<AppendResult>;

  /**
   * Whole stored batches from the one holding `fromOffset` on, up to `maxBytes` in total, but at
   * least one batch when any exists at or after `fromOffset` (so a large batch is never stuck).
   * Returns [] when fromOffset >= logEndOffset(). Throws OFFSET_OUT_OF_RANGE (SluiceError) when
   * fromOffset < logStartOffset() or > logEndOffset(). `upToOffset` (exclusive, default
   * logEndOffset()) stops before batches that start at or after it, e.g. the high watermark.
   * The first batch returned always holds `fromOffset` (has records); zero-record batches between
   * and after data batches are returned as stored (callers skip them); a zero-record batch at the
   * log end is not returned until a data batch follows it.
   * Batches read back from the medium are verified (CRC32C, header against the index): a damaged
   * first batch throws CORRUPT_BATCH naming the log and offset; a damaged later one cuts the
   * result short before it (the next read, starting there, throws).
   */
  read(fromOffset: number, maxBytes: number, upToOffset?: number): Promise<Buffer[]>;

  /**
   * The earliest offset at or after logStartOffset() whose record's timestamp is >= timestampMs, or
   * logEndOffset() when none is (Kafka's ListOffsets by time). Finds the first data batch whose
   * maxTimestamp reaches the time in the index (O(log batches)), then reads that batch (and, should
   * none of its records qualify, the next such one) and walks its records' timestamps.
   */
  offsetForTimestamp(timestampMs: number): Promise<number>;

  /**
   * Removes every entry at or after Raft index `entryIndex`, firstEntryIndex() <= entryIndex <=
   * lastEntryIndex() + 1 (Raft conflict resolution). logEndOffset becomes the base offset of the
   * first removed batch (or logStartOffset, if that lies inside it). Waits for in-flight appends;
   * appends issued after it land after it. The marker is unchanged.
   */
  truncateSuffix(entryIndex: number): Promise<void>;

  /**
   * Retention: removes every batch whose last offset is below `offset` (including zero-record
   * batches with base offset <= `offset`) and makes logStartOffset = `offset` (which may fall inside
   * a batch, as in Kafka). `offset` may exceed logEndOffset: the log then becomes empty and starts
   * and ends there. The marker becomes the entry index and leaderEpoch of the last removed batch
   * (unchanged when none is removed), persisted before the batches are deleted (a crash in between
   * leaves stale batches that recovery drops).
   */
  deletePrefix(offset: number): Promise<void>;

  /**
   * Empties the log and makes it start (and end) at `logStartOffset` with the marker
   * { index, term }, so the next append gets entry index `index` + 1 (a follower jumping to the
   * leader's log start). Neither the offset nor the index may move backwards.
   */
  installSnapshot(snapshot: { logStartOffset: number; index: number; term: number }): Promise<void>;
}

/**
 * A stored batch that failed verification when it was read back (a read, recovery): the bytes do
 * not hash to their CRC32C, do not match the index entry, or are missing. Storage reports each
 * damaged entry once, and never serves it.
 */
export interface CorruptionReport {
  /** The log's name given to openLog (a Raft group: `topic/partition@topicId`), else `log <id>`. */
  log: string;
  logId: number;
  entryIndex: number;
  /** The batch's base offset according to the index. */
  baseOffset: number;
  /** What is wrong, for a log line. */
  problem: string;
}

/** What a store tells its owner beyond return values; both are optional in the stores' options. */
export interface StorageHooks {
  /** Where a store reports what it found damaged or dropped; the `storage` logger at error when omitted. */
  warn?: (line: string) => void;
  /** Called once per damaged stored batch found (the broker counts them in a metric). */
  onCorruption?: (report: CorruptionReport) => void;
  /**
   * Called when a write fails (disk full, I/O error, out of descriptors) and the store stops taking
   * writes, once until `resume` succeeds; the error names the cause (storage-fault.ts).
   */
  onWriteFailure?: (fault: StorageFault) => void;
  /** Called after each durable write (a synced group write, a periodic sync) with how long it took: fsync latency. */
  onSync?: (durationMs: number) => void;
}

export interface OpenLogOptions {
  /** Names the log in errors and corruption reports (the broker passes its Raft group name). */
  name?: string;
}

export interface LogStore {
  /** Opens (creating if absent) the partition log with this id, recovering it from disk. */
  openLog(logId: number, options?: OpenLogOptions): Promise<PartitionLog>;
  /**
   * Deletes every batch and index entry of the log, e.g. when its topic is deleted. Not atomic: an
   * id must not be opened again after it was dropped.
   */
  dropLog(logId: number): Promise<void>;
  /** Small metadata values (topic registry, hard state), stored with sync unless `sync: false`. */
  getMeta(key: string): Promise<Buffer | undefined>;
  putMeta(key: string, value: Buffer, options?: { sync?: boolean }): Promise<void>;
  deleteMeta(key: string): Promise<void>;
  listMeta(prefix: string): Promise<Array<[string, Buffer]>>;
  /** Syncs everything written so far (used by the `interval` flush policy and on shutdown). */
  sync(): Promise<void>;
  /**
   * After a write failed, the store refuses every write with that StorageFault (a torn write may
   * end its medium's log; LevelDB refuses writes after a failed sync until reopened) and still
   * serves reads. `resume` tries to take writes again: it checks the medium takes a write, then
   * reopens it, so the next `openLog` of a log whose write failed recovers it from what is stored
   * (the old log object keeps refusing writes). Throws the StorageFault while the cause lasts;
   * resolves at once when no write failed.
   */
  resume(): Promise<void>;
  close(): Promise<void>;
}
