/**
 * The Raft consensus state machine: synchronous, deterministic, no I/O.
 *
 * A driver feeds it input (`step` for peer messages, `tick` for logical
 * time, `propose` for client data, `transferLeadership`) and drains its output
 * through `ready()` / `advance()` (see `Ready` for the ordering contract).
 * Pre-vote and check-quorum are always on: a leader that hears from no
 * quorum for `electionTicks` steps down, and a node that rejoins after a
 * partition cannot disrupt a leader its peers still hear from.
 *
 * Membership (docs/RAFT.md, "Membership change"): one change at a time
 * (`proposeConfChange`: add a learner, promote a learner, remove a member),
 * carried in the log as a conf entry holding the whole new configuration. A
 * node uses the newest conf entry in its log as soon as it is appended (not
 * committed); a leader proposes a change only when the previous one and an
 * entry of its own term are committed; a leader that removed itself steps
 * down once that is committed, handing off to an up-to-date voter.
 */
import { applyConfChange, confProblem, decodeConfEntry, encodeConfEntry } from './conf.js';
import { RaftLog } from './log.js';
import { Progress } from './progress.js';
import { Rng } from './rng.js';
import { Storage } from './storage.js';
import {
  AppendMsg,
  AppendRespMsg,
  ConfChange,
  ConfRecord,
  ConfState,
  Entry,
  HardState,
  HeartbeatMsg,
  Message,
  NONE,
  NodeId,
  ProposeResult,
  Ready,
  Role,
  Snapshot,
  SnapshotMsg,
  Status,
  VoteMsg,
  VoteRespMsg,
  invariant,
} from './types.js';

/** Tunables. Every limit is bounded; units are in the names. */
export interface RaftLimits {
  /** Ticks without hearing from a leader before campaigning (randomized in [electionTicks, 2*electionTicks)). Also the check-quorum and transfer timeout. */
  electionTicks: number;
  /** Ticks between leader heartbeats. Must be < electionTicks. */
  heartbeatTicks: number;
  /** Max entries in one append message. */
  maxEntriesPerMsg: number;
  /** Max entry data bytes in one append message (at least one entry is always sent). */
  maxBytesPerMsg: number;
  /** Max unacknowledged append messages per follower while replicating (pipelining window). */
  maxInflightMsgs: number;
  /** Max data bytes of uncommitted entries at the leader; proposals beyond it are refused. */
  maxUncommittedBytes: number;
  /** Max data bytes of committed entries handed out in one Ready (at least one entry). */
  maxCommittedBytesPerReady: number;
}

export const DEFAULT_LIMITS: Readonly<RaftLimits> = {
  electionTicks: 10,
  heartbeatTicks: 1,
  maxEntriesPerMsg: 256,
  maxBytesPerMsg: 1 << 20,
  maxInflightMsgs: 64,
  maxUncommittedBytes: 64 << 20,
  maxCommittedBytesPerReady: 4 << 20,
};

export interface RaftOptions extends Partial<RaftLimits> {
  id: NodeId;
  /**
   * The bootstrap configuration: in force until the log or a snapshot says otherwise (a new group's
   * replicas; a new node joining as a learner names itself among `learners`).
   */
  voters: readonly NodeId[];
  learners?: readonly NodeId[];
  /** Durable log; the node reads it, the driver writes it. */
  storage: Storage;
  /** Injected randomness in [0, 1), for election timeouts. Use `seededRng(seed)` in tests. */
  random: Rng;
  /** Index the application has already applied (if it persists its own state); defaults to the log start. */
  appliedIndex?: number;
}

type PollResult = 'won' | 'lost' | 'pending';

export class Raft {
  readonly id: NodeId;
  /** Voters of the configuration in force (the newest conf entry in the log). */
  private voters: readonly NodeId[] = [];
  private voterSet: ReadonlySet<NodeId> = new Set();
  private learners: readonly NodeId[] = [];
  private readonly bootstrap: ConfState;
  /**
   * The configuration in force at the log start or at the newest conf entry known committed, then
   * every conf entry after it, oldest first. Only the last can still be truncated: a leader appends
   * a change only once the one before is committed.
   */
  private confs: ConfRecord[] = [];
  /** Leader: index of the entry that opened its term (its no-op); a change waits until it is committed. */
  private termStartIndex = 0;
  private readonly limits: RaftLimits;
  private readonly random: Rng;
  private readonly log: RaftLog;

  private _term = 0;
  private _vote: NodeId = NONE;
  private _role: Role = 'follower';
  private _leaderId: NodeId = NONE;

  /** Leader only: one entry per member (voters and learners) and self. */
  private prs = new Map<NodeId, Progress>();
  /** (Pre-)candidate only: votes received. */
  private votes = new Map<NodeId, boolean>();
  private msgs: Message[] = [];

