/**
 * Scenarios from the Raft paper (Figure 2's receiver rules, §5.2-§5.4, §9.6
 * pre-vote and check-quorum) that the older tests did not reach, each built
 * so that one of the classic bugs of `make raft-mutants` makes it fail
 * (docs/RAFT.md, "Mutation score").
 */
import { expect } from 'chai';
import { MemoryStorage, Raft, seededRng } from '../../src/raft/index.js';
import type { Entry, Message } from '../../src/raft/index.js';
import { drain } from './drain.js';

const enc = new TextEncoder();
const V3 = [1, 2, 3];

function ent(index: number, term: number): Entry {
  return { index, term, data: enc.encode(`e${index}@${term}`) };
}

function disk(entries: Entry[], term: number, commit: number, vote = 0): MemoryStorage {
  const s = new MemoryStorage();
  s.append(entries);
  s.setHardState({ term, vote, commit });
  return s;
}

function node(id: number, storage: MemoryStorage): Raft {
  return new Raft({ id, voters: V3, storage, random: seededRng(id), electionTicks: 10, heartbeatTicks: 1 });
}

function terms(s: MemoryStorage): string {
  return s
    .entries(s.firstIndex(), s.lastIndex() + 1, Infinity)
    .map((e) => `${e.index}/${e.term}`)
    .join(' ');
}

function vote(from: number, to: number, term: number, lastLogIndex: number, lastLogTerm: number): Message {
  return { type: 'vote', from, to, term, lastLogIndex, lastLogTerm, transfer: false };
}

