/**
 * Protocol-aware repair (docs/RAFT.md, "Repair"): a node whose storage lost entries it may have
 * acknowledged restarts with its commit capped, neither votes nor campaigns until its log is again
 * at least as up to date as before the loss and holds the leader's commit, and tells the leader,
 * which stops counting the lost entries as the node's copy.
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

function node(id: number, storage: MemoryStorage, voters = V3): Raft {
  return new Raft({ id, voters, storage, random: seededRng(id), electionTicks: 10, heartbeatTicks: 1 });
}

/** The messages a Ready round sends, persisted as a driver must. */
function sent(r: Raft, s: MemoryStorage): Message[] {
  return drain(r, s).msgs;
}

/** Node 2's disk after a storage fault: it held 1/1..4/2 with commit 4 and lost entries 3 and 4. */
function damagedDisk(recorded: boolean): MemoryStorage {
  const s = new MemoryStorage();
  s.append([ent(1, 1), ent(2, 1), ent(3, 2), ent(4, 2)]);
  s.setHardState({ term: 2, vote: 1, commit: 4, ...(recorded ? { repairIndex: 4, repairTerm: 2 } : {}) });
  s.loseFrom(3);
  return s;
}

describe('raft repair after lost entries', () => {
  it('caps a persisted commit beyond the last entry and persists the repair (durably) before it sends anything', () => {
    const s = damagedDisk(false);
    const r = node(2, s);
    expect(r.commitIndex).to.equal(2);
    expect(r.status().repairing).to.equal(true);
    const rd = r.ready();
    expect(rd.hardState).to.deep.equal({ term: 2, vote: 1, commit: 2, repairIndex: 4, repairTerm: 2 });
    expect(rd.mustSync).to.equal(true);
  });

  it('a lone voter has nobody to repair from: its commit is capped and it leads with what is left', () => {
    const s = damagedDisk(false);
    const r = node(1, s, [1]);
    expect(r.status().repairing).to.equal(false);
    r.campaign();
    sent(r, s);
    expect(r.role).to.equal('leader');
  });

  for (const type of ['preVote', 'vote'] as const) {
    it(`refuses a ${type} it would grant with an intact log, and never campaigns`, () => {
      const s = damagedDisk(true);
      const r = node(2, s);
      sent(r, s);
      // Candidate 3 holds 2/1: as up to date as node 2's damaged log, not as its log before the loss.
      r.step({ type, from: 3, to: 2, term: 3, lastLogIndex: 2, lastLogTerm: 1, transfer: false });
      const answers = sent(r, s).filter((m) => m.type === `${type}Resp`);
      expect(answers).to.have.length(1);
      expect(answers[0]).to.include({ reject: true });
      for (let i = 0; i < 50; i++) r.tick();
      expect(sent(r, s).filter((m) => m.type === 'preVote' || m.type === 'vote')).to.deep.equal([]);
      expect(r.role).to.equal('follower');
      r.step({ type: 'timeoutNow', from: 1, to: 2, term: r.term });
      expect(r.role).to.equal('follower');
    });
  }

  it('ends the repair only once its log is as up to date as before and holds the leader commit, then votes again', () => {
    const s = damagedDisk(true);
    const r = node(2, s);
    sent(r, s);
    // The leader of term 3 sends entry 3/2 only: not yet as up to date as 4/2.
    r.step({ type: 'append', from: 1, to: 2, term: 3, prevIndex: 2, prevTerm: 1, commit: 4, entries: [ent(3, 2)] });
    const first = sent(r, s).find((m) => m.type === 'appendResp');
    expect(first).to.include({ reject: false, index: 3, repairing: true });
    expect(r.status().repairing).to.equal(true);
    // 4/2 makes the log as up to date as before, but the leader's commit (5) is beyond it.
    r.step({ type: 'append', from: 1, to: 2, term: 3, prevIndex: 3, prevTerm: 2, commit: 5, entries: [ent(4, 2)] });
    sent(r, s);
    expect(r.status().repairing).to.equal(true);
    r.step({ type: 'append', from: 1, to: 2, term: 3, prevIndex: 4, prevTerm: 2, commit: 5, entries: [ent(5, 3)] });
    const done = sent(r, s).find((m) => m.type === 'appendResp');
    expect(done).to.include({ reject: false, index: 5, repairing: false });
    expect(r.status().repairing).to.equal(false);
    expect(s.hardState().repairIndex).to.equal(undefined);
    // A candidate as up to date as the repaired log now gets the vote (once the leader's lease ran out).
    for (let i = 0; i < 10; i++) r.tick();
    r.step({ type: 'vote', from: 3, to: 2, term: 4, lastLogIndex: 5, lastLogTerm: 3, transfer: false });
    expect(sent(r, s).find((m) => m.type === 'voteResp')).to.include({ reject: false });
  });

  it('a leader stops counting entries a repairing follower lost, and sends them again', () => {
    // Leader 1 of term 2 holds 1..4 committed, believing follower 2 matched all of it.
    const s = new MemoryStorage();
    s.append([ent(1, 1), ent(2, 1), ent(3, 2), ent(4, 2)]);
    s.setHardState({ term: 2, vote: 1, commit: 0 });
    const leader = node(1, s);
    leader.campaign();
    drain(leader, s);
    leader.step({ type: 'preVoteResp', from: 2, to: 1, term: 3, reject: false });
    drain(leader, s);
    leader.step({ type: 'voteResp', from: 2, to: 1, term: 3, reject: false });
    drain(leader, s);
    leader.step({ type: 'appendResp', from: 2, to: 1, term: 3, reject: false, index: 5, hintIndex: 0, hintTerm: 0, repairing: false });
    drain(leader, s);
    expect(leader.commitIndex).to.equal(5);
    expect(leader.progress().find((p) => p.id === 2)).to.include({ match: 5 });
    // Follower 2 lost everything after 2/1 and says so (to a heartbeat whose commit lies beyond its log).
    leader.step({ type: 'appendResp', from: 2, to: 1, term: 3, reject: true, index: 5, hintIndex: 2, hintTerm: 1, repairing: true });
    const resent = sent(leader, s).find((m) => m.type === 'append' && m.to === 2);
    expect(leader.progress().find((p) => p.id === 2)).to.include({ match: 2 });
    expect(resent).to.include({ prevIndex: 2, prevTerm: 1 });
    // A reject that is not a repair keeps the match: it is a stale answer, as before.
    leader.step({ type: 'appendResp', from: 3, to: 1, term: 3, reject: false, index: 5, hintIndex: 0, hintTerm: 0, repairing: false });
    leader.step({ type: 'appendResp', from: 3, to: 1, term: 3, reject: true, index: 4, hintIndex: 2, hintTerm: 1, repairing: false });
    drain(leader, s);
    expect(leader.progress().find((p) => p.id === 3)).to.include({ match: 5 });
  });

  it('a repairing follower answers a heartbeat whose commit lies beyond its log with where its log ends', () => {
    const s = damagedDisk(true);
    const r = node(2, s);
    sent(r, s);
    r.step({ type: 'heartbeat', from: 1, to: 2, term: 2, commit: 4 });
    const answer = sent(r, s).find((m) => m.type === 'appendResp');
    expect(answer).to.include({ reject: true, hintIndex: 2, hintTerm: 1, repairing: true });
    expect(r.commitIndex).to.equal(2);
  });

  it('a follower that lost its newest entries and the commit that covered them repairs on the first heartbeat beyond its log', () => {
    // A damaged write-ahead log: entries 3 and 4 and the hard state's commit 4 are gone, nothing says so.
    const s = new MemoryStorage();
    s.append([ent(1, 1), ent(2, 1)]);
    s.setHardState({ term: 2, vote: 1, commit: 2 });
    const r = node(2, s);
    sent(r, s);
    expect(r.status().repairing).to.equal(false);
    r.step({ type: 'heartbeat', from: 1, to: 2, term: 2, commit: 4 });
    const answers = sent(r, s);
    expect(answers.find((m) => m.type === 'appendResp')).to.include({ reject: true, hintIndex: 2, hintTerm: 1, repairing: true });
    expect(r.status().repairing).to.equal(true);
    expect(s.hardState()).to.include({ repairIndex: 4, repairTerm: 2 });
    expect(r.commitIndex).to.equal(2);
  });
});
