/**
 * Group administration: list groups (every broker answers for the groups it coordinates), describe
 * one, and reset its offsets. Reset targets are resolved here against each partition's leader
 * (earliest, latest, by time, shifted), then written by the coordinator, which refuses while the
 * group has live members.
 */
import type { DescribeGroupResponse__Output } from '../../protocol/generated/sluice/v1/DescribeGroupResponse.js';
import type { FetchOffsetsResponse__Output } from '../../protocol/generated/sluice/v1/FetchOffsetsResponse.js';
import type { ListGroupsResponse__Output } from '../../protocol/generated/sluice/v1/ListGroupsResponse.js';
import type { ResetOffsetsResponse__Output } from '../../protocol/generated/sluice/v1/ResetOffsetsResponse.js';
import { Cluster, type ResolvedClientOptions } from '../cluster.js';
import { listOffset } from '../offsets.js';
import type { GroupDescription, GroupPartitionLag, GroupSummary, ResetTarget } from './admin-types.js';
import { GroupsClient } from './groups-client.js';

export type { GroupDescription, GroupMemberDescription, GroupPartitionLag, GroupSummary, ResetTarget } from './admin-types.js';

export class GroupAdmin {
  private readonly groups: GroupsClient;

  constructor(options: ResolvedClientOptions) {
    this.groups = new GroupsClient(new Cluster(options));
  }

  async listGroups(): Promise<GroupSummary[]> {
    const metadata = await this.groups.cluster.fetchMetadata([]);
    const addresses = metadata.brokers.filter((broker) => broker.alive).map((broker) => broker.address);
    const answers = await Promise.all(
      addresses.map((address) => this.groups.toBroker<ListGroupsResponse__Output>(address, (stub, options, cb) => stub.ListGroups({}, options, cb))),
    );
    const byId = new Map<string, GroupSummary>();
    for (const answer of answers) for (const group of answer.groups) byId.set(group.groupId, { groupId: group.groupId, state: group.state, members: group.members });
    return [...byId.values()].sort((a, b) => a.groupId.localeCompare(b.groupId));
  }

  async describeGroup(groupId: string): Promise<GroupDescription> {
    const response = await this.groups.toCoordinator<DescribeGroupResponse__Output>(groupId, (stub, options, cb) => stub.DescribeGroup({ groupId }, options, cb));
    return {
      group: response.groupId,
      state: response.state,
      groupEpoch: response.groupEpoch,
      members: response.members.map((member) => ({
        memberId: member.memberId,
        groupInstanceId: member.groupInstanceId,
        clientId: member.clientId,
        memberEpoch: member.memberEpoch,
        subscribedTopics: [...member.subscribedTopics],
        assignment: member.assignment.map((entry) => ({ topic: entry.topic, partitions: [...entry.partitions] })),
      })),
      partitions: await Promise.all(
        response.partitions.map(async (partition) => {
          const view: GroupPartitionLag = {
            topic: partition.topic,
            partition: partition.partition,
            committedOffset: partition.committedOffset,
            logEndOffset: partition.logEndOffset,
            lag: partition.lag,
            lagMs: partition.lagMs,
            owner: partition.owner,
          };
          return view.logEndOffset < 0 ? this.withLagFromLeader(view) : view;
        }),
      ),
    };
  }

  /**
   * The coordinator reports lag only for partitions it stores itself; for the others, ask their
   * leaders (lagMs stays -1: the age needs a read). Counted as the coordinator does: high watermark
   * minus the later of the committed offset and the log start.
   */
  private async withLagFromLeader(view: GroupPartitionLag): Promise<GroupPartitionLag> {
    try {
      const { highWatermark, logStartOffset } = await listOffset(this.groups.cluster, view.topic, view.partition, 'earliest');
      const from = Math.max(view.committedOffset >= 0 ? view.committedOffset : logStartOffset, logStartOffset);
      return { ...view, logEndOffset: highWatermark, lag: Math.max(0, highWatermark - from) };
    } catch {
      return view; // offline partition: stays unknown (-1)
    }
  }

