/**
 * The group APIs over Sluice's GroupCoordinator: FindCoordinator, OffsetCommit and OffsetFetch, and
 * Kafka's classic group membership — JoinGroup, SyncGroup, Heartbeat, LeaveGroup, DescribeGroups,
 * ListGroups — on the coordinator's classic groups (groups/classic-group.ts). A request for a group
 * this broker does not coordinate answers NOT_COORDINATOR (COORDINATOR_LOAD_IN_PROGRESS while it
 * loads the group's offsets partition), and the client asks FindCoordinator again.
 */
import type { KafkaReader } from './codec.js';
import { KafkaError, KafkaProtocolError, kafkaFailure } from './errors.js';
import { COORDINATOR_KEY_GROUP, decodeFindCoordinatorRequest } from './api/find-coordinator.js';
import { decodeOffsetCommitRequest } from './api/offset-commit.js';
import { decodeOffsetFetchRequest, type OffsetFetchPartition } from './api/offset-fetch.js';
import type { GroupCoordinator } from '../groups/coordinator.js';
import { tpKey } from '../groups/topic-partition.js';
import { SluiceError } from '../protocol/errors.js';
import type { AclOperation } from '../security/acl.js';
import { requireOnTopic, topicAllowed } from './access.js';
import type { KafkaApiOptions } from './handlers.js';
import { decodeJoinGroupRequest, type JoinGroupResponse } from './api/join-group.js';
import { decodeSyncGroupRequest, type SyncGroupResponse } from './api/sync-group.js';
import { decodeHeartbeatRequest } from './api/heartbeat.js';
import { decodeLeaveGroupRequest, type LeaveGroupResponse } from './api/leave-group.js';
import { decodeDescribeGroupsRequest, type DescribedGroup } from './api/describe-groups.js';
import type { ListGroupsResponse } from './api/list-groups.js';
import type { ClassicError } from '../groups/classic-group.js';
import { ID_LENGTH_MAX, LIST_ENTRIES_MAX } from '../protocol/input-limits.js';

/**
 * What a member may make the coordinator keep (per member, in memory and in the group's record):
 * protocols offered, and each protocol's metadata or assignment bytes. Kafka's consumers send a
 * few protocols of well under a kilobyte each.
 */
const GROUP_PROTOCOLS_MAX = 64;
const GROUP_PROTOCOL_BYTES_MAX = 1024 * 1024;

/** Throws INVALID_REQUEST when a string a member makes the coordinator keep is over ID_LENGTH_MAX. */
function requireShort(value: string | null, what: string): void {
  if (value !== null && value.length > ID_LENGTH_MAX) throw new KafkaProtocolError('INVALID_REQUEST', `${what} has ${value.length} characters, over the ${ID_LENGTH_MAX} allowed`);
}

function requireBytes(value: Buffer, what: string): void {
  if (value.length > GROUP_PROTOCOL_BYTES_MAX) throw new KafkaProtocolError('INVALID_REQUEST', `${what} of ${value.length} bytes is over the ${GROUP_PROTOCOL_BYTES_MAX} allowed`);
}

export class GroupOffsetHandlers {
  constructor(private readonly options: Pick<KafkaApiOptions, 'access' | 'groups' | 'listeners'>) {}

  private requireGroups(): GroupCoordinator {
    if (this.options.groups === undefined) throw new KafkaProtocolError('COORDINATOR_NOT_AVAILABLE', 'this broker runs no group coordinator');
    return this.options.groups;
  }

  /** Throws INVALID_GROUP_ID for an over-long id, GROUP_AUTHORIZATION_FAILED unless the client may `operation` the group. */
  private requireOnGroup(operation: AclOperation, groupId: string): void {
    if (groupId.length > ID_LENGTH_MAX) throw new KafkaProtocolError('INVALID_GROUP_ID', `group id has ${groupId.length} characters, over the ${ID_LENGTH_MAX} allowed`);
    if (!(this.options.access?.allowed(operation, { type: 'group', name: groupId }) ?? true)) {
      throw new KafkaProtocolError('GROUP_AUTHORIZATION_FAILED', `${operation} on group "${groupId}" is not allowed`);
    }
  }

