/**
 * Background scrub: every replica re-reads its stored batches at a bounded rate, so damage (bit
 * rot, a lost value) is found while healthy copies still exist rather than when a consumer or a
 * follower needs the batch. Reads go through the partition's log, which verifies each batch read
 * back from the medium and starts the repair of a damaged one (ReplicatedLog: truncate, catch up
 * from the leader; a single copy reports the lost offsets). Runs on the broker's clock.
 */
import { systemClock, type Clock, type TimerHandle } from '../runtime/clock.js';
import type { PartitionLog } from '../storage/types.js';
import { logger } from '../observability/log.js';

const log = logger('scrub');

/** What the scrub reads of a replicated log (partitions, `__consumer_offsets`, the metadata log). */
export type ScrubbedLog = Pick<PartitionLog, 'firstEntryIndex' | 'lastEntryIndex' | 'readEntries'>;

/** Bytes read per step: the rate is kept by waiting after each step as long as it took at the limit. */
export const SCRUB_STEP_BYTES_MAX = 1024 * 1024;
/** A pass that read nothing (no logs, or all empty) waits this long before the next. */
const IDLE_PASS_WAIT_MS = 1_000;

export interface ScrubJobOptions {
  /** The logs to scrub, asked again at each pass (they come and go). */
  logs: () => readonly ScrubbedLog[];
  /** Read rate limit; 0 disables the scrub. */
  bytesPerSec: number;
  /** A pass over every partition completed at this time (ms since the epoch). */
  onPassCompleted?: (nowMs: number) => void;
  onBytesScrubbed?: (bytes: number) => void;
  clock?: Clock;
}

export class ScrubJob {
  private readonly clock: Clock;
  private timer: TimerHandle | undefined;
  private stopped = true;
  /** The pass in progress: logs still to scrub, and where in the first one it stands. */
  private queue: ScrubbedLog[] = [];
  private nextEntry = 0;
  private passBytes = 0;
  private running: Promise<void> = Promise.resolve();

  constructor(private readonly options: ScrubJobOptions) {
    this.clock = options.clock ?? systemClock;
  }

  start(): void {
    if (this.options.bytesPerSec <= 0) return;
    this.stopped = false;
    this.schedule(0);
  }

  stop(): void {
    this.stopped = true;
    this.clock.clearTimer(this.timer);
  }

  /** Resolves when no step is running. */
  idle(): Promise<void> {
    return this.running;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = this.clock.setTimeout(() => {
      this.running = this.step()
        .catch((err: unknown) => {
          log.error({ err }, 'scrub step failed');
          return IDLE_PASS_WAIT_MS;
        })
        .then((waitMs) => this.schedule(waitMs));
    }, delayMs);
  }

  /** Reads the next chunk of the pass; returns how long to wait before the next, to keep the rate. */
  async step(): Promise<number> {
    if (this.queue.length === 0) {
      this.queue = [...this.options.logs()];
      this.nextEntry = 0;
      this.passBytes = 0;
      if (this.queue.length === 0) return IDLE_PASS_WAIT_MS;
    }
    const log = this.queue[0]!;
    const lo = Math.max(this.nextEntry, log.firstEntryIndex());
    const hi = log.lastEntryIndex() + 1;
    if (lo >= hi) return this.nextLog();
    let bytes = 0;
    try {
      const batches = await log.readEntries(lo, hi, SCRUB_STEP_BYTES_MAX);
      for (const batch of batches) bytes += batch.length;
      this.nextEntry = lo + batches.length;
    } catch {
      // Entry `lo` is damaged: the log has reported it and started the repair; scrub on past it.
      // (A log cut or truncated during the read answers for fewer entries; the bounds catch up.)
      this.nextEntry = lo + 1;
    }
    this.options.onBytesScrubbed?.(bytes);
    this.passBytes += bytes;
    const waitMs = (bytes * 1000) / this.options.bytesPerSec;
    return this.nextEntry > log.lastEntryIndex() ? Math.max(waitMs, this.nextLog()) : waitMs;
  }

  /** The log is done; returns the wait before the next step (long after a pass that read nothing). */
  private nextLog(): number {
    this.queue.shift();
    this.nextEntry = 0;
    if (this.queue.length > 0) return 0;
    this.options.onPassCompleted?.(this.clock.nowMs());
    return this.passBytes === 0 ? IDLE_PASS_WAIT_MS : 0;
  }
}
