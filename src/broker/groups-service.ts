/** gRPC handlers of the Groups service: wire messages to GroupCoordinator calls (errors mapped by service.ts's wrapper). */
import { unary, type ServiceOptions } from './service.js';
import type { GroupsHandlers } from '../protocol/generated/sluice/v1/Groups.js';
import type { PartitionOffset, PartitionOffset__Output } from '../protocol/generated/sluice/v1/PartitionOffset.js';
import type { GroupCoordinator, OffsetCommit, PartitionOffsetView } from '../groups/coordinator.js';
import { fromWire, toWire } from '../groups/topic-partition.js';
import { SluiceError } from '../protocol/errors.js';
import { TOPIC_NAME_LENGTH_MAX } from '../controller/topic-names.js';
import {
  LAST_ERROR_LENGTH_MAX,
  LIST_ENTRIES_MAX,
  optionalId,
  requireCommitMetadata,
  requireCount,
  requireId,
  requireLength,
} from '../protocol/input-limits.js';

/** Topic names a request lists: each bounded like a topic name, and so many at most. */
function requireTopics(topics: readonly string[]): readonly string[] {
  for (const topic of requireCount(topics, 'topics')) requireLength(topic, 'topic', TOPIC_NAME_LENGTH_MAX);
  return topics;
}

/** Topic-partition lists (owned, asked): bounded in topics, names and partitions overall, before they are expanded. */
function requirePartitions<T extends { topic: string; partitions: readonly number[] }>(wire: readonly T[]): readonly T[] {
  requireTopics(wire.map((entry) => entry.topic));
  const partitions = wire.reduce((sum, entry) => sum + entry.partitions.length, 0);
  if (partitions > LIST_ENTRIES_MAX) throw new SluiceError('LIMIT_EXCEEDED', `partitions: ${partitions} entries, over the ${LIST_ENTRIES_MAX} allowed`);
  return wire;
}
import { principalOf } from '../security/principal.js';

function toCommit(offset: PartitionOffset__Output): OffsetCommit {
  return {
    topic: requireLength(offset.topic, 'topic', TOPIC_NAME_LENGTH_MAX),
    partition: offset.partition,
    offset: offset.offset,
    metadata: requireCommitMetadata(offset.metadata),
    attempts: offset.attempts
      ? { offset: offset.attempts.offset, count: offset.attempts.count, lastError: requireLength(offset.attempts.lastError, 'last_error', LAST_ERROR_LENGTH_MAX) }
      : undefined,
  };
}

function toWireOffset(view: PartitionOffsetView): PartitionOffset {
  return {
    topic: view.topic,
    partition: view.partition,
    offset: view.offset,
    metadata: view.metadata,
    attempts: view.attempts ?? null,
    commitTimestampMs: view.commitTimestampMs,
  };
}

export function groupsHandlers(coordinator: GroupCoordinator, options: ServiceOptions): GroupsHandlers {
  return {
    FindCoordinator: unary('FindCoordinator', options, (request) => coordinator.findCoordinator(requireId(request.groupId, 'group_id'))),

    Heartbeat: unary('Heartbeat', options, async (request, call) => {
      const result = await coordinator.heartbeat(requireId(request.groupId, 'group_id'), {
        memberId: requireId(request.memberId, 'member_id'),
        memberEpoch: request.memberEpoch,
        instanceId: request.groupInstanceId === '' ? undefined : optionalId(request.groupInstanceId, 'group_instance_id'),
        clientId: optionalId(request.clientId, 'client_id'),
        subscribedTopics: [...requireTopics(request.subscribedTopics)],
        owned: fromWire(requirePartitions(request.ownedPartitions)),
        sessionTimeoutMs: request.sessionTimeoutMs,
        maxPollIntervalMs: request.maxPollIntervalMs,
        pollIdleMs: request.pollIdleMs,
      }, principalOf(call).name);
      return {
        memberId: result.memberId,
        memberEpoch: result.memberEpoch,
        heartbeatIntervalMs: result.heartbeatIntervalMs,
        assignment: toWire(result.assignment),
        sessionTimeoutMs: result.sessionTimeoutMs,
      };
    }),

    CommitOffsets: unary('CommitOffsets', options, async (request, call) => {
      const offsets = requireCount(request.offsets, 'offsets').map(toCommit);
      await coordinator.commit(requireId(request.groupId, 'group_id'), requireId(request.memberId, 'member_id'), request.memberEpoch, offsets, principalOf(call).name);
      return {};
    }),

    FetchOffsets: unary('FetchOffsets', options, (request) => ({
      offsets: coordinator.fetchOffsets(requireId(request.groupId, 'group_id'), fromWire(requirePartitions(request.partitions))).map(toWireOffset),
    })),

    ListGroups: unary('ListGroups', options, () => ({ groups: coordinator.listGroups() })),

    DescribeGroup: unary('DescribeGroup', options, async (request) => {
      const description = await coordinator.describeGroup(requireId(request.groupId, 'group_id'));
      return {
        groupId: description.groupId,
        state: description.state,
        groupEpoch: description.groupEpoch,
        members: description.members.map((member) => ({
          memberId: member.memberId,
          groupInstanceId: member.instanceId ?? '',
          clientId: member.clientId,
          memberEpoch: member.memberEpoch,
          subscribedTopics: member.subscribedTopics,
          assignment: toWire(member.assignment),
        })),
        partitions: description.partitions,
      };
    }),

    ResetOffsets: unary('ResetOffsets', options, async (request) => {
      for (const offset of requireCount(request.offsets, 'offsets')) requireLength(offset.topic, 'topic', TOPIC_NAME_LENGTH_MAX);
      await coordinator.resetOffsets(requireId(request.groupId, 'group_id'), request.offsets);
      return {};
    }),
  };
}