  /** Follower/candidate: ticks since last heard from a leader. Leader: ticks since last check-quorum. */
  private electionElapsed = 0;
  private heartbeatElapsed = 0;
  private randomizedElectionTicks = 0;
  private leadTransferee: NodeId = NONE;
  /** Leader: ticks since the current leadership transfer started (it is aborted after electionTicks). */
  private transferElapsed = 0;
  private uncommittedBytes = 0;
  /**
   * Set while this node repairs a log that lost entries it may have acknowledged: the last entry
   * it held before (see HardState.repairIndex). It then neither votes nor campaigns, so the loss
   * can never let a candidate lacking a committed entry win (docs/RAFT.md, "Repair").
   */
  private repair: { index: number; term: number } | undefined;

  private prevHardState: HardState;
  /** What the outstanding Ready handed out, for advance(). */
  private pending: Ready | undefined;

  constructor(opts: RaftOptions) {
    this.limits = { ...DEFAULT_LIMITS };
    for (const k of Object.keys(DEFAULT_LIMITS) as (keyof RaftLimits)[]) {
      const v = opts[k];
      if (v !== undefined) this.limits[k] = v;
    }
    const l = this.limits;
    for (const k of Object.keys(l) as (keyof RaftLimits)[]) {
      invariant(Number.isInteger(l[k]) && l[k] >= 1, () => `option ${k} must be a positive integer, got ${l[k]}`);
    }
    invariant(l.heartbeatTicks < l.electionTicks, 'heartbeatTicks must be < electionTicks');
    invariant(opts.id !== NONE && Number.isInteger(opts.id) && opts.id > 0, 'id must be a positive integer');
    this.bootstrap = { voters: [...opts.voters], learners: [...(opts.learners ?? [])] };
    const problem = confProblem(this.bootstrap);
    invariant(problem === undefined, () => `bootstrap configuration: ${problem}`);

    this.id = opts.id;
    this.random = opts.random;
    this.log = new RaftLog(opts.storage, (entries) => this.onAppended(entries));
    if (opts.appliedIndex !== undefined) this.log.appliedTo(opts.appliedIndex);
    this.recoverConf(opts.storage);

    const hs = opts.storage.hardState();
    this._term = hs.term;
    this._vote = hs.vote;
    this.prevHardState = { term: hs.term, vote: hs.vote, commit: this.log.committed };
    if (hs.repairIndex !== undefined && hs.repairTerm !== undefined) {
      this.repair = { index: hs.repairIndex, term: hs.repairTerm };
      this.prevHardState.repairIndex = hs.repairIndex;
      this.prevHardState.repairTerm = hs.repairTerm;
    }
    // The persisted commit is beyond the log: entries it may have acknowledged are gone. Which
    // entry was last is unknown, so the commit and the current term (no entry's term exceeds it)
    // stand in for it. A lone voter has nobody to repair from and keeps what is left.
    if (hs.commit > opts.storage.lastIndex() && this.voters.length > 1 && this.repair === undefined) {
      this.repair = { index: hs.commit, term: hs.term };
    }
    this.becomeFollower(this._term, NONE);
  }

  // ---------------------------------------------------------------- status

  get term(): number {
    return this._term;
  }
  get role(): Role {
    return this._role;
  }
  get leaderId(): NodeId {
    return this._leaderId;
  }
  get commitIndex(): number {
    return this.log.committed;
  }
  get lastIndex(): number {
    return this.log.lastIndex();
  }
  get firstIndex(): number {
    return this.log.firstIndex();
  }

  status(): Status {
    return {
      id: this.id,
      term: this._term,
      vote: this._vote,
      role: this._role,
      leaderId: this._leaderId,
      commitIndex: this.log.committed,
      appliedIndex: this.log.applied,
      firstIndex: this.log.firstIndex(),
      lastIndex: this.log.lastIndex(),
      leadTransferee: this.leadTransferee,
      repairing: this.repair !== undefined,
      voters: [...this.voters],
      learners: [...this.learners],
    };
  }

  /** The configuration in force (the newest conf entry appended, or the snapshot's / bootstrap one). */
  confState(): ConfState {
    return { voters: [...this.voters], learners: [...this.learners] };
  }

  /** Index of the newest conf entry in the log (or of the snapshot / 0 for the bootstrap configuration). */
  get confIndex(): number {
    return this.confs[this.confs.length - 1]!.index;
  }

  /** Leader only: replication state per follower (for metrics and tests). */
  progress(): { id: NodeId; match: number; next: number; state: string; inflight: number }[] {
    if (this._role !== 'leader') return [];
    return [...this.prs.values()].map((p) => ({
      id: p.id,
      match: p.match,
      next: p.next,
      state: p.state,
      inflight: p.inflights.count(),
    }));
  }

  hardState(): HardState {
    const hs: HardState = { term: this._term, vote: this._vote, commit: this.log.committed };
    if (this.repair) {
      hs.repairIndex = this.repair.index;
      hs.repairTerm = this.repair.term;
    }
    return hs;
  }

