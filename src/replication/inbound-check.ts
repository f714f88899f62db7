/**
 * Checks on a Raft message from the network before it reaches a group's Raft state machine, whose
 * invariants hold only for what a correct peer sends. A message that fails is dropped and counted
 * under its reason (`sluice_raft_messages_dropped_total{reason}`), never thrown: the broker keeps
 * serving, and Raft takes a dropped message as one the network lost.
 */
import { BATCH_HEADER_BYTES, validateBatch } from '../protocol/batch.js';
import { decodeConfEntry, isConfEntry } from '../raft/conf.js';
import type { AppendMsg, Message } from '../raft/types.js';

export const RAFT_DROP_REASONS = [
  /** The message's `from` is not the broker the stream authenticated (or identified) as. */
  'forged_from',
  /** The message's `to` is not this broker. */
  'wrong_to',
  /** It does not decode to a Raft message (bad type, negative or non-contiguous indices, no payload). */
  'malformed',
  /** No group of that name runs here (yet: messages may precede the metadata that creates it). */
  'unknown_group',
  /** An APPEND entry is not a whole, checksummed batch stamped by a leader of the entry's term. */
  'bad_batch',
  /** An APPEND's batches do not continue the offsets they follow. */
  'bad_offsets',
  /** A leader got a leader's message for its own term: no correct peer sends one. */
  'conflicting_leader',
  /** Arrived while no handler was registered or after the transport closed. */
  'not_running',
] as const;

export type RaftDropReason = (typeof RAFT_DROP_REASONS)[number];

/** The message's addressing against the stream it came on: `from` must be the peer, `to` this broker. */
export function checkAddressing(message: Pick<Message, 'from' | 'to'>, peerId: number, selfId: number): RaftDropReason | undefined {
  if (message.from !== peerId) return 'forged_from';
  if (message.to !== selfId) return 'wrong_to';
  return undefined;
}

function view(data: Uint8Array): Buffer {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

/**
 * Checks an APPEND's entries: an empty entry is a leader's no-op, a tagged one a configuration
 * entry that must decode; any other must be one valid batch
 * (size, magic, CRC) stamped with the entry's term as its leader epoch, and the batches' offsets must
 * follow each other. Returns the reason to drop it, or the base offset of its first batch (undefined
 * without batches) for the caller to check against its own log.
 */
export function checkAppendEntries(message: AppendMsg): { reason: RaftDropReason } | { firstBaseOffset: number | undefined } {
  let firstBaseOffset: number | undefined;
  let nextOffset: number | undefined;
  for (const entry of message.entries) {
    if (entry.data.byteLength === 0) continue;
    // A configuration entry (docs/RAFT.md "Membership change") takes no offset; it must decode.
    if (isConfEntry(entry.data)) {
      if (decodeConfEntry(entry.data) === undefined) return { reason: 'bad_batch' };
      continue;
    }
    if (entry.data.byteLength < BATCH_HEADER_BYTES) return { reason: 'bad_batch' };
    let header;
    try {
      header = validateBatch(view(entry.data), { allowZeroRecords: true });
    } catch {
      return { reason: 'bad_batch' };
    }
    // A producer's batch carries no term; the leader stamps it when it proposes (replicated-log.ts).
    if (header.leaderEpoch !== entry.term || header.baseOffset < 0) return { reason: 'bad_batch' };
    if (nextOffset !== undefined && header.baseOffset !== nextOffset) return { reason: 'bad_offsets' };
    firstBaseOffset ??= header.baseOffset;
    nextOffset = header.baseOffset + header.recordCount;
  }
  return { firstBaseOffset };
}

/** A snapshot message's data is the 8-byte log start offset of the partition (replicated-log.ts). */
export function checkSnapshotData(data: Uint8Array): RaftDropReason | undefined {
  if (data.byteLength !== 8) return 'malformed';
  const buf = view(data);
  const logStart = buf.readInt32BE(0) * 2 ** 32 + buf.readUInt32BE(4);
  return Number.isSafeInteger(logStart) && logStart >= 0 ? undefined : 'malformed';
}
