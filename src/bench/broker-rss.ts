/**
 * Samples the broker's resident memory while a benchmark runs and keeps the highest. Two sources:
 * the `sluice_process_resident_memory_bytes` gauge on the broker's `/metrics` endpoint (any broker
 * the bench can reach), or `/proc/<pid>/status` when the broker runs on this machine: reading a
 * file costs the broker nothing, where each scrape costs it a few milliseconds of event loop, and
 * its requests share the measuring process with the workload (bench-compare, docs/PERFORMANCE.md).
 */
import { readFile } from 'node:fs/promises';
import type { BenchResult } from './report.js';

/** The current RSS in bytes, or undefined when it could not be read this time. */
export type RssSource = () => Promise<number | undefined>;

const RSS_SERIES = /^sluice_process_resident_memory_bytes\s+(\S+)$/m;
const VM_RSS = /^VmRSS:\s+(\d+) kB$/m;

/** The broker's RSS in bytes from a Prometheus exposition, or undefined if the series is missing. */
export function parseRssBytes(exposition: string): number | undefined {
  const match = RSS_SERIES.exec(exposition);
  return match ? Number(match[1]) : undefined;
}

/** A process's RSS in bytes from the text of its `/proc/<pid>/status`, or undefined. */
export function parseProcStatusRssBytes(status: string): number | undefined {
  const match = VM_RSS.exec(status);
  return match ? Number(match[1]) * 1024 : undefined;
}

/** `metricsUrl`: e.g. http://127.0.0.1:8001/metrics. */
export function metricsRss(metricsUrl: string): RssSource {
  return async () => {
    const response = await fetch(metricsUrl, { signal: AbortSignal.timeout(2000) });
    return parseRssBytes(await response.text());
  };
}

/** The RSS of process `pid` on this machine (Linux). */
export function processRss(pid: number): RssSource {
  return async () => parseProcStatusRssBytes(await readFile(`/proc/${pid}/status`, 'utf8'));
}

export class RssSampler {
  private maxBytes = 0;
  private lastBytes: number | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly source: RssSource,
    private readonly intervalMs = 1000,
  ) {}

  start(): void {
    void this.sample();
    this.timer = setInterval(() => void this.sample(), this.intervalMs);
  }

  /** Samples while `run` runs; its result, with the highest RSS seen when one could be read. */
  async sampleDuring(run: () => Promise<BenchResult>): Promise<BenchResult> {
    this.start();
    const result = await run().finally(() => this.stop());
    if (this.maxBytes > 0) result.brokerRssMaxMb = toRssMb(this.maxBytes);
    return result;
  }

  /** Stops sampling; the highest RSS seen since start(), in bytes (0 if none was read). */
  async stop(): Promise<number> {
    clearInterval(this.timer);
    await this.sample();
    return this.maxBytes;
  }

  get lastMb(): number | undefined {
    return this.lastBytes === undefined ? undefined : this.lastBytes / 2 ** 20;
  }

  private async sample(): Promise<void> {
    try {
      const bytes = await this.source();
      if (bytes === undefined) return;
      this.lastBytes = bytes;
      this.maxBytes = Math.max(this.maxBytes, bytes);
    } catch {
      // A missed sample (broker busy, endpoint down) must not stop the benchmark.
    }
  }
}

/** Bytes as MiB with one decimal, as BenchResult.brokerRssMaxMb holds them. */
function toRssMb(bytes: number): number {
  return Math.round((bytes / 2 ** 20) * 10) / 10;
}