describe('raft scenarios (paper rules behind the mutation score)', () => {
  it('a vote cast in a term the node already entered is persisted with the Ready and survives a restart', () => {
    // Node 1 holds 1/1; candidate 2 has an empty log: node 1 enters term 2 but refuses it.
    const s = disk([ent(1, 1)], 1, 0);
    const r = node(1, s);
    r.step(vote(2, 1, 2, 0, 0));
    expect(drain(r, s).msgs).to.deep.equal([{ type: 'voteResp', from: 1, to: 2, term: 2, reject: true }]);
    expect(s.hardState()).to.include({ term: 2, vote: 0 });
    // Candidate 3 is up to date: the grant in the same term must reach the disk before the reply.
    r.step(vote(3, 1, 2, 1, 1));
    const { rds } = drain(r, s);
    expect(rds[0]!.hardState).to.deep.equal({ term: 2, vote: 3, commit: 0 });
    expect(rds[0]!.mustSync).to.equal(true);
    expect(rds[0]!.messages).to.deep.equal([{ type: 'voteResp', from: 1, to: 3, term: 2, reject: false }]);
    // After a crash the node still refuses a second candidate in term 2.
    const again = node(1, s);
    again.step(vote(2, 1, 2, 1, 1));
    expect(drain(again, s).msgs[0]).to.include({ type: 'voteResp', reject: true });
  });

  it('Figure 2, AppendEntries rule 5: a follower commits only up to the last new entry, never its stale suffix', () => {
    // Follower 2 kept 3/1 from a deposed leader of term 1. The leader of term 2 has
    // [1/1 2/1 3/2 4/2], commit 4, and (re)sends a range that ends before the stale
    // entry: a retransmission or a smaller batch, which a leader may send at any time.
    const s = disk([ent(1, 1), ent(2, 1), ent(3, 1)], 1, 1);
    const r = node(2, s);
    r.step({ type: 'append', from: 1, to: 2, term: 2, prevIndex: 1, prevTerm: 1, entries: [ent(2, 1)], commit: 4 });
    const { msgs, rds } = drain(r, s);
    expect(msgs).to.deep.equal([{ type: 'appendResp', from: 2, to: 1, term: 2, reject: false, index: 2, hintIndex: 0, hintTerm: 0, repairing: false }]);
    expect(r.commitIndex).to.equal(2);
    expect(rds.flatMap((rd) => rd.committedEntries).map((e) => `${e.index}/${e.term}`)).to.deep.equal(['1/1', '2/1']);
    // The next append replaces the stale entry, and only then does it commit.
    r.step({ type: 'append', from: 1, to: 2, term: 2, prevIndex: 2, prevTerm: 1, entries: [ent(3, 2), ent(4, 2)], commit: 4 });
    drain(r, s);
    expect(terms(s)).to.equal('1/1 2/1 3/2 4/2');
    expect(r.commitIndex).to.equal(4);
  });

  it('a snapshot whose last entry the follower already holds only moves commit; newer entries stay', () => {
    // Follower 2 acknowledged 1..5 to the leader of term 1, whose ack was lost; the leader
    // compacted to 3 and sends its log start. Entries 4 and 5 may already count for commit.
    const s = disk([ent(1, 1), ent(2, 1), ent(3, 1), ent(4, 1), ent(5, 1)], 1, 1);
    const r = node(2, s);
    r.step({ type: 'snapshot', from: 1, to: 2, term: 1, snapshot: { index: 3, term: 1, data: new Uint8Array() } });
    const { msgs, rds } = drain(r, s);
    expect(rds.some((rd) => rd.snapshot !== undefined)).to.equal(false);
    expect(msgs[0]).to.include({ type: 'appendResp', reject: false, index: 3 });
    expect(r.commitIndex).to.equal(3);
    expect(r.lastIndex).to.equal(5);
    expect(terms(s)).to.equal('1/1 2/1 3/1 4/1 5/1');
  });

  it('ignores a stale leader and stale vote grants, and tells the stale leader the current term', () => {
    const s = disk([ent(1, 1)], 3, 1);
    const r = node(2, s);
    r.step({ type: 'append', from: 1, to: 2, term: 2, prevIndex: 1, prevTerm: 1, entries: [ent(2, 2)], commit: 2 });
    const { msgs } = drain(r, s);
    expect(msgs).to.have.length(1);
    expect(msgs[0]).to.include({ type: 'appendResp', to: 1, term: 3 });
    expect(terms(s)).to.equal('1/1');
    expect(r.status()).to.include({ term: 3, commitIndex: 1, leaderId: 0 });
    // A candidate of term 4 does not count grants from term 3.
    r.campaign();
    drain(r, s);
    r.step({ type: 'preVoteResp', from: 1, to: 2, term: 4, reject: false });
    drain(r, s);
    expect(r.status()).to.include({ role: 'candidate', term: 4 });
    r.step({ type: 'voteResp', from: 1, to: 2, term: 3, reject: false });
    r.step({ type: 'voteResp', from: 3, to: 2, term: 3, reject: false });
    expect(r.role).to.equal('candidate');
  });

  it('§9.6 pre-vote: granting a pre-vote changes neither term nor vote', () => {
    // Node 1 has no leader (no lease), so it answers; its log does not beat the candidate's.
    const s = disk([ent(1, 1)], 1, 1, 1);
    const r = node(1, s);
    r.step({ type: 'preVote', from: 3, to: 1, term: 2, lastLogIndex: 1, lastLogTerm: 1, transfer: false });
    const { msgs, rds } = drain(r, s);
    expect(msgs).to.deep.equal([{ type: 'preVoteResp', from: 1, to: 3, term: 2, reject: false }]);
    expect(rds.every((rd) => rd.hardState === undefined)).to.equal(true);
    expect(r.status()).to.include({ term: 1, vote: 1 });
  });

  it('check-quorum: a cut-off leader steps down within 2*electionTicks, even while transfers are requested', () => {
    const s = new MemoryStorage();
    const r = node(1, s);
    r.campaign();
    drain(r, s);
    r.step({ type: 'preVoteResp', from: 2, to: 1, term: 1, reject: false });
    drain(r, s);
    r.step({ type: 'voteResp', from: 2, to: 1, term: 1, reject: false });
    drain(r, s);
    expect(r.role).to.equal('leader');
    // From here on nobody answers. An operator keeps asking to move leadership away.
    let ticks = 0;
    while (r.role === 'leader' && ticks < 100) {
      if (ticks % 9 === 8) r.transferLeadership(ticks % 2 === 0 ? 2 : 3);
      r.tick();
      ticks++;
      drain(r, s);
    }
    expect(r.role).to.equal('follower');
    expect(ticks).to.be.at.most(20);
  });
});