  // ---------------------------------------------------------------- inputs

  /** Advances logical time by one tick. */
  tick(): void {
    if (this._role === 'leader') this.tickLeader();
    else this.tickElection();
  }

  /** Starts an election now (pre-vote first), as if the election timeout fired. */
  campaign(): void {
    this.hup(false);
  }

  /**
   * Appends `data` as a new entry if this node is leader. Refused (ok: false)
   * when not leader, while a leadership transfer is in progress, or when the
   * uncommitted data would exceed `maxUncommittedBytes` (a single proposal is
   * always accepted when nothing is uncommitted, so big entries can't wedge).
   */
  propose(data: Uint8Array): ProposeResult {
    if (this._role !== 'leader') return { ok: false, reason: 'notLeader', leaderId: this._leaderId };
    if (this.leadTransferee !== NONE) return { ok: false, reason: 'transferring', leaderId: this._leaderId };
    if (this.uncommittedBytes > 0 && this.uncommittedBytes + data.length > this.limits.maxUncommittedBytes) {
      return { ok: false, reason: 'uncommittedBytesLimit', leaderId: this._leaderId };
    }
    this.uncommittedBytes += data.length;
    const e = this.appendEntries([data]);
    this.bcastAppend();
    return { ok: true, index: e.index, term: e.term };
  }

  /**
   * Leader only: appends a conf entry for one membership step (see ConfChange); every node uses it
   * once appended. Refused `confChangePending` while the previous change, or this leader's first
   * entry of its term, is uncommitted (a new leader may hold an uncommitted change of an earlier
   * leader in its log: committing an entry of its own term first settles it), `invalidConfChange`
   * when the step does not apply. Promote a learner once it caught up, or commits wait for it.
   */
  proposeConfChange(change: ConfChange): ProposeResult {
    if (this._role !== 'leader') return { ok: false, reason: 'notLeader', leaderId: this._leaderId };
    if (this.leadTransferee !== NONE) return { ok: false, reason: 'transferring', leaderId: this._leaderId };
    const committed = this.log.committed;
    if (this.confIndex > committed || this.termStartIndex > committed) return { ok: false, reason: 'confChangePending', leaderId: this._leaderId };
    const next = applyConfChange(this.confState(), change);
    if (typeof next === 'string') return { ok: false, reason: 'invalidConfChange', leaderId: this._leaderId };
    const data = encodeConfEntry(next);
    this.uncommittedBytes += data.length;
    const e = this.appendEntries([data]);
    this.bcastAppend();
    return { ok: true, index: e.index, term: e.term };
  }

  /**
   * Leader only: hands leadership to `to` (graceful shutdown, balancing).
   * New proposals are refused meanwhile; the leader catches `to` up, then
   * sends it TimeoutNow so it campaigns immediately, bypassing pre-vote and
   * followers' leader lease. Aborted after `electionTicks`. Returns false if
   * not leader or `to` is not another voter.
   */
  transferLeadership(to: NodeId): boolean {
    if (this._role !== 'leader' || to === this.id || !this.voterSet.has(to)) return false;
    if (this.leadTransferee === to) return true;
    this.leadTransferee = to;
    // The transfer must finish within one election timeout. Its own clock:
    // restarting check-quorum's would let repeated transfers keep a cut-off leader leading.
    this.transferElapsed = 0;
    const pr = this.pr(to);
    if (pr.match === this.log.lastIndex()) this.send({ type: 'timeoutNow', from: this.id, to, term: this._term });
    else this.sendAppend(to, true);
    return true;
  }

  /** Processes one message from a peer. Stale, duplicated and reordered messages are fine. */
  step(m: Message): void {
    invariant(m.to === this.id, () => `message for ${m.to} delivered to ${this.id}`);
    // Messages from nodes outside our configuration count too: our log may lag the conf entry that
    // made the sender a voter (refusing its votes then could leave no electable node). A removed
    // node that never learned of its removal cannot disrupt: its pre-votes change no term, nodes
    // that hear from a leader ignore them, and once the removal committed a majority's logs are
    // more up to date than its own.
    if (m.from === this.id) return;

    if (m.term > this._term) {
      if (m.type === 'vote' || m.type === 'preVote') {
        // Leader lease (check-quorum): while we heard from a leader within
        // the election timeout, ignore campaigns so a rejoining node can't
        // disrupt a healthy leader. Transfers are deliberate, so they pass.
        const inLease = this._leaderId !== NONE && this.electionElapsed < this.limits.electionTicks;
        if (inLease && !m.transfer) return;
      }
      if (m.type === 'preVote' || (m.type === 'preVoteResp' && !m.reject)) {
        // Pre-vote never changes terms: the request carries the term the
        // sender would campaign at, and a grant echoes it.
      } else {
        const fromLeader = m.type === 'append' || m.type === 'heartbeat' || m.type === 'snapshot';
        this.becomeFollower(m.term, fromLeader ? m.from : NONE);
      }
    } else if (m.term < this._term) {
      if (m.type === 'append' || m.type === 'heartbeat') {
        // A stale leader (e.g. healed after a partition) learns our term and steps down.
        this.send(this.appendResp(m.from, false, 0));
      } else if (m.type === 'preVote') {
        this.send({ type: 'preVoteResp', from: this.id, to: m.from, term: this._term, reject: true });
      }
      return;
    }

    if (m.type === 'vote' || m.type === 'preVote') {
      this.handleVote(m);
      return;
    }
    switch (this._role) {
      case 'leader':
        this.stepLeader(m);
        break;
      case 'candidate':
      case 'preCandidate':
        this.stepCandidate(m);
        break;
      case 'follower':
        this.stepFollower(m);
        break;
    }
  }

