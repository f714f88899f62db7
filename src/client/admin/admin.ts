/** Topic administration and cluster inspection. Admin requests go to the controller when known, else any broker. */
import type * as grpc from '@grpc/grpc-js';
import { fromServiceError } from '../../protocol/errors.js';
import type { TopicDescription__Output } from '../../protocol/generated/sluice/v1/TopicDescription.js';
import type { ListTopicsResponse__Output } from '../../protocol/generated/sluice/v1/ListTopicsResponse.js';
import type { DeleteTopicResponse__Output } from '../../protocol/generated/sluice/v1/DeleteTopicResponse.js';
import type { AdminClient } from '../../protocol/generated/sluice/v1/Admin.js';
import type { RepairPartitionResponse__Output } from '../../protocol/generated/sluice/v1/RepairPartitionResponse.js';
import type { ListAclsResponse__Output } from '../../protocol/generated/sluice/v1/ListAclsResponse.js';
import type { ListUsersResponse__Output } from '../../protocol/generated/sluice/v1/ListUsersResponse.js';
import type { AclBinding } from '../../security/acl.js';
import { SCRAM_ITERATIONS_DEFAULT, makeCredential, type ScramMechanism } from '../../security/scram.js';
import { aclFromWire, aclToWire } from '../../security/wire.js';
import { Cluster, unary } from '../cluster.js';
import { listOffset, type ListedOffset } from '../offsets.js';
import { withRetry } from '../retry.js';
import type { ClusterMetadata, OffsetRange, OffsetSpec } from '../types.js';
import type { AlterTopicConfigRequest, CreateTopicRequest, TopicDescription, TopicSummary, UserSummary, ClientQuotaEntry, ClientQuotas } from './types.js';
import type { ReassignmentRequest, Reassignments } from './types.js';
import type { ReassignmentsResponse__Output } from '../../protocol/generated/sluice/v1/ReassignmentsResponse.js';
import type { AlterClientQuotasResponse__Output } from '../../protocol/generated/sluice/v1/AlterClientQuotasResponse.js';
import type { DescribeClientQuotasResponse__Output } from '../../protocol/generated/sluice/v1/DescribeClientQuotasResponse.js';

export class Admin {
  constructor(private readonly cluster: Cluster) {}

  /** Rejects with a RangeError, before any request, unless partitions and replicationFactor are integers from 1 to 2^32 - 1. */
  async createTopic(request: CreateTopicRequest): Promise<TopicDescription> {
    checkCount('partitions', request.partitions);
    checkCount('replicationFactor', request.replicationFactor);
    const response = await this.call<TopicDescription__Output>((client, options, cb) =>
      client.CreateTopic(
        { name: request.name, partitions: request.partitions, replicationFactor: request.replicationFactor, configs: request.configs ?? {} },
        options,
        cb,
      ),
    );
    this.cluster.invalidate(request.name);
    return toTopicDescription(response);
  }

  async deleteTopic(name: string): Promise<void> {
    await this.call<DeleteTopicResponse__Output>((client, options, cb) => client.DeleteTopic({ name }, options, cb));
    this.cluster.invalidate(name);
  }

