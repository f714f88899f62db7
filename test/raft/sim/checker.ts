/**
 * Safety invariants checked by the simulator after every step. A violation
 * throws SimViolation with a message naming the node, index and term.
 */
import type { Entry, NodeId, Snapshot } from '../../../src/raft/index.js';

export class SimViolation extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SimViolation';
  }
}

function check(cond: boolean, msg: () => string): void {
  if (!cond) throw new SimViolation(msg());
}

const decoder = new TextDecoder();

export function entryKey(e: { term: number; data: Uint8Array }): string {
  return `${e.term}:${decoder.decode(e.data)}`;
}

export class Checker {
  /** term -> the one node that led it. */
  private leaders = new Map<number, NodeId>();
  /** "index:term" -> key of the entry and term of its predecessor (log matching). */
  private byIndexTerm = new Map<string, { key: string; prevTerm: number | undefined }>();
  /**
   * index -> key of the committed entry at that index (the one true
   * sequence) and an upper bound of the term in which it was committed: the
   * term of the entry at the commit index that covered it (a leader only
   * commits by counting an entry of its own term).
   */
  private committed = new Map<number, { key: string; commitTerm: number }>();
  maxCommitted = 0;
  /** "index:term" of entries seen committed while a quorum of the configuration counted held them. */
  private quorumStored = new Set<string>();

  /** At most one leader per term. */
  onLeader(id: NodeId, term: number): boolean {
    const cur = this.leaders.get(term);
    if (cur === undefined) {
      this.leaders.set(term, id);
      return true;
    }
    check(cur === id, () => `two leaders in term ${term}: ${cur} and ${id}`);
    return false;
  }

  /**
   * Log matching: entries with the same index and term carry the same data
   * and follow an entry with the same term (inductively: identical prefixes).
   */
  onPersist(node: NodeId, e: Entry, prevTerm: number | undefined): void {
    const k = `${e.index}:${e.term}`;
    const key = entryKey(e);
    const seen = this.byIndexTerm.get(k);
    if (!seen) {
      this.byIndexTerm.set(k, { key, prevTerm });
      return;
    }
    check(seen.key === key, () => `log matching: node ${node} entry ${k} is ${key}, elsewhere ${seen.key}`);
    if (prevTerm !== undefined && seen.prevTerm !== undefined) {
      check(
        seen.prevTerm === prevTerm,
        () => `log matching: node ${node} entry ${k} follows term ${prevTerm}, elsewhere ${seen.prevTerm}`,
      );
    } else if (seen.prevTerm === undefined) {
      seen.prevTerm = prevTerm;
    }
  }

  /** A committed index holds the same entry everywhere, forever. */
  onCommitted(node: NodeId, index: number, key: string, what: string, commitTerm = Infinity): void {
    const cur = this.committed.get(index);
    if (cur === undefined) {
      this.committed.set(index, { key, commitTerm });
      if (index > this.maxCommitted) this.maxCommitted = index;
      return;
    }
    check(
      cur.key === key,
      () => `committed entry changed: node ${node} ${what} index ${index} = ${key}, committed ${cur.key}`,
    );
    if (commitTerm < cur.commitTerm) cur.commitTerm = commitTerm;
  }

  onSnapshotApplied(node: NodeId, s: Snapshot): void {
    const cur = this.committed.get(s.index);
    if (s.index > 0 && cur !== undefined) {
      check(
        cur.key.startsWith(`${s.term}:`),
        () => `node ${node} applied snapshot ${s.index}@${s.term} but committed entry there is ${cur.key}`,
      );
    }
  }

  setQuorumStored(index: number, term: number): void {
    this.quorumStored.add(`${index}:${term}`);
  }

  isQuorumStored(index: number, term: number): boolean {
    return this.quorumStored.has(`${index}:${term}`);
  }

  committedEntry(index: number): { key: string; commitTerm: number } | undefined {
    return this.committed.get(index);
  }
}
