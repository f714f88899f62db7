/**
 * Deterministic simulation of one Raft group in a single process.
 *
 * Each simulated node is a Raft state machine plus a driver that handles
 * Ready exactly as the contract says: persist to a "disk" (a MemoryStorage
 * that survives crashes), send, apply, advance. A crash throws away the Raft
 * object (everything not persisted); a restart rebuilds it from the disk.
 * Every random choice comes from one seeded PRNG, so a seed replays exactly.
 */
import { MemoryStorage, NONE, Raft, RaftInvariantError, seededRng } from '../../../src/raft/index.js';
import type { ConfChange, ConfState, Message, NodeId, Ready, Rng, RaftLimits } from '../../../src/raft/index.js';
import { Checker, SimViolation, entryKey } from './checker.js';
import { Network } from './network.js';

export interface SimConfig {
  seed: number;
  /** Group size; defaults to 3 for even seeds, 5 for odd. */
  nodes?: number;
  /**
   * Membership changes among the faults (learners added, promoted, members removed, two spare
   * nodes to add); defaults to every third seed, so the other seeds replay as before.
   */
  membership?: boolean;
  /** Ticks with faults on. */
  faultTicks?: number;
  /** Bound on ticks, after faults stop, to elect a leader and commit a new entry. */
  livenessTicks?: number;
}

export interface SimStats {
  ticks: number;
  committed: number;
  leaderTerms: number;
  messages: number;
  dropped: number;
  crashes: number;
  snapshotsSent: number;
  transfers: number;
  proposalsAccepted: number;
  proposalsRefused: number;
  /** Appends re-sent from an earlier index of a leader's log (resendFromEarlier). */
  resends: number;
  /** Membership changes a leader accepted. */
  confChanges: number;
}

export interface SimResult {
  seed: number;
  nodes: number;
  ok: boolean;
  violation?: string;
  stats: SimStats;
}

const enc = new TextEncoder();
const dec = new TextDecoder();

class SimNode {
  raft: Raft | undefined;
  readonly disk = new MemoryStorage();
  downUntil = 0;
  pausedUntil = 0;
  /** Last applied index in this lifetime. */
  applied = 0;
  /** Highest commit index observed in this lifetime. */
  lastCommit = 0;
  /** Ticks this lifetime: the node's own clock (a paused node's stands still). */
  ticks = 0;
  /** Peer -> this node's tick when it last got any message from it (check-quorum bound). */
  readonly heardAt = new Map<NodeId, number>();
  /** Last append/heartbeat/snapshot accepted from a leader: the term and this node's tick (leader lease). */
  leaderContact: { term: number; tick: number } | undefined;
  /** "type:from:term" of the latest (pre-)vote request delivered -> whether it arrived inside the lease. */
  readonly voteRequestInLease = new Map<string, boolean>();
  /** Highest index this node acknowledged to a leader, and in which term (acked entries are kept). */
  acked = { term: 0, index: 0 };
  /** Highest commit index this node checked as a leader (checkCommitElectable). */
  leaderCheckedCommit = 0;
  /** The voters it last used, and its tick when they changed (check-quorum counts from there). */
  voters = '';
  votersChangedAt = 0;
  /** The term it last led and its tick when it became leader of it (check-quorum counts from there too). */
  ledTerm = 0;
  leadingSince = 0;
  /** Highest index whose quorum storage this node checked (checkCommitStored). */
  storedCheckedTo = 0;
  constructor(readonly id: NodeId) {}
}

