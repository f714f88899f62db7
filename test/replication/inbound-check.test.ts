import { expect } from 'chai';
import { encodeBatch, encodeControlBatch, stampBatch } from '../../src/protocol/batch.js';
import type { AppendMsg, Entry } from '../../src/raft/types.js';
import { checkAddressing, checkAppendEntries, checkSnapshotData } from '../../src/replication/inbound-check.js';

/** A producer's batch of `records` records, stamped at `baseOffset` by a leader of `term` unless `stamp` is false. */
function batch(records: number, baseOffset: number, term: number, stamp = true): Buffer {
  const buf = encodeBatch(Array.from({ length: records }, (_, i) => ({ value: Buffer.from(`v${i}`) })), { nowMs: 1_000 });
  if (stamp) stampBatch(buf, baseOffset, term);
  return buf;
}

function append(entries: Entry[], prevIndex = 0): AppendMsg {
  return { type: 'append', from: 1, to: 2, term: 3, prevIndex, prevTerm: 0, commit: 0, entries };
}

describe('replication/inbound-check', () => {
  describe('checkAddressing', () => {
    it('passes a message from the stream peer to this broker', () => {
      expect(checkAddressing({ from: 1, to: 2 }, 1, 2)).to.equal(undefined);
    });
    it('drops a forged from and a foreign to', () => {
      expect(checkAddressing({ from: 3, to: 2 }, 1, 2)).to.equal('forged_from');
      expect(checkAddressing({ from: 1, to: 99 }, 1, 2)).to.equal('wrong_to');
    });
  });

  describe('checkAppendEntries', () => {
    it('accepts stamped contiguous batches, no-ops and control batches, and returns the first base offset', () => {
      const control = encodeControlBatch({ nowMs: 1 });
      stampBatch(control, 13, 3);
      const result = checkAppendEntries(
        append([
          { index: 1, term: 3, data: new Uint8Array(0) },
          { index: 2, term: 3, data: batch(3, 10, 3) },
          { index: 3, term: 3, data: control },
          { index: 4, term: 3, data: batch(2, 13, 3) },
        ]),
      );
      expect(result).to.deep.equal({ firstBaseOffset: 10 });
    });

    it('returns no base offset for an append without batches (a heartbeat-like probe)', () => {
      expect(checkAppendEntries(append([]))).to.deep.equal({ firstBaseOffset: undefined });
    });

    it('drops an unstamped batch (a producer batch forged into an APPEND)', () => {
      expect(checkAppendEntries(append([{ index: 1, term: 3, data: batch(1, 0, 3, false) }]))).to.deep.equal({ reason: 'bad_batch' });
    });

    it('drops a batch stamped with another term than its entry', () => {
      expect(checkAppendEntries(append([{ index: 1, term: 3, data: batch(1, 0, 2) }]))).to.deep.equal({ reason: 'bad_batch' });
    });

    it('drops a batch whose CRC does not match, a truncated one and garbage', () => {
      const damaged = batch(2, 0, 3);
      damaged[damaged.length - 1] ^= 0xff;
      expect(checkAppendEntries(append([{ index: 1, term: 3, data: damaged }]))).to.deep.equal({ reason: 'bad_batch' });
      expect(checkAppendEntries(append([{ index: 1, term: 3, data: batch(2, 0, 3).subarray(0, 80) }]))).to.deep.equal({ reason: 'bad_batch' });
      expect(checkAppendEntries(append([{ index: 1, term: 3, data: Buffer.from('not a batch') }]))).to.deep.equal({ reason: 'bad_batch' });
    });

    it('drops a negative base offset and batches whose offsets do not follow each other', () => {
      expect(checkAppendEntries(append([{ index: 1, term: 3, data: batch(1, -5, 3) }]))).to.deep.equal({ reason: 'bad_batch' });
      const gap = append([
        { index: 1, term: 3, data: batch(2, 0, 3) },
        { index: 2, term: 3, data: batch(1, 5, 3) },
      ]);
      expect(checkAppendEntries(gap)).to.deep.equal({ reason: 'bad_offsets' });
    });
  });

  describe('checkSnapshotData', () => {
    it('accepts an 8-byte non-negative log start and drops anything else', () => {
      const data = Buffer.alloc(8);
      data.writeUInt32BE(42, 4);
      expect(checkSnapshotData(data)).to.equal(undefined);
      expect(checkSnapshotData(Buffer.alloc(7))).to.equal('malformed');
      expect(checkSnapshotData(Buffer.alloc(8, 0xff))).to.equal('malformed');
    });
  });
});
