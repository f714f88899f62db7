/**
 * Unit tests in the spirit of the Raft paper's properties (etcd's
 * raft_paper_test): election safety, election restriction, leader
 * append-only, commit rules (incl. Figure 8), plus flow-control limits.
 */
import { expect } from 'chai';
import { MemoryStorage, Raft, RaftInvariantError, seededRng } from '../../src/raft/index.js';
import type { Entry, Message, RaftLimits, Ready } from '../../src/raft/index.js';

const enc = new TextEncoder();

const disks = new WeakMap<Raft, MemoryStorage>();

function mk(id: number, voters: number[], storage = new MemoryStorage(), limits: Partial<RaftLimits> = {}): Raft {
  const r = new Raft({ ...limits, id, voters, storage, random: seededRng(id) });
  disks.set(r, storage);
  return r;
}

/** Drains a Ready the way a driver must: persist, then collect messages, then advance. */
function drain(r: Raft, storage = disks.get(r)): { msgs: Message[]; rds: Ready[] } {
  const msgs: Message[] = [];
  const rds: Ready[] = [];
  while (r.hasReady()) {
    const rd = r.ready();
    if (storage) {
      if (rd.snapshot) storage.applySnapshot(rd.snapshot);
      storage.append(rd.entries);
      if (rd.hardState) storage.setHardState(rd.hardState);
    }
    msgs.push(...rd.messages);
    rds.push(rd);
    r.advance();
  }
  return { msgs, rds };
}

/** Makes `r` leader by granting it every (pre-)vote it asks for. */
function elect(r: Raft, voters: number[], storage?: MemoryStorage): Message[] {
  r.campaign();
  drain(r, storage);
  const preTerm = r.term + 1;
  for (const v of voters) if (v !== r.id) r.step({ type: 'preVoteResp', from: v, to: r.id, term: preTerm, reject: false });
  drain(r, storage);
  for (const v of voters) if (v !== r.id) r.step({ type: 'voteResp', from: v, to: r.id, term: r.term, reject: false });
  expect(r.role).to.equal('leader');
  return drain(r, storage).msgs;
}

function ents(...terms: number[]): Entry[] {
  return terms.map((term, k) => ({ index: k + 1, term, data: enc.encode(`e${k + 1}`) }));
}

function storageWith(entries: Entry[], term: number, commit = 0): MemoryStorage {
  const s = new MemoryStorage();
  s.append(entries);
  s.setHardState({ term, vote: 0, commit });
  return s;
}

function appendResp(from: number, to: number, term: number, index: number): Message {
  return { type: 'appendResp', from, to, term, reject: false, index, hintIndex: 0, hintTerm: 0, repairing: false };
}

