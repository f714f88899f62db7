/**
 * Consumer-group lag for every partition of every group a broker coordinates, wherever the
 * partition's leader is (the pure part; broker/group-lag-source.ts feeds it). A partition's high
 * watermark is the highest this broker knows: its own replica's, or what the leader reported in its
 * controller heartbeat (every broker holds those reports in its cluster view).
 *
 * Lag in records is the high watermark minus where the group's remaining records start (its
 * committed offset, or the log start when retention passed it). Lag in seconds is the age of the
 * oldest unconsumed record: read from the record itself where this broker has a replica that is not
 * behind, otherwise estimated from this broker's history of the partition's high watermark (when it
 * passed the committed offset), as kafka-lag-exporter does for Kafka.
 */

export interface GroupLagEntry {
  group: string;
  topic: string;
  partition: number;
  committedOffset: number;
  /** Records between the committed offset (or the log start, if later) and the high watermark. */
  lag: number;
  /** Age of the oldest unconsumed record in seconds (0 when lag is 0). */
  lagSeconds: number;
}

/** Where a partition stands, as far as this broker knows. */
export interface PartitionPosition {
  highWatermark: number;
  logStartOffset: number;
}

/** Where the group's remaining records start, and how many there are. */
export function lagOf(committedOffset: number, position: PartitionPosition): { from: number; lag: number } {
  const from = Math.max(committedOffset, position.logStartOffset);
  return { from, lag: Math.max(0, position.highWatermark - from) };
}

/** Samples kept per partition; when full, the older half is thinned to every other sample (coarser, but spanning longer). */
const SAMPLES_MAX = 256;
/** Closer samples than this are merged (the newest wins). */
const SAMPLE_SPACING_MS = 1_000;
/** A partition no lag computation asked about for this long is forgotten. */
const UNUSED_FORGET_MS = 10 * 60_000;

interface History {
  topic: string;
  partition: number;
  /** Ascending high watermarks and the times they were seen. */
  highWatermarks: number[];
  atMs: number[];
  usedAtMs: number;
}

/** When each partition's high watermark passed which offset, as this broker saw it. */
export class HighWatermarkHistory {
  private readonly partitions = new Map<string, History>();

  /** Partitions a lag computation asked about lately: the ones worth sampling between scrapes. */
  tracked(): Array<{ topic: string; partition: number }> {
    return [...this.partitions.values()].map(({ topic, partition }) => ({ topic, partition }));
  }

  /** A lag computation saw this high watermark: sampled, and the partition stays followed. */
  observe(topic: string, partition: number, highWatermark: number, nowMs: number): void {
    this.sample(topic, partition, highWatermark, nowMs);
    this.partitions.get(partitionKey(topic, partition))!.usedAtMs = nowMs;
  }

  sample(topic: string, partition: number, highWatermark: number, nowMs: number): void {
    const key = partitionKey(topic, partition);
    let history = this.partitions.get(key);
    if (history === undefined) {
      history = { topic, partition, highWatermarks: [], atMs: [], usedAtMs: nowMs };
      this.partitions.set(key, history);
    }
    const last = history.highWatermarks.length - 1;
    if (last >= 0 && highWatermark <= history.highWatermarks[last]!) {
      // A lower one: a re-created partition or a new leader behind the old report; start over.
      if (highWatermark < history.highWatermarks[last]!) history.highWatermarks.length = history.atMs.length = 0;
      else return;
    }
    if (last >= 1 && nowMs - history.atMs[last - 1]! < SAMPLE_SPACING_MS) {
      history.highWatermarks[last] = highWatermark;
      history.atMs[last] = nowMs;
      return;
    }
    history.highWatermarks.push(highWatermark);
    history.atMs.push(nowMs);
    if (history.highWatermarks.length >= SAMPLES_MAX) {
      const keep = (_: number, i: number): boolean => i >= SAMPLES_MAX / 2 || i % 2 === 0;
      history.highWatermarks = history.highWatermarks.filter(keep);
      history.atMs = history.atMs.filter(keep);
    }
  }

  /**
   * Estimated age in ms of the record at `offset`: interpolated between the last sample whose high
   * watermark had not passed it and the first that had; when even the oldest sample had passed it,
   * the age of that sample (a lower bound). 0 when no sample passed it yet.
   */
  ageMs(topic: string, partition: number, offset: number, nowMs: number): number {
    const history = this.partitions.get(partitionKey(topic, partition));
    if (history === undefined) return 0;
    const { highWatermarks, atMs } = history;
    let lo = 0;
    let hi = highWatermarks.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (highWatermarks[mid]! > offset) hi = mid;
      else lo = mid + 1;
    }
    if (lo === highWatermarks.length) return 0;
    if (lo === 0) return Math.max(0, nowMs - atMs[0]!);
    const [fromHw, toHw, fromMs, toMs] = [highWatermarks[lo - 1]!, highWatermarks[lo]!, atMs[lo - 1]!, atMs[lo]!];
    const passedAtMs = fromMs + ((toMs - fromMs) * (offset + 1 - fromHw)) / (toHw - fromHw);
    return Math.max(0, nowMs - passedAtMs);
  }

  /** Drops partitions no lag computation observed for a while. */
  forgetUnused(nowMs: number): void {
    for (const [key, history] of this.partitions) if (nowMs - history.usedAtMs > UNUSED_FORGET_MS) this.partitions.delete(key);
  }
}

function partitionKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}
