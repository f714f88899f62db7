/**
 * Samples the broker's resident memory while a benchmark runs, from the
 * `sluice_process_resident_memory_bytes` gauge on its `/metrics` endpoint, and keeps the highest.
 */
const RSS_SERIES = /^sluice_process_resident_memory_bytes\s+(\S+)$/m;

/** The broker's RSS in bytes from a Prometheus exposition, or undefined if the series is missing. */
export function parseRssBytes(exposition: string): number | undefined {
  const match = RSS_SERIES.exec(exposition);
  return match ? Number(match[1]) : undefined;
}

export class BrokerRssSampler {
  private maxBytes = 0;
  private lastBytes: number | undefined;
  private timer: NodeJS.Timeout | undefined;

  /** `metricsUrl`: e.g. http://127.0.0.1:8001/metrics. */
  constructor(private readonly metricsUrl: string, private readonly intervalMs = 1000) {}

  start(): void {
    void this.sample();
    this.timer = setInterval(() => void this.sample(), this.intervalMs);
  }

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
      const response = await fetch(this.metricsUrl, { signal: AbortSignal.timeout(2000) });
      const bytes = parseRssBytes(await response.text());
      if (bytes === undefined) return;
      this.lastBytes = bytes;
      this.maxBytes = Math.max(this.maxBytes, bytes);
    } catch {
      // A missed sample (broker busy, endpoint down) must not stop the benchmark.
    }
  }
}
