/**
 * The controller: the `__cluster_metadata` Raft group's state machine on every voter, and, on its
 * leader, the one place that validates and appends metadata changes (topics, broker registrations,
 * producer id blocks) and tracks which brokers are alive and what they lead.
 */
import { decodeBatch, encodeBatch, readBatchHeader } from '../protocol/batch.js';
import { SluiceError } from '../protocol/errors.js';
import { isConfEntry, type Entry, type Rng } from '../raft/index.js';
import { applyTopicConfig, TOPIC_CONFIG_DEFAULTS, type TopicConfig } from '../config/topic-config.js';
import type { ReplicatedLog } from '../replication/replicated-log.js';
import { sleep, systemClock, type Clock } from '../runtime/clock.js';
import { INTERNAL_TOPICS, validateTopicName } from './topic-names.js';
import { checkPartitionLimits, type PartitionLimits } from './partition-limits.js';
import { LIMIT_DEFAULTS } from '../config/limits.js';
import { aclProblem, sameAcl, type AclBinding } from '../security/acl.js';
import { SCRAM_ITERATIONS_MAX, SCRAM_ITERATIONS_MIN, hashLength, isScramMechanism, type ScramMechanism, type StoredScramCredential } from '../security/scram.js';
import { applyRecord, assignReplicas, emptyImage, partitionsOnBroker, type MetadataImage, type MetadataRecord } from './metadata-image.js';
import { alterQuotas, validatePrincipalName } from './quota-records.js';
import {
  activeReassignments,
  planDecommission,
  planRebalance,
  reassignmentKey,
  sameList,
  validateMove,
  type PartitionMove,
} from './reassignment-records.js';

export const METADATA_GROUP = '__cluster_metadata';
/** Most partitions one topic may have. */
export const PARTITIONS_MAX = 10_000;
/** How often a new controller re-checks liveness while brokers' first heartbeats arrive. */
const LIVENESS_POLL_MS = 50;
/** Partitions an error message names before it only counts the rest. */
const PARTITIONS_NAMED_MAX = 20;
/** Producer ids handed to a broker at a time. */
export const PRODUCER_ID_BLOCK = 1000;

export interface PartitionReport {
  topic: string;
  partition: number;
  topicId: number;
  term: number;
  isr: number[];
  highWatermark: number;
  logEndOffset: number;
  logStartOffset: number;
  /** The partition's committed Raft configuration (changes while it moves: reassignment-records.ts); empty while a step is uncommitted. */
  voters: number[];
  learners: number[];
}

/**
 * A change of where replicas live (AlterReassignments): exactly one of `moves` (a target per
 * partition; an empty target cancels that partition's move), `decommission`, `recommission` (broker
 * ids, 0 = none) or `rebalance` (at most `maxMoves` partitions).
 */
export interface ReassignmentSpec {
  moves: PartitionMove[];
  decommission: number;
  recommission: number;
  rebalance: boolean;
  maxMoves: number;
  /** New voters of the controller quorum (absent or empty: none). */
  controllerVoters?: number[];
}

/** Most voters a controller quorum may have. */
export const CONTROLLER_VOTERS_MAX = 7;
/** Partitions a rebalance moves at most when the request names no bound. */
export const REBALANCE_MOVES_DEFAULT = 10;

/** Identifies a partition across topic re-creation (same name, new id). */
export function leaderKey(topic: string, partition: number, topicId: number): string {
  return `${topic}/${partition}@${topicId}`;
}

/** The topic and partition a Raft group's name (leaderKey) stands for; the metadata log is partition 0 of its name. */
export function partitionOfGroup(group: string): { topic: string; partition: number } {
  const match = /^(.*)\/(\d+)@\d+$/.exec(group);
  return match ? { topic: match[1]!, partition: Number(match[2]) } : { topic: group, partition: 0 };
}

/** A replica that repairs its copy or holds damaged offsets (ReplicatedLog.damage). */
export interface ReplicaDamageReport {
  topic: string;
  partition: number;
  repairing: boolean;
  /** A single copy's damaged offsets, each [from, to). */
  lost: Array<{ from: number; to: number }>;
}