export class Simulation {
  private readonly rng: Rng;
  private readonly net: Network;
  private readonly checker = new Checker();
  private readonly nodes: SimNode[] = [];
  /** Every node, members or not. */
  private readonly ids: NodeId[];
  /** The bootstrap voters; the others are spares that join as learners. */
  private readonly initial: NodeId[];
  private readonly membershipRate: number;
  private readonly limits: Partial<RaftLimits>;
  private now = 0;
  private faultsOn = true;
  private proposalSeq = 0;
  /** Term of the leader that took the last liveness proposal. */
  private livenessTerm = -1;
  private livenessDone = false;
  private readonly stats: SimStats = {
    ticks: 0,
    committed: 0,
    leaderTerms: 0,
    messages: 0,
    dropped: 0,
    crashes: 0,
    snapshotsSent: 0,
    transfers: 0,
    proposalsAccepted: 0,
    proposalsRefused: 0,
    resends: 0,
    confChanges: 0,
  };
  // Per-seed fault mix.
  private readonly crashRate: number;
  private readonly pauseRate: number;
  private readonly partitionRate: number;
  private readonly midReadyCrashRate: number;
  private readonly proposeRate: number;
  private readonly compactRate: number;
  private readonly transferRate: number;
  private readonly interleaveRate: number;
  private readonly resendRate: number;

  constructor(private readonly cfg: SimConfig) {
    this.rng = seededRng(cfg.seed * 2654435761 + 1);
    const n = cfg.nodes ?? (cfg.seed % 2 === 0 ? 3 : 5);
    const membership = cfg.membership ?? cfg.seed % 3 === 0;
    this.initial = Array.from({ length: n }, (_, i) => i + 1);
    this.ids = Array.from({ length: membership ? n + 2 : n }, (_, i) => i + 1);
    for (const id of this.ids) this.nodes.push(new SimNode(id));
    this.net = new Network(this.rng);
    const r = this.rng;
    this.net.faults = {
      dropRate: r() * 0.2,
      dupRate: r() * 0.1,
      maxDelayTicks: Math.floor(r() * 4),
    };
    this.limits = {
      electionTicks: 10,
      heartbeatTicks: 1 + Math.floor(r() * 3),
      // Often 1: a new leader's no-op then travels apart from older entries,
      // so acks can cover an old-term entry alone (the Figure 8 window).
      maxEntriesPerMsg: r() < 0.5 ? 1 : 1 + Math.floor(r() * 8),
      maxBytesPerMsg: 16 + Math.floor(r() * 128),
      maxInflightMsgs: 1 + Math.floor(r() * 4),
      maxUncommittedBytes: 64 + Math.floor(r() * 512),
      maxCommittedBytesPerReady: 32 + Math.floor(r() * 256),
    };
    // One seed in three is a "churn" seed: frequent leader changes, which is
    // where commit-rule and log-repair bugs (Figure 8) show up.
    const churn = r() < 0.34 ? 4 : 1;
    this.crashRate = r() * 0.01 * churn;
    this.pauseRate = r() * 0.01;
    this.partitionRate = r() * 0.02 * churn;
    this.midReadyCrashRate = r() * 0.002;
    this.proposeRate = 0.1 + r() * 0.5;
    this.compactRate = r() * 0.05;
    this.transferRate = r() * 0.01;
    this.interleaveRate = r() < 0.5 ? 0 : r() * 0.3;
    this.resendRate = r() * 0.2;
    this.membershipRate = membership ? 0.01 + r() * 0.03 : 0;
  }

  run(): SimResult {
    const faultTicks = this.cfg.faultTicks ?? 400;
    const livenessTicks = this.cfg.livenessTicks ?? 300;
    let violation: string | undefined;
    try {
      for (const node of this.nodes) this.start(node);
      for (; this.now < faultTicks; this.now++) this.tickOnce();
      this.stopFaults();
      const deadline = this.now + livenessTicks;
      for (; this.now < deadline && !this.livenessDone; this.now++) this.tickOnce();
      if (!this.livenessDone) {
        throw new SimViolation(`liveness: no leader committed a new entry within ${livenessTicks} ticks after faults stopped`);
      }
    } catch (err) {
      if (err instanceof SimViolation || err instanceof RaftInvariantError) {
        violation = `tick ${this.now}: ${err.name}: ${err.message}`;
      } else {
        throw err;
      }
    }
    this.stats.ticks = this.now;
    this.stats.committed = this.checker.maxCommitted;
    this.stats.messages = this.net.sent;
    this.stats.dropped = this.net.dropped;
    const res: SimResult = { seed: this.cfg.seed, nodes: this.ids.length, ok: violation === undefined, stats: this.stats };
    if (violation !== undefined) res.violation = violation;
    return res;
  }