  // ---------------------------------------------------------------- Ready

  /** True when ready() would return something to do. False while a Ready is outstanding. */
  hasReady(): boolean {
    if (this.pending) return false;
    return (
      this.msgs.length > 0 ||
      this.log.unstableEntries().length > 0 ||
      this.log.unstableSnapshot() !== undefined ||
      this.log.hasNextCommittedEntries() ||
      !sameHardState(this.hardState(), this.prevHardState)
    );
  }

  /** Collects pending output. Must be followed by advance() before the next ready(). */
  ready(): Ready {
    invariant(!this.pending, 'ready() called again before advance()');
    const hs = this.hardState();
    const hsChanged = !sameHardState(hs, this.prevHardState);
    const entries = this.log.unstableEntries();
    const snapshot = this.log.unstableSnapshot();
    const rd: Ready = {
      entries,
      committedEntries: this.log.nextCommittedEntries(this.limits.maxCommittedBytesPerReady),
      messages: this.msgs,
      mustSync:
        entries.length > 0 ||
        snapshot !== undefined ||
        hs.term !== this.prevHardState.term ||
        hs.vote !== this.prevHardState.vote ||
        hs.repairIndex !== this.prevHardState.repairIndex,
    };
    if (hsChanged) rd.hardState = hs;
    if (snapshot) rd.snapshot = snapshot;
    this.msgs = [];
    this.pending = rd;
    return rd;
  }

  /** The driver has persisted, sent and applied the last Ready. */
  advance(): void {
    const rd = this.pending;
    invariant(rd !== undefined, 'advance() without ready()');
    const lastEnt = rd.entries[rd.entries.length - 1];
    if (lastEnt) {
      // Cheap guard against a driver that forgot to persist: we are about to read these back from storage.
      const st = this.log.storage;
      invariant(
        st.lastIndex() >= lastEnt.index &&
          (lastEnt.index < st.firstIndex() - 1 || st.term(lastEnt.index) === lastEnt.term),
        () => `advance(): Ready entries up to ${lastEnt.index}/${lastEnt.term} were not persisted to storage`,
      );
    }
    this.pending = undefined;
    if (rd.hardState) this.prevHardState = rd.hardState;
    if (rd.snapshot) this.log.stableSnapTo(rd.snapshot.index);
    if (lastEnt) this.log.stableTo(lastEnt.index, lastEnt.term);
    const lastApplied = rd.committedEntries[rd.committedEntries.length - 1];
    if (lastApplied) {
      this.log.appliedTo(lastApplied.index);
      if (this._role === 'leader') {
        let bytes = 0;
        for (const e of rd.committedEntries) bytes += e.data.length;
        this.uncommittedBytes = Math.max(0, this.uncommittedBytes - bytes);
      }
    }
  }

  // ---------------------------------------------------------------- roles

  private reset(term: number): void {
    if (term !== this._term) {
      invariant(term > this._term, () => `term going backwards ${this._term} -> ${term}`);
      this._term = term;
      this._vote = NONE;
    }
    this._leaderId = NONE;
    this.electionElapsed = 0;
    this.heartbeatElapsed = 0;
    this.randomizedElectionTicks = this.limits.electionTicks + Math.floor(this.random() * this.limits.electionTicks);
    this.leadTransferee = NONE;
    this.votes.clear();
    this.prs.clear();
    this.uncommittedBytes = 0;
  }

  private becomeFollower(term: number, leader: NodeId): void {
    this.reset(term);
    this._role = 'follower';
    this._leaderId = leader;
  }

  private becomePreCandidate(): void {
    invariant(this._role !== 'leader', 'leader cannot become pre-candidate');
    // Term and vote stay: pre-vote must not disturb anyone.
    this.votes.clear();
    this._leaderId = NONE;
    this._role = 'preCandidate';
  }

