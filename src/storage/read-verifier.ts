/**
 * Verification of batches read back from the storage medium (LevelDB; the memory store's map,
 * which stands in for it): every byte a log serves from there is checked before it leaves, so bit
 * rot, a torn write or a lost value is reported instead of served. Batches still in memory since
 * their append (not yet written, tail cache) are the buffers `append` was given, checked where they
 * entered the broker (produce path, follower path) or built here (no-ops, metadata): not re-checked.
 */
import { batchIntegrityProblem } from '../protocol/batch.js';
import { SluiceError } from '../protocol/errors.js';
import { readInt64BE } from '../protocol/int64.js';
import type { BatchMeta, CorruptionReport, EntryRange, StorageHooks } from './types.js';
import { logger } from '../observability/log.js';

const storageLog = logger('storage');

/** CORRUPT_BATCH thrown by a read that found a stored batch damaged: which entry, for its log's owner to repair. */
export class DamagedBatchError extends SluiceError {
  constructor(
    message: string,
    readonly entryIndex: number,
    readonly baseOffset: number,
  ) {
    super('CORRUPT_BATCH', message);
  }
}

/** Where the stamped leader epoch sits, before the CRC'd range (the base offset is at 0). */
const LEADER_EPOCH_OFFSET = 12;

/** Why `batch`, read back as the entry `meta` describes, cannot be served; undefined if it can. */
export function storedBatchProblem(meta: BatchMeta, batch: Buffer | undefined): string | undefined {
  if (batch === undefined) return 'has no data';
  const problem = batchIntegrityProblem(batch);
  if (problem !== undefined) return problem;
  const baseOffset = readInt64BE(batch, 0);
  const leaderEpoch = batch.readInt32BE(LEADER_EPOCH_OFFSET);
  if (baseOffset !== meta.baseOffset || leaderEpoch !== meta.leaderEpoch || batch.length !== meta.sizeBytes) {
    return (
      `header (base offset ${baseOffset}, leader epoch ${leaderEpoch}, ${batch.length} bytes) does not match its index entry ` +
      `(${meta.baseOffset}, ${meta.leaderEpoch}, ${meta.sizeBytes} bytes)`
    );
  }
  return undefined;
}

/** Checks one log's reads; reports each damaged entry once (a log line and the hook). */
export class ReadVerifier {
  /** Entries reported: a reader retrying the same damaged batch must not flood the log or the metric. */
  private readonly reported = new Set<number>();
  private readonly warn: (line: string) => void;

  constructor(
    readonly log: string,
    private readonly logId: number,
    private readonly hooks: StorageHooks,
  ) {
    this.warn = hooks.warn ?? ((line) => storageLog.error(line));
  }

  /**
   * The batches read for `planned` (same positions; undefined = no data), cut before the first that
   * fails verification, or CORRUPT_BATCH thrown when that is the first. `trusted(i)`: batch i never
   * went to the medium (see the file comment) and is not checked.
   */
  verifiedPrefix(planned: readonly BatchMeta[], batches: ReadonlyArray<Buffer | undefined>, trusted: (i: number) => boolean): Buffer[] {
    const out: Buffer[] = [];
    for (let i = 0; i < planned.length; i++) {
      const batch = batches[i];
      const problem = trusted(i) ? undefined : storedBatchProblem(planned[i]!, batch);
      if (problem !== undefined) {
        const err = this.corrupt(planned[i]!, problem);
        if (i === 0) throw err;
        break;
      }
      out.push(batch!);
    }
    return out;
  }

  /** Reports a damaged entry that a read found (once: a log line and the hook) and returns the error the read throws. */
  corrupt(meta: BatchMeta, problem: string): DamagedBatchError {
    const what = `${this.log}: the stored batch at offset ${meta.baseOffset} (entry ${meta.entryIndex}) ${problem === 'has no data' ? problem : `is corrupt: ${problem}`}`;
    if (this.report(meta, problem)) this.warn(`storage: ${what}; it is not served`);
    return new DamagedBatchError(what, meta.entryIndex, meta.baseOffset);
  }

  /** Calls the hook for a damaged entry unless it was reported before; true if it was new. Recovery logs its own line. */
  report(meta: BatchMeta, problem: string): boolean {
    if (this.reported.has(meta.entryIndex)) return false;
    this.reported.add(meta.entryIndex);
    const report: CorruptionReport = { log: this.log, logId: this.logId, entryIndex: meta.entryIndex, baseOffset: meta.baseOffset, problem };
    this.hooks.onCorruption?.(report);
    return true;
  }

  /** The entries were removed: one stored again at the same index is a new batch, reported afresh. */
  forget(removed: EntryRange): void {
    if (this.reported.size === 0) return;
    for (const entryIndex of this.reported) if (entryIndex >= removed.from && entryIndex < removed.to) this.reported.delete(entryIndex);
  }
}

/** The name a log goes by in errors and reports when its owner gave none. */
export function defaultLogName(logId: number): string {
  return `log ${logId}`;
}