  // ------------------------------------------------------------ one tick

  private tickOnce(): void {
    if (this.faultsOn) this.injectFaults();
    this.maybePropose();
    for (const node of this.nodes) {
      if (!node.raft || node.pausedUntil > this.now) continue;
      node.ticks++;
      node.raft.tick();
      this.drive(node);
    }
    const due = this.net.takeDue(this.now, (id) => this.node(id).pausedUntil <= this.now);
    for (const m of due) this.deliver(m);
  }

  private deliver(m: Message): void {
    const node = this.node(m.to);
    if (!node.raft || this.net.isBlocked(m.from, m.to)) return;
    this.stepInto(node, node.raft, m);
    this.drive(node);
  }

  /** Steps a message into a node, keeping the bookkeeping the lease, pre-vote and check-quorum checks need. */
  private stepInto(node: SimNode, raft: Raft, m: Message): void {
    node.heardAt.set(m.from, node.ticks);
    const termBefore = raft.term;
    if (m.type === 'vote' || m.type === 'preVote') {
      node.voteRequestInLease.set(`${m.type}:${m.from}:${m.term}`, !m.transfer && m.term > termBefore && this.inLease(node, raft));
    }
    const fromLeader = (m.type === 'append' || m.type === 'heartbeat' || m.type === 'snapshot') && m.term >= termBefore;
    raft.step(m);
    if (m.type === 'preVote' && raft.term !== termBefore) {
      throw new SimViolation(`node ${node.id} moved from term ${termBefore} to ${raft.term} on a pre-vote from ${m.from}`);
    }
    if (fromLeader) node.leaderContact = { term: raft.term, tick: node.ticks };
  }

  /**
   * The leader lease as docs/RAFT.md states it: a follower that heard from
   * the leader of its term within electionTicks of its own ticks. (The node
   * may count the lease from later events too; this is the part it must honour.)
   */
  private inLease(node: SimNode, raft: Raft): boolean {
    const c = node.leaderContact;
    const electionTicks = this.limits.electionTicks ?? 10;
    return raft.leaderId !== NONE && c !== undefined && c.term === raft.term && node.ticks - c.tick < electionTicks;
  }

  private injectFaults(): void {
    const r = this.rng;
    for (const node of this.nodes) {
      if (!node.raft && node.downUntil <= this.now) this.start(node);
    }
    if (r() < this.crashRate) {
      // Half the crashes hit the leader: short terms stress log repair and commit rules.
      const node = (r() < 0.5 ? this.currentLeader() : undefined) ?? this.pick();
      if (node.raft) this.crash(node, 5 + Math.floor(r() * 60));
    }
    if (r() < this.pauseRate) {
      const node = this.pick();
      node.pausedUntil = this.now + 1 + Math.floor(r() * 30);
    }
    if (r() < this.partitionRate) {
      this.net.heal();
      const kind = r();
      if (kind < 0.5) {
        // Symmetric: a random minority (or even a majority) on one side.
        const side = this.ids.filter(() => r() < 0.4);
        const other = this.ids.filter((id) => !side.includes(id));
        this.net.partition(side, other);
      } else if (kind < 0.8) {
        // Asymmetric: some one-way links down.
        for (const a of this.ids) for (const b of this.ids) if (a !== b && r() < 0.25) this.net.block(a, b);
      } else {
        // Isolate the current leader (check-quorum must make it step down).
        const leader = this.currentLeader();
        if (leader) {
          this.net.partition(
            [leader.id],
            this.ids.filter((id) => id !== leader.id),
          );
        }
      }
    } else if (r() < this.partitionRate * 1.5) {
      this.net.heal();
    }
    if (r() < this.compactRate) {
      const node = this.pick();
      if (node.raft) {
        const idx = Math.max(node.disk.firstIndex() - 1, node.applied - Math.floor(r() * 4));
        if (idx >= node.disk.firstIndex()) node.disk.compact(idx, enc.encode(`snap@${idx}`));
      }
    }
    if (r() < this.resendRate) this.resendFromEarlier();
    if (this.membershipRate > 0 && r() < this.membershipRate) this.changeMembership();
    if (r() < this.transferRate) {
      const leader = this.currentLeader();
      if (leader?.raft) {
        const to = this.ids[Math.floor(r() * this.ids.length)]!;
        if (leader.raft.transferLeadership(to)) this.stats.transfers++;
        this.drive(leader);
      }
    }
  }

