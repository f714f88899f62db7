/**
 * Feeds the group-lag metrics (metrics/group-lag.ts) from a broker: the groups its coordinator
 * holds (committed offsets, and lag where a replica is local) and the positions partition leaders
 * report to the controller, which every broker's cluster view carries.
 */
import { leaderKey } from '../controller/controller.js';
import type { GroupCoordinator } from '../groups/coordinator.js';
import { groupLagEntry, type GroupLagEntry, type HighWatermarkHistory, type ReportedPosition } from '../metrics/group-lag.js';
import type { Broker } from './broker.js';
import type { Partition } from './partition.js';

/** The partition's positions as its leader last reported them (this broker's own, fresh, when it leads). */
export function reportedPosition(broker: Broker, topic: string, partition: number): ReportedPosition | undefined {
  const metadata = broker.controller.metadata.topics[topic];
  if (metadata === undefined) return undefined;
  const local = localReplica(broker, topic, partition);
  if (local?.isLeader) return { highWatermark: local.hw, logStartOffset: local.log.logStartOffset() };
  const report = broker.link.view.leaders.get(leaderKey(topic, partition, metadata.topicId));
  return report === undefined ? undefined : { highWatermark: report.highWatermark, logStartOffset: report.logStartOffset };
}

function localReplica(broker: Broker, topic: string, partition: number): Partition | undefined {
  try {
    return broker.partition(topic, partition);
  } catch {
    return undefined; // not held here (NOT_LEADER names the leader), or the broker is not ready
  }
}

export async function clusterGroupLag(broker: Broker, groups: GroupCoordinator, history: HighWatermarkHistory): Promise<GroupLagEntry[]> {
  const nowMs = broker.clock.nowMs();
  const entries: GroupLagEntry[] = [];
  for (const { groupId } of groups.listGroups()) {
    let described: Awaited<ReturnType<GroupCoordinator['describeGroup']>>;
    try {
      described = await groups.describeGroup(groupId);
    } catch {
      continue; // moved to another coordinator, or emptied, since it was listed
    }
    for (const view of described.partitions) {
      const entry = groupLagEntry({ group: groupId, ...view }, reportedPosition(broker, view.topic, view.partition), history, nowMs);
      if (entry !== undefined) entries.push(entry);
    }
  }
  history.forgetUnused(nowMs);
  return entries;
}

/** Samples the high watermark of every partition the lag metrics follow (between scrapes, for the age estimate). */
export function sampleHighWatermarks(broker: Broker, history: HighWatermarkHistory): void {
  const nowMs = broker.clock.nowMs();
  for (const { topic, partition } of history.tracked()) {
    const position = reportedPosition(broker, topic, partition);
    if (position !== undefined) history.sample(topic, partition, position.highWatermark, nowMs);
  }
}
