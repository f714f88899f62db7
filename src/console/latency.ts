/** Cumulative bucket counts of a prom-client histogram, summed over the label sets `include` admits. */
import type { Histogram } from 'prom-client';
import type { BucketCounts } from './history.js';

export async function histogramBuckets<T extends string>(histogram: Histogram<T>, include: (labels: Partial<Record<T, string | number>>) => boolean = () => true): Promise<BucketCounts | undefined> {
  const metric = await histogram.get();
  const byLe = new Map<number, number>();
  for (const value of metric.values) {
    if (!value.metricName?.endsWith('_bucket')) continue;
    const labels = value.labels as Partial<Record<T | 'le', string | number>>;
    if (!include(labels)) continue;
    const le = labels.le === '+Inf' ? Infinity : Number(labels.le);
    byLe.set(le, (byLe.get(le) ?? 0) + value.value);
  }
  if (byLe.size === 0) return undefined;
  const le = [...byLe.keys()].sort((a, b) => a - b);
  return { le, counts: le.map((bound) => byLe.get(bound)!) };
}