  /**
   * Sends an append the current leader could legally have sent: an earlier
   * range of its log with its current commit. Raft's follower rules must be
   * safe whatever prevIndex a leader picks, but this leader's exact conflict
   * hints never send a range that ends before a follower's stale suffix; this
   * does (a follower must then commit only up to the last new entry).
   */
  private resendFromEarlier(): void {
    const leader = this.currentLeader();
    const to = this.pick();
    if (!leader?.raft || leader.pausedUntil > this.now || to === leader) return;
    const disk = leader.disk;
    const lo = disk.firstIndex() - 1;
    const hi = Math.min(leader.raft.commitIndex, disk.lastIndex()) - 1;
    if (hi < lo) return;
    const prevIndex = lo + Math.floor(this.rng() * (hi - lo + 1));
    const count = Math.min(1 + Math.floor(this.rng() * 3), disk.lastIndex() - prevIndex);
    this.stats.resends++;
    this.net.send(
      {
        type: 'append',
        from: leader.id,
        to: to.id,
        term: leader.raft.term,
        prevIndex,
        prevTerm: disk.term(prevIndex),
        entries: disk.entries(prevIndex + 1, prevIndex + 1 + count, Number.MAX_SAFE_INTEGER),
        commit: leader.raft.commitIndex,
      },
      this.now,
    );
  }

  /**
   * The leader takes one membership step: promote a learner that caught up, add a node as a
   * learner, or remove a member (itself included; sometimes it hands leadership off first).
   */
  private changeMembership(): void {
    const leader = this.currentLeader();
    const raft = leader?.raft;
    if (!leader || !raft || leader.pausedUntil > this.now) return;
    const st = raft.status();
    const members = [...st.voters, ...st.learners];
    const match = new Map(raft.progress().map((p) => [p.id, p.match]));
    const caughtUp = st.learners.filter((id) => (match.get(id) ?? 0) >= raft.commitIndex);
    const outside = this.ids.filter((id) => !members.includes(id));
    const removable = st.voters.length > 2 ? members : st.learners;
    const r = this.rng();
    let change: ConfChange | undefined;
    if (r < 0.4 && caughtUp.length > 0) change = { type: 'promote', node: this.choose(caughtUp) };
    else if (r < 0.7 && outside.length > 0) change = { type: 'addLearner', node: this.choose(outside) };
    else if (removable.length > 0) change = { type: 'remove', node: this.choose(removable) };
    if (change === undefined) return;
    if (change.type === 'remove' && change.node === leader.id && this.rng() < 0.5) {
      const to = st.voters.find((id) => id !== leader.id);
      if (to !== undefined && raft.transferLeadership(to)) this.stats.transfers++;
    } else if (raft.proposeConfChange(change).ok) {
      this.stats.confChanges++;
    }
    this.drive(leader);
  }

  private choose(ids: NodeId[]): NodeId {
    return ids[Math.floor(this.rng() * ids.length)]!;
  }

  private maybePropose(): void {
    if (this.faultsOn) {
      if (this.rng() >= this.proposeRate) return;
      const target = this.rng() < 0.8 ? this.currentLeader() : this.pick();
      if (!target?.raft || target.pausedUntil > this.now) return;
      const pad = 'x'.repeat(Math.floor(this.rng() * 24));
      const res = target.raft.propose(enc.encode(`p${this.proposalSeq++}${pad}`));
      if (res.ok) this.stats.proposalsAccepted++;
      else this.stats.proposalsRefused++;
      this.drive(target);
      return;
    }
    // Liveness phase: propose once at each new leader until one such entry commits.
    const leader = this.currentLeader();
    if (!leader?.raft || leader.raft.term === this.livenessTerm) return;
    if (leader.raft.propose(enc.encode(`live${this.proposalSeq++}`)).ok) this.livenessTerm = leader.raft.term;
    this.drive(leader);
  }

