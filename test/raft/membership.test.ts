/**
 * Membership change (docs/RAFT.md, "Membership change"): learners, one voter at a time, and the
 * pitfalls of single-server changes, each shown on a small in-memory group.
 */
import { expect } from 'chai';
import {
  MemoryStorage,
  Raft,
  applyConfChange,
  decodeConfEntry,
  encodeConfEntry,
  isConfEntry,
  seededRng,
  type ConfRecord,
  type Message,
  type NodeId,
} from '../../src/raft/index.js';
import { drain } from './drain.js';

const enc = new TextEncoder();

interface Node {
  raft: Raft;
  disk: MemoryStorage;
}

/** A group in one process: messages queue until delivered; `down` nodes get nothing. */
class Group {
  readonly nodes = new Map<NodeId, Node>();
  queue: Message[] = [];
  readonly down = new Set<NodeId>();
  /** Messages delivered so far (for assertions on what was sent). */
  readonly sent: Message[] = [];

  constructor(voters: NodeId[], learners: NodeId[] = []) {
    for (const id of [...voters, ...learners]) this.boot(id, new MemoryStorage(), voters, learners);
  }

  boot(id: NodeId, disk: MemoryStorage, voters: NodeId[], learners: NodeId[] = []): Node {
    const node = { disk, raft: new Raft({ id, voters, learners, storage: disk, random: seededRng(id), electionTicks: 10, heartbeatTicks: 1 }) };
    this.nodes.set(id, node);
    return node;
  }

  /** Crash and restart `id` over its disk. */
  restart(id: NodeId, voters: NodeId[], learners: NodeId[] = []): Raft {
    this.queue = this.queue.filter((m) => m.from !== id && m.to !== id);
    return this.boot(id, this.node(id).disk, voters, learners).raft;
  }

  node(id: NodeId): Node {
    const n = this.nodes.get(id);
    if (n === undefined) throw new Error(`no node ${id}`);
    return n;
  }

  raft(id: NodeId): Raft {
    return this.node(id).raft;
  }

  /** Persists and sends every node's Ready, delivers messages, until nothing moves. */
  stabilize(): void {
    for (let round = 0; round < 200; round++) {
      let moved = false;
      for (const [id, n] of this.nodes) {
        if (this.down.has(id)) continue;
        const { msgs } = drain(n.raft, n.disk);
        if (msgs.length > 0) moved = true;
        this.queue.push(...msgs);
      }
      const now = this.queue;
      this.queue = [];
      for (const m of now) {
        if (this.down.has(m.to) || this.down.has(m.from) || !this.nodes.has(m.to)) continue;
        this.sent.push(m);
        this.raft(m.to).step(m);
        moved = true;
      }
      if (!moved) return;
    }
    throw new Error('group did not settle');
  }

  elect(id: NodeId): void {
    this.raft(id).campaign();
    this.stabilize();
    expect(this.raft(id).role).to.equal('leader');
  }

  tick(ids: NodeId[], n: number): void {
    for (let i = 0; i < n; i++) {
      for (const id of ids) if (!this.down.has(id)) this.raft(id).tick();
      this.stabilize();
    }
  }

  propose(id: NodeId, data: string): number {
    const r = this.raft(id).propose(enc.encode(data));
    if (!r.ok) throw new Error(`proposal refused: ${r.reason}`);
    return r.index;
  }
}