/** What a broker reports of its storage with each heartbeat: soft state, never in the metadata log. */
export interface BrokerStorageReport {
  /** The cause of the write its storage refused, while it refuses writes; empty when healthy. */
  storageFault: string;
  damagedReplicas: ReplicaDamageReport[];
}

export const HEALTHY_STORAGE: BrokerStorageReport = { storageFault: '', damagedReplicas: [] };

export interface PartitionLeaderReport extends PartitionReport {
  leader: number;
}

interface BrokerLiveness {
  epoch: number;
  lastSeenMs: number;
  leaderships: PartitionReport[];
  storage: BrokerStorageReport;
}

export interface CreateTopicSpec {
  name: string;
  partitions: number;
  replicationFactor: number;
  configs: Record<string, string>;
}

export interface ControllerOptions {
  selfId: number;
  /** How long a broker stays alive without a heartbeat. */
  sessionTimeoutMs: number;
  /** Liveness ages and waits (default: Node's clock). */
  clock?: Clock;
  /** Picks where replica assignment starts (default: Math.random). */
  random?: Rng;
  /** Partition counts checked on topic creation (default: LIMIT_DEFAULTS). */
  partitionLimits?: PartitionLimits;
}

export class Controller {
  private image: MetadataImage = emptyImage();
  private readonly listeners: Array<(image: MetadataImage) => void> = [];
  private readonly liveness = new Map<number, BrokerLiveness>();
  private replicated: ReplicatedLog | undefined;
  private leaderSinceMs: number | undefined;
  private readonly clock: Clock;
  private readonly random: Rng;
  /** Leader operations run one at a time: each validates against the image the previous one left. */
  private serial: Promise<unknown> = Promise.resolve();
  /** Reassignments whose completion is being appended (by `topic/partition`), so a heartbeat does not repeat it. */
  private readonly completing = new Set<string>();

  constructor(private readonly options: ControllerOptions) {
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
  }

  /** Voters attach the metadata Raft group; other brokers receive images by heartbeat. */
  attach(replicated: ReplicatedLog): void {
    this.replicated = replicated;
  }

  get metadata(): MetadataImage {
    return this.image;
  }

  /** Broker id of the controller leader as this node knows it (0 when unknown). */
  get leaderId(): number {
    return this.replicated?.leaderId ?? 0;
  }

  get isLeader(): boolean {
    return this.replicated?.isLeader ?? false;
  }

  onImage(listener: (image: MetadataImage) => void): void {
    this.listeners.push(listener);
  }

  private publish(image: MetadataImage): void {
    this.image = image;
    for (const listener of this.listeners) listener(image);
  }

  /** Applies committed metadata-log entries (the ReplicatedLog's `apply`). */
  applyEntries(entries: readonly Entry[]): void {
    let image = this.image;
    for (const entry of entries) {
      // A no-op, or a configuration entry of the metadata group itself.
      if (entry.data.length === 0 || isConfEntry(entry.data)) continue;
      for (const record of decodeBatch(Buffer.from(entry.data.buffer, entry.data.byteOffset, entry.data.byteLength)).records) {
        if (record.value === null) continue;
        // Already in the image: a replica that joined the metadata log as a learner replays it from
        // the start over the image it adopted from heartbeats.
        if (record.offset < image.version) continue;
        image = applyRecord(image, JSON.parse(record.value.toString('utf8')) as MetadataRecord, record.offset);
      }
    }
    if (image !== this.image) this.publish(image);
  }

  /** Non-voters: take the leader's image when it is newer. */
  adoptImage(image: MetadataImage): void {
    if (image.version > this.image.version) this.publish(image);
  }

  noteLeadership(isLeader: boolean): void {
    if (isLeader && this.leaderSinceMs === undefined) this.leaderSinceMs = this.clock.nowMs();
    if (!isLeader) {
      this.leaderSinceMs = undefined;
      this.liveness.clear();
    }
  }

  private requireLeader(): ReplicatedLog {
    const replicated = this.replicated;
    if (!replicated?.isLeader) {
      const leader = this.leaderId;
      throw new SluiceError('NOT_COORDINATOR', `broker ${this.options.selfId} is not the controller leader`, leader ? String(leader) : undefined);
    }
    return replicated;
  }

