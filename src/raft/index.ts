/** Public API of the Raft library. See docs/RAFT.md. */
export { Raft, DEFAULT_LIMITS } from './raft.js';
export type { RaftOptions, RaftLimits } from './raft.js';
export { MemoryStorage, entrySize } from './storage.js';
export type { Storage } from './storage.js';
export { seededRng } from './rng.js';
export { applyConfChange, confProblem, decodeConfEntry, encodeConfEntry, isConfEntry, sameConf, CONF_MEMBERS_MAX } from './conf.js';
export type { Rng } from './rng.js';
export { NONE, RaftInvariantError, invariant } from './types.js';
export type {
  NodeId,
  Entry,
  HardState,
  Snapshot,
  Role,
  Message,
  MessageType,
  VoteMsg,
  VoteRespMsg,
  AppendMsg,
  AppendRespMsg,
  HeartbeatMsg,
  HeartbeatRespMsg,
  SnapshotMsg,
  TimeoutNowMsg,
  Ready,
  Status,
  ProposeResult,
  ProposeRefusal,
  ConfState,
  ConfRecord,
  ConfChange,
} from './types.js';