describe('raft membership change', () => {
  describe('conf entries', () => {
    it('carry a whole configuration, and nothing else decodes as one', () => {
      const data = encodeConfEntry({ voters: [1, 2], learners: [3] });
      expect(isConfEntry(data)).to.equal(true);
      expect(decodeConfEntry(data)).to.deep.equal({ voters: [1, 2], learners: [3] });
      // A stamped record batch starts with its base offset (int64, first byte 0): never a conf entry.
      expect(decodeConfEntry(new Uint8Array([0, 0, 0, 0, 0, 0, 0, 5]))).to.equal(undefined);
      expect(decodeConfEntry(enc.encode('a'))).to.equal(undefined);
      const bad = (json: string) => {
        const out = new Uint8Array(4 + json.length);
        out.set(data.subarray(0, 4));
        out.set(enc.encode(json), 4);
        return decodeConfEntry(out);
      };
      expect(bad('{"voters":[1,1],"learners":[]}')).to.equal(undefined);
      expect(bad('{"voters":[1],"learners":[1]}')).to.equal(undefined);
      expect(bad('{"voters":[],"learners":[2]}')).to.equal(undefined);
      expect(bad('{"voters":[0],"learners":[]}')).to.equal(undefined);
      expect(bad('not json')).to.equal(undefined);
    });

    it('a step changes the voters by at most one and keeps a voter', () => {
      const conf = { voters: [1, 2, 3], learners: [4] };
      expect(applyConfChange(conf, { type: 'addLearner', node: 5 })).to.deep.equal({ voters: [1, 2, 3], learners: [4, 5] });
      expect(applyConfChange(conf, { type: 'promote', node: 4 })).to.deep.equal({ voters: [1, 2, 3, 4], learners: [] });
      expect(applyConfChange(conf, { type: 'remove', node: 2 })).to.deep.equal({ voters: [1, 3], learners: [4] });
      expect(applyConfChange(conf, { type: 'addLearner', node: 2 })).to.be.a('string');
      expect(applyConfChange(conf, { type: 'promote', node: 2 })).to.be.a('string');
      expect(applyConfChange(conf, { type: 'remove', node: 9 })).to.be.a('string');
      expect(applyConfChange({ voters: [1], learners: [] }, { type: 'remove', node: 1 })).to.be.a('string');
    });
  });

  it('a learner receives the log but neither counts toward commits nor campaigns', () => {
    const g = new Group([1, 2, 3], [4]);
    g.elect(1);
    g.down.add(2);
    g.down.add(3);
    const index = g.propose(1, 'x');
    g.stabilize();
    // The learner stored the entry; the leader alone plus a learner is no majority of {1,2,3}.
    expect(g.node(4).disk.lastIndex()).to.equal(index);
    expect(g.raft(1).commitIndex).to.be.below(index);
    g.down.delete(2);
    g.tick([1], 1);
    expect(g.raft(1).commitIndex).to.equal(index);
    // Cut off from everyone, the learner never campaigns.
    g.down.add(1);
    const before = g.sent.length;
    for (let i = 0; i < 100; i++) g.raft(4).tick();
    g.stabilize();
    expect(g.raft(4).role).to.equal('follower');
    expect(g.sent.slice(before).filter((m) => m.from === 4)).to.deep.equal([]);
  });

  it('a configuration takes effect when appended: the leader replicates to a new learner before the change commits', () => {
    const g = new Group([1, 2, 3]);
    g.boot(4, new MemoryStorage(), [1, 2, 3], [4]);
    g.elect(1);
    g.down.add(2);
    g.down.add(3);
    const r = g.raft(1).proposeConfChange({ type: 'addLearner', node: 4 });
    expect(r.ok).to.equal(true);
    expect(g.raft(1).status().learners).to.deep.equal([4]);
    g.stabilize();
    // Not committed (2 and 3 are down), yet 4 holds the whole log, the conf entry included.
    expect(g.raft(1).commitIndex).to.be.below(g.raft(1).lastIndex);
    expect(g.node(4).disk.lastIndex()).to.equal(g.raft(1).lastIndex);
    expect(g.raft(4).status().learners).to.deep.equal([4]);
  });

  it('one change at a time, and only once the leader committed an entry of its own term', () => {
    const g = new Group([1, 2, 3]);
    g.raft(1).campaign();
    // Elected, but its no-op is not committed yet: a change must wait (an earlier leader's
    // uncommitted change may still be in its log).
    for (let i = 0; i < 10 && g.raft(1).role !== 'leader'; i++) {
      for (const n of g.nodes.values()) g.queue.push(...drain(n.raft, n.disk).msgs);
      const now = g.queue;
      g.queue = [];
      // Acks of the no-op are lost: it stays uncommitted.
      for (const m of now) if (!(m.type === 'appendResp' && m.to === 1)) g.raft(m.to).step(m);
    }
    expect(g.raft(1).role).to.equal('leader');
    expect(g.raft(1).proposeConfChange({ type: 'addLearner', node: 4 })).to.include({ ok: false, reason: 'confChangePending' });
    g.stabilize();
    expect(g.raft(1).proposeConfChange({ type: 'addLearner', node: 4 }).ok).to.equal(true);
    expect(g.raft(1).proposeConfChange({ type: 'addLearner', node: 5 })).to.include({ ok: false, reason: 'confChangePending' });
    g.stabilize();
    expect(g.raft(1).proposeConfChange({ type: 'promote', node: 3 })).to.include({ ok: false, reason: 'invalidConfChange' });
    expect(g.raft(1).proposeConfChange({ type: 'remove', node: 9 })).to.include({ ok: false, reason: 'invalidConfChange' });
    expect(g.raft(2).proposeConfChange({ type: 'addLearner', node: 5 })).to.include({ ok: false, reason: 'notLeader' });
  });

  it('a promoted learner counts toward the quorum: four voters need three copies', () => {
    const g = new Group([1, 2, 3]);
    g.boot(4, new MemoryStorage(), [1, 2, 3], [4]);
    g.elect(1);
    expect(g.raft(1).proposeConfChange({ type: 'addLearner', node: 4 }).ok).to.equal(true);
    g.stabilize();
    expect(g.raft(1).proposeConfChange({ type: 'promote', node: 4 }).ok).to.equal(true);
    g.stabilize();
    for (const id of [1, 2, 3, 4]) expect(g.raft(id).status().voters).to.have.members([1, 2, 3, 4]);
    g.down.add(3);
    g.down.add(4);
    const index = g.propose(1, 'needs-three');
    g.stabilize();
    expect(g.raft(1).commitIndex).to.be.below(index);
    g.down.delete(4);
    g.tick([1], 1);
    expect(g.raft(1).commitIndex).to.equal(index);
  });

  it('a removed voter no longer counts, and its campaigns disturb nobody', () => {
    const g = new Group([1, 2, 3]);
    g.elect(1);
    expect(g.raft(1).proposeConfChange({ type: 'remove', node: 3 }).ok).to.equal(true);
    // Node 3 never hears of its removal: the leader stops sending to it at once.
    g.down.add(3);
    g.stabilize();
    g.down.delete(3);
    expect(g.raft(1).status().voters).to.deep.equal([1, 2]);
    expect(g.raft(3).status().voters).to.deep.equal([1, 2, 3]);
    const terms = [g.raft(1).term, g.raft(2).term];
    // 3 times out again and again; 1 and 2 hear from the leader and ignore its pre-votes.
    for (let i = 0; i < 60; i++) {
      g.raft(3).tick();
      g.stabilize();
    }
    expect(g.sent.some((m) => m.from === 3 && m.type === 'preVote')).to.equal(true);
    expect([g.raft(1).term, g.raft(2).term]).to.deep.equal(terms);
    expect(g.raft(1).role).to.equal('leader');
    // Without a leader no lease protects 2, but 3's log lacks its removal, which 2 holds: every
    // pre-vote 3 asks of 2 is refused, and no term moves.
    g.down.add(1);
    const seen = g.sent.length;
    g.tick([2, 3], 60);
    const answers = g.sent.slice(seen).filter((m) => m.from === 2 && m.to === 3 && m.type === 'preVoteResp');
    expect(answers.length).to.be.greaterThan(0);
    expect(answers.every((m) => m.type === 'preVoteResp' && m.reject)).to.equal(true);
    expect(g.raft(2).term).to.equal(terms[1]);
  });

  it('a leader that removes itself leads until that commits, then hands off to an up-to-date voter', () => {
    const g = new Group([1, 2, 3]);
    g.elect(1);
    g.propose(1, 'before');
    g.stabilize();
    const r = g.raft(1).proposeConfChange({ type: 'remove', node: 1 });
    expect(r.ok).to.equal(true);
    g.stabilize();
    expect(g.raft(1).role).to.equal('follower');
    expect(g.sent.some((m) => m.from === 1 && m.type === 'timeoutNow')).to.equal(true);
    const leader = [2, 3].find((id) => g.raft(id).role === 'leader');
    expect(leader, 'a voter took over at once').to.not.equal(undefined);
    expect(g.raft(leader!).status().voters).to.have.members([2, 3]);
    // The old leader, no voter now, never campaigns.
    for (let i = 0; i < 50; i++) g.raft(1).tick();
    g.stabilize();
    expect(g.raft(1).role).to.equal('follower');
    expect(g.raft(leader!).commitIndex).to.be.at.least(r.ok ? r.index : 0);
  });

  it('a leadership transfer to a node being removed is refused; one in flight is dropped by the removal', () => {
    const g = new Group([1, 2, 3]);
    g.elect(1);
    g.down.add(3);
    expect(g.raft(1).transferLeadership(3)).to.equal(true);
    g.stabilize();
    expect(g.raft(1).status().leadTransferee).to.equal(3);
    // A transfer blocks proposals; the removal waits for it to end (or time out).
    expect(g.raft(1).proposeConfChange({ type: 'remove', node: 3 })).to.include({ ok: false, reason: 'transferring' });
    g.tick([1, 2], 10);
    expect(g.raft(1).status().leadTransferee).to.equal(0);
    expect(g.raft(1).proposeConfChange({ type: 'remove', node: 3 }).ok).to.equal(true);
    expect(g.raft(1).transferLeadership(3)).to.equal(false);
  });

  it('truncating an uncommitted conf entry restores the configuration before it', () => {
    const g = new Group([1, 2, 3]);
    g.elect(1);
    // Leader 1 appends a change nobody else stores; then 2 or 3 leads a later term without it.
    g.down.add(2);
    g.down.add(3);
    expect(g.raft(1).proposeConfChange({ type: 'remove', node: 3 }).ok).to.equal(true);
    g.stabilize();
    expect(g.raft(1).status().voters).to.deep.equal([1, 2]);
    g.down.clear();
    g.down.add(1);
    g.tick([2, 3], 30);
    const leader = [2, 3].find((id) => g.raft(id).role === 'leader')!;
    g.propose(leader, 'new-term');
    g.stabilize();
    g.down.delete(1);
    g.tick([leader, 1], 2);
    // 1's conf entry is overwritten by the new leader's entries: back to three voters.
    expect(g.raft(1).status().voters).to.deep.equal([1, 2, 3]);
    expect(g.node(1).disk.confRecords()).to.deep.equal([]);
  });

  it('a restarted node recovers its configuration from the log, from a snapshot, and ignores stale records', () => {
    const g = new Group([1, 2, 3]);
    g.boot(4, new MemoryStorage(), [1, 2, 3], [4]);
    g.elect(1);
    g.raft(1).proposeConfChange({ type: 'addLearner', node: 4 });
    g.stabilize();
    g.raft(1).proposeConfChange({ type: 'promote', node: 4 });
    g.stabilize();
    g.raft(1).proposeConfChange({ type: 'remove', node: 2 });
    g.stabilize();
    // Restarted with the bootstrap configuration {1,2,3}: the log's conf entries win.
    expect(g.restart(3, [1, 2, 3]).status().voters).to.have.members([1, 3, 4]);
    // Retention folds every conf entry into the snapshot; the configuration moves with it.
    g.propose(1, 'after');
    g.stabilize();
    const disk = g.node(3).disk;
    disk.compact(disk.lastIndex());
    expect(disk.confRecords()).to.deep.equal([]);
    expect(disk.snapshot().conf?.voters).to.have.members([1, 3, 4]);
    expect(g.restart(3, [1, 2, 3]).status().voters).to.have.members([1, 3, 4]);
    // A record the log does not hold (a driver records before storing; the store never came) is ignored.
    const stale: ConfRecord = { index: disk.lastIndex() + 1, term: 99, conf: { voters: [7], learners: [] } };
    const lying = Object.assign(Object.create(disk) as MemoryStorage, { confRecords: () => [stale] });
    const r = new Raft({ id: 3, voters: [1, 2, 3], storage: lying, random: seededRng(3) });
    expect(r.status().voters).to.have.members([1, 3, 4]);
  });

  it('a follower that gets a snapshot takes the configuration in force there', () => {
    const g = new Group([1, 2, 3]);
    g.boot(4, new MemoryStorage(), [1, 2, 3], [4]);
    g.elect(1);
    g.raft(1).proposeConfChange({ type: 'remove', node: 2 });
    g.stabilize();
    g.propose(1, 'a');
    g.stabilize();
    const leaderDisk = g.node(1).disk;
    leaderDisk.compact(leaderDisk.lastIndex());
    // Node 4 joins with an empty log: everything it needs is behind the leader's log start.
    g.raft(1).proposeConfChange({ type: 'addLearner', node: 4 });
    g.stabilize();
    g.tick([1], 3);
    expect(g.sent.some((m) => m.to === 4 && m.type === 'snapshot')).to.equal(true);
    expect(g.raft(4).status().voters).to.have.members([1, 3]);
    expect(g.raft(4).status().learners).to.deep.equal([4]);
    expect(g.node(4).disk.lastIndex()).to.equal(g.raft(1).lastIndex);
  });
});
