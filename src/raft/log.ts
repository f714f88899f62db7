/**
 * The Raft log as the state machine sees it: durable entries in `Storage`
 * followed by an "unstable" tail (entries and possibly a snapshot) that has
 * been decided in memory but not yet handed to / persisted by the driver.
 */
import { Storage, entrySize } from './storage.js';
import { Entry, Snapshot, invariant } from './types.js';

export class RaftLog {
  /** Snapshot received from the leader and not yet persisted. */
  private unstableSnap: Snapshot | undefined;
  /** Index of unstableEnts[0]. */
  private unstableOffset: number;
  private unstableEnts: Entry[] = [];
  /** Highest index known committed. */
  committed: number;
  /** Highest index handed to the application in a Ready (applied once advanced). */
  applied: number;

  /** `onAppend` sees every run of entries appended (after any suffix they replace was dropped). */
  constructor(
    readonly storage: Storage,
    private readonly onAppend: (entries: readonly Entry[]) => void = () => undefined,
  ) {
    this.unstableOffset = storage.lastIndex() + 1;
    // The state machine is rebuilt from the snapshot, so replay starts after it.
    this.applied = storage.firstIndex() - 1;
    // A snapshot only holds committed entries, so it implies a commit index
    // (a crash may land between persisting the snapshot and the hard state).
    // A persisted commit beyond the last entry means the storage lost entries:
    // it is capped, and the node repairs its log from the leader (see Raft).
    this.committed = Math.min(Math.max(storage.hardState().commit, this.applied), storage.lastIndex());
  }

  firstIndex(): number {
    if (this.unstableSnap) return this.unstableSnap.index + 1;
    return this.storage.firstIndex();
  }

  lastIndex(): number {
    if (this.unstableEnts.length > 0) return this.unstableOffset + this.unstableEnts.length - 1;
    if (this.unstableSnap) return this.unstableSnap.index;
    return this.storage.lastIndex();
  }

  /** Term of entry i, or undefined when i is compacted away or beyond the end. */
  term(i: number): number | undefined {
    const dummy = this.firstIndex() - 1;
    if (i < dummy || i > this.lastIndex()) return undefined;
    if (i >= this.unstableOffset) return this.unstableEnts[i - this.unstableOffset]!.term;
    if (this.unstableSnap && i === this.unstableSnap.index) return this.unstableSnap.term;
    return this.storage.term(i);
  }

  lastTerm(): number {
    const t = this.term(this.lastIndex());
    invariant(t !== undefined, 'last term unavailable');
    return t;
  }

  matchTerm(i: number, term: number): boolean {
    return this.term(i) === term;
  }

  /** Raft's election restriction (§5.4.1): is (index, term) at least as up to date as us? */
  isUpToDate(lastIndex: number, lastTerm: number): boolean {
    const myTerm = this.lastTerm();
    return lastTerm > myTerm || (lastTerm === myTerm && lastIndex >= this.lastIndex());
  }

  /**
   * Entries `[lo, hi)` capped at maxCount entries and maxBytes bytes (at
   * least one entry if lo < hi). Undefined if lo is compacted.
   */
  slice(lo: number, hi: number, maxCount: number, maxBytes: number): Entry[] | undefined {
    if (lo < this.firstIndex()) return undefined;
    invariant(hi <= this.lastIndex() + 1 && lo <= hi, () => `slice [${lo}, ${hi}) beyond last ${this.lastIndex()}`);
    hi = Math.min(hi, lo + maxCount);
    const out: Entry[] = [];
    let bytes = 0;
    if (lo < this.unstableOffset) {
      const stored = this.storage.entries(lo, Math.min(hi, this.unstableOffset), maxBytes);
      for (const e of stored) {
        bytes += entrySize(e);
        out.push(e);
      }
      // Storage stopped early because of the byte cap: don't mix in unstable entries.
      if (out.length < Math.min(hi, this.unstableOffset) - lo) return out;
    }
    for (let i = Math.max(lo, this.unstableOffset); i < hi; i++) {
      const e = this.unstableEnts[i - this.unstableOffset]!;
      bytes += entrySize(e);
      if (out.length > 0 && bytes > maxBytes) break;
      out.push(e);
    }
    return out;
  }