  private becomeCandidate(): void {
    invariant(this._role !== 'leader', 'leader cannot become candidate');
    this.reset(this._term + 1);
    this._vote = this.id;
    this._role = 'candidate';
  }

  private becomeLeader(): void {
    invariant(this._role === 'candidate', () => `becomeLeader from ${this._role}`);
    this.reset(this._term);
    this._role = 'leader';
    this._leaderId = this.id;
    const next = this.log.lastIndex() + 1;
    const self = new Progress(this.id, next, this.limits.maxInflightMsgs);
    self.match = next - 1;
    self.recentActive = true;
    self.becomeReplicate();
    this.prs.set(this.id, self);
    this.syncProgress(false);
    // Entries of earlier terms can only be committed through an entry of
    // this term (§5.4.2), so append one right away.
    this.termStartIndex = this.appendEntries([new Uint8Array(0)]).index;
  }

  private hup(transfer: boolean): void {
    // A repairing node may lack committed entries: it must not vote for itself either.
    if (this._role === 'leader' || !this.voterSet.has(this.id) || this.repair) return;
    this.startCampaign(transfer ? 'vote' : 'preVote', transfer);
  }

  private startCampaign(kind: 'preVote' | 'vote', transfer: boolean): void {
    let voteTerm: number;
    if (kind === 'preVote') {
      this.becomePreCandidate();
      voteTerm = this._term + 1;
    } else {
      this.becomeCandidate();
      voteTerm = this._term;
    }
    if (this.poll(this.id, true) === 'won') {
      this.onElectionWon();
      return;
    }
    const lastLogIndex = this.log.lastIndex();
    const lastLogTerm = this.log.lastTerm();
    for (const to of this.voters) {
      if (to === this.id) continue;
      this.send({ type: kind, from: this.id, to, term: voteTerm, lastLogIndex, lastLogTerm, transfer });
    }
  }

  private onElectionWon(): void {
    if (this._role === 'preCandidate') {
      this.startCampaign('vote', false);
    } else {
      this.becomeLeader();
      this.bcastAppend();
    }
  }

  private poll(from: NodeId, granted: boolean): PollResult {
    if (!this.voterSet.has(from)) return 'pending';
    if (!this.votes.has(from)) this.votes.set(from, granted);
    let yes = 0;
    let no = 0;
    for (const v of this.votes.values()) {
      if (v) yes++;
      else no++;
    }
    const q = this.quorum();
    if (yes >= q) return 'won';
    if (no > this.voters.length - q) return 'lost';
    return 'pending';
  }

  private quorum(): number {
    return Math.floor(this.voters.length / 2) + 1;
  }

  // ---------------------------------------------------------------- ticks

  private tickElection(): void {
    this.electionElapsed++;
    if (this.electionElapsed >= this.randomizedElectionTicks) {
      this.electionElapsed = 0;
      this.hup(false);
    }
  }

  private tickLeader(): void {
    this.heartbeatElapsed++;
    this.electionElapsed++;
    if (this.leadTransferee !== NONE && ++this.transferElapsed >= this.limits.electionTicks) this.leadTransferee = NONE;
    for (const pr of this.prs.values()) {
      // A lost snapshot would otherwise wedge the follower: retry as a probe.
      if (pr.state === 'snapshot' && ++pr.snapshotTicks >= this.limits.electionTicks) pr.becomeProbe();
    }
    if (this.electionElapsed >= this.limits.electionTicks) {
      this.electionElapsed = 0;
      // Check-quorum: a leader cut off from a majority steps down so clients find the real one.
      let active = 0;
      for (const id of this.voters) if (this.pr(id).recentActive) active++;
      if (active < this.quorum()) {
        this.becomeFollower(this._term, NONE);
        return;
      }
      for (const pr of this.prs.values()) pr.recentActive = pr.id === this.id;
    }
    if (this.heartbeatElapsed >= this.limits.heartbeatTicks) {
      this.heartbeatElapsed = 0;
      this.bcastHeartbeat();
    }
  }

  // ---------------------------------------------------------------- voting

  private handleVote(m: VoteMsg): void {
    const respType = m.type === 'vote' ? 'voteResp' : 'preVoteResp';
    const canVote =
      this._vote === m.from ||
      (this._vote === NONE && this._leaderId === NONE) ||
      (m.type === 'preVote' && m.term > this._term);
    if (canVote && !this.repair && this.log.isUpToDate(m.lastLogIndex, m.lastLogTerm)) {
      // Grant at the requested term (for pre-vote, a term we haven't entered).
      this.send({ type: respType, from: this.id, to: m.from, term: m.term, reject: false });
      if (m.type === 'vote') {
        this.electionElapsed = 0;
        this._vote = m.from;
      } else if (this._role === 'preCandidate' && m.term === this._term + 1 && m.from > this.id) {
        // Two pre-candidates of one round (their timeouts fired together) would both win the
        // pre-vote and split the real vote, costing another election timeout: the lower id steps
        // back and waits a new timeout, leaving the round to the other, whose log is as good.
        this.becomeFollower(this._term, NONE);
      }
    } else {
      this.send({ type: respType, from: this.id, to: m.from, term: this._term, reject: true });
    }
  }