  async listTopics(options: { includeInternal?: boolean } = {}): Promise<TopicSummary[]> {
    const response = await this.call<ListTopicsResponse__Output>((client, callOptions, cb) =>
      client.ListTopics({ includeInternal: options.includeInternal ?? false }, callOptions, cb),
    );
    return response.topics
      .map((topic) => ({ name: topic.name, partitions: topic.partitions, replicationFactor: topic.replicationFactor }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  async describeTopic(name: string): Promise<TopicDescription> {
    return toTopicDescription(
      await this.call<TopicDescription__Output>((client, options, cb) => client.DescribeTopic({ name }, options, cb)),
    );
  }

  async alterTopicConfig(request: AlterTopicConfigRequest): Promise<TopicDescription> {
    return toTopicDescription(
      await this.call<TopicDescription__Output>((client, options, cb) =>
        client.AlterTopicConfig({ name: request.name, set: request.set ?? {}, delete: request.delete ?? [] }, options, cb),
      ),
    );
  }

  /**
   * Grows a topic to `count` partitions, placed on the live brokers. Never fewer: INVALID_CONFIG.
   * Producers see the new partitions at their next metadata refresh: keyed records whose key now
   * hashes to another partition go there from then on.
   */
  async createPartitions(name: string, count: number): Promise<TopicDescription> {
    checkCount('count', count);
    const response = await this.call<TopicDescription__Output>((client, options, cb) => client.CreatePartitions({ name, count }, options, cb));
    this.cluster.invalidate(name);
    return toTopicDescription(response);
  }

  /**
   * Removes a broker that is gone for good from the cluster's metadata. BROKER_IN_USE while it is
   * alive, a controller voter, or holds replicas (named in the message); UNKNOWN_BROKER if unregistered.
   */
  async unregisterBroker(brokerId: number): Promise<void> {
    checkCount('brokerId', brokerId);
    await this.call((client, options, cb) => client.UnregisterBroker({ brokerId }, options, cb));
  }

  /**
   * On the leader of a partition whose only copy is damaged: skips its damaged offsets, durably, so
   * consumers continue past them; returns the ranges skipped. Fails INVALID_REQUEST when the
   * partition has other replicas (they repair the copy) or no damage is known.
   */
  skipDamagedOffsets(topic: string, partition: number): Promise<OffsetRange[]> {
    return withRetry(
      async () => {
        const address = await this.cluster.leaderAddress(topic, partition);
        try {
          const response = await unary<RepairPartitionResponse__Output>((cb) =>
            this.cluster.admin(address).RepairPartition({ topic, partition, skipDamaged: true }, this.cluster.deadline(), cb),
          );
          return response.skipped.map((range) => ({ from: range.from, to: range.to }));
        } catch (raw) {
          const err = fromServiceError(raw);
          this.cluster.noteError(topic, err);
          throw err;
        }
      },
      this.cluster.options.retry,
      this.cluster.retryHooks,
    );
  }

  /**
   * Sets (`set`) and removes (`remove`) quotas of a principal, by Kafka's names; both empty
   * removes all its own quotas (the defaults apply again). Returns its quotas after the change.
   */
  async alterClientQuotas(principal: string, change: { set?: Record<string, number>; remove?: string[] }): Promise<ClientQuotaEntry> {
    const response = await this.call<AlterClientQuotasResponse__Output>((client, options, cb) =>
      client.AlterClientQuotas({ principal, set: change.set ?? {}, remove: change.remove ?? [] }, options, cb),
    );
    return { principal, quotas: { ...response.entry?.quotas } };
  }

  /** Principals with quotas of their own (only `principal`, when given), and the defaults. */
  async describeClientQuotas(principal = ''): Promise<ClientQuotas> {
    const response = await this.call<DescribeClientQuotasResponse__Output>((client, options, cb) => client.DescribeClientQuotas({ principal }, options, cb));
    return {
      entries: response.entries.map((entry) => ({ principal: entry.principal, quotas: { ...entry.quotas } })),
      defaults: { ...response.defaults },
    };
  }

  /**
   * Creates a SCRAM user, or replaces its credential for `mechanism`. The salted credential is
   * derived here: the password never leaves this process.
   */
  async upsertUser(name: string, password: string, mechanism: ScramMechanism = 'SCRAM-SHA-256', iterations = SCRAM_ITERATIONS_DEFAULT): Promise<void> {
    if (password.length === 0) throw new RangeError('password must not be empty');
    const credential = makeCredential(mechanism, password, iterations);
    await this.call((client, options, cb) => client.UpsertUser({ name, credential }, options, cb));
  }

  async deleteUser(name: string): Promise<void> {
    await this.call((client, options, cb) => client.DeleteUser({ name }, options, cb));
  }

  /** User names and their mechanisms, never credentials. */
  async listUsers(): Promise<UserSummary[]> {
    const response = await this.call<ListUsersResponse__Output>((client, options, cb) => client.ListUsers({}, options, cb));
    return response.users.map((user) => ({ name: user.name, mechanisms: [...user.mechanisms] }));
  }

  async createAcl(acl: AclBinding): Promise<void> {
    await this.call((client, options, cb) => client.CreateAcl(aclToWire(acl), options, cb));
  }

  /** Removes exactly this binding; INVALID_REQUEST when there is none. */
  async deleteAcl(acl: AclBinding): Promise<void> {
    await this.call((client, options, cb) => client.DeleteAcl(aclToWire(acl), options, cb));
  }

  async listAcls(): Promise<AclBinding[]> {
    const response = await this.call<ListAclsResponse__Output>((client, options, cb) => client.ListAcls({}, options, cb));
    return response.acls.map(aclFromWire);
  }

  /** Brokers, controller and topics (all when `topics` is empty). */
  metadata(topics: string[] = []): Promise<ClusterMetadata> {
    return withRetry(() => this.cluster.fetchMetadata(topics), this.cluster.options.retry, this.cluster.retryHooks);
  }

  /** The earliest offset, the latest (high watermark), or the first whose record timestamp >= a time. */
  listOffsets(topic: string, partition: number, spec: OffsetSpec | number): Promise<ListedOffset> {
    return listOffset(this.cluster, topic, partition, spec);
  }

  /** Starts, cancels or plans replica moves through the controller; answers the moves under way. */
  async alterReassignments(request: ReassignmentRequest): Promise<Reassignments> {
    const wire = {
      moves: 'moves' in request ? request.moves : [],
      decommission: 'decommission' in request ? request.decommission : 0,
      recommission: 'recommission' in request ? request.recommission : 0,
      rebalance: 'rebalance' in request,
      maxMoves: 'rebalance' in request ? (request.rebalance.maxMoves ?? 0) : 0,
      controllerVoters: 'controllerVoters' in request ? request.controllerVoters : [],
    };
    return toReassignments(await this.call<ReassignmentsResponse__Output>((client, options, cb) => client.AlterReassignments(wire, options, cb)));
  }

  async listReassignments(): Promise<Reassignments> {
    return toReassignments(await this.call<ReassignmentsResponse__Output>((client, options, cb) => client.ListReassignments({}, options, cb)));
  }

  async close(): Promise<void> {
    this.cluster.close();
  }

  private call<T>(
    invoke: (client: AdminClient, options: grpc.CallOptions, cb: grpc.requestCallback<T>) => grpc.ClientUnaryCall,
  ): Promise<T> {
    return withRetry(async () => {
      const address = this.cluster.anyAddress();
      try {
        return await unary<T>((cb) => invoke(this.cluster.admin(address), this.cluster.deadline(), cb));
      } catch (raw) {
        const err = fromServiceError(raw);
        // NOT_COORDINATOR / NOT_LEADER: the broker taken for the controller is not it (any more).
        if (err.code === 'NOT_COORDINATOR' || err.code === 'NOT_LEADER') this.cluster.markUnreachable(address);
        else this.cluster.noteAddressError(address, err);
        throw err;
      }
    }, this.cluster.options.retry, this.cluster.retryHooks);
  }
}

/** The largest value of a uint32 wire field. */
const UINT32_MAX = 2 ** 32 - 1;

/** The wire carries counts as uint32: a fraction would arrive truncated and a negative number wrapped (-1 as 4294967295). */
function checkCount(field: string, value: unknown): void {
  if (!(Number.isInteger(value) && (value as number) >= 1 && (value as number) <= UINT32_MAX)) {
    throw new RangeError(`${field} must be an integer from 1 to ${UINT32_MAX}, got ${typeof value === 'string' ? JSON.stringify(value) : String(value)}`);
  }
}

function toTopicDescription(response: TopicDescription__Output): TopicDescription {
  return {
    name: response.name,
    partitions: response.partitions
      .map((partition) => ({
        partition: partition.partition,
        leader: partition.leader,
        replicas: [...partition.replicas],
        isr: [...partition.isr],
        logStartOffset: partition.logStartOffset,
        logEndOffset: partition.logEndOffset,
        highWatermark: partition.highWatermark,
        sizeBytes: partition.sizeBytes,
      }))
      .sort((a, b) => a.partition - b.partition),
    configs: { ...response.configs },
    replicationFactor: response.replicationFactor,
  };
}

function toReassignments(response: ReassignmentsResponse__Output): Reassignments {
  return {
    reassignments: response.reassignments.map((r) => ({
      topic: r.topic,
      partition: r.partition,
      replicas: r.replicas,
      target: r.target,
      voters: r.voters,
      learners: r.learners,
    })),
    decommissioned: response.decommissioned,
    movesStarted: response.movesStarted,
    controllerVoters: response.controllerVoters,
    controllerTarget: response.controllerTarget,
  };
}