  /**
   * Follower side of AppendEntries. If our entry at prevIndex has prevTerm,
   * append `entries` (dropping any conflicting suffix), advance commit, and
   * return the index of the last new entry; otherwise undefined.
   */
  maybeAppend(prevIndex: number, prevTerm: number, commit: number, entries: Entry[]): number | undefined {
    if (!this.matchTerm(prevIndex, prevTerm)) return undefined;
    const lastNew = prevIndex + entries.length;
    const ci = this.findConflict(entries);
    if (ci !== 0) {
      invariant(ci > this.committed, () => `entry ${ci} conflicts with committed entry (commit ${this.committed})`);
      this.append(entries.slice(ci - (prevIndex + 1)));
    }
    this.commitTo(Math.min(commit, lastNew));
    return lastNew;
  }

  /** First index where `entries` disagrees with our log (or extends it); 0 if all already present. */
  private findConflict(entries: Entry[]): number {
    for (const e of entries) {
      if (!this.matchTerm(e.index, e.term)) return e.index;
    }
    return 0;
  }

  /**
   * Largest index <= `index` whose term is <= `term` (with that term), used
   * to skip a whole conflicting term per round trip. Stops at the log start.
   */
  findConflictByTerm(index: number, term: number): { index: number; term: number } {
    for (let i = index; ; i--) {
      const t = this.term(i);
      if (t === undefined) return { index: i, term: 0 };
      if (t <= term) return { index: i, term: t };
    }
  }

  /** Appends entries to the unstable tail, truncating whatever they overwrite. */
  append(entries: Entry[]): void {
    if (entries.length === 0) return;
    const after = entries[0]!.index;
    invariant(after > this.committed, () => `append at ${after} would overwrite committed ${this.committed}`);
    invariant(after <= this.lastIndex() + 1, () => `append at ${after} leaves gap after ${this.lastIndex()}`);
    if (after === this.unstableOffset + this.unstableEnts.length) {
      for (const e of entries) this.unstableEnts.push(e);
    } else if (after <= this.unstableOffset) {
      // Replaces some stored entries: the driver's append truncates them on disk.
      this.unstableOffset = after;
      this.unstableEnts = entries.slice();
    } else {
      this.unstableEnts = this.unstableEnts.slice(0, after - this.unstableOffset).concat(entries);
    }
    this.onAppend(entries);
  }

  commitTo(index: number): void {
    if (index <= this.committed) return; // never decreases
    invariant(index <= this.lastIndex(), () => `commit ${index} beyond last index ${this.lastIndex()}`);
    this.committed = index;
  }

  /** Replaces the log with a snapshot from the leader. */
  restore(snap: Snapshot): void {
    invariant(snap.index > this.committed, 'restore of a snapshot not ahead of commit');
    this.unstableSnap = snap;
    this.unstableOffset = snap.index + 1;
    this.unstableEnts = [];
    this.committed = snap.index;
  }

  // ---- Ready support ----

  unstableEntries(): Entry[] {
    return this.unstableEnts.slice();
  }

  unstableSnapshot(): Snapshot | undefined {
    return this.unstableSnap;
  }

  hasNextCommittedEntries(): boolean {
    return this.committed > this.applied && !this.unstableSnap;
  }

  /** Committed, not yet applied entries (bounded by maxBytes; at least one). */
  nextCommittedEntries(maxBytes: number): Entry[] {
    if (!this.hasNextCommittedEntries()) return [];
    return this.slice(this.applied + 1, this.committed + 1, Number.MAX_SAFE_INTEGER, maxBytes) ?? [];
  }

  appliedTo(index: number): void {
    invariant(index <= this.committed, () => `applied ${index} beyond commit ${this.committed}`);
    if (index > this.applied) this.applied = index;
  }

  /** The driver persisted entries up to (index, term): drop them from the unstable tail. */
  stableTo(index: number, term: number): void {
    if (index < this.unstableOffset) return;
    const k = index - this.unstableOffset;
    // A later append may have replaced the entry since the Ready was produced.
    if (k >= this.unstableEnts.length || this.unstableEnts[k]!.term !== term) return;
    this.unstableEnts = this.unstableEnts.slice(k + 1);
    this.unstableOffset = index + 1;
  }

  /** The driver persisted and applied the snapshot. */
  stableSnapTo(index: number): void {
    if (this.unstableSnap && this.unstableSnap.index === index) {
      this.unstableSnap = undefined;
      if (this.applied < index) this.applied = index;
    }
  }
}