  private stepCandidate(m: Message): void {
    switch (m.type) {
      case 'append':
      case 'heartbeat':
      case 'snapshot':
        // Someone won this term.
        this.becomeFollower(this._term, m.from);
        this.stepFollower(m);
        return;
      case 'preVoteResp':
      case 'voteResp':
        this.handleVoteResp(m);
        return;
      default:
        return;
    }
  }

  private handleVoteResp(m: VoteRespMsg): void {
    const want = this._role === 'preCandidate' ? 'preVoteResp' : 'voteResp';
    if (m.type !== want) return;
    const res = this.poll(m.from, !m.reject);
    if (res === 'won') this.onElectionWon();
    else if (res === 'lost') this.becomeFollower(this._term, NONE);
  }

  // ---------------------------------------------------------------- follower

  private stepFollower(m: Message): void {
    switch (m.type) {
      case 'append':
        this.electionElapsed = 0;
        this._leaderId = m.from;
        this.handleAppend(m);
        return;
      case 'heartbeat':
        this.electionElapsed = 0;
        this._leaderId = m.from;
        this.handleHeartbeat(m);
        return;
      case 'snapshot':
        this.electionElapsed = 0;
        this._leaderId = m.from;
        this.handleSnapshot(m);
        return;
      case 'timeoutNow':
        this.hup(true);
        return;
      default:
        return;
    }
  }

  private handleAppend(m: AppendMsg): void {
    if (m.prevIndex < this.log.committed) {
      this.send(this.appendResp(m.from, false, this.log.committed));
      return;
    }
    const last = this.log.maybeAppend(m.prevIndex, m.prevTerm, m.commit, m.entries);
    if (last !== undefined) {
      if (this.repair && this.repairedBy(last, m.commit)) this.repair = undefined;
      this.send(this.appendResp(m.from, false, last));
      return;
    }
    // Conflict hint: our last entry at or before prevIndex whose term is <= prevTerm.
    const hint = this.log.findConflictByTerm(Math.min(m.prevIndex, this.log.lastIndex()), m.prevTerm);
    const r = this.appendResp(m.from, true, m.prevIndex);
    r.hintIndex = hint.index;
    r.hintTerm = hint.term;
    this.send(r);
  }

  /**
   * Our log now matches the leader's up to `last`. The repair is over once that prefix is at least
   * as up to date (§5.4.1) as the log we held before the loss, so every vote we grant from now on
   * is one we would have granted then, and holds the leader's log up to its commit.
   */
  private repairedBy(last: number, leaderCommit: number): boolean {
    const floor = this.repair!;
    const term = this.log.term(last)!;
    return last >= leaderCommit && (term > floor.term || (term === floor.term && last >= floor.index));
  }

  private handleHeartbeat(m: HeartbeatMsg): void {
    if (m.commit > this.log.lastIndex()) {
      // The leader counts entries we lost as ours: tell it where our log really ends. Unless
      // recovery saw the loss already, this is how it shows (a damaged write-ahead log can take a
      // log's newest entries and the hard state's commit with them): repair, as the constructor
      // would, with the leader's commit and our term (no entry's term exceeds it) as the floor.
      this.repair ??= { index: m.commit, term: this._term };
      const r = this.appendResp(m.from, true, m.commit);
      r.hintIndex = this.log.lastIndex();
      r.hintTerm = this.log.lastTerm();
      this.send(r);
      return;
    }
    this.log.commitTo(m.commit);
    this.send({ type: 'heartbeatResp', from: this.id, to: m.from, term: this._term });
  }

  private handleSnapshot(m: SnapshotMsg): void {
    const s = m.snapshot;
    if (s.index <= this.log.committed) {
      // Stale: we already have all of it.
    } else if (this.log.matchTerm(s.index, s.term)) {
      // Our log already contains the snapshot's last entry: just fast-forward commit.
      this.log.commitTo(s.index);
    } else {
      this.log.restore(s);
      // The log is replaced: so is the configuration, by the one in force at the snapshot.
      this.confs = [{ index: s.index, term: s.term, conf: s.conf ?? this.bootstrap }];
      this.applyConf();
    }
    this.send(this.appendResp(m.from, false, this.log.committed));
  }

  // ---------------------------------------------------------------- leader

