/**
 * Rebuilds one log's index from LevelDB on open. Data and index entries of a batch are written in
 * one atomic LevelDB batch; removals clear key ranges in an order whose every crash point leaves
 * stale entries below the marker or a gap before a dropped tail (docs/STORAGE.md), both repaired
 * here. Beyond those, recovery guards against what a power loss, a disk or a bug can leave: index
 * entries that are stale, out of line or without data, and a torn or corrupt tail. It keeps the longest contiguous prefix of good
 * batches (a log must never have a hole) and reports everything it dropped.
 */
import type { ClassicLevel } from 'classic-level';
import { validateBatch } from '../protocol/batch.js';
import { metaOfBatch, sameMeta, unpackMeta } from './batch-meta.js';
import { batchKey, batchKeyRange, decodeLogState, encodeLogState, entryIndexOfKey, stateKey } from './keys.js';
import { LogIndex } from './log-index.js';
import type { ReadVerifier } from './read-verifier.js';
import type { BatchMeta, SnapshotMarker } from './types.js';

/** Recovery re-checks the CRC of at most this many of the newest batches... */
export const RECOVERY_VERIFY_BATCHES_MAX = 64;
/** ...and stops earlier once this many bytes are checked (always checking at least one batch). */
export const RECOVERY_VERIFY_BYTES_MAX = 16 * 1024 * 1024;

export type Db = ClassicLevel<Buffer, Buffer>;

/** `verifier` reports a damaged tail batch as a read would (the hook counts it). */
export async function recoverLog(db: Db, logId: number, warn: (line: string) => void, verifier: ReadVerifier): Promise<LogIndex> {
  const stateValue = await db.get(stateKey(logId));
  const stored = stateValue === undefined ? { logStartOffset: 0, markerIndex: 0, markerTerm: 0 } : decodeLogState(stateValue);
  const storedMarker = { index: stored.markerIndex, term: stored.markerTerm };
  const run = new ContiguousRun(stored.logStartOffset, storedMarker, logId, warn);
  await readIndex(db, logId, (meta) => run.offer(meta));
  const index = run.finish();
  await verifyTail(db, logId, index, warn, verifier);

  // Whatever lies outside the kept entries is garbage: stale or orphaned entries, a dropped tail.
  const keptFrom = index.firstEntryIndex();
  const keptEnd = index.nextEntryIndex();
  for (const keyspace of ['data', 'index'] as const) {
    const all = batchKeyRange(keyspace, logId);
    await db.clear({ gte: all.gte, lt: batchKey(keyspace, logId, keptFrom) });
    await db.clear({ gte: batchKey(keyspace, logId, keptEnd), lte: all.lte });
  }
  const marker = index.snapshotMarker();
  if (index.logStartOffset() !== stored.logStartOffset || marker.index !== storedMarker.index || marker.term !== storedMarker.term) {
    const state = encodeLogState({ logStartOffset: index.logStartOffset(), markerIndex: marker.index, markerTerm: marker.term });
    await db.put(stateKey(logId), state, { sync: true });
  }
  return index;
}

/** Index entries read per round trip to LevelDB's thread, and the bytes that many take (~90 each). */
export const INDEX_READ_ENTRIES = 10_000;
const INDEX_READ_BYTES = INDEX_READ_ENTRIES * 128;

/** Hands every index entry of the log to `visit`, in entry-index order. */
async function readIndex(db: Db, logId: number, visit: (meta: BatchMeta) => void): Promise<void> {
  // Large reads: the iterator's default (16 KiB, ~180 entries per hop to the thread pool) made a
  // million-batch log's recovery mostly waiting.
  const iterator = db.iterator({ ...batchKeyRange('index', logId), highWaterMarkBytes: INDEX_READ_BYTES });
  try {
    for (;;) {
      const entries = await iterator.nextv(INDEX_READ_ENTRIES);
      if (entries.length === 0) return;
      for (const [key, value] of entries) visit(unpackMeta(entryIndexOfKey(key), value));
    }
  } finally {
    await iterator.close();
  }
}

/**
 * Builds the index from the entries as they are read (keys come in entry-index order): drops
 * entries at or below the marker, folds a head that does not follow the marker (or lies wholly
 * below the log start) into the marker, and drops everything from the first gap on. Streaming, so
 * a long log never has an object per batch at once (a million batches took ~230 MB that way).
 */
