/** gRPC handlers of the Groups service: wire messages to GroupCoordinator calls (errors mapped by service.ts's wrapper). */
import { unary, type ServiceOptions } from './service.js';
import type { GroupsHandlers } from '../protocol/generated/sluice/v1/Groups.js';
import type { PartitionOffset, PartitionOffset__Output } from '../protocol/generated/sluice/v1/PartitionOffset.js';
import type { GroupCoordinator, OffsetCommit, PartitionOffsetView } from '../groups/coordinator.js';
import { fromWire, toWire } from '../groups/topic-partition.js';
import { principalOf } from '../security/principal.js';

function toCommit(offset: PartitionOffset__Output): OffsetCommit {
  return {
    topic: offset.topic,
    partition: offset.partition,
    offset: offset.offset,
    metadata: offset.metadata,
    attempts: offset.attempts ? { offset: offset.attempts.offset, count: offset.attempts.count, lastError: offset.attempts.lastError } : undefined,
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
    FindCoordinator: unary('FindCoordinator', options, (request) => coordinator.findCoordinator(request.groupId)),

    Heartbeat: unary('Heartbeat', options, async (request, call) => {
      const result = await coordinator.heartbeat(request.groupId, {
        memberId: request.memberId,
        memberEpoch: request.memberEpoch,
        instanceId: request.groupInstanceId === '' ? undefined : request.groupInstanceId,
        clientId: request.clientId,
        subscribedTopics: request.subscribedTopics,
        owned: fromWire(request.ownedPartitions),
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
      await coordinator.commit(request.groupId, request.memberId, request.memberEpoch, request.offsets.map(toCommit), principalOf(call).name);
      return {};
    }),

    FetchOffsets: unary('FetchOffsets', options, (request) => ({
      offsets: coordinator.fetchOffsets(request.groupId, fromWire(request.partitions)).map(toWireOffset),
    })),

    ListGroups: unary('ListGroups', options, () => ({ groups: coordinator.listGroups() })),

    DescribeGroup: unary('DescribeGroup', options, async (request) => {
      const description = await coordinator.describeGroup(request.groupId);
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
      await coordinator.resetOffsets(request.groupId, request.offsets);
      return {};
    }),
  };
}