  /**
   * Sets every partition of `topic` to the target; returns the new offsets. GROUP_NOT_EMPTY while
   * members are live; a RangeError, before any request, for a malformed target.
   */
  async resetOffsets(groupId: string, topic: string, target: ResetTarget): Promise<Array<{ topic: string; partition: number; offset: number }>> {
    const plan = await this.planReset(groupId, topic, target);
    const offsets = plan.map(({ partition, offset }) => ({ topic, partition, offset }));
    await this.writeOffsets(groupId, offsets);
    return offsets;
  }

  /**
   * What resetOffsets would write, without writing it: per partition of `topic` the committed
   * offset now (-1: none) and the target's offset.
   */
  async planReset(groupId: string, topic: string, target: ResetTarget): Promise<Array<{ topic: string; partition: number; currentOffset: number; offset: number }>> {
    checkResetTarget(target);
    const count = await this.groups.cluster.partitionCount(topic);
    const committed = await this.groups.toCoordinator<FetchOffsetsResponse__Output>(groupId, (stub, options, cb) =>
      stub.FetchOffsets({ groupId, partitions: [{ topic, partitions: Array.from({ length: count }, (_, i) => i) }] }, options, cb),
    );
    return Promise.all(
      Array.from({ length: count }, async (_, partition) => {
        const current = committed.offsets.find((offset) => offset.partition === partition)?.offset;
        return { topic, partition, currentOffset: current ?? -1, offset: await this.resolve(topic, partition, target, current) };
      }),
    );
  }

  /** Overwrites these committed offsets of a group without live members (GROUP_NOT_EMPTY otherwise). */
  async writeOffsets(groupId: string, offsets: ReadonlyArray<{ topic: string; partition: number; offset: number }>): Promise<void> {
    await this.groups.toCoordinator<ResetOffsetsResponse__Output>(groupId, (stub, options, cb) =>
      stub.ResetOffsets({ groupId, offsets: offsets.map((offset) => ({ ...offset, metadata: '', attempts: null })) }, options, cb),
    );
  }

  async close(): Promise<void> {
    this.groups.close();
  }

  /** The target offset, kept within [log start, high watermark]. */
  private async resolve(topic: string, partition: number, target: ResetTarget, current: number | undefined): Promise<number> {
    const cluster = this.groups.cluster;
    const earliest = await listOffset(cluster, topic, partition, 'earliest');
    const clamp = (offset: number): number => Math.min(Math.max(offset, earliest.logStartOffset), earliest.highWatermark);
    switch (target.kind) {
      case 'earliest':
        return earliest.offset;
      case 'latest':
        return earliest.highWatermark;
      case 'offset':
        return clamp(target.offset);
      case 'timestamp':
        return (await listOffset(cluster, topic, partition, { timestamp: target.timestampMs })).offset;
      case 'shift':
        return clamp((current ?? earliest.logStartOffset) + target.by);
    }
  }
}

/**
 * Throws a RangeError unless `target` is a ResetTarget: an unknown kind or a missing offset would
 * otherwise be written as offset 0 (the wire's default).
 */
function checkResetTarget(target: unknown): void {
  const fields = (typeof target === 'object' && target !== null ? target : {}) as Record<string, unknown>;
  const integer = (field: string, atLeastZero: boolean): void => {
    const value = fields[field];
    if (!(Number.isSafeInteger(value) && (!atLeastZero || (value as number) >= 0))) {
      throw new RangeError(`reset target ${field} must be an integer${atLeastZero ? ' >= 0' : ''}, got ${typeof value === 'string' ? JSON.stringify(value) : String(value)}`);
    }
  };
  switch (fields.kind) {
    case 'earliest':
    case 'latest':
      return;
    case 'offset':
      return integer('offset', true);
    case 'timestamp':
      return integer('timestampMs', true);
    case 'shift':
      return integer('by', false);
    default:
      throw new RangeError(`reset target must have kind 'earliest', 'latest', 'offset', 'timestamp' or 'shift', got ${JSON.stringify(target)}`);
  }
}
