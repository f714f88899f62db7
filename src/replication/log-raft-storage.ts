/**
 * Raft's view of a partition log: the log IS the Raft log (one entry = one stored batch, entry
 * term = the batch's leader epoch). Raft reads synchronously, so entry data comes from memory:
 * entries this process wrote (kept until applied), the store's tail cache, or ranges prefetched
 * on demand. A miss returns fewer entries and starts a prefetch; the driver retries once it lands.
 */
import { controlBatchBody } from '../protocol/batch.js';
import type { ConfRecord, ConfState, Entry, HardState, Snapshot, Storage } from '../raft/index.js';
import { DamagedBatchError } from '../storage/read-verifier.js';
import type { PartitionLog } from '../storage/types.js';
import { logger } from '../observability/log.js';

const log = logger('replication');

/** Most bytes a prefetch reads at once, and most prefetched bytes a log keeps in memory. */
export const PREFETCH_BYTES_MAX = 4 * 1024 * 1024;

export interface LogRaftStorageOptions {
  log: PartitionLog;
  hardState: HardState;
  /** Encodes the log start offset into a snapshot's data (a partition's snapshot is its log start). */
  snapshotData(logStartOffset: number): Uint8Array;
  /** Called when prefetched entries arrive, so the driver can let Raft try again. */
  onPrefetched(): void;
  /** A prefetch found a stored batch damaged: the driver repairs the log. */
  onDamaged(err: DamagedBatchError): void;
  /** The configuration the group was bootstrapped with: in force at the log start when no record says otherwise. */
  bootstrap: ConfState;
  /** The group's stored configuration records (conf-records.ts), pruned against the log. */
  confRecords: ConfRecord[];
}

const UNREADABLE = Buffer.alloc(0);

export class LogRaftStorage implements Storage {
  private hs: HardState;
  /** Entry data by index, written by this process and not yet applied. */
  private readonly recent = new Map<number, Buffer>();
  private readonly prefetched = new Map<number, Buffer>();
  private prefetchedBytes = 0;
  private prefetching = false;
  /** Committed entries of a single copy that cannot be read back (damaged), see markUnreadable. */
  private readonly unreadable = new Set<number>();
  /** Bumped by truncation, so a prefetch that read the old suffix is dropped. */
  private generation = 0;
  /** As stored (conf-records.ts); the driver keeps it in step with its writes. */
  private records: ConfRecord[];

  constructor(private readonly options: LogRaftStorageOptions) {
    this.hs = { ...options.hardState };
    this.records = options.confRecords;
  }

  get log(): PartitionLog {
    return this.options.log;
  }

  // Copies spelled out: these run every Raft round, and V8 promotes object-spread copies.
  hardState(): HardState {
    return copyHardState(this.hs);
  }

  setHardState(hardState: HardState): void {
    this.hs = copyHardState(hardState);
  }

  firstIndex(): number {
    return this.log.firstEntryIndex();
  }

  lastIndex(): number {
    return this.log.lastEntryIndex();
  }

  term(index: number): number {
    return this.log.entryTerm(index);
  }

  snapshot(): Snapshot {
    const marker = this.log.snapshotMarker();
    // A follower installing this starts its log where our first remaining entry starts (a log start
    // inside a batch would not line up with the entry the follower receives next).
    const firstBatch = this.log.entry(this.log.firstEntryIndex());
    const logStart = firstBatch ? Math.min(firstBatch.baseOffset, this.log.logStartOffset()) : this.log.logStartOffset();
    return { index: marker.index, term: marker.term, data: this.options.snapshotData(logStart), conf: this.confAt(marker.index) };
  }

  /** The configuration in force at `index` (at or after the log start): the newest record up to it, else the bootstrap one. */
  confAt(index: number): ConfState {
    let conf = this.options.bootstrap;
    for (const record of this.records) if (record.index <= index) conf = record.conf;
    return conf;
  }

  /** The records as stored now (the driver wrote them). */
  get storedConfRecords(): readonly ConfRecord[] {
    return this.records;
  }

  setConfRecords(records: ConfRecord[]): void {
    this.records = records;
  }

  confRecords(): readonly ConfRecord[] {
    const marker = this.log.snapshotMarker().index;
    return this.records.filter((record) => record.index > marker);
  }

  /** Remembers data this process persisted, so Raft can read it back without I/O. */
  remember(index: number, data: Buffer): void {
    this.recent.set(index, data);
  }

  /** Entries up to `index` are applied: the recent copies are no longer needed for that. */
  forgetThrough(index: number): void {
    for (const key of this.recent.keys()) if (key <= index) this.recent.delete(key);
  }

  /** Entries at or after `index` were truncated. */
  forgetFrom(index: number): void {
    this.generation++;
    for (const key of this.recent.keys()) if (key >= index) this.recent.delete(key);
    for (const [key, data] of this.prefetched) {
      if (key >= index) {
        this.prefetched.delete(key);
        this.prefetchedBytes -= data.length;
      }
    }
  }

  /**
   * A single copy's damaged entry, committed: Raft reads it only to apply it, and a partition
   * applies nothing but its index (the high watermark), so it is handed out without data rather
   * than holding every later commit back. Never for a group whose entries are sent or applied.
   */
  markUnreadable(index: number): void {
    this.unreadable.add(index);
  }

  private dataOf(index: number): Buffer | undefined {
    if (this.unreadable.has(index)) return UNREADABLE;
    return this.recent.get(index) ?? this.log.cachedBatch(index) ?? this.prefetched.get(index);
  }

  entries(lo: number, hi: number, maxBytes: number): Entry[] {
    if (lo < this.firstIndex() || hi > this.lastIndex() + 1 || lo > hi) {
      throw new RangeError(`entries[${lo}, ${hi}) outside [${this.firstIndex()}, ${this.lastIndex() + 1})`);
    }
    const out: Entry[] = [];
    let bytes = 0;
    for (let index = lo; index < hi; index++) {
      const data = this.dataOf(index);
      if (data === undefined) {
        this.prefetch(index, hi);
        break;
      }
      bytes += data.length;
      if (out.length > 0 && bytes > maxBytes) break;
      // A configuration entry is stored as a control batch around it: Raft gets the entry itself.
      out.push({ index, term: this.log.entryTerm(index), data: controlBatchBody(data) ?? data });
    }
    return out;
  }

  private prefetch(lo: number, hi: number): void {
    if (this.prefetching) return;
    this.prefetching = true;
    const generation = this.generation;
    if (this.prefetchedBytes > PREFETCH_BYTES_MAX) {
      this.prefetched.clear();
      this.prefetchedBytes = 0;
    }
    this.log
      .readEntries(lo, hi, PREFETCH_BYTES_MAX)
      .then((batches) => {
        if (generation !== this.generation) return;
        batches.forEach((batch, i) => {
          this.prefetched.set(lo + i, batch);
          this.prefetchedBytes += batch.length;
        });
      })
      .catch((err: unknown) => {
        if (err instanceof DamagedBatchError) this.options.onDamaged(err);
        else log.error({ err }, `prefetch of entries [${lo}, ${hi}) failed`);
      })
      .finally(() => {
        this.prefetching = false;
        this.options.onPrefetched();
      });
  }
}

/** A copy with the repair floor when there is one: without it a replica that lost entries would vote again (Raft's repair). */
function copyHardState(hs: HardState): HardState {
  if (hs.repairIndex === undefined || hs.repairTerm === undefined) return { term: hs.term, vote: hs.vote, commit: hs.commit };
  return { term: hs.term, vote: hs.vote, commit: hs.commit, repairIndex: hs.repairIndex, repairTerm: hs.repairTerm };
}
