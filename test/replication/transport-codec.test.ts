import { expect } from 'chai';
import { decodeMessage, encodeMessage, messageSizeBytes, RaftCodecError } from '../../src/replication/codec.js';
import { raftApi } from '../../src/protocol/grpc.js';
import type { RaftFrame__Output } from '../../src/protocol/generated/sluice/v1/RaftFrame.js';
import type { RaftMessage__Output } from '../../src/protocol/generated/sluice/v1/RaftMessage.js';
import type { Message, MessageType } from '../../src/raft/types.js';

const base = { from: 1, to: 3, term: 7 };
const big = 2 ** 40; // indexes past 32 bits must survive uint64 + longs: Number

/** Keyed by type so a new message type fails to compile until it has samples here. */
const SAMPLES: Record<MessageType, Message[]> = {
  preVote: [
    { ...base, type: 'preVote', lastLogIndex: 10, lastLogTerm: 6, transfer: false },
    { ...base, type: 'preVote', lastLogIndex: big, lastLogTerm: 0, transfer: true },
  ],
  vote: [{ ...base, type: 'vote', lastLogIndex: 0, lastLogTerm: 0, transfer: true }],
  preVoteResp: [{ ...base, type: 'preVoteResp', reject: true }],
  voteResp: [
    { ...base, type: 'voteResp', reject: false },
    { ...base, type: 'voteResp', reject: true },
  ],
  append: [
    { ...base, type: 'append', prevIndex: 0, prevTerm: 0, commit: 0, entries: [] },
    {
      ...base,
      type: 'append',
      prevIndex: 41,
      prevTerm: 6,
      commit: 40,
      entries: [
        { index: 42, term: 7, data: new Uint8Array() }, // leader no-op
        { index: 43, term: 7, data: Uint8Array.from([0, 255, 1, 254, 0, 0]) },
        { index: 44, term: 7, data: Uint8Array.from({ length: 70_000 }, (_, i) => (i * 31) & 0xff) },
      ],
    },
    { ...base, type: 'append', prevIndex: big, prevTerm: 9, commit: big, entries: [{ index: big + 1, term: 9, data: new Uint8Array([7]) }] },
  ],
  appendResp: [
    { ...base, type: 'appendResp', reject: false, index: 44, hintIndex: 0, hintTerm: 0, repairing: false },
    { ...base, type: 'appendResp', reject: true, index: 41, hintIndex: 30, hintTerm: 5, repairing: true },
  ],
  heartbeat: [{ ...base, type: 'heartbeat', commit: 12 }],
  heartbeatResp: [{ ...base, type: 'heartbeatResp' }],
  snapshot: [
    { ...base, type: 'snapshot', snapshot: { index: 100, term: 6, data: new Uint8Array() } },
    { ...base, type: 'snapshot', snapshot: { index: 100, term: 6, data: Uint8Array.from([1, 2, 3, 0]) } },
  ],
  timeoutNow: [{ ...base, type: 'timeoutNow' }],
};

/** Through real protobuf bytes, as the gRPC stream carries them. */
function overTheWire(group: string, m: Message): { group: string; message: RaftMessage__Output } {
  const method = raftApi().Raft.service.Stream;
  const bytes = method.requestSerialize({ fromBroker: 1, fromBrokerEpoch: 5, messages: [{ group, message: encodeMessage(m) }] });
  const frame: RaftFrame__Output = method.requestDeserialize(bytes);
  expect(frame.fromBroker).to.equal(1);
  expect(frame.fromBrokerEpoch).to.equal(5);
  expect(frame.messages).to.have.length(1);
  const gm = frame.messages[0];
  if (gm.message === null) throw new Error('message lost');
  return { group: gm.group, message: gm.message };
}

function zero(): RaftMessage__Output {
  return {
    type: 'HEARTBEAT', from: 1, to: 2, term: 1, lastLogIndex: 0, lastLogTerm: 0, transfer: false, reject: false,
    prevIndex: 0, prevTerm: 0, commit: 0, index: 0, hintIndex: 0, hintTerm: 0, entries: [], snapshot: null, repairing: false,
  };
}

describe('replication/codec', () => {
  for (const [type, samples] of Object.entries(SAMPLES)) {
    it(`round-trips ${type} through protobuf bytes`, () => {
      expect(samples.length).to.be.greaterThan(0);
      for (const m of samples) {
        const { group, message } = overTheWire('orders-3', m);
        expect(group).to.equal('orders-3');
        const back = decodeMessage(message);
        expect(back).to.deep.equal(m);
        // Callers get plain Uint8Arrays, never Buffers.
        if (back.type === 'append') for (const e of back.entries) expect(Object.getPrototypeOf(e.data)).to.equal(Uint8Array.prototype);
        if (back.type === 'snapshot') expect(Object.getPrototypeOf(back.snapshot.data)).to.equal(Uint8Array.prototype);
      }
    });
  }

  it('rejects an unspecified type, a snapshot message without snapshot, gaps in entries, bad numbers', () => {
    expect(() => decodeMessage({ ...zero(), type: 'RAFT_MESSAGE_TYPE_UNSPECIFIED' })).to.throw(RaftCodecError);
    expect(() => decodeMessage({ ...zero(), type: 'SNAPSHOT' })).to.throw(RaftCodecError, /snapshot/);
    const gap = { ...zero(), type: 'APPEND' as const, prevIndex: 5, entries: [{ index: 7, term: 1, data: Buffer.alloc(0) }] };
    expect(() => decodeMessage(gap)).to.throw(RaftCodecError, /expected 6/);
    expect(() => decodeMessage({ ...zero(), term: -1 })).to.throw(RaftCodecError, /term/);
    expect(() => decodeMessage({ ...zero(), commit: 2 ** 60 })).to.throw(RaftCodecError, /commit/);
  });

  it('estimates sizes at or above the encoded size', () => {
    const method = raftApi().Raft.service.Stream;
    for (const samples of Object.values(SAMPLES)) {
      for (const m of samples) {
        const encoded = method.requestSerialize({ fromBroker: 1, messages: [{ group: 'g', message: encodeMessage(m) }] });
        expect(messageSizeBytes('g', m)).to.be.at.least(encoded.byteLength - 8);
      }
    }
  });
});