describe('raft (paper properties)', () => {
  const V3 = [1, 2, 3];
  const V5 = [1, 2, 3, 4, 5];

  it('starts as follower with term 0 and reads hard state from storage on restart', () => {
    expect(mk(1, V3).status()).to.include({ role: 'follower', term: 0, leaderId: 0, commitIndex: 0 });
    const r = mk(1, V3, storageWith(ents(1, 1), 3, 2));
    expect(r.status()).to.include({ term: 3, commitIndex: 2, lastIndex: 2, appliedIndex: 0 });
  });

  it('election timeout is randomized in [electionTicks, 2*electionTicks) and starts with pre-vote', () => {
    const fired: number[] = [];
    for (let seed = 1; seed <= 30; seed++) {
      const r = new Raft({ id: 1, voters: V3, storage: new MemoryStorage(), random: seededRng(seed), electionTicks: 10 });
      let t = 0;
      while (r.role === 'follower') {
        r.tick();
        t++;
      }
      fired.push(t);
      expect(r.role).to.equal('preCandidate');
      expect(r.term).to.equal(0); // pre-vote does not bump the term
      const { msgs } = drain(r);
      expect(msgs.map((m) => m.type)).to.deep.equal(['preVote', 'preVote']);
    }
    expect(Math.min(...fired)).to.be.at.least(10);
    expect(Math.max(...fired)).to.be.below(20);
    expect(new Set(fired).size).to.be.greaterThan(3);
  });

  it('a single-node group elects itself and commits immediately', () => {
    const s = new MemoryStorage();
    const r = mk(1, [1], s);
    r.campaign();
    expect(r.role).to.equal('leader');
    expect(r.propose(enc.encode('x'))).to.deep.equal({ ok: true, index: 2, term: 1 });
    const { rds } = drain(r, s);
    expect(rds.flatMap((rd) => rd.committedEntries).map((e) => e.index)).to.deep.equal([1, 2]);
  });

  it('election safety: a node grants at most one vote per term and persists it before replying', () => {
    const s = new MemoryStorage();
    const r = mk(1, V3, s);
    r.step({ type: 'vote', from: 2, to: 1, term: 1, lastLogIndex: 0, lastLogTerm: 0, transfer: false });
    const first = drain(r, s).rds[0]!;
    expect(first.hardState).to.deep.equal({ term: 1, vote: 2, commit: 0 });
    expect(first.mustSync).to.equal(true);
    expect(first.messages).to.deep.equal([{ type: 'voteResp', from: 1, to: 2, term: 1, reject: false }]);
    r.step({ type: 'vote', from: 3, to: 1, term: 1, lastLogIndex: 5, lastLogTerm: 1, transfer: false });
    expect(drain(r, s).msgs).to.deep.equal([{ type: 'voteResp', from: 1, to: 3, term: 1, reject: true }]);
    // A retransmitted request from the same candidate is granted again.
    r.step({ type: 'vote', from: 2, to: 1, term: 1, lastLogIndex: 0, lastLogTerm: 0, transfer: false });
    expect(drain(r, s).msgs[0]).to.include({ reject: false });
    // The vote survives a restart.
    expect(mk(1, V3, s).status().vote).to.equal(2);
  });

  it('election restriction: rejects candidates whose log is less up to date', () => {
    const cases: [number, number, boolean][] = [
      // candidate lastIndex, lastTerm, granted? (voter has [1/1 2/2])
      [1, 1, false],
      [3, 1, false],
      [1, 2, false],
      [2, 2, true],
      [3, 2, true],
      [1, 3, true],
    ];
    for (const [li, lt, granted] of cases) {
      const r = mk(1, V3, storageWith(ents(1, 2), 2));
      r.step({ type: 'vote', from: 2, to: 1, term: 3, lastLogIndex: li, lastLogTerm: lt, transfer: false });
      expect(drain(r).msgs[0], `${li}/${lt}`).to.include({ reject: !granted });
    }
  });

  it('a candidate loses on a majority of rejections and steps down', () => {
    const r = mk(1, V5);
    r.campaign();
    drain(r);
    for (const v of [2, 3]) r.step({ type: 'preVoteResp', from: v, to: 1, term: 1, reject: false });
    expect(r.role).to.equal('candidate');
    for (const v of [2, 3, 4]) r.step({ type: 'voteResp', from: v, to: 1, term: 1, reject: true });
    expect(r.role).to.equal('follower');
    expect(r.term).to.equal(1);
  });

  it('leader append-only: proposals append at the end, and the leader never rewrites its log', () => {
    const s = storageWith(ents(1, 1), 1, 1);
    const r = mk(1, V3, s);
    elect(r, V3, s);
    expect(r.lastIndex).to.equal(3); // no-op at term 2
    const p = r.propose(enc.encode('a'));
    expect(p).to.deep.equal({ ok: true, index: 4, term: 2 });
    drain(r, s);
    const before = s.entries(1, 5, Infinity);
    // A rejection from a follower with a divergent log changes nothing at the leader.
    r.step({ type: 'appendResp', from: 2, to: 1, term: 2, reject: true, index: 2, hintIndex: 1, hintTerm: 1, repairing: false });
    drain(r, s);
    expect(s.entries(1, 5, Infinity)).to.deep.equal(before);
  });

  it('commits an entry of the current term once a majority stores it', () => {
    const s = new MemoryStorage();
    const r = mk(1, V5, s);
    elect(r, V5, s);
    r.propose(enc.encode('a'));
    drain(r, s);
    r.step(appendResp(2, 1, 1, 2));
    expect(r.commitIndex).to.equal(0);
    r.step(appendResp(3, 1, 1, 2));
    expect(r.commitIndex).to.equal(2);
    const { rds } = drain(r, s);
    expect(rds[0]!.committedEntries.map((e) => e.index)).to.deep.equal([1, 2]);
  });

  it('Figure 8: never commits a previous term entry by counting replicas', () => {
    // Leader of term 4 has [1/1 2/2] (2/2 from an old leader); followers 2 and 3 also hold 2/2.
    const s = storageWith(ents(1, 2), 3, 1);
    const r = mk(1, V5, s);
    elect(r, V5, s);
    expect(r.term).to.equal(4);
    expect(r.lastIndex).to.equal(3); // no-op 3/4 not yet replicated
    r.step(appendResp(2, 1, 4, 2));
    r.step(appendResp(3, 1, 4, 2));
    // Index 2 is on a majority (1, 2, 3) but is from term 2: it must not commit.
    expect(r.commitIndex).to.equal(1);
    // Once the term-4 entry is on a majority, both commit.
    r.step(appendResp(2, 1, 4, 3));
    expect(r.commitIndex).to.equal(1);
    r.step(appendResp(3, 1, 4, 3));
    expect(r.commitIndex).to.equal(3);
  });

  it('followers commit only up to the last entry the leader sent them', () => {
    const s = new MemoryStorage();
    const r = mk(2, V3, s);
    r.step({ type: 'append', from: 1, to: 2, term: 1, prevIndex: 0, prevTerm: 0, entries: ents(1), commit: 5 });
    expect(r.commitIndex).to.equal(1);
    expect(r.leaderId).to.equal(1);
  });

  it('follower rejects with a conflict hint and truncates conflicting uncommitted entries', () => {
    const s = storageWith(ents(1, 1, 2, 2, 2), 2, 2);
    const r = mk(2, V3, s);
    // Leader of term 3 has [1/1 2/1 3/3 ...]; it probes at 6/3.
    r.step({ type: 'append', from: 1, to: 2, term: 3, prevIndex: 6, prevTerm: 3, entries: [], commit: 2 });
    const rej = drain(r, s).msgs[0]!;
    expect(rej).to.deep.include({ type: 'appendResp', reject: true, index: 6, hintIndex: 5, hintTerm: 2 });
    r.step({
      type: 'append',
      from: 1,
      to: 2,
      term: 3,
      prevIndex: 2,
      prevTerm: 1,
      entries: [{ index: 3, term: 3, data: enc.encode('x') }],
      commit: 3,
    });
    drain(r, s);
    expect(s.lastIndex()).to.equal(3);
    expect(s.term(3)).to.equal(3);
    expect(r.commitIndex).to.equal(3);
  });

  it('leader backtracks a whole term per rejection using the hint', () => {
    // Leader log: 1/1 2/1 3/3 4/3 5/3, new leader at term 4 -> no-op 6/4.
    const s = storageWith(ents(1, 1, 3, 3, 3), 3, 2);
    const r = mk(1, V3, s);
    elect(r, V3, s);
    // Follower 2 holds 1/1 2/1 3/2 4/2 5/2 6/2: rejects prev 5/3 with hint 5/2.
    r.step({ type: 'appendResp', from: 2, to: 1, term: 4, reject: true, index: 5, hintIndex: 5, hintTerm: 2, repairing: false });
    const app = drain(r, s).msgs.find((m) => m.type === 'append' && m.to === 2);
    expect(app).to.include({ prevIndex: 2, prevTerm: 1 });
  });

  it('batches entries within maxEntriesPerMsg / maxBytesPerMsg and pipelines up to maxInflightMsgs', () => {
    const s = new MemoryStorage();
    const r = mk(1, V3, s, { maxEntriesPerMsg: 2, maxBytesPerMsg: 1000, maxInflightMsgs: 3 });
    elect(r, V3, s);
    r.step(appendResp(2, 1, 1, 1)); // follower 2 -> replicate
    drain(r, s);
    for (let i = 0; i < 20; i++) r.propose(enc.encode(`p${i}`));
    const apps = drain(r, s).msgs.filter((m) => m.type === 'append' && m.to === 2);
    const sizes = apps.map((m) => (m.type === 'append' ? m.entries.length : -1));
    expect(sizes.every((n) => n <= 2)).to.equal(true);
    // At most maxInflightMsgs non-empty appends are outstanding.
    expect(sizes.filter((n) => n > 0).length).to.equal(3);
    // An ack frees the window and the leader continues.
    const last = apps[apps.length - 1];
    r.step(appendResp(2, 1, 1, last && last.type === 'append' ? last.prevIndex + last.entries.length : 0));
    expect(drain(r, s).msgs.filter((m) => m.type === 'append' && m.to === 2).length).to.equal(3);

    const r2 = mk(1, V3, new MemoryStorage(), { maxBytesPerMsg: 5 });
    elect(r2, V3);
    r2.step(appendResp(2, 1, 1, 1));
    drain(r2);
    r2.propose(enc.encode('abcd'));
    r2.propose(enc.encode('efgh'));
    const big = drain(r2).msgs.filter((m) => m.type === 'append' && m.to === 2 && m.entries.length > 0);
    expect(big.every((m) => m.type === 'append' && m.entries.length === 1)).to.equal(true);
  });

  it('propose is refused when not leader and when maxUncommittedBytes is hit', () => {
    const r = mk(1, V3, new MemoryStorage(), { maxUncommittedBytes: 10 });
    expect(r.propose(enc.encode('a'))).to.deep.equal({ ok: false, reason: 'notLeader', leaderId: 0 });
    elect(r, V3);
    expect(r.propose(enc.encode('123456')).ok).to.equal(true);
    expect(r.propose(enc.encode('1234')).ok).to.equal(true);
    expect(r.propose(enc.encode('x'))).to.deep.include({ ok: false, reason: 'uncommittedBytesLimit' });
    // Committing and applying frees the budget.
    r.step(appendResp(2, 1, 1, 3));
    drain(r);
    expect(r.propose(enc.encode('x')).ok).to.equal(true);
  });

  it('Ready orders hard state and entries with the messages that depend on them; ready() twice throws', () => {
    const s = new MemoryStorage();
    const r = mk(2, V3, s);
    r.step({ type: 'append', from: 1, to: 2, term: 1, prevIndex: 0, prevTerm: 0, entries: ents(1, 1), commit: 1 });
    const rd = r.ready();
    expect(rd.entries.map((e) => e.index)).to.deep.equal([1, 2]);
    expect(rd.hardState).to.deep.equal({ term: 1, vote: 0, commit: 1 });
    expect(rd.committedEntries.map((e) => e.index)).to.deep.equal([1]);
    expect(rd.messages[0]).to.include({ type: 'appendResp', index: 2 });
    expect(() => r.ready()).to.throw(RaftInvariantError);
    expect(() => r.advance()).to.throw(/not persisted/); // the driver skipped persisting
    s.append(rd.entries);
    r.advance();
    expect(() => r.advance()).to.throw(RaftInvariantError);
  });

  it('rejects bad options and misrouted messages as programmer errors', () => {
    expect(() => mk(1, [1, 2, 2])).to.throw(RaftInvariantError);
    expect(() => mk(1, [])).to.throw(RaftInvariantError);
    expect(() => mk(1, V3, new MemoryStorage(), { heartbeatTicks: 10, electionTicks: 10 })).to.throw(RaftInvariantError);
    expect(() => mk(1, V3, new MemoryStorage(), { maxInflightMsgs: 0 })).to.throw(RaftInvariantError);
    const r = mk(1, V3);
    expect(() => r.step({ type: 'heartbeatResp', from: 2, to: 3, term: 0 })).to.throw(RaftInvariantError);
  });

  it('messages are plain serializable data', () => {
    const s = new MemoryStorage();
    const r = mk(1, V3, s);
    const msgs = elect(r, V3, s);
    const round = JSON.parse(JSON.stringify(msgs, (_k, v: unknown) => (v instanceof Uint8Array ? [...v] : v)));
    expect(round).to.have.length(msgs.length);
    for (const m of msgs) expect(Object.getPrototypeOf(m)).to.equal(Object.prototype);
  });
});