  /** Appends one record and waits until it is committed and applied; returns its offset. */
  private async append(record: MetadataRecord): Promise<number> {
    const replicated = this.requireLeader();
    const batch = encodeBatch([{ key: Buffer.from(record.type), value: Buffer.from(JSON.stringify(record)) }], { nowMs: this.clock.nowMs() });
    const proposal = replicated.propose(batch, readBatchHeader(batch));
    await proposal.committed;
    return proposal.baseOffset;
  }

  private exclusive<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.serial.then(operation);
    this.serial = result.catch(() => undefined);
    return result;
  }

  // ------------------------------------------------------------------ leader operations

  /**
   * `interBrokerAddress`: the broker's inter-broker listener, which peers that are not configured with it dial;
   * `kafkaAddress`: its advertised Kafka listener, which the other brokers' Kafka Metadata names.
   */
  async registerBroker(id: number, host: string, port: number, incarnation: string, interBrokerAddress = '', kafkaAddress = ''): Promise<number> {
    return this.exclusive(async () => {
      this.requireLeader();
      const existing = this.image.brokers[id];
      if (existing && existing.incarnation === incarnation) return existing.epoch;
      const record: Extract<MetadataRecord, { type: 'registerBroker' }> = { type: 'registerBroker', id, host, port, incarnation };
      if (interBrokerAddress !== '') record.interBrokerAddress = interBrokerAddress;
      if (kafkaAddress !== '') record.kafkaAddress = kafkaAddress;
      const epoch = await this.append(record);
      this.liveness.set(id, { epoch, lastSeenMs: this.clock.nowMs(), leaderships: [], storage: HEALTHY_STORAGE });
      return epoch;
    });
  }

  /** Records a heartbeat; false when the epoch is not the broker's latest registration (fenced). */
  heartbeat(id: number, epoch: number, leaderships: PartitionReport[], storage: BrokerStorageReport): boolean {
    this.requireLeader();
    const registered = this.image.brokers[id];
    if (!registered || registered.epoch !== epoch) return false;
    this.liveness.set(id, { epoch, lastSeenMs: this.clock.nowMs(), leaderships, storage });
    this.completeReassignments(leaderships);
    return true;
  }

  /**
   * A partition's leader reports its committed Raft configuration: once its voters are the target
   * and no learner is left, the move is complete and the target becomes the replica list (brokers that
   * hold a replica no more then drop theirs).
   */
  private completeReassignments(reports: readonly PartitionReport[]): void {
    for (const report of reports) {
      const key = reassignmentKey(report.topic, report.partition);
      const move = this.image.reassignments?.[key];
      if (move === undefined || move.topicId !== report.topicId || this.completing.has(key)) continue;
      const done = report.learners.length === 0 && report.voters.length === move.target.length && move.target.every((id) => report.voters.includes(id));
      if (!done) continue;
      this.completing.add(key);
      void this.exclusive(async () => {
        this.requireLeader();
        if (this.image.reassignments?.[key] !== move) return;
        await this.append({ type: 'completeReassignment', name: move.topic, partition: move.partition, replicas: move.target });
      })
        .catch(() => undefined) // a later heartbeat tries again
        .finally(() => this.completing.delete(key));
    }
  }

  /** Each live broker's storage as its last heartbeat reported it. */
  brokerStorage(): Map<number, BrokerStorageReport> {
    const alive = this.aliveBrokers();
    return new Map(alive.map((id) => [id, this.liveness.get(id)?.storage ?? HEALTHY_STORAGE]));
  }

  /** Brokers with a fresh heartbeat from their current registration. */
  aliveBrokers(): number[] {
    const now = this.clock.nowMs();
    return Object.values(this.image.brokers)
      .filter((broker) => {
        const seen = this.liveness.get(broker.id);
        return seen !== undefined && seen.epoch === broker.epoch && now - seen.lastSeenMs <= this.options.sessionTimeoutMs;
      })
      .map((broker) => broker.id)
      .sort((a, b) => a - b);
  }

  /**
   * Live brokers, waiting (at most one session timeout after becoming leader) until at least
   * `wanted` have heartbeated: a new controller knows nobody's liveness until they heartbeat it.
   */
  private async liveBrokersAtLeast(wanted: number): Promise<number[]> {
    for (;;) {
      const alive = this.aliveBrokers();
      const since = this.leaderSinceMs ?? 0;
      if (alive.length >= wanted || this.clock.nowMs() - since > this.options.sessionTimeoutMs) return alive;
      await sleep(this.clock, LIVENESS_POLL_MS);
    }
  }

  /** Per partition, the report of the live broker leading it at the highest term. */
  leaders(): PartitionLeaderReport[] {
    const alive = new Set(this.aliveBrokers());
    const best = new Map<string, PartitionLeaderReport>();
    for (const [brokerId, seen] of this.liveness) {
      if (!alive.has(brokerId)) continue;
      for (const report of seen.leaderships) {
        const key = leaderKey(report.topic, report.partition, report.topicId);
        const current = best.get(key);
        if (!current || report.term > current.term) best.set(key, { ...report, leader: brokerId });
      }
    }
    return [...best.values()];
  }

  async createTopic(spec: CreateTopicSpec): Promise<number> {
    return this.exclusive(async () => {
      this.requireLeader();
      validateTopicName(spec.name);
      if (!Number.isInteger(spec.partitions) || spec.partitions < 1 || spec.partitions > PARTITIONS_MAX) {
        throw new SluiceError('INVALID_CONFIG', `partitions must be between 1 and ${PARTITIONS_MAX}, got ${spec.partitions}`);
      }
      if (!Number.isInteger(spec.replicationFactor) || spec.replicationFactor < 1) {
        throw new SluiceError('INVALID_CONFIG', `replication factor must be >= 1, got ${spec.replicationFactor}`);
      }
      const config = applyTopicConfig(TOPIC_CONFIG_DEFAULTS, spec.configs);
      if (this.image.topics[spec.name]) throw new SluiceError('TOPIC_EXISTS', `topic "${spec.name}" already exists`);
      const decommissioned = this.image.decommissioned ?? [];
      const alive = (await this.liveBrokersAtLeast(spec.replicationFactor)).filter((id) => !decommissioned.includes(id));
      if (spec.replicationFactor > alive.length) {
        throw new SluiceError('INVALID_CONFIG', `replication factor ${spec.replicationFactor} is larger than the ${alive.length} available broker(s)`);
      }
      const replicas = assignReplicas(alive, spec.partitions, spec.replicationFactor, Math.floor(this.random() * alive.length));
      checkPartitionLimits(this.image, replicas, this.options.partitionLimits ?? LIMIT_DEFAULTS);
      const offset = await this.append({ type: 'createTopic', name: spec.name, replicas, config, internal: INTERNAL_TOPICS.has(spec.name) });
      if (this.image.topics[spec.name]?.topicId !== offset) throw new SluiceError('TOPIC_EXISTS', `topic "${spec.name}" already exists`);
      return this.image.version;
    });
  }

  async deleteTopic(name: string): Promise<number> {
    return this.exclusive(async () => {
      this.requireLeader();
      const topic = this.requireTopic(name);
      if (topic.internal) throw new SluiceError('INVALID_TOPIC', `internal topic "${name}" cannot be deleted`);
      await this.append({ type: 'deleteTopic', name });
      return this.image.version;
    });
  }

  async alterTopicConfig(name: string, set: Record<string, string>, reset: readonly string[]): Promise<number> {
    return this.exclusive(async () => {
      this.requireLeader();
      const config: TopicConfig = applyTopicConfig(this.requireTopic(name).config, set, reset);
      await this.append({ type: 'alterTopicConfig', name, config });
      return this.image.version;
    });
  }

  async allocateProducerIds(brokerId: number, count: number): Promise<{ firstId: number; count: number }> {
    return this.exclusive(async () => {
      this.requireLeader();
      const firstId = this.image.nextProducerId;
      const size = Math.max(1, Math.min(count || PRODUCER_ID_BLOCK, PRODUCER_ID_BLOCK));
      await this.append({ type: 'allocateProducerIds', brokerId, firstId, count: size });
      return { firstId, count: size };
    });
  }

  // ------------------------------------------------------------------ users and ACLs

  async upsertScramCredential(user: string, mechanism: ScramMechanism, credential: StoredScramCredential): Promise<number> {
    return this.exclusive(async () => {
      this.requireLeader();
      validateUserName(user);
      validateCredential(mechanism, credential);
      await this.append({ type: 'upsertScramCredential', user, mechanism, credential });
      return this.image.version;
    });
  }

  async deleteUser(user: string): Promise<number> {
    return this.exclusive(async () => {
      this.requireLeader();
      if (this.image.users[user] === undefined) throw new SluiceError('UNKNOWN_USER', `user "${truncated(user)}" does not exist`);
      await this.append({ type: 'deleteUser', user });
      return this.image.version;
    });
  }

  async createAcl(acl: AclBinding): Promise<number> {
    return this.exclusive(async () => {
      this.requireLeader();
      const problem = aclProblem(acl);
      if (problem !== undefined) throw new SluiceError('INVALID_REQUEST', `invalid ACL: ${problem}`);
      if (!this.image.acls.some((existing) => sameAcl(existing, acl))) await this.append({ type: 'createAcl', acl });
      return this.image.version;
    });
  }

  async deleteAcl(acl: AclBinding): Promise<number> {
    return this.exclusive(async () => {
      this.requireLeader();
      if (!this.image.acls.some((existing) => sameAcl(existing, acl))) throw new SluiceError('INVALID_REQUEST', 'no such ACL');
      await this.append({ type: 'deleteAcl', acl });
      return this.image.version;
    });
  }

  // ------------------------------------------------------------------ quotas

  /** Sets `set` and removes `remove` from a principal's quotas (both empty: removes them all). */
  async alterClientQuotas(principal: string, set: Readonly<Record<string, number>>, remove: readonly string[]): Promise<number> {
    return this.exclusive(async () => {
      this.requireLeader();
      validatePrincipalName(principal);
      const quotas = alterQuotas(this.image.clientQuotas[principal], set, remove);
      await this.append({ type: 'alterClientQuotas', principal, quotas });
      return this.image.version;
    });
  }

  // ------------------------------------------------------------------ replica moves

  /** Starts, cancels or plans replica moves (ReassignmentSpec); returns the version holding them and how many partitions moved. */
  async alterReassignments(spec: ReassignmentSpec): Promise<{ metadataVersion: number; movesStarted: number }> {
    return this.exclusive(async () => {
      this.requireLeader();
      const controllerVoters = spec.controllerVoters ?? [];
      const kinds = [spec.moves.length > 0, spec.decommission > 0, spec.recommission > 0, spec.rebalance, controllerVoters.length > 0].filter(Boolean).length;
      if (kinds !== 1) throw new SluiceError('INVALID_REQUEST', 'name exactly one of: moves, a broker to decommission or recommission, rebalance, or controller voters');
      if (controllerVoters.length > 0) {
        this.checkControllerVoters(controllerVoters);
        await this.append({ type: 'moveControllerVoters', target: controllerVoters });
        return { metadataVersion: this.image.version, movesStarted: 0 };
      }
      // A new controller knows nobody's liveness until they heartbeat: wait (at most a session
      // timeout) for every registered broker before planning where replicas go.
      const alive = spec.decommission > 0 || spec.rebalance ? await this.liveBrokersAtLeast(Object.keys(this.image.brokers).length) : [];
      const image = this.image;
      const usable = alive.filter((id) => !(image.decommissioned ?? []).includes(id));
      let moves: PartitionMove[];
      if (spec.decommission > 0) {
        this.requireRegistered(spec.decommission);
        moves = planDecommission(image, spec.decommission, usable);
        if (!(image.decommissioned ?? []).includes(spec.decommission)) await this.append({ type: 'decommissionBroker', id: spec.decommission, decommissioned: true });
      } else if (spec.recommission > 0) {
        this.requireRegistered(spec.recommission);
        // Moves still taking replicas off it go back to where they started.
        moves = activeReassignments(image)
          .filter((r) => image.topics[r.topic]!.replicas[r.partition]!.includes(spec.recommission) && !r.target.includes(spec.recommission))
          .map((r) => ({ name: r.topic, partition: r.partition, target: image.topics[r.topic]!.replicas[r.partition]! }));
        await this.append({ type: 'decommissionBroker', id: spec.recommission, decommissioned: false });
      } else if (spec.rebalance) {
        moves = planRebalance(image, usable, spec.maxMoves > 0 ? spec.maxMoves : REBALANCE_MOVES_DEFAULT);
      } else {
        moves = spec.moves.map((move) => this.requestedMove(move));
      }
      if (moves.length > 0) await this.append({ type: 'reassignPartitions', moves });
      return { metadataVersion: this.image.version, movesStarted: moves.length };
    });
  }

  /** A move as asked, checked; an empty target cancels the partition's move (back to its replicas). */
  private requestedMove(move: PartitionMove): PartitionMove {
    const topic = this.requireTopic(move.name);
    if (move.target.length === 0) {
      validateMove(this.image, { name: move.name, partition: move.partition, target: topic.replicas[move.partition] ?? [] });
      if (this.image.reassignments?.[reassignmentKey(move.name, move.partition)] === undefined) {
        throw new SluiceError('INVALID_REQUEST', `${move.name}/${move.partition} is not moving`);
      }
      return { name: move.name, partition: move.partition, target: topic.replicas[move.partition]! };
    }
    validateMove(this.image, move);
    const moving = this.image.reassignments?.[reassignmentKey(move.name, move.partition)];
    if (moving !== undefined && !sameList(moving.target, move.target)) {
      throw new SluiceError('REASSIGNMENT_IN_PROGRESS', `${move.name}/${move.partition} is moving to [${moving.target.join(', ')}] already: cancel that first`);
    }
    return move;
  }

  /** New controller voters: distinct registered brokers, at most 7, and no controller move under way. */
  private checkControllerVoters(voters: readonly number[]): void {
    if (this.image.controllerMove !== undefined) {
      throw new SluiceError('REASSIGNMENT_IN_PROGRESS', `the controller quorum is moving to [${this.image.controllerMove.target.join(', ')}] already`);
    }
    if (new Set(voters).size !== voters.length || voters.length > CONTROLLER_VOTERS_MAX) {
      throw new SluiceError('INVALID_REQUEST', `controller voters must be 1-${CONTROLLER_VOTERS_MAX} distinct brokers`);
    }
    for (const id of voters) this.requireRegistered(id);
  }

  /**
   * The metadata group's committed configuration is the target: the move is complete (the broker
   * leading the controller calls this; brokers left out then drop their copy of the metadata log).
   */
  async completeControllerMove(voters: number[]): Promise<void> {
    await this.exclusive(async () => {
      this.requireLeader();
      const move = this.image.controllerMove;
      if (move === undefined || !sameList(move.target, voters)) return;
      await this.append({ type: 'completeControllerMove', voters });
    });
  }

  /** This broker no longer holds a copy of the metadata log (a controller move left it out). */
  detach(): void {
    this.replicated = undefined;
    this.noteLeadership(false);
  }

  private requireRegistered(id: number): void {
    if (this.image.brokers[id] === undefined) throw new SluiceError('INVALID_REQUEST', `broker ${id} is not registered`);
  }

  // ------------------------------------------------------------------ joining (docs/CLUSTER.md)

  /**
   * Grows topic `name` to `count` partitions, placed over the live brokers as createTopic places
   * them. Never shrinks: records already keyed to a partition stay there.
   */
  async createPartitions(name: string, count: number): Promise<number> {
    return this.exclusive(async () => {
      this.requireLeader();
      const topic = this.requireTopic(name);
      // __consumer_offsets: a group's coordinator is found by hashing over its partition count.
      if (topic.internal) throw new SluiceError('INVALID_TOPIC', `internal topic "${name}" cannot change its partition count`);
      const current = topic.replicas.length;
      if (!Number.isInteger(count) || count <= current || count > PARTITIONS_MAX) {
        const why = Number.isInteger(count) && count <= current ? 'partitions can only be added, never removed' : `the most is ${PARTITIONS_MAX}`;
        throw new SluiceError('INVALID_CONFIG', `topic "${name}" has ${current} partitions, cannot have ${count}: ${why}`);
      }
      const replicationFactor = topic.replicas[0]?.length ?? 1;
      const decommissioned = this.image.decommissioned ?? [];
      const alive = (await this.liveBrokersAtLeast(replicationFactor)).filter((id) => !decommissioned.includes(id));
      if (replicationFactor > alive.length) {
        throw new SluiceError('INVALID_CONFIG', `topic "${name}" has replication factor ${replicationFactor}, more than the ${alive.length} available broker(s)`);
      }
      const replicas = assignReplicas(alive, count - current, replicationFactor, Math.floor(this.random() * alive.length));
      checkPartitionLimits(this.image, replicas, this.options.partitionLimits ?? LIMIT_DEFAULTS);
      await this.append({ type: 'createPartitions', name, topicId: topic.topicId, from: current, replicas });
      const grown = this.image.topics[name];
      if (grown?.topicId !== topic.topicId || grown.replicas.length !== count) {
        throw new SluiceError('INVALID_CONFIG', `topic "${name}" changed while its partitions were being added; describe it and try again`);
      }
      return this.image.version;
    });
  }

  /**
   * Removes a broker that is gone for good from the metadata. Refused while it is alive, while it
   * is a controller voter, and while any partition lists it as a replica (move those first).
   */
  async unregisterBroker(id: number): Promise<number> {
    return this.exclusive(async () => {
      this.requireLeader();
      if (this.image.brokers[id] === undefined) throw new SluiceError('UNKNOWN_BROKER', `broker ${id} is not registered`);
      if (this.replicated?.voters.includes(id)) {
        throw new SluiceError('BROKER_IN_USE', `broker ${id} is a controller voter (${this.replicated.voters.join(', ')}): replace it in the controller quorum first`);
      }
      // Until a session timeout passed, a new controller has not heard from every live broker.
      await this.liveBrokersAtLeast(Number.POSITIVE_INFINITY);
      if (this.aliveBrokers().includes(id)) {
        throw new SluiceError('BROKER_IN_USE', `broker ${id} is alive (it heartbeats the controller): stop it first; only a broker gone for good is removed`);
      }
      const held = partitionsOnBroker(this.image, id);
      if (held.length > 0) {
        const shown = held.slice(0, PARTITIONS_NAMED_MAX).join(', ') + (held.length > PARTITIONS_NAMED_MAX ? `, ... (${held.length} in all)` : '');
        throw new SluiceError('BROKER_IN_USE', `broker ${id} still holds replicas of ${shown}: move them off it first (reassign or decommission)`);
      }
      await this.append({ type: 'unregisterBroker', id });
      this.liveness.delete(id);
      return this.image.version;
    });
  }

  private requireTopic(name: string) {
    const topic = this.image.topics[name];
    if (!topic) throw new SluiceError('UNKNOWN_TOPIC', `topic "${name}" does not exist`);
    return topic;
  }
}

