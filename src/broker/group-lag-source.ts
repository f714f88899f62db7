/**
 * Feeds the group-lag metrics (metrics/group-lag.ts) from a broker: the committed offsets of the
 * groups its coordinator holds, this broker's replicas, and the positions partition leaders report
 * to the controller, which every broker's cluster view carries.
 */
import { leaderKey } from '../controller/controller.js';
import type { GroupCoordinator } from '../groups/coordinator.js';
import { HighWatermarkHistory, lagOf, type GroupLagEntry, type PartitionPosition } from '../metrics/group-lag.js';
import { decodeBatch, splitBatches } from '../protocol/batch.js';
import type { Broker } from './broker.js';
import type { Partition } from './partition.js';

function localReplica(broker: Broker, topic: string, partition: number): Partition | undefined {
  try {
    return broker.partition(topic, partition);
  } catch {
    return undefined; // not held here (NOT_LEADER names the leader), or the broker is not ready
  }
}

/** The highest position this broker knows: its own replica's (fresh when it leads) or the leader's last report. */
function positionOf(broker: Broker, topic: string, partition: number, local: Partition | undefined): PartitionPosition | undefined {
  const metadata = broker.controller.metadata.topics[topic];
  if (metadata === undefined) return undefined;
  const report = broker.link.view.leaders.get(leaderKey(topic, partition, metadata.topicId));
  if (local === undefined) return report === undefined ? undefined : { highWatermark: report.highWatermark, logStartOffset: report.logStartOffset };
  const own = { highWatermark: local.hw, logStartOffset: local.log.logStartOffset() };
  if (local.isLeader || report === undefined) return own;
  return { highWatermark: Math.max(own.highWatermark, report.highWatermark), logStartOffset: Math.max(own.logStartOffset, report.logStartOffset) };
}

export class ClusterGroupLag {
  private readonly history = new HighWatermarkHistory();
  /** Timestamps of the records at the offsets groups wait at (`topic/partition/offset`): read once each. */
  private recordTimes = new Map<string, number>();

  constructor(
    private readonly broker: Broker,
    private readonly groups: () => GroupCoordinator | undefined,
  ) {}

  async entries(): Promise<GroupLagEntry[]> {
    const coordinator = this.groups();
    if (coordinator === undefined) return [];
    const nowMs = this.broker.clock.nowMs();
    const entries: GroupLagEntry[] = [];
    const recordTimes = new Map<string, number>();
    for (const { groupId } of coordinator.listGroups()) {
      let offsets: ReturnType<GroupCoordinator['fetchOffsets']>;
      try {
        offsets = coordinator.fetchOffsets(groupId);
      } catch {
        continue; // moved to another coordinator since it was listed
      }
      for (const { topic, partition, offset } of offsets) {
        const local = localReplica(this.broker, topic, partition);
        const position = positionOf(this.broker, topic, partition, local);
        if (position === undefined) continue;
        this.history.observe(topic, partition, position.highWatermark, nowMs);
        const { from, lag } = lagOf(offset, position);
        let lagMs = 0;
        if (lag > 0) {
          // Read from the record where this replica holds it and is not behind; estimated otherwise.
          const current = local !== undefined && local.hw >= position.highWatermark && from >= local.log.logStartOffset();
          const timestampMs = current ? await this.recordTime(local, from, recordTimes) : undefined;
          lagMs = timestampMs === undefined ? this.history.ageMs(topic, partition, from, nowMs) : Math.max(0, nowMs - timestampMs);
        }
        entries.push({ group: groupId, topic, partition, committedOffset: offset, lag, lagSeconds: lagMs / 1000 });
      }
    }
    this.recordTimes = recordTimes;
    this.history.forgetUnused(nowMs);
    return entries;
  }

  /** Samples the high watermark of every partition the lag follows (between scrapes, for the age estimate). */
  sample(): void {
    const nowMs = this.broker.clock.nowMs();
    for (const { topic, partition } of this.history.tracked()) {
      const position = positionOf(this.broker, topic, partition, localReplica(this.broker, topic, partition));
      if (position !== undefined) this.history.sample(topic, partition, position.highWatermark, nowMs);
    }
  }

  /** When the record at `offset` was written (its timestamp), read once per offset; undefined when unreadable. */
  private async recordTime(local: Partition, offset: number, kept: Map<string, number>): Promise<number | undefined> {
    const key = `${local.topic}\u0000${local.index}\u0000${offset}`;
    let timestampMs = this.recordTimes.get(key) ?? kept.get(key);
    if (timestampMs === undefined) {
      try {
        const [bytes] = await local.log.read(offset, 1, local.hw);
        for (const batch of bytes === undefined ? [] : splitBatches(bytes)) {
          timestampMs = decodeBatch(batch).records.find((record) => record.offset >= offset)?.timestamp;
          if (timestampMs !== undefined) break;
        }
      } catch {
        return undefined; // damaged or deleted under us: the estimate stands in
      }
    }
    if (timestampMs !== undefined) kept.set(key, timestampMs);
    return timestampMs;
  }
}
