/**
 * Rebuilds one log's index from LevelDB on open. Data and index entries of a batch are written in
 * one atomic LevelDB batch, and a prefix deletion writes the new log start in the same batch as its
 * deletes, so after a clean shutdown or a process crash the index is exact. What recovery guards
 * against is what a power loss, a disk or a bug can leave: index entries that are stale, out of
 * line or without data, and a torn or corrupt tail. It keeps the longest contiguous prefix of good
 * batches (a log must never have a hole) and reports everything it dropped.
 */
import type { ClassicLevel } from 'classic-level';
import { validateBatch } from '../protocol/batch.js';
import { metaOfBatch, sameMeta, unpackMeta } from './batch-meta.js';
import { batchKey, batchKeyRange, decodeLogState, encodeLogState, entryIndexOfKey, stateKey } from './keys.js';
import type { BatchMeta, SnapshotMarker } from './types.js';

/** Recovery re-checks the CRC of at most this many of the newest batches... */
export const RECOVERY_VERIFY_BATCHES_MAX = 64;
/** ...and stops earlier once this many bytes are checked (always checking at least one batch). */
export const RECOVERY_VERIFY_BYTES_MAX = 16 * 1024 * 1024;

export type Db = ClassicLevel<Buffer, Buffer>;

export interface RecoveredLog {
  metas: BatchMeta[];
  logStartOffset: number;
  marker: SnapshotMarker;
}

export async function recoverLog(db: Db, logId: number, warn: (line: string) => void): Promise<RecoveredLog> {
  const stateValue = await db.get(stateKey(logId));
  const stored = stateValue === undefined ? { logStartOffset: 0, markerIndex: 0, markerTerm: 0 } : decodeLogState(stateValue);
  const storedMarker = { index: stored.markerIndex, term: stored.markerTerm };
  const indexed = await readIndex(db, logId);
  const { metas, logStartOffset, marker } = contiguousRun(indexed, stored.logStartOffset, storedMarker, logId, warn);
  const verified = await verifyTail(db, logId, metas, warn);

  // Whatever lies outside the kept entries is garbage: stale or orphaned entries, a dropped tail.
  const keptFrom = marker.index + 1;
  const keptEnd = keptFrom + verified.length;
  for (const keyspace of ['data', 'index'] as const) {
    const all = batchKeyRange(keyspace, logId);
    await db.clear({ gte: all.gte, lt: batchKey(keyspace, logId, keptFrom) });
    await db.clear({ gte: batchKey(keyspace, logId, keptEnd), lte: all.lte });
  }
  if (logStartOffset !== stored.logStartOffset || marker.index !== storedMarker.index || marker.term !== storedMarker.term) {
    const state = encodeLogState({ logStartOffset, markerIndex: marker.index, markerTerm: marker.term });
    await db.put(stateKey(logId), state, { sync: true });
  }
  return { metas: verified, logStartOffset, marker };
}

/** Index entries read per round trip to LevelDB's thread, and the bytes that many take (~90 each). */
export const INDEX_READ_ENTRIES = 10_000;
const INDEX_READ_BYTES = INDEX_READ_ENTRIES * 128;

async function readIndex(db: Db, logId: number): Promise<BatchMeta[]> {
  const metas: BatchMeta[] = [];
  // Large reads: the iterator's default (16 KiB, ~180 entries per hop to the thread pool) made a
  // million-batch log's recovery mostly waiting.
  const iterator = db.iterator({ ...batchKeyRange('index', logId), highWaterMarkBytes: INDEX_READ_BYTES });
  try {
    for (;;) {
      const entries = await iterator.nextv(INDEX_READ_ENTRIES);
      if (entries.length === 0) return metas;
      for (const [key, value] of entries) metas.push(unpackMeta(entryIndexOfKey(key), value));
    }
  } finally {
    await iterator.close();
  }
}

