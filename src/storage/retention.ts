/**
 * What the background retention job deletes from the head of a log. Pure: the caller passes the
 * clock reading, so tests use plain numbers.
 *
 * Rules (whole batches only, oldest first, as Kafka deletes whole segments):
 * - time (`retention.ms`, -1 = forever): leading batches whose maxTimestamp < nowMs - retention.ms;
 * - size (`retention.bytes`, -1 = unlimited): the oldest batches while all of the log's batches
 *   total more than retention.bytes, but never the log's newest batch (a batch larger than
 *   the limit stays readable until newer data replaces it, as Kafka keeps its active segment);
 * - ttl (`message.ttl.ms`, 0 = none, or the records' own TTLs): leading wholly expired batches.
 * Only batches that end below `logEndOffset` are candidates (the job passes the high watermark, so
 * uncommitted batches a follower may still need are never deleted). Time and TTL may empty the log:
 * that data is past its lifetime. A zero-record batch (a new leader's Raft no-op) holds nothing to
 * keep: time and TTL pass over it, or every leader change would stop them until it aged out.
 */
import { batchExpiresAt, MAGIC, BATCH_LENGTH_PREFIX_BYTES, type BatchHeader } from '../protocol/batch.js';
import type { BatchMeta } from './types.js';

export type RetentionReason = 'time' | 'size' | 'ttl';

/** Positional read access to a log's batches, oldest first (an array, or a view on the log's index). */
export interface BatchList {
  readonly length: number;
  at(position: number): BatchMeta | undefined;
}

export interface RetentionInput {
  batches: BatchList;
  /** How many leading batches are committed: only those may go (Raft still needs the rest). */
  committedBatches: number;
  /** Total bytes of those committed batches: the size rule weighs only them. */
  committedBytes: number;
  logStartOffset: number;
  /** Only batches ending below this offset may be deleted (pass the high watermark). */
  logEndOffset: number;
  /** `retention.ms`; -1 keeps data forever. */
  retentionMs: number;
  /** `retention.bytes`; -1 means no size limit. */
  retentionBytes: number;
  /** `message.ttl.ms`; 0 means records without their own TTL never expire. */
  messageTtlMs: number;
  nowMs: number;
}

export interface RetentionPlan {
  /** Pass to deletePrefix when greater than the current log start. */
  newLogStartOffset: number;
  batchesDeleted: number;
  /** Records at or above the old log start in the deleted batches. */
  recordsDeleted: number;
  bytesDeleted: number;
  /** The rule that deleted the most batches, or 'none'. */
  reason: RetentionReason | 'none';
  /** Each deleted batch counts for the first rule (time, size, ttl) that deletes it. */
  recordsDeletedByReason: Record<RetentionReason, number>;
}

/** O(batches deleted + log of the log's length): the job runs it on every partition, however long. */
export function planRetention(input: RetentionInput): RetentionPlan {
  const candidates = candidateCount(input);
  const deletedBy: Record<RetentionReason, number> = {
    time: leadingTimeExpired(input, candidates),
    size: leadingOverSize(input, candidates),
    ttl: leadingTtlExpired(input, candidates),
  };
  const deleted = Math.max(deletedBy.time, deletedBy.size, deletedBy.ttl);
  const recordsDeletedByReason: Record<RetentionReason, number> = { time: 0, size: 0, ttl: 0 };
  let recordsDeleted = 0;
  let bytesDeleted = 0;
  for (let i = 0; i < deleted; i++) {
    const meta = input.batches.at(i)!;
    const records = Math.max(0, meta.lastOffset + 1 - Math.max(meta.baseOffset, input.logStartOffset));
    const reason: RetentionReason = i < deletedBy.time ? 'time' : i < deletedBy.size ? 'size' : 'ttl';
    recordsDeletedByReason[reason] += records;
    recordsDeleted += records;
    bytesDeleted += meta.sizeBytes;
  }
  const next = deleted < input.committedBatches ? input.batches.at(deleted) : undefined;
  const newLogStartOffset =
    deleted === 0 ? input.logStartOffset : Math.max(input.logStartOffset, next?.baseOffset ?? input.batches.at(deleted - 1)!.lastOffset + 1);
  const reason = deleted === 0 ? 'none' : (['time', 'size', 'ttl'] as const).find((rule) => deletedBy[rule] === deleted)!;
  return { newLogStartOffset, batchesDeleted: deleted, recordsDeleted, bytesDeleted, reason, recordsDeletedByReason };
}

/** Whether every record of the batch has expired by `nowMs` (the fetch path skips such batches). */
export function isBatchExpired(meta: BatchMeta, topicTtlMs: number, nowMs: number): boolean {
  const expiresAt = batchExpiresAt(headerOf(meta), topicTtlMs);
  return expiresAt !== undefined && expiresAt <= nowMs;
}

/** Committed batches that end below logEndOffset: a binary search, as lastOffset never decreases along a log. */
function candidateCount(input: RetentionInput): number {
  let lo = 0;
  let hi = Math.min(input.committedBatches, input.batches.length);
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (input.batches.at(mid)!.lastOffset < input.logEndOffset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function leadingTimeExpired(input: RetentionInput, candidates: number): number {
  if (input.retentionMs < 0) return 0;
  const cutoffMs = input.nowMs - input.retentionMs;
  let count = 0;
  while (count < candidates) {
    const meta = input.batches.at(count)!;
    if (meta.recordCount > 0 && meta.maxTimestamp >= cutoffMs) break;
    count++;
  }
  return trimTrailingEmpty(input, count);
}

function leadingOverSize(input: RetentionInput, candidates: number): number {
  if (input.retentionBytes < 0) return 0;
  let totalBytes = input.committedBytes;
  const deletable = Math.min(candidates, input.committedBatches - 1);
  let count = 0;
  while (count < deletable && totalBytes > input.retentionBytes) totalBytes -= input.batches.at(count++)!.sizeBytes;
  return count;
}

function leadingTtlExpired(input: RetentionInput, candidates: number): number {
  let count = 0;
  while (count < candidates) {
    const meta = input.batches.at(count)!;
    if (meta.recordCount > 0 && !isBatchExpired(meta, input.messageTtlMs, input.nowMs)) break;
    count++;
  }
  return trimTrailingEmpty(input, count);
}

/** Zero-record batches passed over at the end of a run delete nothing worth a deletion: keep them. */
function trimTrailingEmpty(input: RetentionInput, count: number): number {
  while (count > 0 && input.batches.at(count - 1)!.recordCount === 0) count--;
  return count;
}

/**
 * batchExpiresAt takes a whole header; the meta has every field it reads (attributes, maxTimestamp,
 * expireTimestamp). The others are filled with what the meta knows or neutral values.
 */
function headerOf(meta: BatchMeta): BatchHeader {
  return {
    baseOffset: meta.baseOffset,
    batchLength: meta.sizeBytes - BATCH_LENGTH_PREFIX_BYTES,
    leaderEpoch: meta.leaderEpoch,
    magic: MAGIC,
    crc: 0,
    attributes: meta.attributes,
    lastOffsetDelta: meta.lastOffset - meta.baseOffset,
    firstTimestamp: meta.maxTimestamp,
    maxTimestamp: meta.maxTimestamp,
    producerId: -1,
    producerEpoch: -1,
    baseSequence: -1,
    expireTimestamp: meta.expireTimestamp,
    recordCount: meta.recordCount,
  };
}
