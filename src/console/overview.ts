/** Cluster, topic and group views assembled from the console's client calls (what the overview, topics and groups pages show). */
import type { TopicDescription } from '../client/index.js';
import { mapBounded } from './bounded.js';
import type { ConsoleConnection } from './connection.js';
import { isDeadLetterTopic } from './dead-letters.js';
import type { History } from './history.js';
import type { BrokerView, ClusterView, GroupSummaryView, GroupView, TopicSummaryView, TopicView } from './views.js';

/** Describe calls in flight at once for one view. */
const VIEW_CONCURRENCY = 16;

/** Every topic the principal may see (internal ones too), described. */
async function describeAll(connection: ConsoleConnection): Promise<{ descriptions: TopicDescription[]; internal: Set<string> }> {
  const all = await connection.admin.listTopics({ includeInternal: true });
  const visible = new Set((await connection.admin.listTopics()).map((t) => t.name));
  const descriptions = await mapBounded(all, VIEW_CONCURRENCY, (topic) => connection.admin.describeTopic(topic.name));
  return { descriptions, internal: new Set(all.map((t) => t.name).filter((name) => !visible.has(name))) };
}

export async function clusterView(connection: ConsoleConnection, history: History, servedBy: number, version: string): Promise<ClusterView> {
  const metadata = await connection.admin.metadata();
  const { descriptions } = await describeAll(connection);
  const brokers: BrokerView[] = metadata.brokers.map((broker) => ({
    id: broker.id,
    address: broker.address,
    alive: broker.alive,
    controller: broker.id === metadata.controller,
    partitionsLed: 0,
    replicas: 0,
    logBytes: 0,
    storageFault: broker.storageFault,
    version: broker.id === servedBy ? version : '',
  }));
  const byId = new Map(brokers.map((b) => [b.id, b]));
  let partitions = 0;
  let underReplicated = 0;
  let offline = 0;
  for (const topic of descriptions) {
    for (const p of topic.partitions) {
      partitions++;
      if (p.leader < 0) offline++;
      if (p.isr.length < p.replicas.length) underReplicated++;
      const leader = byId.get(p.leader);
      if (leader) leader.partitionsLed++;
      for (const id of p.replicas) {
        const broker = byId.get(id);
        if (broker === undefined) continue;
        broker.replicas++;
        broker.logBytes += p.sizeBytes;
      }
    }
  }
  const latest = history.latest();
  return {
    brokers,
    controller: metadata.controller,
    servedBy,
    topics: descriptions.length,
    partitions,
    underReplicatedPartitions: underReplicated,
    offlinePartitions: offline,
    produceRecordsPerSec: latest?.produceRecordsPerSec ?? 0,
    consumeRecordsPerSec: latest?.consumeRecordsPerSec ?? 0,
  };
}

export async function topicSummaries(connection: ConsoleConnection, history: History): Promise<TopicSummaryView[]> {
  const { descriptions, internal } = await describeAll(connection);
  return descriptions
    .map((topic) => ({
      name: topic.name,
      partitions: topic.partitions.length,
      replicationFactor: topic.replicationFactor,
      records: topic.partitions.reduce((sum, p) => sum + Math.max(0, p.highWatermark - p.logStartOffset), 0),
      sizeBytes: topic.partitions.reduce((sum, p) => sum + p.sizeBytes, 0),
      produceRecordsPerSec: history.topicRate(topic.name),
      underReplicated: topic.partitions.filter((p) => p.isr.length < p.replicas.length).length,
      internal: internal.has(topic.name),
      deadLetter: isDeadLetterTopic(topic.name),
    }))
    .sort((a, b) => Number(a.internal) - Number(b.internal) || a.name.localeCompare(b.name));
}

export async function topicView(connection: ConsoleConnection, history: History, name: string): Promise<TopicView> {
  const topic = await connection.admin.describeTopic(name);
  return { ...topic, produceRecordsPerSec: history.topicRate(name) };
}

export async function groupView(connection: ConsoleConnection, groupId: string): Promise<GroupView> {
  const description = await connection.groupAdmin.describeGroup(groupId);
  return {
    groupId: description.group,
    state: description.state,
    groupEpoch: description.groupEpoch,
    members: description.members,
    partitions: description.partitions.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition),
    lag: description.partitions.reduce((sum, p) => sum + Math.max(0, p.lag), 0),
  };
}

export async function groupSummaries(connection: ConsoleConnection): Promise<GroupSummaryView[]> {
  const groups = await connection.groupAdmin.listGroups();
  return mapBounded(groups, VIEW_CONCURRENCY, async (group) => {
    try {
      const description = await connection.groupAdmin.describeGroup(group.groupId);
      return {
        ...group,
        lag: description.partitions.reduce((sum, p) => sum + Math.max(0, p.lag), 0),
        lagMs: description.partitions.reduce((max, p) => Math.max(max, p.lagMs), 0),
      };
    } catch {
      return { ...group, lag: -1, lagMs: 0 }; // listed but not describable now (coordinator moving, or no describe right)
    }
  });
}
