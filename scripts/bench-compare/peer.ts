/** What `make bench-compare` runs against every system: the same four workloads. */
import type { BenchResult } from '../../src/bench/report.js';

export interface Workloads {
  /** Full-speed produce of `count` records of `size` bytes. */
  produce(size: number, count: number): Promise<BenchResult>;
  /** Reads back the 100 B backlog the first produce left. */
  consumeBacklog(count: number): Promise<BenchResult>;
  /**
   * Produce at `rate` records/s while consuming; latency send → delivery of `count` records, sent
   * after `warmUpSec` seconds of records that are delivered but not measured.
   */
  endToEnd(rate: number, count: number, warmUpSec: number): Promise<BenchResult>;
  close(): Promise<void>;
}

/** Records in flight per producer connection: enough to hide the round trip, bounded for memory. */
export const WINDOW_RECORDS = 20_000;
/** Records per pipeline / publish window step / read. */
export const STEP_RECORDS = 1_000;

export function sleepMs(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A value whose first 8 bytes carry the send time on this process's monotonic clock. */
export function stampedValue(size: number): Buffer {
  const value = Buffer.alloc(size, 0x61);
  value.writeDoubleLE(performance.now(), 0);
  return value;
}

export function sentAtOf(value: Uint8Array): number {
  return Buffer.from(value.buffer, value.byteOffset, value.byteLength).readDoubleLE(0);
}
