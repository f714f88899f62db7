/**
 * One __consumer_offsets partition led by this broker: its records (offsets and group membership)
 * replayed into an OffsetStore, and writes that go THROUGH the partition's produce path (acks=all),
 * so a coordinator that takes the partition over starts from everything acknowledged.
 *
 * Writes are queued and coalesced into one batch per round (group commit); a write resolves after
 * it is committed and applied. Cleaning: with compaction not implemented, once the partition holds
 * many more records than live entries, the live set is written afresh at the end of the log and
 * everything before that copy is deleted (deletePrefix); records after it still win on replay.
 */
import { decodeBatch, encodeBatch, splitBatches, type RecordInput } from '../protocol/batch.js';
import { SluiceError } from '../protocol/errors.js';
import { OFFSETS_TOPIC } from './constants.js';
import type { GroupsHost, PartitionReader } from './host.js';
import { decodeEntry, encodeEntry } from './offset-records.js';
import { OffsetStore, type CommittedOffset, type GroupsEntry } from './offset-store.js';
import { tpKey } from './topic-partition.js';
import { logger } from '../observability/log.js';

const log = logger('groups');

/** Records per batch written (each is a few hundred bytes, far below max.message.bytes). */
const RECORDS_PER_BATCH_MAX = 500;
/** Bytes asked per read while loading. */
const LOAD_READ_BYTES = 1024 * 1024;

export interface OffsetPartitionOptions {
  /** Rewrite the live set once the log holds this many records more than live entries (and twice as many). */
  cleanAfterRecords: number;
}

/** A group's committed offset at a partition key, as every write queued before leaves it. */
export type OffsetView = (group: string, key: string) => CommittedOffset | undefined;

/**
 * What a write stores: entries, or a function that makes them from the offsets as the writes
 * queued before it leave them — for read-modify-write entries (a merged commit, an attempt charged
 * to the committed offset), which made from the applied store alone would undo a commit still on
 * its way (a committed offset read as going back).
 */
export type WriteEntries = readonly GroupsEntry[] | ((view: OffsetView) => GroupsEntry[]);

interface PendingWrite {
  entries: WriteEntries;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export class OffsetPartition {
  readonly store = new OffsetStore();
  private pending: PendingWrite[] = [];
  private flushing: Promise<void> | undefined;

  /** The Raft term this broker leads the partition in: a later term means the image may be stale. */
  readonly term: number | undefined;

  constructor(
    private readonly host: GroupsHost,
    readonly index: number,
    private readonly options: OffsetPartitionOptions,
  ) {
    this.term = OffsetPartition.leaderTerm(host, index);
  }

  static leaderTerm(host: GroupsHost, index: number): number | undefined {
    return host.localPartition(OFFSETS_TOPIC, index)?.term();
  }

  /**
   * Whether a new leader may load: its high watermark reached its log end, so everything an earlier
   * leader acknowledged is committed here and readable (until then the tail is only stored). Only
   * the coordinator writes to the partition, and not before it loaded, so the end does not move.
   */
  static caughtUp(host: GroupsHost, index: number): boolean {
    const partition = host.localPartition(OFFSETS_TOPIC, index);
    return partition !== undefined && partition.highWatermark() >= partition.logEndOffset();
  }

  /** Replays the committed records of the partition into the store. */
  async load(): Promise<void> {
    const partition = this.requirePartition();
    let offset = partition.logStartOffset();
    while (offset < partition.highWatermark()) {
      const batches = await partition.readCommitted(offset, LOAD_READ_BYTES);
      if (batches.length === 0) break;
      for (const bytes of batches) {
        for (const batch of splitBatches(bytes)) {
          for (const record of decodeBatch(batch).records) {
            if (record.offset < offset) continue;
            offset = record.offset + 1;
            const entry = decodeEntry(record);
            if (entry) this.store.apply(entry);
          }
        }
      }
    }
  }

  /** Persists the entries (acks=all), then applies them to the store. */
  write(entries: WriteEntries): Promise<void> {
    if (typeof entries !== 'function' && entries.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.pending.push({ entries, resolve, reject });
      this.flushing ??= this.flushLoop();
    });
  }

