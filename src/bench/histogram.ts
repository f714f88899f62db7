/**
 * Latency percentiles from an HDR histogram (hdr-histogram-js): values are recorded in
 * microseconds with 3 significant digits, so percentiles are exact to 0.1% at any scale.
 */
import { build, type Histogram } from 'hdr-histogram-js';

export interface LatencySummaryMs {
  p50: number;
  p95: number;
  p99: number;
  p999: number;
  max: number;
}

/** One hour, in µs: anything slower is clamped (a benchmark that slow has failed anyway). */
const HIGHEST_TRACKABLE_US = 3_600_000_000;

export class LatencyHistogram {
  private readonly histogram: Histogram = build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_TRACKABLE_US,
    numberOfSignificantValueDigits: 3,
    autoResize: false,
  });

  /** Records `count` observations of `latencyMs` (a batch of records acknowledged together). */
  record(latencyMs: number, count = 1): void {
    const us = Math.min(Math.max(Math.round(latencyMs * 1000), 0), HIGHEST_TRACKABLE_US);
    this.histogram.recordValueWithCount(us, count);
  }

  get count(): number {
    return this.histogram.totalCount;
  }

  reset(): void {
    this.histogram.reset();
  }

  summaryMs(): LatencySummaryMs {
    const maxUs = this.histogram.maxValue;
    // A percentile is its bucket's highest equivalent value (up to 0.1% above what was recorded);
    // the max is exact, so a percentile in the top bucket could read above it.
    const at = (percentile: number): number => roundMs(Math.min(this.histogram.getValueAtPercentile(percentile), maxUs) / 1000);
    return { p50: at(50), p95: at(95), p99: at(99), p999: at(99.9), max: roundMs(maxUs / 1000) };
  }
}

/** Milliseconds to µs precision: more digits would only be noise in a report. */
function roundMs(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