describe('MemoryStorage', () => {
  it('serves [lo, hi) ranges within maxBytes, at least one entry', () => {
    const s = storageWith(ents(1, 1, 2), 2);
    expect(s.firstIndex()).to.equal(1);
    expect(s.lastIndex()).to.equal(3);
    expect(s.entries(1, 4, Infinity).map((e) => e.index)).to.deep.equal([1, 2, 3]);
    expect(s.entries(2, 3, Infinity).map((e) => e.index)).to.deep.equal([2]);
    expect(s.entries(1, 4, 0).map((e) => e.index)).to.deep.equal([1]);
    expect(s.entries(1, 4, 4).map((e) => e.index)).to.deep.equal([1, 2]);
    expect(() => s.entries(0, 2, Infinity)).to.throw(RangeError);
    expect(() => s.term(4)).to.throw(RangeError);
  });

  it('compact moves the log start forward but keeps the marker term', () => {
    const s = storageWith(ents(1, 1, 2, 2), 2, 3);
    s.compact(2, enc.encode('img'));
    expect(s.firstIndex()).to.equal(3);
    expect(s.term(2)).to.equal(1);
    expect(s.snapshot()).to.deep.include({ index: 2, term: 1 });
    expect(() => s.term(1)).to.throw(RangeError);
    expect(() => s.compact(4)).to.throw(RaftInvariantError); // beyond commit
    s.append([{ index: 2, term: 1, data: enc.encode('e2') }, { index: 3, term: 5, data: new Uint8Array() }]);
    expect(s.lastIndex()).to.equal(3);
    expect(s.term(3)).to.equal(5);
  });
});