  private stopFaults(): void {
    this.faultsOn = false;
    this.net.heal();
    this.net.faults = { dropRate: 0, dupRate: 0, maxDelayTicks: 1 };
    for (const node of this.nodes) {
      node.pausedUntil = 0;
      if (!node.raft) this.start(node);
    }
  }

  // ------------------------------------------------------------ nodes

  private start(node: SimNode): void {
    const seed = Math.floor(this.rng() * 0x7fffffff);
    node.raft = new Raft({
      ...this.limits,
      id: node.id,
      voters: this.initial,
      // A spare starts as a learner of its own: it must not campaign before a conf entry names it.
      learners: this.initial.includes(node.id) ? [] : [node.id],
      storage: node.disk,
      random: seededRng(seed),
    });
    node.applied = node.disk.firstIndex() - 1;
    node.lastCommit = node.disk.hardState().commit;
    node.ticks = 0;
    for (const id of this.ids) node.heardAt.set(id, 0);
    node.leaderContact = undefined;
    node.voteRequestInLease.clear();
    node.leaderCheckedCommit = 0;
    node.storedCheckedTo = 0;
    node.ledTerm = 0;
    node.voters = node.raft.status().voters.join();
    node.votersChangedAt = 0;
    if (node.raft.commitIndex < node.lastCommit) {
      throw new SimViolation(`node ${node.id} restarted with commit ${node.raft.commitIndex} below persisted ${node.lastCommit}`);
    }
    const hs = node.disk.hardState();
    const st = node.raft.status();
    if (st.term !== hs.term || st.vote !== hs.vote) {
      throw new SimViolation(`node ${node.id} restarted at term ${st.term} vote ${st.vote}, persisted term ${hs.term} vote ${hs.vote}`);
    }
  }

  private crash(node: SimNode, downTicks: number): void {
    node.raft = undefined;
    node.downUntil = this.now + downTicks;
    this.stats.crashes++;
  }

  /** The driver: handles every Ready per the ordering contract, then checks invariants. */
  private drive(node: SimNode): void {
    while (node.raft?.hasReady()) {
      const raft = node.raft;
      const rd = raft.ready();
      const crashAt = this.faultsOn && this.rng() < this.midReadyCrashRate ? Math.floor(this.rng() * 3) : -1;
      if (crashAt === 0) return this.crash(node, 5);
      this.persist(node, rd, crashAt === 1);
      if (crashAt >= 1) return this.crash(node, 5);
      for (const m of rd.messages) {
        this.checkSend(node, m);
        if (m.type === 'snapshot') this.stats.snapshotsSent++;
        this.net.send(m, this.now);
      }
      if (rd.snapshot) {
        this.checker.onSnapshotApplied(node.id, rd.snapshot);
        const want = rd.snapshot.index === 0 ? '' : `snap@${rd.snapshot.index}`;
        if (dec.decode(rd.snapshot.data) !== want) {
          throw new SimViolation(`node ${node.id} got snapshot data "${dec.decode(rd.snapshot.data)}" for index ${rd.snapshot.index}`);
        }
        node.applied = rd.snapshot.index;
      }
      for (const e of rd.committedEntries) {
        if (e.index !== node.applied + 1) {
          throw new SimViolation(`node ${node.id} applied index ${e.index} after ${node.applied}`);
        }
        node.applied = e.index;
        this.checker.onCommitted(node.id, e.index, entryKey(e), 'applied');
        if (!this.faultsOn && dec.decode(e.data).startsWith('live')) this.livenessDone = true;
      }
      // Like an asynchronous driver, sometimes feed input between ready() and advance().
      if (this.rng() < this.interleaveRate) {
        const m = this.net.takeOneFor(node.id, this.now);
        if (m && !this.net.isBlocked(m.from, m.to)) this.stepInto(node, raft, m);
        else if (this.rng() < 0.5) {
          node.ticks++;
          raft.tick();
        }
        if (this.faultsOn && this.rng() < 0.3) {
          const res = raft.propose(enc.encode(`i${this.proposalSeq++}`));
          if (res.ok) this.stats.proposalsAccepted++;
        }
      }
      raft.advance();
      this.checkNode(node);
    }
    if (!node.raft) return;
    this.checkNode(node);
    // Nothing is left to persist here, so the node's disk is its log.
    this.checkDurable(node, node.raft);
    this.checkCommitStored(node, node.raft);
    if (node.raft.role === 'leader') this.checkCommitElectable(node, node.raft);
  }

