/**
 * The console's in-memory history (pure): a bounded ring of points, each derived from two
 * consecutive samples of cumulative figures (high watermarks, committed offsets, latency
 * histograms), so charts need no Prometheus. One hour at the default 5 s interval is 720 points.
 */
import type { HistoryPoint, HistoryView } from './views.js';

/** Cumulative counts of a histogram: `le` is the bucket's upper bound in seconds (Infinity last). */
export interface BucketCounts {
  le: number[];
  counts: number[];
}

/** Cumulative figures read at one moment. */
export interface Sample {
  timeMs: number;
  /** Per topic, the sum of its partitions' high watermarks. */
  topicEnds: Map<string, number>;
  /** Per group, the sum of its committed offsets (records it consumed, cumulatively). */
  groupCommitted: Map<string, number>;
  /** Per group, its total lag now. */
  groupLag: Map<string, number>;
  produceLatency: BucketCounts | undefined;
  endToEndLatency: BucketCounts | undefined;
}

/** Series kept per point at most (the largest); the rest are summed into the totals only. */
export const SERIES_PER_POINT_MAX = 100;
const HOUR_MS = 60 * 60 * 1000;

interface StoredPoint extends HistoryPoint {
  groupLag: Map<string, number>;
  topicRates: Map<string, number>;
}

/**
 * The q-quantile (0..1) of the observations between two cumulative snapshots of one histogram, in
 * ms, interpolated linearly within its bucket as Prometheus' histogram_quantile does; null when
 * nothing was observed.
 */
export function quantileMs(before: BucketCounts | undefined, after: BucketCounts, q: number): number | null {
  const deltas = after.counts.map((count, i) => count - (before?.le.length === after.le.length ? before.counts[i]! : 0));
  const total = deltas[deltas.length - 1] ?? 0;
  if (!(total > 0)) return null;
  const rank = q * total;
  for (let i = 0; i < deltas.length; i++) {
    if (deltas[i]! < rank) continue;
    const upper = after.le[i]!;
    const lower = i === 0 ? 0 : after.le[i - 1]!;
    if (upper === Infinity) return lower * 1000;
    const below = i === 0 ? 0 : deltas[i - 1]!;
    const inBucket = deltas[i]! - below;
    const fraction = inBucket > 0 ? (rank - below) / inBucket : 1;
    return (lower + (upper - lower) * fraction) * 1000;
  }
  return null;
}

/** Records per second between two cumulative values; a value that went back (topic re-created, offsets reset) counts 0. */
function ratePerSec(before: number | undefined, after: number, elapsedMs: number): number {
  if (before === undefined || elapsedMs <= 0) return 0;
  return Math.max(0, after - before) / (elapsedMs / 1000);
}

/** The `max` largest entries of a map. */
function largest(map: Map<string, number>, max: number): Map<string, number> {
  if (map.size <= max) return map;
  return new Map([...map].sort((a, b) => b[1] - a[1]).slice(0, max));
}

export class History {
  private readonly points: StoredPoint[] = [];
  private previous: Sample | undefined;
  readonly pointsMax: number;

  constructor(readonly intervalMs: number) {
    this.pointsMax = Math.max(2, Math.ceil(HOUR_MS / intervalMs));
  }

  /** Adds a sample; from the second on, a point. */
  add(sample: Sample): void {
    const previous = this.previous;
    this.previous = sample;
    if (previous === undefined) return;
    const elapsedMs = sample.timeMs - previous.timeMs;
    const topicRates = new Map<string, number>();
    let produced = 0;
    for (const [topic, end] of sample.topicEnds) {
      const rate = ratePerSec(previous.topicEnds.get(topic), end, elapsedMs);
      topicRates.set(topic, rate);
      produced += rate;
    }
    let consumed = 0;
    for (const [group, committed] of sample.groupCommitted) consumed += ratePerSec(previous.groupCommitted.get(group), committed, elapsedMs);
    const latency = (pick: (s: Sample) => BucketCounts | undefined, q: number): number | null => {
      const after = pick(sample);
      return after === undefined ? null : quantileMs(pick(previous), after, q);
    };
    this.points.push({
      timeMs: sample.timeMs,
      produceRecordsPerSec: produced,
      consumeRecordsPerSec: consumed,
      produceLatencyP50Ms: latency((s) => s.produceLatency, 0.5),
      produceLatencyP99Ms: latency((s) => s.produceLatency, 0.99),
      endToEndLatencyP50Ms: latency((s) => s.endToEndLatency, 0.5),
      endToEndLatencyP99Ms: latency((s) => s.endToEndLatency, 0.99),
      groupLag: largest(sample.groupLag, SERIES_PER_POINT_MAX),
      topicRates: largest(topicRates, SERIES_PER_POINT_MAX),
    });
    if (this.points.length > this.pointsMax) this.points.shift();
  }

  /** The latest point, if any. */
  latest(): HistoryPoint | undefined {
    return this.points[this.points.length - 1];
  }

  /** The latest rate of one topic (0 when unknown). */
  topicRate(topic: string): number {
    return this.points[this.points.length - 1]?.topicRates.get(topic) ?? 0;
  }

  /** The whole history; only the groups and topics `visible` admits (what the viewer may describe). */
  view(visible: { group: (id: string) => boolean; topic: (name: string) => boolean }): HistoryView {
    const groups = new Set<string>();
    const topics = new Set<string>();
    for (const point of this.points) {
      for (const group of point.groupLag.keys()) if (visible.group(group)) groups.add(group);
      for (const topic of point.topicRates.keys()) if (visible.topic(topic)) topics.add(topic);
    }
    const series = (names: Set<string>, pick: (p: StoredPoint) => Map<string, number>): Record<string, Array<number | null>> =>
      Object.fromEntries([...names].sort().map((name) => [name, this.points.map((p) => pick(p).get(name) ?? null)]));
    return {
      intervalMs: this.intervalMs,
      points: this.points.map((p) => ({
        timeMs: p.timeMs,
        produceRecordsPerSec: p.produceRecordsPerSec,
        consumeRecordsPerSec: p.consumeRecordsPerSec,
        produceLatencyP50Ms: p.produceLatencyP50Ms,
        produceLatencyP99Ms: p.produceLatencyP99Ms,
        endToEndLatencyP50Ms: p.endToEndLatencyP50Ms,
        endToEndLatencyP99Ms: p.endToEndLatencyP99Ms,
      })),
      groupLag: series(groups, (p) => p.groupLag),
      topicRates: series(topics, (p) => p.topicRates),
    };
  }
}