  /** Resolves once every queued write has settled. */
  async idle(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  /**
   * Writes rounds until none is queued. `flushing` is cleared in the same turn as the last empty
   * check: cleared by a `.finally` on the loop's promise, it stayed set a few microtasks after the
   * loop had ended, and a write queued then (a writer resumed by the last round) waited forever.
   */
  private async flushLoop(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        const round = this.pending;
        this.pending = [];
        try {
          const entries = this.roundEntries(round);
          await this.append(entries.map(encodeEntry));
          for (const entry of entries) this.store.apply(entry);
          for (const write of round) write.resolve();
        } catch (err) {
          for (const write of round) write.reject(err);
        }
        await this.cleanIfDue().catch((err: unknown) => log.error({ err }, `cleaning ${OFFSETS_TOPIC}/${this.index} failed`));
      }
    } finally {
      this.flushing = undefined;
    }
  }

  /** The round's entries in queue order, each function seeing the offsets as the writes before it leave them. */
  private roundEntries(round: readonly PendingWrite[]): GroupsEntry[] {
    const written = new Map<string, CommittedOffset | undefined>();
    const view: OffsetView = (group, key) => {
      const at = `${group}\u0000${key}`;
      return written.has(at) ? written.get(at) : this.store.get(group, key);
    };
    const entries: GroupsEntry[] = [];
    for (const write of round) {
      for (const entry of typeof write.entries === 'function' ? write.entries(view) : write.entries) {
        entries.push(entry);
        if (entry.kind === 'offset') written.set(`${entry.group}\u0000${tpKey(entry.topic, entry.partition)}`, entry.value);
      }
    }
    return entries;
  }

  private async append(records: RecordInput[]): Promise<number> {
    let firstOffset = -1;
    for (let at = 0; at < records.length; at += RECORDS_PER_BATCH_MAX) {
      const batch = encodeBatch(records.slice(at, at + RECORDS_PER_BATCH_MAX), { nowMs: this.host.clock.nowMs() });
      const baseOffset = await this.host.produceOffsets(this.index, batch, this.leaderTerm()).catch((err: unknown) => {
        // Leadership moved before this coordinator noticed: the client must look for the new one.
        if (err instanceof SluiceError && err.code === 'NOT_LEADER') throw new SluiceError('NOT_COORDINATOR', `this broker no longer leads ${OFFSETS_TOPIC}/${this.index}`);
        throw err;
      });
      if (firstOffset < 0) firstOffset = baseOffset;
    }
    return firstOffset;
  }

  /** Runs between write rounds, so the store holds exactly what the log up to here says. */
  private async cleanIfDue(): Promise<void> {
    const partition = this.requirePartition();
    const records = partition.logEndOffset() - partition.logStartOffset();
    const live = this.store.liveCount;
    if (records < this.options.cleanAfterRecords + live || records < 2 * live) return;
    const entries = this.store.liveEntries();
    const copyStart = entries.length > 0 ? await this.append(entries.map(encodeEntry)) : partition.logEndOffset();
    await this.host.deleteOffsetsPrefix(this.index, copyStart, this.leaderTerm());
  }

  /**
   * The term every write of this image is fenced by. Leadership lost and won back between two
   * ticks leaves this object's queued writes behind, built from a store the other leader moved
   * past: appended in the new term they would set committed offsets back (seen in chaos).
   */
  private leaderTerm(): number {
    if (this.term === undefined) throw new SluiceError('NOT_COORDINATOR', `this broker has no replica of ${OFFSETS_TOPIC}/${this.index}`);
    return this.term;
  }

  private requirePartition(): PartitionReader {
    const partition = this.host.localPartition(OFFSETS_TOPIC, this.index);
    if (!partition) throw new Error(`${OFFSETS_TOPIC}/${this.index} has no replica on this broker`);
    return partition;
  }
}