  /** Checks on what a node sends, at the moment it is sent (after its Ready was persisted). */
  private checkSend(node: SimNode, m: Message): void {
    switch (m.type) {
      case 'appendResp':
        if (!m.reject && (m.term > node.acked.term || m.index > node.acked.index)) node.acked = { term: m.term, index: m.index };
        return;
      case 'voteResp':
      case 'preVoteResp':
        if (!m.reject && node.voteRequestInLease.get(`${m.type === 'voteResp' ? 'vote' : 'preVote'}:${m.to}:${m.term}`)) {
          throw new SimViolation(`node ${node.id} granted a ${m.type} to ${m.to} for term ${m.term} inside its leader lease`);
        }
        return;
      case 'timeoutNow': {
        // Leadership transfer: the target must already hold the leader's whole log, unless it has
        // moved to a later term (then a newer leader may have replaced entries it acknowledged,
        // and it drops this stale timeoutNow).
        const from = node.disk;
        const to = this.node(m.to).disk;
        if (to.hardState().term > m.term) return;
        const last = from.lastIndex();
        const has = to.firstIndex() - 1 > last || (last <= to.lastIndex() && to.term(last) === from.term(last));
        if (!has) {
          throw new SimViolation(
            `leader ${node.id} sent timeoutNow to ${m.to}, which lacks its last entry ${last}/${from.term(last)} (log ${to.firstIndex()}..${to.lastIndex()})`,
          );
        }
        return;
      }
      default:
        return;
    }
  }

  /** Once a node has nothing left to persist, its disk holds the term and vote it acts on. */
  private checkDurable(node: SimNode, raft: Raft): void {
    const hs = node.disk.hardState();
    const st = raft.status();
    if (hs.term !== st.term || hs.vote !== st.vote) {
      throw new SimViolation(`node ${node.id} acts on term ${st.term} vote ${st.vote} but persisted term ${hs.term} vote ${hs.vote}`);
    }
  }

  private persist(node: SimNode, rd: Ready, entriesOnly: boolean): void {
    const disk = node.disk;
    if (rd.snapshot) disk.applySnapshot(rd.snapshot);
    if (rd.entries.length > 0) {
      const first = rd.entries[0]!.index;
      // The commit persisted by the previous Ready. Not the node's in-memory commit: an append
      // fed between ready() and advance() may replace a suffix and commit the new entries in
      // one step, and its truncation only reaches the disk with this Ready.
      const floor = disk.hardState().commit;
      if (first <= disk.lastIndex() && first <= floor) {
        throw new SimViolation(`node ${node.id} truncates its log at ${first}, at or below commit ${floor}`);
      }
      disk.append(rd.entries);
      for (const e of rd.entries) {
        if (e.index < disk.firstIndex()) continue;
        this.checker.onPersist(node.id, e, e.index - 1 >= disk.firstIndex() - 1 ? disk.term(e.index - 1) : undefined);
      }
    }
    if (entriesOnly || !rd.hardState) return;
    const old = disk.hardState();
    const hs = rd.hardState;
    if (hs.commit < old.commit) throw new SimViolation(`node ${node.id} persisted commit ${hs.commit} < ${old.commit}`);
    if (hs.term < old.term) throw new SimViolation(`node ${node.id} persisted term ${hs.term} < ${old.term}`);
    disk.setHardState(hs);
    if (hs.commit <= old.commit) return;
    const commitTerm = disk.term(hs.commit);
    for (let i = Math.max(old.commit + 1, disk.firstIndex()); i <= hs.commit; i++) {
      const e = disk.entries(i, i + 1, Number.MAX_SAFE_INTEGER)[0]!;
      this.checker.onCommitted(node.id, i, entryKey(e), 'persisted commit', commitTerm);
    }
  }