/** Longest user name (as a group or client id). */
export const USER_NAME_MAX = 255;

function truncated(text: string): string {
  return text.length > 64 ? `${text.slice(0, 64)}…` : text;
}

function validateUserName(user: string): void {
  // `*` is the ACL wildcard and ANONYMOUS the unauthenticated principal: neither may log in.
  if (user.length === 0 || user.length > USER_NAME_MAX || /[\x00-\x1f\x7f]/.test(user) || user === '*' || user === 'ANONYMOUS') {
    throw new SluiceError('INVALID_REQUEST', `user name must be 1-${USER_NAME_MAX} printable characters, not * or ANONYMOUS`);
  }
}

function validateCredential(mechanism: string, credential: StoredScramCredential): void {
  if (!isScramMechanism(mechanism)) throw new SluiceError('INVALID_REQUEST', 'mechanism must be SCRAM-SHA-256 or SCRAM-SHA-512');
  const { iterations } = credential;
  if (!Number.isInteger(iterations) || iterations < SCRAM_ITERATIONS_MIN || iterations > SCRAM_ITERATIONS_MAX) {
    throw new SluiceError('INVALID_REQUEST', `iterations must be between ${SCRAM_ITERATIONS_MIN} and ${SCRAM_ITERATIONS_MAX}`);
  }
  const keyBytes = hashLength(mechanism);
  const salt = Buffer.from(credential.salt, 'base64');
  if (salt.length < 16 || salt.length > 128) throw new SluiceError('INVALID_REQUEST', 'salt must be 16-128 bytes');
  if (Buffer.from(credential.storedKey, 'base64').length !== keyBytes || Buffer.from(credential.serverKey, 'base64').length !== keyBytes) {
    throw new SluiceError('INVALID_REQUEST', `stored and server keys must be ${keyBytes} bytes for ${mechanism}`);
  }
}
