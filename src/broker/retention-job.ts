/**
 * Background deletion of whole old batches: time and size retention and wholly expired TTL
 * batches at the head of each partition. Runs every `intervalMs`, one pass at a time.
 */
import { planRetention, type BatchList, type PartitionLog } from '../storage/index.js';
import { systemClock, type Clock, type TimerHandle } from '../runtime/clock.js';
import type { Broker } from './broker.js';
import { logger } from '../observability/log.js';

const log = logger('retention');

/** The log's batches by position, read from its index without copying it. */
function batchList(log: PartitionLog): BatchList {
  const first = log.firstEntryIndex();
  return { length: log.lastEntryIndex() - first + 1, at: (position) => log.entry(first + position) };
}

/** How many leading batches are committed, and their bytes: O(uncommitted batches), not O(log). */
function committedPrefix(batches: BatchList, firstEntryIndex: number, commitIndex: number, logBytes: number): { count: number; bytes: number } {
  const count = Math.min(batches.length, Math.max(0, commitIndex - firstEntryIndex + 1));
  let bytes = logBytes;
  for (let i = count; i < batches.length; i++) bytes -= batches.at(i)!.sizeBytes;
  return { count, bytes };
}

export type RetentionReason = 'time' | 'size' | 'ttl';

export class RetentionJob {
  private timer: TimerHandle | undefined;
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly broker: Broker,
    private readonly intervalMs: number,
    private readonly onDeleted: (topic: string, reason: RetentionReason, records: number) => void,
    private readonly clock: Clock = systemClock,
  ) {}

  start(): void {
    this.timer = this.clock.setInterval(() => {
      this.running = this.running.then(async () => void (await this.runOnce())).catch((err: unknown) => log.error({ err }, 'retention pass failed'));
    }, this.intervalMs);
  }

  stop(): void {
    this.clock.clearTimer(this.timer);
  }

  /** Resolves when no pass is running. */
  idle(): Promise<void> {
    return this.running;
  }

  /** One pass over every partition; returns how many records were deleted. */
  async runOnce(): Promise<number> {
    let deleted = 0;
    const partitions: string[] = [];
    for (const partition of this.broker.allPartitions()) {
      const config = this.broker.controller.metadata.topics[partition.topic]?.config;
      if (!config) continue;
      const batches = batchList(partition.log);
      // Only committed entries may go: Raft still needs the rest (and a no-op's lastOffset sits below HW).
      const committed = committedPrefix(batches, partition.log.firstEntryIndex(), partition.replicated.commitIndex, partition.log.sizeBytes());
      const plan = planRetention({
        batches,
        committedBatches: committed.count,
        committedBytes: committed.bytes,
        logStartOffset: partition.log.logStartOffset(),
        // Only committed batches may go: a follower may still need what is past the high watermark.
        logEndOffset: partition.hw,
        retentionMs: config['retention.ms'],
        retentionBytes: config['retention.bytes'],
        messageTtlMs: config['message.ttl.ms'],
        nowMs: this.clock.nowMs(),
      });
      if (plan.newLogStartOffset <= partition.log.logStartOffset()) continue;
      await partition.log.deletePrefix(plan.newLogStartOffset);
      partition.wakeFetchers();
      for (const [reason, records] of Object.entries(plan.recordsDeletedByReason) as Array<[RetentionReason, number]>) {
        if (records > 0) this.onDeleted(partition.topic, reason, records);
      }
      deleted += plan.recordsDeleted;
      partitions.push(`${partition.topic}/${partition.index}`);
    }
    // One line per pass, not per partition or batch.
    if (deleted > 0) log.info({ records: deleted, partitions: partitions.length, first: partitions.slice(0, 10) }, `retention deleted ${deleted} record(s) from ${partitions.length} partition(s)`);
    return deleted;
  }
}