class ContiguousRun {
  private index: LogIndex | undefined;
  private marker: SnapshotMarker;
  private stale = 0;
  private folded = 0;
  private missing: string | undefined;
  private gap: { after: number; from: number; dropped: number } | undefined;

  constructor(
    private logStartOffset: number,
    private readonly storedMarker: SnapshotMarker,
    private readonly logId: number,
    private readonly warn: (line: string) => void,
  ) {
    this.marker = storedMarker;
  }

  offer(meta: BatchMeta): void {
    if (meta.entryIndex <= this.storedMarker.index) {
      this.stale++;
      return;
    }
    if (this.gap !== undefined) {
      this.gap.dropped++;
      return;
    }
    const index = this.index;
    const wellFormed = meta.lastOffset >= meta.baseOffset - 1 && meta.sizeBytes > 0;
    if (index === undefined && wellFormed) this.start(meta);
    else if (index !== undefined && wellFormed && meta.entryIndex === index.nextEntryIndex() && meta.baseOffset === index.logEndOffset()) index.push(meta);
    else this.gap = { after: index?.lastEntryIndex() ?? this.marker.index, from: meta.entryIndex, dropped: 1 };
  }

  finish(): LogIndex {
    const { logId } = this;
    if (this.stale > 0) {
      this.warn(`storage: log ${logId}: dropped ${this.stale} stale index entries at or below marker index ${this.storedMarker.index}`);
    }
    if (this.folded > 0) {
      this.warn(`storage: log ${logId}: the head does not follow the log start; dropped ${this.folded} batches, marker moves to index ${this.marker.index}`);
    }
    if (this.missing !== undefined) this.warn(this.missing);
    if (this.gap !== undefined) {
      this.warn(`storage: log ${logId}: gap after entry ${this.gap.after}; dropped ${this.gap.dropped} batches from entry ${this.gap.from}`);
    }
    return this.index ?? new LogIndex([], this.logStartOffset, this.marker);
  }

  private start(first: BatchMeta): void {
    // The marker's term must be exact for Raft, so a head entry that does not follow the marker
    // becomes the marker itself (its term is known) rather than guessing the term before it.
    const indexGap = first.entryIndex !== this.marker.index + 1;
    const belowStart = first.recordCount > 0 ? first.lastOffset < this.logStartOffset : first.baseOffset < this.logStartOffset;
    if (indexGap || belowStart) {
      this.marker = { index: first.entryIndex, term: first.leaderEpoch };
      this.logStartOffset = Math.max(this.logStartOffset, first.lastOffset + 1);
      this.folded++;
      return;
    }
    if (first.baseOffset > this.logStartOffset) {
      this.missing = `storage: log ${this.logId}: offsets [${this.logStartOffset}, ${first.baseOffset}) are missing; log start moves to ${first.baseOffset}`;
      this.logStartOffset = first.baseOffset;
    }
    this.index = new LogIndex([first], this.logStartOffset, this.marker);
  }
}

/** Checks the newest batches' bytes against their index entries; cuts the log at the first bad one. */
async function verifyTail(db: Db, logId: number, index: LogIndex, warn: (line: string) => void, verifier: ReadVerifier): Promise<void> {
  const tail: BatchMeta[] = [];
  let bytes = 0;
  for (let entryIndex = index.lastEntryIndex(); entryIndex >= index.firstEntryIndex() && tail.length < RECOVERY_VERIFY_BATCHES_MAX; entryIndex--) {
    const meta = index.entry(entryIndex)!;
    if (tail.length > 0 && bytes + meta.sizeBytes > RECOVERY_VERIFY_BYTES_MAX) break;
    bytes += meta.sizeBytes;
    tail.unshift(meta);
  }
  const values = await db.getMany(tail.map((meta) => batchKey('data', logId, meta.entryIndex)));
  for (let i = 0; i < tail.length; i++) {
    const problem = checkBatch(tail[i]!, values[i]);
    if (problem !== undefined) {
      verifier.report(tail[i]!, problem);
      const removed = index.truncateSuffix(tail[i]!.entryIndex);
      verifier.forget(removed);
      const dropped = removed.to - removed.from;
      warn(`storage: log ${logId}: entry ${tail[i]!.entryIndex} (offset ${tail[i]!.baseOffset}) ${problem}; dropped ${dropped} batches from there`);
      return;
    }
  }
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