  private stepLeader(m: Message): void {
    switch (m.type) {
      case 'appendResp':
        if (this.prs.has(m.from)) this.handleAppendResp(m);
        return;
      case 'heartbeatResp': {
        // A member removed meanwhile has no progress left: its answers are moot.
        const pr = this.prs.get(m.from);
        if (pr === undefined) return;
        pr.recentActive = true;
        pr.probeSent = false;
        // All in-flight appends may have been lost: free a slot to probe again.
        if (pr.state === 'replicate' && pr.inflights.full()) pr.inflights.freeFirstOne();
        if (pr.match < this.log.lastIndex()) this.sendAppend(m.from, true);
        return;
      }
      case 'append':
      case 'heartbeat':
      case 'snapshot':
        invariant(false, () => `leader ${this.id} got ${m.type} from ${m.from} in its own term ${this._term}`);
        return;
      default:
        return;
    }
  }

  private handleAppendResp(m: AppendRespMsg): void {
    const pr = this.pr(m.from);
    pr.recentActive = true;
    if (m.reject && m.repairing && pr.match > m.hintIndex) {
      // The follower lost entries it had acknowledged: they are no longer a copy, so its match
      // drops to what it still holds and it is probed from there.
      pr.match = m.hintIndex;
      pr.becomeProbe();
      this.sendAppend(m.from, true);
      return;
    }
    if (m.reject) {
      let nextProbe = m.hintIndex;
      if (m.hintTerm > 0) nextProbe = this.log.findConflictByTerm(m.hintIndex, m.hintTerm).index;
      if (pr.maybeDecrTo(m.index, nextProbe)) {
        if (pr.state === 'replicate') pr.becomeProbe();
        this.sendAppend(m.from, true);
      }
      return;
    }
    const wasPaused = pr.isPaused();
    if (!pr.maybeUpdate(m.index)) return;
    if (pr.state === 'probe') pr.becomeReplicate();
    else if (pr.state === 'snapshot' && pr.match >= pr.pendingSnapshot) pr.becomeReplicate();
    else if (pr.state === 'replicate') pr.inflights.freeTo(m.index);

    if (this.maybeCommit()) {
      this.bcastAppend();
      if (this.maybeStepDownRemoved()) return;
    } else if (wasPaused) this.sendAppend(m.from, true);
    // Fill the pipeline window.
    while (this.sendAppend(m.from, false)) {
      /* keep sending */
    }
    if (m.from === this.leadTransferee && pr.match === this.log.lastIndex()) {
      this.send({ type: 'timeoutNow', from: this.id, to: m.from, term: this._term });
    }
  }

  /** Commits the highest index replicated on a quorum, but only if it is from our term (§5.4.2, Figure 8). */
  private maybeCommit(): boolean {
    const matches = this.voters.map((id) => this.pr(id).match).sort((a, b) => b - a);
    const mci = matches[this.quorum() - 1]!;
    if (mci > this.log.committed && this.log.term(mci) === this._term) {
      this.log.commitTo(mci);
      return true;
    }
    return false;
  }

  private appendEntries(datas: Uint8Array[]): Entry {
    const li = this.log.lastIndex();
    const ents = datas.map((data, k) => ({ index: li + 1 + k, term: this._term, data }));
    this.log.append(ents);
    // The leader's own copy counts once the driver persists it, which the
    // Ready contract guarantees happens before any follower can ack it.
    this.pr(this.id).maybeUpdate(this.log.lastIndex());
    this.maybeCommit();
    return ents[ents.length - 1]!;
  }

  private bcastAppend(): void {
    for (const id of this.prs.keys()) if (id !== this.id) this.sendAppend(id, true);
  }

  private bcastHeartbeat(): void {
    for (const id of this.prs.keys()) {
      if (id === this.id) continue;
      const commit = Math.min(this.pr(id).match, this.log.committed);
      this.send({ type: 'heartbeat', from: this.id, to: id, term: this._term, commit });
    }
  }

  /** Sends the next append (or a snapshot) to `to`. Returns whether a message was sent. */
  private sendAppend(to: NodeId, sendIfEmpty: boolean): boolean {
    const pr = this.pr(to);
    if (pr.isPaused()) return false;
    const prevIndex = pr.next - 1;
    const prevTerm = this.log.term(prevIndex);
    const entries =
      prevTerm === undefined
        ? undefined
        : this.log.slice(pr.next, this.log.lastIndex() + 1, this.limits.maxEntriesPerMsg, this.limits.maxBytesPerMsg);
    if (prevTerm === undefined || entries === undefined) return this.sendSnapshot(pr);
    if (entries.length === 0 && !sendIfEmpty) return false;
    this.send({
      type: 'append',
      from: this.id,
      to,
      term: this._term,
      prevIndex,
      prevTerm,
      entries,
      commit: this.log.committed,
    });
    if (pr.state === 'replicate') {
      if (entries.length > 0) {
        const last = entries[entries.length - 1]!.index;
        pr.next = last + 1;
        pr.inflights.add(last);
      }
    } else {
      pr.probeSent = true;
    }
    return true;
  }

