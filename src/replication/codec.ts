/**
 * Converts Raft messages (src/raft/types.ts) to and from their wire form (proto/sluice/v1/raft.proto).
 *
 * Encoding trusts its input (it comes from our own Raft state machine); decoding does not (it comes
 * from the network) and throws a RaftCodecError for anything a Raft node must not see, so one bad
 * message is dropped instead of corrupting a group. Both directions switch over every message type:
 * adding a type to the `Message` union fails to compile here until the wire form knows it.
 */
import { decodeConfEntry, encodeConfEntry } from '../raft/conf.js';
import type { Entry, Message, MessageType, Snapshot } from '../raft/types.js';
import type { RaftEntry, RaftEntry__Output } from '../protocol/generated/sluice/v1/RaftEntry.js';
import type { RaftMessage, RaftMessage__Output } from '../protocol/generated/sluice/v1/RaftMessage.js';
import type { RaftMessageType__Output } from '../protocol/generated/sluice/v1/RaftMessageType.js';
import type { RaftSnapshot, RaftSnapshot__Output } from '../protocol/generated/sluice/v1/RaftSnapshot.js';

/** A message from the network that cannot be a valid Raft message. */
export class RaftCodecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RaftCodecError';
  }
}

function assertNever(value: never, what: string): never {
  throw new RaftCodecError(`unknown ${what}: ${String(value)}`);
}

type WireType = Exclude<RaftMessageType__Output, 'RAFT_MESSAGE_TYPE_UNSPECIFIED'>;

/** Both directions of the type mapping, each checked for exhaustiveness by the compiler. */
const TO_WIRE = {
  preVote: 'PRE_VOTE',
  vote: 'VOTE',
  preVoteResp: 'PRE_VOTE_RESP',
  voteResp: 'VOTE_RESP',
  append: 'APPEND',
  appendResp: 'APPEND_RESP',
  heartbeat: 'HEARTBEAT',
  heartbeatResp: 'HEARTBEAT_RESP',
  snapshot: 'SNAPSHOT',
  timeoutNow: 'TIMEOUT_NOW',
} as const satisfies Record<MessageType, WireType>;

const FROM_WIRE = {
  PRE_VOTE: 'preVote',
  VOTE: 'vote',
  PRE_VOTE_RESP: 'preVoteResp',
  VOTE_RESP: 'voteResp',
  APPEND: 'append',
  APPEND_RESP: 'appendResp',
  HEARTBEAT: 'heartbeat',
  HEARTBEAT_RESP: 'heartbeatResp',
  SNAPSHOT: 'snapshot',
  TIMEOUT_NOW: 'timeoutNow',
} as const satisfies Record<WireType, MessageType>;

function encodeEntry(e: Entry): RaftEntry {
  return { index: e.index, term: e.term, data: e.data };
}

function encodeSnapshot(s: Snapshot): RaftSnapshot {
  return { index: s.index, term: s.term, data: s.data, conf: s.conf === undefined ? new Uint8Array(0) : encodeConfEntry(s.conf) };
}

/**
 * Wire form of a Raft message. Fields the type does not use are omitted (zero on the wire). Every
 * field is spelled out: these run for every replication message, and V8 (Node 20) promotes
 * object-spread copies to the old generation.
 */
export function encodeMessage(m: Message): RaftMessage {
  const type = TO_WIRE[m.type];
  const { from, to, term } = m;
  switch (m.type) {
    case 'preVote':
    case 'vote':
      return { type, from, to, term, lastLogIndex: m.lastLogIndex, lastLogTerm: m.lastLogTerm, transfer: m.transfer };
    case 'preVoteResp':
    case 'voteResp':
      return { type, from, to, term, reject: m.reject };
    case 'append':
      return { type, from, to, term, prevIndex: m.prevIndex, prevTerm: m.prevTerm, commit: m.commit, entries: m.entries.map(encodeEntry) };
    case 'appendResp':
      return { type, from, to, term, reject: m.reject, index: m.index, hintIndex: m.hintIndex, hintTerm: m.hintTerm, repairing: m.repairing };
    case 'heartbeat':
      return { type, from, to, term, commit: m.commit };
    case 'snapshot':
      return { type, from, to, term, snapshot: encodeSnapshot(m.snapshot) };
    case 'heartbeatResp':
    case 'timeoutNow':
      return { type, from, to, term };
    default:
      return assertNever(m, 'message type');
  }
}

/** A non-negative safe integer, or a RaftCodecError naming the field. */
function count(value: number, field: string): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new RaftCodecError(`bad ${field}: ${value}`);
  return value;
}

