/**
 * Plain data types shared by the Raft state machine, its storage and its
 * drivers. Everything here is serializable (no classes, no functions) so a
 * driver can ship messages over gRPC and persist entries/hard state as-is.
 */

/** Node ids are positive integers (Kafka broker ids). 0 means "none". */
export type NodeId = number;
export const NONE: NodeId = 0;

/** One log entry. `data` is opaque; an empty array is a leader no-op. */
export interface Entry {
  index: number;
  term: number;
  data: Uint8Array;
}

/** The state that must be durable before any message depending on it is sent. */
export interface HardState {
  term: number;
  /** Candidate voted for in `term`, or NONE. */
  vote: NodeId;
  /** Highest index known committed. Persisting it is an optimisation, not a safety need. */
  commit: number;
  /**
   * Set while the node repairs a log that lost entries it may have acknowledged (a storage fault):
   * index and term of the last entry it held before the loss (or its commit and term when that is
   * unknown). Until its log is again at least as up to date as that, and holds the leader's log up
   * to the leader's commit, it neither votes nor campaigns. Absent when not repairing.
   */
  repairIndex?: number;
  repairTerm?: number;
}

/**
 * A snapshot is the log-start marker: every entry up to and including
 * `index` has been folded into `data`. For a partition `data` is empty (the
 * snapshot only moves the log start forward); the controller will put its
 * metadata image there.
 */
export interface Snapshot {
  index: number;
  term: number;
  data: Uint8Array;
  /** The configuration in force at `index` (the last conf entry folded in); absent: the group's bootstrap configuration. */
  conf?: ConfState;
}

/**
 * A group's membership: voters elect and count toward commits; learners only receive the log.
 * Disjoint, no duplicates, at least one voter.
 */
export interface ConfState {
  voters: NodeId[];
  learners: NodeId[];
}

/** A configuration entry of the log: the configuration it sets, at (index, term). */
export interface ConfRecord {
  index: number;
  term: number;
  conf: ConfState;
}

/**
 * One membership step a leader may propose. Each changes the voter set by at most one node, so
 * any majority of the old voters and any majority of the new ones share a node.
 *  - addLearner: a node that is no member yet starts receiving the log.
 *  - promote: a learner becomes a voter (add it as a learner first, promote once caught up).
 *  - remove: a voter or learner leaves.
 */
export interface ConfChange {
  type: 'addLearner' | 'promote' | 'remove';
  node: NodeId;
}

export type Role = 'follower' | 'preCandidate' | 'candidate' | 'leader';

interface MsgBase {
  from: NodeId;
  to: NodeId;
  /** Sender's term (for preVote: the term the sender would campaign at). */
  term: number;
}

/** Request (pre-)vote. `transfer` bypasses followers' leader lease (TimeoutNow). */
export interface VoteMsg extends MsgBase {
  type: 'preVote' | 'vote';
  lastLogIndex: number;
  lastLogTerm: number;
  transfer: boolean;
}

export interface VoteRespMsg extends MsgBase {
  type: 'preVoteResp' | 'voteResp';
  reject: boolean;
}

/** Append entries after (prevIndex, prevTerm); `commit` is the leader's commit index. */
export interface AppendMsg extends MsgBase {
  type: 'append';
  prevIndex: number;
  prevTerm: number;
  entries: Entry[];
  commit: number;
}

/**
 * Reply to append/snapshot. On success `index` is the follower's last index
 * known to match the leader. On reject `index` is the rejected prevIndex and
 * (`hintIndex`, `hintTerm`) is the follower's largest entry with term <= the
 * leader's prevTerm, so the leader can skip a whole term per round trip.
 */
export interface AppendRespMsg extends MsgBase {
  type: 'appendResp';
  reject: boolean;
  index: number;
  hintIndex: number;
  hintTerm: number;
  /**
   * The follower repairs a log that lost entries (HardState.repairIndex). On reject, `hintIndex` is
   * at most its last index and the leader lowers what it believed matched to it: acks the follower
   * gave for entries it lost no longer count.
   */
  repairing: boolean;
}

/** `commit` is min(leader commit, follower match) so a lagging follower never commits past its log. */
export interface HeartbeatMsg extends MsgBase {
  type: 'heartbeat';
  commit: number;
}

export interface HeartbeatRespMsg extends MsgBase {
  type: 'heartbeatResp';
}

/** Brings a follower whose next entry was compacted up to the leader's log start. */
export interface SnapshotMsg extends MsgBase {
  type: 'snapshot';
  snapshot: Snapshot;
}

/** Tells an up-to-date follower to campaign now, skipping pre-vote (leadership transfer). */
export interface TimeoutNowMsg extends MsgBase {
  type: 'timeoutNow';
}

/** Discriminated union of every message exchanged between peers. */
export type Message =
  | VoteMsg
  | VoteRespMsg
  | AppendMsg
  | AppendRespMsg
  | HeartbeatMsg
  | HeartbeatRespMsg
  | SnapshotMsg
  | TimeoutNowMsg;

export type MessageType = Message['type'];

/**
 * Output of one round of the state machine.
 *
 * Ordering contract for the driver (violating it breaks safety):
 *  1. Persist, in this order, `snapshot` (if set), `entries` (appending and
 *     truncating any conflicting suffix already stored), and `hardState`
 *     (if set). Fsync if `mustSync`.
 *  2. Only then send `messages`: they may acknowledge or grant votes based on
 *     the state persisted in step 1.
 *  3. Apply `snapshot` (if set) to the state machine, then `committedEntries`
 *     in order. They may include entries from this same Ready's `entries`,
 *     which is why persisting comes first.
 *  4. Call `advance()`. Until then `ready()` must not be called again.
 */
export interface Ready {
  /** Present only when term, vote or commit changed since the last Ready. */
  hardState?: HardState;
  /** A snapshot received from the leader, to persist and apply. */
  snapshot?: Snapshot;
  /** Unstable entries to append to storage. */
  entries: Entry[];
  /** Entries newly known committed, to apply after persisting. */
  committedEntries: Entry[];
  /** Messages to send after persisting. */
  messages: Message[];
  /** True when term/vote changed or entries/snapshot must be written: fsync before sending. */
  mustSync: boolean;
}

/** Read-only view of a node. */
export interface Status {
  id: NodeId;
  term: number;
  vote: NodeId;
  role: Role;
  leaderId: NodeId;
  commitIndex: number;
  appliedIndex: number;
  firstIndex: number;
  lastIndex: number;
  /** Set while a leadership transfer is in progress. */
  leadTransferee: NodeId;
  /** The node lost entries and repairs its log (see HardState.repairIndex): it neither votes nor campaigns. */
  repairing: boolean;
  /** The configuration in force: the last conf entry in the log (taking effect when appended). */
  voters: NodeId[];
  learners: NodeId[];
}

export type ProposeResult =
  | { ok: true; index: number; term: number }
  | { ok: false; reason: ProposeRefusal; leaderId: NodeId };

/**
 * Why a proposal was refused. The last two concern configuration changes only:
 * `confChangePending` — a change is not committed yet, or this leader has not committed an entry of
 * its own term yet; `invalidConfChange` — the change does not apply to the current configuration.
 */
export type ProposeRefusal = 'notLeader' | 'transferring' | 'uncommittedBytesLimit' | 'confChangePending' | 'invalidConfChange';

/** Raised on programmer error / broken invariant. Never on bad network input. */
export class RaftInvariantError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RaftInvariantError';
  }
}

export function invariant(cond: boolean, message: string | (() => string)): asserts cond {
  if (!cond) throw new RaftInvariantError(typeof message === 'string' ? message : message());
}