  /** The leader of the group's __consumer_offsets partition, at its Kafka listener. */
  findCoordinator(reader: KafkaReader, version: number) {
    const request = decodeFindCoordinatorRequest(reader, version);
    const none = { nodeId: -1, host: '', port: -1 };
    try {
      if (request.keyType !== COORDINATOR_KEY_GROUP) throw new KafkaProtocolError('INVALID_REQUEST', 'transaction coordinators are not served');
      this.requireOnGroup('describe', request.key);
      const location = this.requireGroups().findCoordinator(request.key);
      const listener = this.options.listeners().get(location.brokerId);
      if (listener === undefined) throw new KafkaProtocolError('COORDINATOR_NOT_AVAILABLE', `broker ${location.brokerId} has not registered a Kafka listener`);
      return { errorCode: KafkaError.NONE, errorMessage: null, nodeId: location.brokerId, host: listener.host, port: listener.port };
    } catch (err) {
      // No leader for the offsets partition yet: the client asks again.
      const failure = err instanceof SluiceError && err.code === 'NOT_COORDINATOR' ? { code: KafkaError.COORDINATOR_NOT_AVAILABLE, message: err.message } : kafkaFailure(err);
      return { ...none, errorCode: failure.code, errorMessage: failure.message };
    }
  }

  /**
   * Commits of a member of the group's current generation, and of a standalone consumer
   * (generation -1, no member id: librdkafka's and the Java client's assign()-and-commit) while the
   * group has no members, written as Sluice's reset does.
   */
  async offsetCommit(reader: KafkaReader, version: number) {
    const request = decodeOffsetCommitRequest(reader, version);
    let error: number = KafkaError.NONE;
    try {
      this.requireOnGroup('read', request.groupId);
      for (const topic of request.topics) requireOnTopic(this.options.access, 'read', topic.name);
      const offsets = request.topics.flatMap((topic) =>
        topic.partitions.map((p) => ({ topic: topic.name, partition: p.partitionIndex, offset: p.committedOffset, metadata: p.committedMetadata ?? '' })),
      );
      error = KafkaError[await this.requireGroups().commitClassic(request.groupId, request.memberId, request.generationId, offsets)];
    } catch (err) {
      error = this.groupFailure(err, request.groupId);
    }
    return { topics: request.topics.map((topic) => ({ name: topic.name, partitions: topic.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: error })) })) };
  }

  offsetFetch(reader: KafkaReader) {
    const request = decodeOffsetFetchRequest(reader);
    try {
      this.requireOnGroup('describe', request.groupId);
      const groups = this.requireGroups();
      const wanted = request.topics?.filter((topic) => topicAllowed(this.options.access, 'describe', topic.name));
      const keys = wanted?.flatMap((topic) => topic.partitionIndexes.map((p) => tpKey(topic.name, p)));
      const committed = new Map(groups.fetchOffsets(request.groupId, keys).map((view) => [tpKey(view.topic, view.partition), view]));
      const answered = wanted ?? groupByTopic([...committed.values()].filter((view) => topicAllowed(this.options.access, 'describe', view.topic)));
      return {
        errorCode: KafkaError.NONE,
        topics: answered.map((topic) => ({
          name: topic.name,
          partitions: topic.partitionIndexes.map((partitionIndex): OffsetFetchPartition => {
            const view = committed.get(tpKey(topic.name, partitionIndex));
            return { partitionIndex, committedOffset: view?.offset ?? -1, metadata: view?.metadata ?? '', errorCode: KafkaError.NONE };
          }),
        })),
      };
    } catch (err) {
      const failure = this.groupFailure(err, request.groupId);
      return { errorCode: failure, topics: (request.topics ?? []).map((topic) => ({ name: topic.name, partitions: topic.partitionIndexes.map((partitionIndex) => ({ partitionIndex, committedOffset: -1, metadata: null, errorCode: failure })) })) };
    }
  }

  /** `clientId`: the request header's; member ids begin with it, as Kafka's do. */
  async joinGroup(reader: KafkaReader, version: number, clientId: string | null): Promise<JoinGroupResponse> {
    const request = decodeJoinGroupRequest(reader, version);
    const refused = (errorCode: number): JoinGroupResponse => ({ errorCode, generationId: -1, protocolName: '', leader: '', memberId: request.memberId, members: [] });
    try {
      this.requireOnGroup('read', request.groupId);
      requireShort(request.memberId, 'member id');
      requireShort(request.groupInstanceId, 'group instance id');
      requireShort(clientId, 'client id');
      requireShort(request.protocolType, 'protocol type');
      if (request.protocols.length > GROUP_PROTOCOLS_MAX) throw new KafkaProtocolError('INVALID_REQUEST', `${request.protocols.length} protocols, over the ${GROUP_PROTOCOLS_MAX} allowed`);
      for (const protocol of request.protocols) {
        requireShort(protocol.name, 'protocol name');
        requireBytes(protocol.metadata, 'protocol metadata');
      }
      const result = await this.requireGroups().joinGroup(request.groupId, {
        memberId: request.memberId,
        instanceId: request.groupInstanceId ?? undefined,
        clientId: clientId ?? '',
        clientHost: '',
        sessionTimeoutMs: request.sessionTimeoutMs,
        rebalanceTimeoutMs: request.rebalanceTimeoutMs,
        protocolType: request.protocolType,
        protocols: request.protocols,
        requireKnownMemberId: version >= 4,
      });
      return {
        errorCode: KafkaError[result.error],
        generationId: result.generationId,
        protocolName: result.protocolName,
        leader: result.leaderId,
        memberId: result.memberId,
        members: result.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.instanceId ?? null, metadata: m.metadata })),
      };
    } catch (err) {
      return refused(this.groupFailure(err, request.groupId));
    }
  }

  async syncGroup(reader: KafkaReader, version: number): Promise<SyncGroupResponse> {
    const request = decodeSyncGroupRequest(reader, version);
    try {
      this.requireOnGroup('read', request.groupId);
      if (request.assignments.length > LIST_ENTRIES_MAX) throw new KafkaProtocolError('INVALID_REQUEST', `${request.assignments.length} assignments, over the ${LIST_ENTRIES_MAX} allowed`);
      for (const assignment of request.assignments) requireBytes(assignment.assignment, 'assignment');
      const result = await this.requireGroups().syncGroup(request.groupId, request.memberId, request.generationId, request.assignments);
      return { errorCode: KafkaError[result.error], assignment: result.assignment };
    } catch (err) {
      return { errorCode: this.groupFailure(err, request.groupId), assignment: Buffer.alloc(0) };
    }
  }

  heartbeat(reader: KafkaReader, version: number): { errorCode: number } {
    const request = decodeHeartbeatRequest(reader, version);
    return { errorCode: this.classicCall(request.groupId, () => this.requireGroups().heartbeatClassic(request.groupId, request.memberId, request.generationId)) };
  }

  /** v3+ names several members; the answer's top-level error is the first member's failure, as Kafka's batch leave reports it per member. */
  leaveGroup(reader: KafkaReader, version: number): LeaveGroupResponse {
    const request = decodeLeaveGroupRequest(reader, version);
    const members = request.members.map((member) => ({
      ...member,
      errorCode: this.classicCall(request.groupId, () => this.requireGroups().leaveGroup(request.groupId, member.memberId)),
    }));
    const failed = members.find((member) => member.errorCode !== KafkaError.NONE);
    // v0-2 carry one member: its error is the answer's.
    return { errorCode: version < 3 ? (failed?.errorCode ?? KafkaError.NONE) : this.groupLevelError(members), members };
  }

  /**
   * Classic groups as Kafka describes them (state, protocol, members with their metadata and
   * assignment bytes); a Sluice group shows its members with protocol type "sluice"; a group
   * nobody knows is "Dead", as in Kafka.
   */
  describeGroups(reader: KafkaReader, version: number): { groups: DescribedGroup[] } {
    const request = decodeDescribeGroupsRequest(reader, version);
    return { groups: request.groups.map((groupId) => this.describeGroup(groupId)) };
  }

  /** The groups this broker coordinates (those the client may describe). */
  listGroups(): ListGroupsResponse {
    try {
      const groups = this.requireGroups()
        .listGroups()
        .filter((group) => this.options.access?.allowed('describe', { type: 'group', name: group.groupId }) ?? true);
      return { errorCode: KafkaError.NONE, groups: groups.map((group) => ({ groupId: group.groupId, protocolType: group.protocolType })) };
    } catch (err) {
      return { errorCode: kafkaFailure(err).code, groups: [] };
    }
  }

  private describeGroup(groupId: string): DescribedGroup {
    const none = { groupId, state: 'Dead', protocolType: '', protocolData: '', members: [] };
    try {
      this.requireOnGroup('describe', groupId);
      const groups = this.requireGroups();
      const classic = groups.describeClassic(groupId);
      if (classic !== undefined && classic.members.length > 0) {
        return {
          errorCode: KafkaError.NONE,
          groupId,
          state: classic.state,
          protocolType: classic.protocolType,
          protocolData: classic.protocolName,
          members: classic.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.instanceId ?? null, clientId: m.clientId, clientHost: m.clientHost, metadata: m.metadata, assignment: m.assignment })),
        };
      }
      const listed = groups.listGroups().find((group) => group.groupId === groupId);
      if (listed === undefined) return { ...none, errorCode: KafkaError.NONE };
      if (listed.members === 0) return { ...none, errorCode: KafkaError.NONE, state: 'Empty' };
      return { ...none, errorCode: KafkaError.NONE, state: listed.state, protocolType: 'sluice' };
    } catch (err) {
      return { ...none, errorCode: this.groupFailure(err, groupId) };
    }
  }

  /** Runs a synchronous classic-group call: its Kafka error, or the failure's. */
  private classicCall(groupId: string, call: () => ClassicError): number {
    try {
      this.requireOnGroup('read', groupId);
      return KafkaError[call()];
    } catch (err) {
      return this.groupFailure(err, groupId);
    }
  }

  private groupLevelError(members: ReadonlyArray<{ errorCode: number }>): number {
    // Authorization and coordinator errors concern the whole group; member errors stay per member.
    const groupWide = [KafkaError.GROUP_AUTHORIZATION_FAILED, KafkaError.NOT_COORDINATOR, KafkaError.COORDINATOR_LOAD_IN_PROGRESS, KafkaError.COORDINATOR_NOT_AVAILABLE] as number[];
    return members.find((member) => groupWide.includes(member.errorCode))?.errorCode ?? KafkaError.NONE;
  }

  /** NOT_COORDINATOR becomes COORDINATOR_LOAD_IN_PROGRESS while this broker loads the group's partition. */
  private groupFailure(err: unknown, groupId: string): number {
    if (err instanceof SluiceError && err.code === 'NOT_COORDINATOR' && this.options.groups?.loading(groupId)) return KafkaError.COORDINATOR_LOAD_IN_PROGRESS;
    return kafkaFailure(err).code;
  }
}

function groupByTopic(views: ReadonlyArray<{ topic: string; partition: number }>): Array<{ name: string; partitionIndexes: number[] }> {
  const byTopic = new Map<string, number[]>();
  for (const view of views) byTopic.set(view.topic, [...(byTopic.get(view.topic) ?? []), view.partition]);
  return [...byTopic].map(([name, partitionIndexes]) => ({ name, partitionIndexes }));
}