/** Plain Uint8Array view (no copy) of the decoded bytes, so callers never depend on Buffer. */
function bytes(b: Uint8Array): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

function decodeEntry(e: RaftEntry__Output): Entry {
  return { index: count(e.index, 'entry.index'), term: count(e.term, 'entry.term'), data: bytes(e.data) };
}

function decodeSnapshot(s: RaftSnapshot__Output | null): Snapshot {
  if (s === null) throw new RaftCodecError('snapshot message without a snapshot');
  const snapshot: Snapshot = { index: count(s.index, 'snapshot.index'), term: count(s.term, 'snapshot.term'), data: bytes(s.data) };
  if (s.conf.length > 0) {
    const conf = decodeConfEntry(bytes(s.conf));
    if (conf === undefined) throw new RaftCodecError('snapshot configuration does not decode');
    snapshot.conf = conf;
  }
  return snapshot;
}

/**
 * Raft message of a decoded wire message (as @grpc/proto-loader yields it with the options in
 * src/protocol/grpc.ts: defaults filled in, longs as numbers, enums as strings).
 * Entry and snapshot data are views into the received frame's buffer, not copies.
 */
export function decodeMessage(w: RaftMessage__Output): Message {
  const from = count(w.from, 'from');
  const to = count(w.to, 'to');
  const term = count(w.term, 'term');
  switch (w.type) {
    case 'PRE_VOTE':
    case 'VOTE':
      return {
        type: FROM_WIRE[w.type],
        from,
        to,
        term,
        lastLogIndex: count(w.lastLogIndex, 'lastLogIndex'),
        lastLogTerm: count(w.lastLogTerm, 'lastLogTerm'),
        transfer: w.transfer,
      };
    case 'PRE_VOTE_RESP':
    case 'VOTE_RESP':
      return { type: FROM_WIRE[w.type], from, to, term, reject: w.reject };
    case 'APPEND': {
      const prevIndex = count(w.prevIndex, 'prevIndex');
      const entries = w.entries.map(decodeEntry);
      // Raft relies on appended entries being the contiguous run after prevIndex.
      entries.forEach((e, i) => {
        if (e.index !== prevIndex + 1 + i) throw new RaftCodecError(`append entry ${i} has index ${e.index}, expected ${prevIndex + 1 + i}`);
      });
      return { type: 'append', from, to, term, prevIndex, prevTerm: count(w.prevTerm, 'prevTerm'), commit: count(w.commit, 'commit'), entries };
    }
    case 'APPEND_RESP':
      return {
        type: 'appendResp',
        from,
        to,
        term,
        reject: w.reject,
        index: count(w.index, 'index'),
        hintIndex: count(w.hintIndex, 'hintIndex'),
        hintTerm: count(w.hintTerm, 'hintTerm'),
        repairing: w.repairing,
      };
    case 'HEARTBEAT':
      return { type: 'heartbeat', from, to, term, commit: count(w.commit, 'commit') };
    case 'HEARTBEAT_RESP':
      return { type: 'heartbeatResp', from, to, term };
    case 'SNAPSHOT':
      return { type: 'snapshot', from, to, term, snapshot: decodeSnapshot(w.snapshot) };
    case 'TIMEOUT_NOW':
      return { type: 'timeoutNow', from, to, term };
    case 'RAFT_MESSAGE_TYPE_UNSPECIFIED':
      throw new RaftCodecError('message type unspecified');
    default:
      return assertNever(w.type, 'message type');
  }
}

/** Fixed per-message allowance for the scalar fields and framing, in bytes (an overestimate). */
const MESSAGE_OVERHEAD_BYTES = 96;
const ENTRY_OVERHEAD_BYTES = 24;

/**
 * Approximate encoded size of a message of `group`, in bytes: what the transport's queue and frame
 * bounds count. Cheap (no serialization) and never below the real size by more than a few bytes.
 */
export function messageSizeBytes(group: string, m: Message): number {
  let size = MESSAGE_OVERHEAD_BYTES + Buffer.byteLength(group);
  if (m.type === 'append') for (const e of m.entries) size += ENTRY_OVERHEAD_BYTES + e.data.byteLength;
  if (m.type === 'snapshot') size += 2 * ENTRY_OVERHEAD_BYTES + m.snapshot.data.byteLength + (m.snapshot.conf === undefined ? 0 : 64 * (m.snapshot.conf.voters.length + m.snapshot.conf.learners.length + 1));
  return size;
}
