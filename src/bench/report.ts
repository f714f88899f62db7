/**
 * What a benchmark run measures and how it is shown: a progress line per second while it runs
 * (rate, throughput, interval latency), then a summary. `BenchResult` is the `--json` contract:
 * `records`, `recordsPerSec`, `mbPerSec`, `latencyMs.{p50,p95,p99,p999,max}`; the rest is extra.
 */
import { LatencyHistogram, type LatencySummaryMs } from './histogram.js';

export type BenchMode = 'produce' | 'consume' | 'e2e';

export interface BenchResult {
  mode: BenchMode;
  records: number;
  recordsPerSec: number;
  /** 10^6 bytes of record values per second, as Kafka's perf tools count. */
  mbPerSec: number;
  latencyMs: LatencySummaryMs;
  durationSec: number;
  recordSize: number;
  /** What the latency measures in this mode. */
  latency: string;
  /** Seconds at the start whose records were sent but not measured (e2e warm-up). */
  warmUpSec?: number;
  /** Highest broker RSS seen during the run, in MiB, when it was sampled (its /metrics or /proc). */
  brokerRssMaxMb?: number;
}

const MB = 1_000_000;

/** Records an e2e run sends: the measured `records` after `warmUpSec` of warm-up at `rate`. */
export function recordsWithWarmUp(records: number, rate: number, warmUpSec: number): number {
  return records + Math.round(rate * warmUpSec);
}

/**
 * Counts records and latencies, overall and per progress interval. With a warm-up (e2e), records
 * sent in its first `warmUpMs` are delivered but not measured, as the OpenMessaging Benchmark
 * does: they time the JIT compiling the hot paths of both sides, not the steady state.
 */
export class Meter {
  readonly total = new LatencyHistogram();
  private readonly interval = new LatencyHistogram();
  private records = 0;
  private bytes = 0;
  private intervalRecords = 0;
  private intervalBytes = 0;
  private startMs: number;
  private intervalStartMs: number;
  private endMs: number | undefined;
  /** Records sent before this time are the warm-up. */
  private readonly measuredFromMs: number;
  private warmedUp: boolean;
  private readonly now: () => number;
  private readonly warmUpMs: number;

  /** `now`: the clock (performance.now by default); `warmUpMs`: see above (0 by default). */
  constructor(options: { now?: () => number; warmUpMs?: number } = {}) {
    this.now = options.now ?? (() => performance.now());
    this.warmUpMs = options.warmUpMs ?? 0;
    this.startMs = this.now();
    this.intervalStartMs = this.startMs;
    this.measuredFromMs = this.warmUpMs > 0 ? this.startMs + this.warmUpMs : -Infinity;
    this.warmedUp = this.warmUpMs <= 0;
  }

  get recordCount(): number {
    return this.records;
  }

  /** `records` records of `bytes` value bytes done; each took `latencyMs`. */
  add(records: number, bytes: number, latencyMs: number): void {
    this.records += records;
    this.bytes += bytes;
    this.intervalRecords += records;
    this.intervalBytes += bytes;
    this.total.record(latencyMs, records);
    this.interval.record(latencyMs, records);
  }

  /**
   * One record sent at `sentAtMs` (on this meter's clock) was delivered now. A warm-up record is
   * not measured; the first measured one starts the run afresh from the end of the warm-up.
   */
  addDelivered(sentAtMs: number, bytes: number): void {
    if (sentAtMs < this.measuredFromMs) return;
    if (!this.warmedUp) {
      this.warmedUp = true;
      this.records = 0;
      this.bytes = 0;
      this.total.reset();
      this.startMs = this.measuredFromMs;
    }
    this.add(1, bytes, this.now() - sentAtMs);
  }

  /** Stops the clock: the summary's rates are over the time until now. */
  finish(): void {
    this.endMs ??= this.now();
  }

  /** One progress line for the interval since the last call, which starts a new interval. */
  progressLine(extra = ''): string {
    const nowMs = this.now();
    const seconds = Math.max((nowMs - this.intervalStartMs) / 1000, 1e-9);
    const latency = this.interval.count > 0 ? this.interval.summaryMs() : undefined;
    const line =
      `${((nowMs - this.startMs) / 1000).toFixed(1).padStart(6)} s` +
      `  ${formatCount(this.intervalRecords / seconds).padStart(11)} rec/s` +
      `  ${(this.intervalBytes / MB / seconds).toFixed(1).padStart(7)} MB/s` +
      (latency ? `  p50 ${latency.p50.toFixed(2)} ms  p99 ${latency.p99.toFixed(2)} ms  max ${latency.max.toFixed(2)} ms` : '') +
      `  total ${formatCount(this.records)}` +
      extra;
    this.intervalStartMs = nowMs;
    this.intervalRecords = 0;
    this.intervalBytes = 0;
    this.interval.reset();
    return line;
  }

  result(mode: BenchMode, recordSize: number, latency: string): BenchResult {
    const seconds = Math.max(((this.endMs ?? this.now()) - this.startMs) / 1000, 1e-9);
    return {
      mode,
      records: this.records,
      recordsPerSec: Math.round(this.records / seconds),
      mbPerSec: Math.round((this.bytes / MB / seconds) * 100) / 100,
      latencyMs: this.total.summaryMs(),
      durationSec: Math.round(seconds * 1000) / 1000,
      recordSize,
      latency,
      ...(this.warmUpMs > 0 ? { warmUpSec: this.warmUpMs / 1000 } : {}),
    };
  }
}

export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

export function formatSummary(result: BenchResult): string {
  const l = result.latencyMs;
  const lines = [
    `${result.mode}: ${formatCount(result.records)} records of ${result.recordSize} B in ${result.durationSec.toFixed(2)} s`,
    `  throughput  ${formatCount(result.recordsPerSec)} records/s, ${result.mbPerSec.toFixed(2)} MB/s`,
    `  latency     p50 ${l.p50.toFixed(3)}  p95 ${l.p95.toFixed(3)}  p99 ${l.p99.toFixed(3)}  p999 ${l.p999.toFixed(3)}  max ${l.max.toFixed(3)} ms  (${result.latency})`,
  ];
  if (result.warmUpSec !== undefined) lines.push(`  warm-up     records sent in the first ${result.warmUpSec} s were delivered but not measured`);
  if (result.brokerRssMaxMb !== undefined) lines.push(`  broker RSS  max ${result.brokerRssMaxMb.toFixed(1)} MiB`);
  return `${lines.join('\n')}\n`;
}