/**
 * Drops entries at or below the marker, folds a head that does not follow the marker (or lies
 * wholly below the log start) into the marker, and drops everything from the first gap on.
 */
function contiguousRun(
  indexed: BatchMeta[],
  storedStart: number,
  storedMarker: SnapshotMarker,
  logId: number,
  warn: (line: string) => void,
): RecoveredLog {
  const live = indexed.filter((meta) => meta.entryIndex > storedMarker.index);
  if (live.length < indexed.length) {
    warn(`storage: log ${logId}: dropped ${indexed.length - live.length} stale index entries at or below marker index ${storedMarker.index}`);
  }
  let logStartOffset = storedStart;
  let marker = storedMarker;
  // The marker's term must be exact for Raft, so a head entry that does not follow the marker
  // becomes the marker itself (its term is known) rather than guessing the term before it.
  let folded = 0;
  while (live.length > 0) {
    const first = live[0]!;
    const indexGap = first.entryIndex !== marker.index + 1;
    const belowStart = first.recordCount > 0 ? first.lastOffset < logStartOffset : first.baseOffset < logStartOffset;
    if (!indexGap && !belowStart) break;
    marker = { index: first.entryIndex, term: first.leaderEpoch };
    logStartOffset = Math.max(logStartOffset, first.lastOffset + 1);
    live.shift();
    folded++;
  }
  if (folded > 0) {
    warn(`storage: log ${logId}: the head does not follow the log start; dropped ${folded} batches, marker moves to index ${marker.index}`);
  }
  const first = live[0];
  if (first !== undefined && first.baseOffset > logStartOffset) {
    warn(`storage: log ${logId}: offsets [${logStartOffset}, ${first.baseOffset}) are missing; log start moves to ${first.baseOffset}`);
    logStartOffset = first.baseOffset;
  }
  let end = 0;
  while (
    end < live.length &&
    (end === 0 || (live[end]!.entryIndex === live[end - 1]!.entryIndex + 1 && live[end]!.baseOffset === live[end - 1]!.lastOffset + 1))
  ) {
    end++;
  }
  if (end < live.length) {
    warn(`storage: log ${logId}: gap after entry ${live[end - 1]!.entryIndex}; dropped ${live.length - end} batches from entry ${live[end]!.entryIndex}`);
  }
  return { metas: live.slice(0, end), logStartOffset, marker };
}

/** Checks the newest batches' bytes against their index entries; cuts the log at the first bad one. */
async function verifyTail(db: Db, logId: number, metas: BatchMeta[], warn: (line: string) => void): Promise<BatchMeta[]> {
  let from = metas.length;
  let bytes = 0;
  while (from > 0 && metas.length - from < RECOVERY_VERIFY_BATCHES_MAX) {
    const size = metas[from - 1]!.sizeBytes;
    if (from < metas.length && bytes + size > RECOVERY_VERIFY_BYTES_MAX) break;
    bytes += size;
    from--;
  }
  const tail = metas.slice(from);
  const values = await db.getMany(tail.map((meta) => batchKey('data', logId, meta.entryIndex)));
  for (let i = 0; i < tail.length; i++) {
    const problem = checkBatch(tail[i]!, values[i]);
    if (problem !== undefined) {
      const cut = from + i;
      warn(
        `storage: log ${logId}: entry ${tail[i]!.entryIndex} (offset ${tail[i]!.baseOffset}) ${problem}; dropped ${metas.length - cut} batches from there`,
      );
      return metas.slice(0, cut);
    }
  }
  return metas;
}

function checkBatch(meta: BatchMeta, data: Buffer | undefined): string | undefined {
  if (data === undefined) return 'has no data';
  try {
    validateBatch(data, { allowZeroRecords: true });
  } catch (err) {
    return `is corrupt (${err instanceof Error ? err.message : String(err)})`;
  }
  return sameMeta(meta, metaOfBatch(data, meta.entryIndex)) ? undefined : 'does not match its index entry';
}
