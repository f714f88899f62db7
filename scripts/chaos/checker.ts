/**
 * The correctness checks after each round. The log is read once, incrementally (a plain consumer
 * per partition keeps its position between rounds), up to each partition's high watermark; every
 * acknowledged acks=all record must sit at the offset its acknowledgement named, exactly once;
 * offsets must run gapless and upwards; every record in the log must have reached the group.
 */
import type { Admin, Consumer, Sluice } from '../../src/client/index.js';
import { ACKS1_PRODUCER, type Workload } from './workload.js';

export interface RoundViolations {
  /** Acknowledged acks=all records missing from (or misplaced in) the log. */
  lost: string[];
  /** Idempotent records stored more than once. */
  duplicates: string[];
  /** Offset jumps forward (`p0: 17 -> 19`) and backwards. */
  gaps: string[];
  nonMonotonic: string[];
  /** Committed group offsets that went down. */
  regressions: string[];
  /** Records in the log never handed to the group consumer (after waiting), as offset ranges. */
  undelivered: string[];
  undeliveredRecords: number;
  /** Informational: acks=1 may lose on failover and duplicate on retry. */
  acks1Lost: number;
  acks1Duplicates: number;
}

export function emptyViolations(): RoundViolations {
  return { lost: [], duplicates: [], gaps: [], nonMonotonic: [], regressions: [], undelivered: [], undeliveredRecords: 0, acks1Lost: 0, acks1Duplicates: 0 };
}

export function violationCount(v: RoundViolations): number {
  return v.lost.length + v.duplicates.length + v.gaps.length + v.nonMonotonic.length + v.regressions.length + v.undeliveredRecords;
}

export class LogChecker {
  /** Per partition: the id stored at each offset (offsets start at 0: no retention in a run). */
  readonly log: string[][];
  private readonly seen = new Map<string, number>();
  private readonly reportedLost = new Set<string>();
  private readonly reportedDuplicates = new Set<string>();
  private readonly reportedUndelivered = new Set<string>();
  private reportedRegressions = 0;
  private readonly consumer: Consumer;
  private readonly admin: Admin;

  constructor(
    sluice: Sluice,
    private readonly topic: string,
    partitions: number,
  ) {
    this.log = Array.from({ length: partitions }, () => []);
    this.consumer = sluice.consumer({ autoOffsetReset: 'earliest' });
    this.consumer.assign(Array.from({ length: partitions }, (_, partition) => ({ topic, partition })));
    this.admin = sluice.admin();
  }

  /** High watermark of every partition, as its leader answers now. */
  async highWatermarks(): Promise<number[]> {
    return Promise.all(this.log.map(async (_, p) => (await this.admin.listOffsets(this.topic, p, 'latest')).offset));
  }

  /** Reads every partition up to `until` (its high watermark), recording gaps as it goes. */
  private async readUpTo(until: number[], v: RoundViolations, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.log.some((ids, p) => ids.length < until[p]!)) {
      if (Date.now() > deadline) {
        const behind = this.log.map((ids, p) => `p${p} ${ids.length}/${until[p]}`).join(', ');
        throw new Error(`checker could not read the log up to the high watermarks within ${timeoutMs} ms (${behind})`);
      }
      for (const record of await this.consumer.poll({ timeoutMs: 500, maxRecords: 10_000 })) {
        const ids = this.log[record.partition]!;
        const id = record.value?.toString() ?? '';
        if (record.offset > ids.length) {
          v.gaps.push(`p${record.partition}: ${ids.length - 1} -> ${record.offset}`);
          while (ids.length < record.offset) ids.push('');
        } else if (record.offset < ids.length) {
          v.nonMonotonic.push(`p${record.partition}: offset ${record.offset} after ${ids.length - 1}`);
          continue;
        }
        ids.push(id);
        this.seen.set(id, (this.seen.get(id) ?? 0) + 1);
      }
    }
  }

  /** Checks everything acknowledged so far; waits up to `deliveryWaitMs` for the group to catch up. */
  async check(workload: Workload, deliveryWaitMs: number): Promise<RoundViolations> {
    const v = emptyViolations();
    // Acknowledged before the watermarks are read, so each must lie below its partition's watermark.
    const acked = [...workload.ackedAll.values()];
    const acked1 = [...workload.ackedOne.values()];
    const hw = await this.highWatermarks();
    await this.readUpTo(hw, v, 60_000);

    for (const record of acked) {
      if (this.reportedLost.has(record.id)) continue;
      if (this.log[record.partition]![record.offset] !== record.id) {
        this.reportedLost.add(record.id);
        const found = this.seen.has(record.id) ? ' (found at another offset)' : '';
        v.lost.push(`${record.id} acked at p${record.partition}@${record.offset}${found}`);
      }
    }
    for (const [id, count] of this.seen) {
      if (count < 2 || id.startsWith(`${ACKS1_PRODUCER}:`)) continue;
      if (this.reportedDuplicates.has(id)) continue;
      this.reportedDuplicates.add(id);
      v.duplicates.push(`${id} stored ${count} times`);
    }
    v.acks1Lost = acked1.filter((record) => this.log[record.partition]![record.offset] !== record.id).length;
    v.acks1Duplicates = [...this.seen].filter(([id, count]) => count > 1 && id.startsWith(`${ACKS1_PRODUCER}:`)).length;

    for (const regression of workload.regressions.slice(this.reportedRegressions)) {
      v.regressions.push(`p${regression.partition}: committed ${regression.from} -> ${regression.to}`);
    }
    this.reportedRegressions = workload.regressions.length;

    const undelivered = (): Array<[number, number]> =>
      this.log.flatMap((ids, p) => ids.flatMap((id, offset): Array<[number, number]> => (id !== '' && !workload.delivered.has(id) && !this.reportedUndelivered.has(id) ? [[p, offset]] : [])));
    const deadline = Date.now() + deliveryWaitMs;
    // Scan the whole log once; then only re-check what was still missing (the log grows to millions).
    let missing = undelivered();
    while (missing.length > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      missing = missing.filter(([p, offset]) => !workload.delivered.has(this.log[p]![offset]!));
    }
    for (const [p, offset] of missing) this.reportedUndelivered.add(this.log[p]![offset]!);
    v.undeliveredRecords = missing.length;
    v.undelivered = offsetRanges(missing);
    if (missing.length > 0) v.undelivered.push(`group view: ${workload.groupView()}`);
    return v;
  }

  /** Records in the log per partition. */
  counts(): number[] {
    return this.log.map((ids) => ids.length);
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.consumer.close(), this.admin.close()]);
  }
}

/** `[[0, 5], [0, 6], [0, 7], [2, 9]]` → `['p0@5..7 (3)', 'p2@9 (1)']`. */
function offsetRanges(points: ReadonlyArray<[number, number]>): string[] {
  const ranges: string[] = [];
  for (let i = 0; i < points.length; ) {
    const [p, first] = points[i]!;
    let j = i;
    while (j + 1 < points.length && points[j + 1]![0] === p && points[j + 1]![1] === points[j]![1] + 1) j++;
    const last = points[j]![1];
    ranges.push(`p${p}@${first}${last > first ? `..${last}` : ''} (${j - i + 1})`);
    i = j + 1;
  }
  return ranges;
}
