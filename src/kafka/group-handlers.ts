/**
 * The group-offset APIs over Sluice's GroupCoordinator: FindCoordinator, OffsetCommit (standalone
 * consumers) and OffsetFetch. Kafka's group membership (JoinGroup, SyncGroup…) is not served yet.
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

export class GroupOffsetHandlers {
  constructor(private readonly options: Pick<KafkaApiOptions, 'access' | 'groups' | 'listeners'>) {}

  private requireGroups(): GroupCoordinator {
    if (this.options.groups === undefined) throw new KafkaProtocolError('COORDINATOR_NOT_AVAILABLE', 'this broker runs no group coordinator');
    return this.options.groups;
  }

  /** Throws GROUP_AUTHORIZATION_FAILED unless the client may `operation` the group. */
  private requireOnGroup(operation: AclOperation, groupId: string): void {
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
   * Commits of a standalone consumer (generation -1, no member id: librdkafka's and the Java
   * client's assign()-and-commit) go to the group's offsets as Sluice's reset does, which refuses
   * while the group has live members. Kafka's group membership (JoinGroup) is not served yet, so a
   * commit naming a member is UNKNOWN_MEMBER_ID.
   */
  async offsetCommit(reader: KafkaReader, version: number) {
    const request = decodeOffsetCommitRequest(reader, version);
    let error: number = KafkaError.NONE;
    try {
      this.requireOnGroup('read', request.groupId);
      for (const topic of request.topics) requireOnTopic(this.options.access, 'read', topic.name);
      if (request.generationId !== -1 || request.memberId !== '') {
        throw new KafkaProtocolError('UNKNOWN_MEMBER_ID', 'Kafka group membership is not served yet; only standalone commits (generation -1) are');
      }
      const offsets = request.topics.flatMap((topic) => topic.partitions.map((p) => ({ topic: topic.name, partition: p.partitionIndex, offset: p.committedOffset })));
      await this.requireGroups().resetOffsets(request.groupId, offsets);
    } catch (err) {
      error = kafkaFailure(err).code;
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
      const failure = kafkaFailure(err).code;
      return { errorCode: failure, topics: (request.topics ?? []).map((topic) => ({ name: topic.name, partitions: topic.partitionIndexes.map((partitionIndex) => ({ partitionIndex, committedOffset: -1, metadata: null, errorCode: failure })) })) };
    }
  }

}

function groupByTopic(views: ReadonlyArray<{ topic: string; partition: number }>): Array<{ name: string; partitionIndexes: number[] }> {
  const byTopic = new Map<string, number[]>();
  for (const view of views) byTopic.set(view.topic, [...(byTopic.get(view.topic) ?? []), view.partition]);
  return [...byTopic].map(([name, partitionIndexes]) => ({ name, partitionIndexes }));
}