  private checkNode(node: SimNode): void {
    const raft = node.raft;
    if (!raft) return;
    if (raft.commitIndex < node.lastCommit) {
      throw new SimViolation(`node ${node.id} commit went from ${node.lastCommit} to ${raft.commitIndex}`);
    }
    node.lastCommit = raft.commitIndex;
    if (raft.term === node.acked.term && raft.lastIndex < node.acked.index) {
      throw new SimViolation(
        `node ${node.id} acknowledged index ${node.acked.index} in term ${raft.term} but its log now ends at ${raft.lastIndex}`,
      );
    }
    if (raft.role === 'leader') this.checkLeaderHearsQuorum(node);
    if (raft.role === 'leader' && !raft.status().voters.includes(node.id) && raft.confIndex <= raft.commitIndex) {
      throw new SimViolation(`leader ${node.id} still leads after its removal (conf entry ${raft.confIndex}) committed`);
    }
    if (raft.role === 'leader' && this.checker.onLeader(node.id, raft.term)) {
      this.stats.leaderTerms++;
      // Leader completeness: a new leader holds every entry committed in an earlier term.
      const disk = node.disk;
      for (let i = Math.max(1, disk.firstIndex()); i <= this.checker.maxCommitted; i++) {
        const want = this.checker.committedEntry(i);
        if (want === undefined || want.commitTerm >= raft.term) continue;
        const got = i <= disk.lastIndex() ? entryKey(disk.entries(i, i + 1, Number.MAX_SAFE_INTEGER)[0]!) : 'nothing';
        if (got !== want.key) {
          throw new SimViolation(
            `leader ${node.id} term ${raft.term} has ${got} at index ${i}, committed ${want.key} by term ${want.commitTerm}`,
          );
        }
      }
    }
  }

  /**
   * A node's commit index names an entry that a majority of disks hold (or
   * have folded into a snapshot): commit never runs ahead of what a quorum stored.
   * Checked once per entry, when a node's commit first covers it: disks keep
   * committed entries, so the holders only grow; but the configuration they were
   * a quorum of may later vanish from every log (an uncommitted conf entry after c,
   * truncated by the next leader), and the one in force again need not count them
   * as a quorum (2 of [1,2,3] stored c, then [1,2,3,5] is back). That is safe: the
   * two differ by one voter, so their majorities overlap.
   */
  private checkCommitStored(node: SimNode, raft: Raft): void {
    const c = raft.commitIndex;
    const disk = node.disk;
    if (c < disk.firstIndex()) return; // folded into a snapshot
    const term = disk.term(c);
    if (this.checker.isQuorumStored(c, term)) return;
    const holds = (n: SimNode) => n.disk.firstIndex() - 1 >= c || (c <= n.disk.lastIndex() && n.disk.term(c) === term);
    // The leader that committed c counted the configuration at its log end then: the one in force
    // at c or a later one of a log holding c.
    const confs = [this.confAt(disk, c)];
    for (const n of this.nodes) if (holds(n)) for (const rec of n.disk.confRecords()) if (rec.index > c) confs.push(rec.conf);
    const counts = confs.map((conf) => conf.voters.filter((id) => holds(this.node(id))).length);
    if (counts.every((holders, k) => holders < quorumOf(confs[k]!.voters.length))) {
      throw new SimViolation(
        `node ${node.id} committed ${c}/${term}, which only ${counts[0]} of the ${confs[0]!.voters.length} voters [${confs[0]!.voters.join(',')}] hold`,
      );
    }
    // Every entry up to c is in the logs holding c (log matching), so stored by the same quorum.
    for (let i = Math.max(node.storedCheckedTo + 1, disk.firstIndex()); i <= c; i++) this.checker.setQuorumStored(i, disk.term(i));
    node.storedCheckedTo = Math.max(node.storedCheckedTo, c);
  }

  /** The configuration in force at `index` of a disk's log (after the entry at `index`). */
  private confAt(disk: MemoryStorage, index: number): ConfState {
    let conf: ConfState = disk.snapshot().conf ?? { voters: this.initial, learners: [] };
    for (const rec of disk.confRecords()) if (rec.index <= index) conf = rec.conf;
    return conf;
  }

