/**
 * The storage a Raft node reads its durable log through, plus an in-memory
 * implementation used by tests and the simulator.
 *
 * Reads are synchronous on purpose: the state machine never does I/O. A
 * disk-backed implementation (e.g. LevelDB) keeps an in-memory index/cache
 * (term of every retained entry, first/last index, hard state) and serves
 * `entries()` from a cache of the tail, loading older ranges ahead of time or
 * returning fewer entries. Writes are done by the driver (never by Raft) when
 * it handles a `Ready`.
 *
 * Index conventions: the log holds entries `firstIndex() .. lastIndex()`
 * inclusive. Index `firstIndex() - 1` is the log-start marker (the last
 * entry folded into the snapshot): its term is still readable via `term()`
 * but its entry is gone. An empty log has `lastIndex() == firstIndex() - 1`.
 */
import { decodeConfEntry } from './conf.js';
import { ConfRecord, ConfState, Entry, HardState, Snapshot, invariant } from './types.js';

export interface Storage {
  /** Hard state persisted by the driver (zeros for a new node). */
  hardState(): HardState;
  /** Index of the first retained entry (= snapshot().index + 1). */
  firstIndex(): number;
  /** Index of the last entry; `firstIndex() - 1` when empty. */
  lastIndex(): number;
  /**
   * Term of entry `i` for `firstIndex() - 1 <= i <= lastIndex()`.
   * Throws RangeError outside that range (callers check bounds first).
   */
  term(i: number): number;
  /**
   * Entries in the half-open range `[lo, hi)`, with
   * `firstIndex() <= lo <= hi <= lastIndex() + 1`. Stops before the total
   * data size exceeds `maxBytes`, but always returns at least one entry when
   * `lo < hi`. Throws RangeError outside the range.
   */
  entries(lo: number, hi: number, maxBytes: number): Entry[];
  /** The current log-start marker and state-machine image, with the configuration in force there. */
  snapshot(): Snapshot;
  /**
   * The configuration entries the stored log may hold after the log start, oldest first, without
   * reading entry data (a restarted node knows its configuration from them). May also name entries
   * since truncated: Raft keeps only those whose index and term match the log. Must name every conf
   * entry stored, so a driver records one before it stores the entry.
   */
  confRecords(): readonly ConfRecord[];
}

export function entrySize(e: Entry): number {
  return e.data.length;
}

/** Storage kept in memory. Also the "disk" of simulated nodes: it survives their crashes. */
export class MemoryStorage implements Storage {
  private hs: HardState = { term: 0, vote: 0, commit: 0 };
  private snap: Snapshot = { index: 0, term: 0, data: new Uint8Array(0) };
  /** ents[k] has index snap.index + 1 + k. */
  private ents: Entry[] = [];
  /** The conf entries among ents, oldest first (kept exactly: writes here are atomic). */
  private confs: ConfRecord[] = [];

  hardState(): HardState {
    return { ...this.hs };
  }

  firstIndex(): number {
    return this.snap.index + 1;
  }

  lastIndex(): number {
    return this.snap.index + this.ents.length;
  }

  term(i: number): number {
    if (i === this.snap.index) return this.snap.term;
    if (i < this.snap.index || i > this.lastIndex()) {
      throw new RangeError(`term(${i}) outside [${this.snap.index}, ${this.lastIndex()}]`);
    }
    return this.ents[i - this.snap.index - 1]!.term;
  }

  entries(lo: number, hi: number, maxBytes: number): Entry[] {
    if (lo < this.firstIndex() || hi > this.lastIndex() + 1 || lo > hi) {
      throw new RangeError(`entries[${lo}, ${hi}) outside [${this.firstIndex()}, ${this.lastIndex() + 1})`);
    }
    const out: Entry[] = [];
    let bytes = 0;
    for (let i = lo; i < hi; i++) {
      const e = this.ents[i - this.snap.index - 1]!;
      bytes += entrySize(e);
      if (out.length > 0 && bytes > maxBytes) break;
      out.push(e);
    }
    return out;
  }

  snapshot(): Snapshot {
    return this.snap;
  }

  confRecords(): readonly ConfRecord[] {
    return this.confs;
  }

  // ---- writes, done by the driver while handling a Ready ----

  setHardState(hs: HardState): void {
    this.hs = { ...hs };
  }

  /**
   * Appends entries, first truncating any stored suffix from
   * `entries[0].index` on (a new leader overwrote it). Entries at or below
   * the log start are skipped (already covered by the snapshot).
   */
  append(entries: Entry[]): void {
    if (entries.length === 0) return;
    for (let k = 1; k < entries.length; k++) {
      invariant(entries[k]!.index === entries[k - 1]!.index + 1, 'append: entries not contiguous');
    }
    let ents = entries;
    if (ents[0]!.index <= this.snap.index) {
      ents = ents.slice(this.snap.index + 1 - ents[0]!.index);
      if (ents.length === 0) return;
    }
    const first = ents[0]!.index;
    invariant(first <= this.lastIndex() + 1, () => `append: gap, last ${this.lastIndex()} next ${first}`);
    this.ents.length = first - this.snap.index - 1;
    this.confs = this.confs.filter((c) => c.index < first);
    for (const e of ents) {
      this.ents.push(e);
      const conf = decodeConfEntry(e.data);
      if (conf) this.confs.push({ index: e.index, term: e.term, conf });
    }
  }

  /** Replaces the whole log with a snapshot received from the leader. */
  applySnapshot(snap: Snapshot): void {
    invariant(snap.index >= this.snap.index, () => `applySnapshot: ${snap.index} older than ${this.snap.index}`);
    // Keep entries after the snapshot only if they agree with it (log matching).
    if (snap.index <= this.lastIndex() && this.term(snap.index) === snap.term) {
      this.ents = this.ents.slice(snap.index - this.snap.index);
      this.confs = this.confs.filter((c) => c.index > snap.index);
    } else {
      this.ents = [];
      this.confs = [];
    }
    this.snap = snap;
  }

  /**
   * A storage fault (tests and the simulator): the entries from `index` on are lost, whatever
   * the hard state says. The driver then repairs the log (see HardState.repairIndex).
   */
  loseFrom(index: number): void {
    invariant(index > this.snap.index, () => `loseFrom(${index}) at or below the log start ${this.snap.index}`);
    this.ents.length = Math.min(this.ents.length, index - this.snap.index - 1);
    this.confs = this.confs.filter((c) => c.index < index);
  }

  /**
   * Retention: drops every entry up to and including `index`, which becomes
   * the new log start. `data` is the state-machine image at `index` (empty
   * for a partition). Only applied (hence committed) entries may be dropped.
   */
  compact(index: number, data: Uint8Array = new Uint8Array(0)): void {
    if (index <= this.snap.index) return;
    invariant(index <= this.lastIndex(), () => `compact(${index}) beyond last index ${this.lastIndex()}`);
    invariant(index <= this.hs.commit, () => `compact(${index}) beyond commit ${this.hs.commit}`);
    const term = this.term(index);
    this.ents = this.ents.slice(index - this.snap.index);
    // The configuration at the new log start moves into the snapshot.
    let conf: ConfState | undefined = this.snap.conf;
    for (const c of this.confs) if (c.index <= index) conf = c.conf;
    this.confs = this.confs.filter((c) => c.index > index);
    this.snap = conf ? { index, term, data, conf } : { index, term, data };
  }
}