  /** The follower needs entries before our log start: send the log-start marker instead. */
  private sendSnapshot(pr: Progress): boolean {
    // Don't ship snapshots to nodes that look dead.
    if (!pr.recentActive) return false;
    const snap: Snapshot = this.log.unstableSnapshot() ?? this.log.storage.snapshot();
    pr.becomeSnapshot(snap.index);
    this.send({ type: 'snapshot', from: this.id, to: pr.id, term: this._term, snapshot: snap });
    return true;
  }

  // ---------------------------------------------------------------- membership

  /**
   * The configuration at restart: the snapshot's (or the bootstrap one), then the stored conf
   * entries that are really in the log (a record whose entry a truncation removed, or that never
   * got stored, has no entry of its index and term).
   */
  private recoverConf(storage: Storage): void {
    const snap = storage.snapshot();
    this.confs = [{ index: snap.index, term: snap.term, conf: snap.conf ?? this.bootstrap }];
    const last = storage.lastIndex();
    for (const c of storage.confRecords()) {
      if (c.index <= this.confIndex || c.index > last || storage.term(c.index) !== c.term) continue;
      this.confs.push(c);
    }
    this.applyConf();
  }

  /** Entries were appended (a suffix from entries[0] replaced): conf entries among them take effect now. */
  private onAppended(entries: readonly Entry[]): void {
    const first = entries[0]!.index;
    let changed = false;
    // A conf entry known committed becomes the base; only the last one can ever be truncated.
    while (this.confs.length > 1 && this.confs[1]!.index <= this.log.committed) this.confs.shift();
    while (this.confs.length > 1 && this.confs[this.confs.length - 1]!.index >= first) {
      this.confs.pop();
      changed = true;
    }
    invariant(this.confs[0]!.index < first, () => `append at ${first} replaces the configuration of ${this.confs[0]!.index}`);
    for (const e of entries) {
      const conf = decodeConfEntry(e.data);
      if (conf === undefined) continue;
      this.confs.push({ index: e.index, term: e.term, conf });
      changed = true;
    }
    if (changed) this.applyConf();
  }

  /** Takes the newest configuration into use: voters, learners, the leader's progress. */
  private applyConf(): void {
    const conf = this.confs[this.confs.length - 1]!.conf;
    this.voters = [...conf.voters];
    this.voterSet = new Set(this.voters);
    this.learners = [...conf.learners];
    if (this._role === 'leader') {
      this.syncProgress(true);
      if (this.leadTransferee !== NONE && !this.voterSet.has(this.leadTransferee)) this.leadTransferee = NONE;
    } else if (this._role !== 'follower' && !this.voterSet.has(this.id)) {
      // A campaign by a node no longer a voter counts for nothing.
      this.becomeFollower(this._term, NONE);
    }
  }

  /**
   * Leader: one Progress per member and for itself; new members are probed from the log end. A
   * member added during the term counts as heard from (`active`): check-quorum gives it one round.
   */
  private syncProgress(active: boolean): void {
    const members = new Set([...this.voters, ...this.learners, this.id]);
    for (const id of this.prs.keys()) if (!members.has(id)) this.prs.delete(id);
    const next = this.log.lastIndex() + 1;
    for (const id of members) {
      if (this.prs.has(id)) continue;
      const pr = new Progress(id, next, this.limits.maxInflightMsgs);
      pr.recentActive = active;
      this.prs.set(id, pr);
    }
  }

  /**
   * A leader that is no voter any more (it removed itself) leads only until that change commits;
   * then it tells the most up-to-date voter to campaign now and steps down. Returns whether it did.
   */
  private maybeStepDownRemoved(): boolean {
    if (this._role !== 'leader' || this.voterSet.has(this.id) || this.confIndex > this.log.committed) return false;
    let best: Progress | undefined;
    for (const id of this.voters) {
      const pr = this.pr(id);
      if (best === undefined || pr.match > best.match) best = pr;
    }
    if (best !== undefined && best.match === this.log.lastIndex()) this.send({ type: 'timeoutNow', from: this.id, to: best.id, term: this._term });
    this.becomeFollower(this._term, NONE);
    return true;
  }

  // ---------------------------------------------------------------- helpers

  private pr(id: NodeId): Progress {
    const pr = this.prs.get(id);
    invariant(pr !== undefined, () => `no progress for ${id}`);
    return pr;
  }

  private appendResp(to: NodeId, reject: boolean, index: number): AppendRespMsg {
    return { type: 'appendResp', from: this.id, to, term: this._term, reject, index, hintIndex: 0, hintTerm: 0, repairing: this.repair !== undefined };
  }

  private send(m: Message): void {
    this.msgs.push(m);
  }
}

function sameHardState(a: HardState, b: HardState): boolean {
  return a.term === b.term && a.vote === b.vote && a.commit === b.commit && a.repairIndex === b.repairIndex && a.repairTerm === b.repairTerm;
}
