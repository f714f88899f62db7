/**
 * The in-memory index of one partition log: its batches' metadata in offset order, plus the log's
 * start and end offsets. Both store implementations keep one and delegate every offset decision to
 * it, so they cannot disagree on semantics. Pure: no I/O.
 */
import assert from 'node:assert/strict';
import { SluiceError } from '../protocol/errors.js';
import type { BatchMeta } from './types.js';

export class LogIndex {
  private readonly metas: BatchMeta[];
  private startOffset: number;
  private endOffset: number;
  private bytes: number;

  /** `metas` must be contiguous and cover `startOffset` (or be empty). */
  constructor(metas: BatchMeta[], startOffset: number) {
    this.metas = metas;
    this.startOffset = startOffset;
    const last = metas.at(-1);
    this.endOffset = last ? Math.max(last.lastOffset + 1, startOffset) : startOffset;
    this.bytes = metas.reduce((sum, meta) => sum + meta.sizeBytes, 0);
    this.assertInvariants();
  }

  logStartOffset(): number {
    return this.startOffset;
  }

  logEndOffset(): number {
    return this.endOffset;
  }

  sizeBytes(): number {
    return this.bytes;
  }

  batches(): readonly BatchMeta[] {
    return this.metas;
  }

  /** Adds the next batch; it must start at logEndOffset. */
  push(meta: BatchMeta): void {
    if (meta.baseOffset !== this.endOffset) {
      throw new Error(`batch base offset ${meta.baseOffset} is not the log end offset ${this.endOffset}`);
    }
    assert(meta.lastOffset >= meta.baseOffset && meta.sizeBytes > 0, 'malformed batch meta');
    this.metas.push(meta);
    this.endOffset = meta.lastOffset + 1;
    this.bytes += meta.sizeBytes;
  }

  /** Position in batches() of the batch holding `offset`, or -1 if none does. */
  indexOf(offset: number): number {
    let lo = 0;
    let hi = this.metas.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.metas[mid]!.lastOffset < offset) lo = mid + 1;
      else hi = mid;
    }
    const meta = this.metas[lo];
    return meta !== undefined && meta.baseOffset <= offset ? lo : -1;
  }

  /** Which batches `PartitionLog.read` returns (see its contract in types.ts). */
  planRead(fromOffset: number, maxBytes: number, upToOffset = this.endOffset): BatchMeta[] {
    if (fromOffset < this.startOffset || fromOffset > this.endOffset) {
      throw new SluiceError(
        'OFFSET_OUT_OF_RANGE',
        `offset ${fromOffset} is outside the log [${this.startOffset}, ${this.endOffset})`,
      );
    }
    const planned: BatchMeta[] = [];
    if (fromOffset === this.endOffset) return planned;
    const first = this.indexOf(fromOffset);
    assert(first >= 0, `no batch holds offset ${fromOffset} inside [${this.startOffset}, ${this.endOffset})`);
    let totalBytes = 0;
    for (let i = first; i < this.metas.length; i++) {
      const meta = this.metas[i]!;
      if (meta.baseOffset >= upToOffset) break;
      if (planned.length > 0 && totalBytes + meta.sizeBytes > maxBytes) break;
      planned.push(meta);
      totalBytes += meta.sizeBytes;
    }
    return planned;
  }

  /** First offset of the first batch whose maxTimestamp >= timestampMs, or logEndOffset. */
  offsetForTimestamp(timestampMs: number): number {
    // maxTimestamp is not monotonic across batches (producers' clocks differ), so scan.
    const meta = this.metas.find((m) => m.maxTimestamp >= timestampMs);
    return meta ? Math.max(meta.baseOffset, this.startOffset) : this.endOffset;
  }

  /**
   * Removes the batches at or after `offset` and returns them. `offset` must be a batch's base
   * offset, logEndOffset, or logStartOffset (which empties the log even inside a batch).
   */
  truncateSuffix(offset: number): BatchMeta[] {
    if (offset === this.endOffset) return [];
    let cut: number;
    if (offset === this.startOffset) {
      cut = 0;
    } else {
      cut = this.indexOf(offset);
      if (cut < 0 || this.metas[cut]!.baseOffset !== offset) {
        throw new Error(`truncateSuffix(${offset}): not a batch boundary in [${this.startOffset}, ${this.endOffset}]`);
      }
    }
    const removed = this.metas.splice(cut);
    this.endOffset = offset;
    this.bytes -= sumBytes(removed);
    this.assertInvariants();
    return removed;
  }

  /**
   * Makes `offset` the log start, removing and returning every batch whose last offset is below it.
   * Moving the start backwards is a programmer error.
   */
  deletePrefix(offset: number): BatchMeta[] {
    if (!Number.isInteger(offset) || offset < this.startOffset) {
      throw new Error(`deletePrefix(${offset}) would move the log start ${this.startOffset} backwards`);
    }
    let keep = 0;
    while (keep < this.metas.length && this.metas[keep]!.lastOffset < offset) keep++;
    const removed = this.metas.splice(0, keep);
    this.startOffset = offset;
    this.endOffset = Math.max(this.endOffset, offset);
    this.bytes -= sumBytes(removed);
    this.assertInvariants();
    return removed;
  }

  private assertInvariants(): void {
    const first = this.metas[0];
    if (first === undefined) {
      assert.equal(this.endOffset, this.startOffset, 'an empty log ends where it starts');
      return;
    }
    assert(first.baseOffset <= this.startOffset && this.startOffset <= first.lastOffset, 'first batch must hold the log start');
    for (let i = 1; i < this.metas.length; i++) {
      assert.equal(this.metas[i]!.baseOffset, this.metas[i - 1]!.lastOffset + 1, 'batches must be contiguous');
    }
    assert.equal(this.endOffset, this.metas.at(-1)!.lastOffset + 1, 'the log ends after its last batch');
  }
}

function sumBytes(metas: readonly BatchMeta[]): number {
  return metas.reduce((sum, meta) => sum + meta.sizeBytes, 0);
}
