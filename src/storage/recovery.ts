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
import { baseOffsetOfKey, batchKey, batchKeyRange, decodeLogStartOffset, stateKey, encodeLogStartOffset } from './keys.js';
import type { BatchMeta } from './types.js';

/** Recovery re-checks the CRC of at most this many of the newest batches... */
export const RECOVERY_VERIFY_BATCHES_MAX = 64;
/** ...and stops earlier once this many bytes are checked (always checking at least one batch). */
export const RECOVERY_VERIFY_BYTES_MAX = 16 * 1024 * 1024;

export type Db = ClassicLevel<Buffer, Buffer>;

export interface RecoveredLog {
  metas: BatchMeta[];
  logStartOffset: number;
}

export async function recoverLog(db: Db, logId: number, warn: (line: string) => void): Promise<RecoveredLog> {
  const stateValue = await db.get(stateKey(logId));
  const storedStart = stateValue === undefined ? 0 : decodeLogStartOffset(stateValue);
  const indexed = await readIndex(db, logId);
  const { metas, logStartOffset } = contiguousRun(indexed, storedStart, logId, warn);
  const verified = await verifyTail(db, logId, metas, warn);

  // Whatever lies outside the kept range is garbage: stale or orphaned entries, a dropped tail.
  const keptFrom = verified[0]?.baseOffset ?? logStartOffset;
  const keptEnd = verified.length > 0 ? verified.at(-1)!.lastOffset + 1 : logStartOffset;
  for (const keyspace of ['data', 'index'] as const) {
    const all = batchKeyRange(keyspace, logId);
    await db.clear({ gte: all.gte, lt: batchKey(keyspace, logId, keptFrom) });
    await db.clear({ gte: batchKey(keyspace, logId, keptEnd), lte: all.lte });
  }
  if (logStartOffset !== storedStart) {
    await db.put(stateKey(logId), encodeLogStartOffset(logStartOffset), { sync: true });
  }
  return { metas: verified, logStartOffset };
}

async function readIndex(db: Db, logId: number): Promise<BatchMeta[]> {
  const metas: BatchMeta[] = [];
  for await (const [key, value] of db.iterator(batchKeyRange('index', logId))) {
    metas.push(unpackMeta(baseOffsetOfKey(key), value));
  }
  return metas;
}

/** Drops entries below the log start and everything from the first gap on. */
function contiguousRun(indexed: BatchMeta[], storedStart: number, logId: number, warn: (line: string) => void): RecoveredLog {
  const live = indexed.filter((meta) => meta.lastOffset >= storedStart);
  if (live.length < indexed.length) {
    warn(`storage: log ${logId}: dropped ${indexed.length - live.length} stale index entries below log start ${storedStart}`);
  }
  let logStartOffset = storedStart;
  const first = live[0];
  if (first !== undefined && first.baseOffset > storedStart) {
    warn(`storage: log ${logId}: offsets [${storedStart}, ${first.baseOffset}) are missing; log start moves to ${first.baseOffset}`);
    logStartOffset = first.baseOffset;
  }
  let end = 0;
  while (end < live.length && (end === 0 || live[end]!.baseOffset === live[end - 1]!.lastOffset + 1)) end++;
  if (end < live.length) {
    warn(`storage: log ${logId}: gap after offset ${live[end - 1]!.lastOffset}; dropped ${live.length - end} batches from offset ${live[end]!.baseOffset}`);
  }
  return { metas: live.slice(0, end), logStartOffset };
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
  const values = await db.getMany(tail.map((meta) => batchKey('data', logId, meta.baseOffset)));
  for (let i = 0; i < tail.length; i++) {
    const problem = checkBatch(tail[i]!, values[i]);
    if (problem !== undefined) {
      const cut = from + i;
      warn(`storage: log ${logId}: batch at offset ${tail[i]!.baseOffset} ${problem}; dropped ${metas.length - cut} batches from there`);
      return metas.slice(0, cut);
    }
  }
  return metas;
}

function checkBatch(meta: BatchMeta, data: Buffer | undefined): string | undefined {
  if (data === undefined) return 'has no data';
  try {
    validateBatch(data);
  } catch (err) {
    return `is corrupt (${err instanceof Error ? err.message : String(err)})`;
  }
  return sameMeta(meta, metaOfBatch(data)) ? undefined : 'does not match its index entry';
}
