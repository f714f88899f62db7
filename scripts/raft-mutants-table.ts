/**
 * The classic Raft bugs `make raft-mutants` plants in src/raft, one at a
 * time. Each is an exact text replacement: `find` must occur exactly once in
 * `file`, so a mutant whose anchor no longer exists (raft.ts changed) fails
 * loudly instead of silently testing nothing. Keep each mutant compiling
 * cleanly under the strict tsconfig (a mutant that does not compile tests
 * nothing and counts as a failure).
 */
export interface Mutant {
  /** Short stable name, also accepted by MUTANT=id. */
  id: string;
  /** The bug, as the Raft paper or etcd would name it. */
  description: string;
  /** Path relative to the repository root. */
  file: string;
  find: string;
  replace: string;
}

const RAFT = 'src/raft/raft.ts';
const LOG = 'src/raft/log.ts';

export const MUTANTS: readonly Mutant[] = [
  {
    id: 'election-restriction',
    description: "voter grants without checking that the candidate's log is at least as up to date (§5.4.1)",
    file: RAFT,
    find: 'if (canVote && !this.repair && this.log.isUpToDate(m.lastLogIndex, m.lastLogTerm)) {',
    replace: 'if (canVote && !this.repair) {',
  },
  {
    id: 'vote-not-persisted',
    description: 'a vote cast without a term change is left out of Ready.hardState, so it is never saved',
    file: RAFT,
    find: 'return a.term === b.term && a.vote === b.vote && a.commit === b.commit && a.repairIndex === b.repairIndex && a.repairTerm === b.repairTerm;',
    replace: 'return a.term === b.term && a.commit === b.commit && a.repairIndex === b.repairIndex && a.repairTerm === b.repairTerm;',
  },
  {
    id: 'vote-not-restored',
    description: 'a restarted node forgets the vote it persisted and may vote again in the same term',
    file: RAFT,
    find: 'this._vote = hs.vote;',
    replace: 'this._vote = NONE;',
  },
  {
    id: 'double-vote',
    description: 'a node that already voted in this term grants a second candidate',
    file: RAFT,
    find: '(this._vote === NONE && this._leaderId === NONE) ||',
    replace: 'this._leaderId === NONE ||',
  },
  {
    id: 'quorum-off-by-one',
    description: 'quorum is floor(n/2) instead of floor(n/2)+1 (elections and commits without a majority)',
    file: RAFT,
    find: 'return Math.floor(this.voters.length / 2) + 1;',
    replace: 'return Math.floor(this.voters.length / 2);',
  },
  {
    id: 'commit-previous-term',
    description: "leader commits an earlier term's entry by counting replicas (Figure 8, §5.4.2)",
    file: RAFT,
    find: 'if (mci > this.log.committed && this.log.term(mci) === this._term) {',
    replace: 'if (mci > this.log.committed) {',
  },
  {
    id: 'follower-commit-bound',
    description: 'follower commits min(leaderCommit, lastIndex) instead of min(leaderCommit, last new entry)',
    file: LOG,
    find: 'this.commitTo(Math.min(commit, lastNew));',
    replace: 'this.commitTo(Math.min(commit, this.lastIndex()));',
  },
  {
    id: 'append-ignores-prev-term',
    description: 'follower accepts an append when it has prevIndex, without checking prevTerm (log matching)',
    file: LOG,
    find: 'if (!this.matchTerm(prevIndex, prevTerm)) return undefined;',
    // Still reads prevTerm (a sign check that always passes) so the mutant compiles under noUnusedParameters.
    replace: 'if (prevIndex > this.lastIndex() || prevTerm < 0) return undefined;',
  },
  {
    id: 'no-truncate-conflict',
    description: 'follower keeps a conflicting suffix and only appends entries beyond its last index',
    file: LOG,
    find: 'if (!this.matchTerm(e.index, e.term)) return e.index;',
    replace: 'if (e.index > this.lastIndex()) return e.index;',
  },
  {
    id: 'stale-term-accepted',
    description: 'messages from an older term are processed instead of dropped',
    file: RAFT,
    find: `        this.send({ type: 'preVoteResp', from: this.id, to: m.from, term: this._term, reject: true });
      }
      return;
    }`,
    replace: `        this.send({ type: 'preVoteResp', from: this.id, to: m.from, term: this._term, reject: true });
      }
    }`,
  },
  {
    id: 'term-not-bumped',
    description: 'a higher-term message that is not from a leader (vote, responses) does not move the node to that term',
    file: RAFT,
    find: 'this.becomeFollower(m.term, fromLeader ? m.from : NONE);',
    replace: 'if (fromLeader) this.becomeFollower(m.term, m.from);',
  },
  {
    id: 'snapshot-over-newer-log',
    description: 'a snapshot whose last entry the follower already holds replaces its log, dropping newer (acknowledged) entries',
    file: RAFT,
    find: `    } else if (this.log.matchTerm(s.index, s.term)) {
      // Our log already contains the snapshot's last entry: just fast-forward commit.
      this.log.commitTo(s.index);
    } else {`,
    replace: `    } else {`,
  },
  {
    id: 'prevote-lease-ignored',
    description: 'followers that hear from a live leader still grant (pre-)votes: a rejoining node disturbs a healthy leader',
    file: RAFT,
    find: 'const inLease = this._leaderId !== NONE && this.electionElapsed < this.limits.electionTicks;',
    replace: 'const inLease = this._leaderId === -1;',
  },
  {
    id: 'prevote-bumps-term',
    description: "a pre-vote request moves its receiver to the requested term (pre-vote must not change anyone's term)",
    file: RAFT,
    find: "if (m.type === 'preVote' || (m.type === 'preVoteResp' && !m.reject)) {",
    replace: "if (m.type === 'preVoteResp' && !m.reject) {",
  },
  {
    id: 'check-quorum-off',
    description: 'a leader that hears from no quorum never steps down',
    file: RAFT,
    find: 'if (active < this.quorum()) {',
    replace: 'if (active < 1) {',
  },
  {
    id: 'transfer-to-lagging',
    description: 'leadership transfer sends TimeoutNow before the transferee has caught up',
    file: RAFT,
    find: "if (pr.match === this.log.lastIndex()) this.send({ type: 'timeoutNow', from: this.id, to, term: this._term });",
    replace: "if (pr.match >= 0) this.send({ type: 'timeoutNow', from: this.id, to, term: this._term });",
  },
  {
    id: 'heartbeat-commit-beyond-match',
    description: "heartbeats carry the leader's commit instead of min(commit, follower match)",
    file: RAFT,
    find: 'const commit = Math.min(this.pr(id).match, this.log.committed);',
    replace: 'const commit = this.log.committed;',
  },
  {
    id: 'apply-beyond-commit',
    description: 'Ready hands out entries past the commit index for applying',
    file: LOG,
    find: 'return this.slice(this.applied + 1, this.committed + 1, Number.MAX_SAFE_INTEGER, maxBytes) ?? [];',
    replace: 'return this.slice(this.applied + 1, this.lastIndex() + 1, Number.MAX_SAFE_INTEGER, maxBytes) ?? [];',
  },
  {
    id: 'repair-votes',
    description: 'a node repairing a log that lost entries grants votes as if its log were intact (FAST 18)',
    file: RAFT,
    find: 'if (canVote && !this.repair && this.log.isUpToDate(m.lastLogIndex, m.lastLogTerm)) {',
    replace: 'if (canVote && this.log.isUpToDate(m.lastLogIndex, m.lastLogTerm)) {',
  },
  {
    id: 'repair-ends-early',
    description: 'a repair ends at the first accepted append, before the log is as up to date as before the loss',
    file: RAFT,
    find: 'return last >= leaderCommit && (term > floor.term || (term === floor.term && last >= floor.index));',
    replace: 'return last + term + floor.index + leaderCommit >= 0;',
  },
  {
    id: 'repair-match-kept',
    description: 'the leader keeps counting entries a repairing follower lost as its copy',
    file: RAFT,
    find: 'if (m.reject && m.repairing && pr.match > m.hintIndex) {',
    replace: 'if (m.reject && m.repairing && pr.match < 0) {',
  },
  {
    id: 'conf-two-pending',
    description: 'a leader appends a membership change while the previous one is uncommitted (two voter steps make disjoint majorities)',
    file: RAFT,
    find: 'if (this.confIndex > committed || this.termStartIndex > committed) return',
    replace: 'if (this.termStartIndex > committed) return',
  },
  {
    id: 'conf-before-term-commit',
    description: "a new leader changes membership before committing an entry of its term (an earlier leader's lost change may still be in logs)",
    file: RAFT,
    find: 'if (this.confIndex > committed || this.termStartIndex > committed) return',
    replace: 'if (this.confIndex > committed || this.termStartIndex < 0) return',
  },
  {
    id: 'learner-counts',
    description: "learners' copies count toward the commit quorum",
    file: RAFT,
    find: 'const matches = this.voters.map((id) => this.pr(id).match).sort((a, b) => b - a);',
    replace: 'const matches = [...this.prs.values()].map((pr) => pr.match).sort((a, b) => b - a);',
  },
  {
    id: 'removed-leader-stays',
    description: 'a leader that removed itself keeps leading after the removal committed',
    file: RAFT,
    find: "if (this._role !== 'leader' || this.voterSet.has(this.id) || this.confIndex > this.log.committed) return false;",
    replace: "if (this._role !== 'leader' || this.voterSet.size > 0 || this.confIndex > this.log.committed) return false;",
  },
  {
    id: 'truncated-conf-kept',
    description: 'a conf entry overwritten by a new leader stays in force',
    file: RAFT,
    find: 'while (this.confs.length > 1 && this.confs[this.confs.length - 1]!.index >= first) {',
    replace: 'while (this.confs.length > 1 && this.confs[this.confs.length - 1]!.index < 0) {',
  },
  {
    id: 'conf-not-recovered',
    description: "a restarted node ignores the conf entries in its log and runs with the bootstrap configuration",
    file: RAFT,
    find: 'for (const c of storage.confRecords()) {',
    replace: 'for (const c of storage.confRecords().slice(0, 0)) {',
  },
];