  /**
   * §5.4.3: when a leader commits index c, every node that could still win
   * an election holds entry c. A node lacking it may only be at least as up
   * to date (§5.4.1) as fewer than a quorum of logs. This fails at the moment
   * of a wrong commit (Figure 8), before a later leader overwrites the entry.
   */
  private checkCommitElectable(node: SimNode, raft: Raft): void {
    const c = raft.commitIndex;
    if (c <= node.leaderCheckedCommit || c < node.disk.firstIndex()) return;
    node.leaderCheckedCommit = c;
    const term = node.disk.term(c);
    const last = this.nodes.map((n) => ({ index: n.disk.lastIndex(), term: n.disk.term(n.disk.lastIndex()) }));
    for (const x of this.nodes) {
      const d = x.disk;
      if (d.firstIndex() - 1 >= c || (c <= d.lastIndex() && d.term(c) === term)) continue;
      // x would campaign with the configuration at its log end, among whose voters it must be.
      const xVoters = this.confAt(d, d.lastIndex()).voters;
      if (!xVoters.includes(x.id)) continue;
      const lx = last[x.id - 1]!;
      const voters = xVoters.map((id) => last[id - 1]!).filter((ly) => ly.term < lx.term || (ly.term === lx.term && ly.index <= lx.index)).length;
      if (voters >= quorumOf(xVoters.length)) {
        throw new SimViolation(
          `leader ${node.id} committed ${c}/${term}, but node ${x.id} (last ${lx.index}/${lx.term}) lacks it and ` +
            `is as up to date as ${voters} of its ${xVoters.length} voters' logs`,
        );
      }
    }
  }

  /**
   * Check-quorum: a leader that heard from no quorum for 2*electionTicks of its own ticks has stepped
   * down. Counted from its election on: the votes that elected it may be up to 2*electionTicks old
   * (a candidate waits that long), and its first check-quorum round ends electionTicks later.
   */
  private checkLeaderHearsQuorum(node: SimNode): void {
    const bound = 2 * (this.limits.electionTicks ?? 10);
    const raft = node.raft!;
    if (node.ledTerm !== raft.term) {
      node.ledTerm = raft.term;
      node.leadingSince = node.ticks;
    }
    const voters = raft.status().voters;
    // A new configuration may need nodes the leader has not heard from lately: its check-quorum
    // rounds judge them from the change on.
    if (voters.join() !== node.voters) {
      node.voters = voters.join();
      node.votersChangedAt = node.ticks;
    }
    if (node.ticks - Math.max(node.votersChangedAt, node.leadingSince) <= bound) return;
    let heard = 0;
    for (const id of voters) if (id === node.id || node.ticks - (node.heardAt.get(id) ?? 0) <= bound) heard++;
    if (heard < quorumOf(voters.length)) {
      throw new SimViolation(`leader ${node.id} heard from only ${heard} of its ${voters.length} voters in its last ${bound} ticks and still leads`);
    }
  }

  /** Node states, for debugging a failing seed. */
  describe(): string[] {
    return this.nodes.map((n) =>
      n.raft ? `${JSON.stringify(n.raft.status())} ${JSON.stringify(n.raft.progress())}` : `${n.id}: down`,
    );
  }

  // ------------------------------------------------------------ helpers

  private node(id: NodeId): SimNode {
    return this.nodes[id - 1]!;
  }

  private pick(): SimNode {
    return this.nodes[Math.floor(this.rng() * this.nodes.length)]!;
  }

  /** The up node that believes it leads, at the highest term. */
  private currentLeader(): SimNode | undefined {
    let best: SimNode | undefined;
    for (const n of this.nodes) {
      if (n.raft?.role === 'leader' && (!best || n.raft.term > best.raft!.term)) best = n;
    }
    return best;
  }
}

function quorumOf(voters: number): number {
  return Math.floor(voters / 2) + 1;
}

export function runSeed(seed: number, cfg: Omit<SimConfig, 'seed'> = {}): SimResult {
  return new Simulation({ ...cfg, seed }).run();
}
