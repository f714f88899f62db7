/**
 * Group commit over one LevelDB database. The writes of every log of the store (appends and the
 * deletions of removals; metadata is written on its own) join one open chained batch; the batch is written as one LevelDB write — with `sync: true` when
 * the store is durable — and at most one such write is in flight: whatever joins meanwhile goes into
 * the next batch, written as soon as the previous one ends (no timer; the wait for the disk is what
 * gathers a group, as in a database's WAL). A joiner's promise settles with the write that holds it,
 * so under a durable store it resolves only once its bytes are fsynced, and a failed write fails
 * every joiner of its group.
 *
 * Why one synced write per group rather than unsynced writes followed by a sync write: LevelDB fsyncs
 * only its current log file, and when it switches to a new one (a full memtable) it closes the old
 * one without an fsync. Writes made before the switch would then ride on a later sync write that does
 * not cover them. A write batch never spans two log files, so a synced batch is durable as a whole.
 */
import type { ChainedBatch } from 'classic-level';
import type { Db } from './recovery.js';

export type GroupBatch = ChainedBatch<Db, Buffer, Buffer>;

interface OpenGroup {
  batch: GroupBatch;
  written: Promise<void>;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export class GroupWrite {
  private open: OpenGroup | undefined;
  /** The group write in flight (settles, never rejects), if any. */
  private inFlight: Promise<void> | undefined;

  constructor(
    private readonly db: Db,
    /** Whether each group's write is a sync write (the durable flush policy). */
    private readonly sync: boolean,
    /** Told how long each synced write took. */
    private readonly onSync?: (durationMs: number) => void,
  ) {}

  /**
   * Adds operations to the next group write (`fill` must add at least one) and resolves once that
   * write completed (fsynced, when durable). Writes joined in one call land atomically.
   */
  join(fill: (batch: GroupBatch) => void): Promise<void> {
    const group = this.open ?? this.startGroup();
    fill(group.batch);
    return group.written;
  }

  private startGroup(): OpenGroup {
    let resolve!: () => void;
    let reject!: (err: unknown) => void;
    const written = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // Unobserved failures are reported to the joiners, not as unhandled rejections here.
    written.catch(noop);
    // A chained batch hands each operation to LevelDB's write batch at once; an array batch would
    // keep a copy of every operation object until the write completes.
    const group: OpenGroup = { batch: this.db.batch(), written, resolve, reject };
    this.open = group;
    // After the current turn's promise jobs, so the appends of one burst (a Raft Ready of many
    // entries, several logs' rounds) share the write.
    if (this.inFlight === undefined) queueMicrotask(() => this.writeNext());
    return group;
  }

  private writeNext(): void {
    const group = this.open;
    if (group === undefined || this.inFlight !== undefined) return;
    this.open = undefined;
    const startedAt = this.sync && this.onSync !== undefined ? performance.now() : 0;
    this.inFlight = group.batch
      .write({ sync: this.sync })
      .then(() => {
        if (startedAt > 0) this.onSync?.(performance.now() - startedAt);
        group.resolve();
      }, group.reject)
      .finally(() => {
        this.inFlight = undefined;
        this.writeNext();
      });
  }
}

function noop(): void {}
