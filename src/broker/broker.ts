/**
 * The broker's core, independent of gRPC: follows the cluster metadata, runs a Raft-replicated
 * Partition for every replica assigned to this broker, and implements the operations the services
 * expose. A single broker is a cluster of one: the same paths, with groups of one voter.
 */
import type { PartitionLimits } from '../controller/partition-limits.js';
import type { AclBinding } from '../security/acl.js';
import type { ScramMechanism, StoredScramCredential } from '../security/scram.js';
import { isControlBatch, validateBatch } from '../protocol/batch.js';
import { clip, SluiceError } from '../protocol/errors.js';
import { topicConfigToStrings, type TopicConfig } from '../config/topic-config.js';
import {
  Controller,
  HEALTHY_STORAGE,
  leaderKey,
  METADATA_GROUP,
  PRODUCER_ID_BLOCK,
  type BrokerStorageReport,
  type CreateTopicSpec,
  type PartitionReport,
  type ReassignmentSpec,
} from '../controller/controller.js';
import { activeReassignments, controllerHosts, hostsOf } from '../controller/reassignment-records.js';
import { nextMoveStep } from './reassignment.js';
import { ControllerLink } from '../controller/link.js';
import { interBrokerAddresses, type MetadataImage, type TopicMetadata } from '../controller/metadata-image.js';
import type { ClientQuotas } from '../controller/quota-records.js';
import { localControllerRpc, type ControllerRpc, type ControllerTransport } from '../controller/rpc.js';
import { ReplicaManager, type GroupOptions } from '../replication/replica-manager.js';
import type { LostOffsets, ReplicatedLog } from '../replication/replicated-log.js';
import type { RaftTransport } from '../replication/transport.js';
import type { RaftLimits, Rng } from '../raft/index.js';
import { sleep, systemClock, type Clock, type TimerHandle } from '../runtime/clock.js';
import { StorageFault, storageFault } from '../storage/storage-fault.js';
import type { LogStore } from '../storage/types.js';
import { Partition, type Acks, type FetchResult, type PartitionHooks, type ProduceResult, type ProduceTiming } from './partition.js';
import { logger } from '../observability/log.js';

const log = logger('broker');

export interface BrokerIdentity {
  brokerId: number;
  advertisedHost: string;
  port: number;
  /** The inter-broker listener `host:port` it registers, for peers not configured with it (default: none registered). */
  interBrokerAddress?: string;
}

export interface ClusterSettings {
  /**
   * The configured inter-broker `host:port`s (cluster.brokers, controller.quorum.voters; this broker
   * included). Brokers not configured here are learnt from their registrations (`onPeerAddresses`).
   */
  addresses: ReadonlyMap<number, string>;
  controllerVoters: readonly number[];
  tickMs: number;
  raftLimits: Partial<RaftLimits>;
  heartbeatIntervalMs: number;
  sessionTimeoutMs: number;
  requestTimeoutMs: number;
  leaderBalanceIntervalMs: number;
  /** max.partitions and max.partitions.per.broker, which the controller checks (default: LIMIT_DEFAULTS). */
  partitionLimits?: PartitionLimits;
  /** Bytes per second a partition leader sends each new replica catching up during a move (0 or absent: unbounded). */
  reassignmentThrottleBytesPerSec?: number;
}

/**
 * What a broker is built from: everything that does I/O or keeps time is passed in, so the same
 * broker runs in a process (LevelDB, gRPC, Node's clock: server.ts) and in a simulation (memory
 * store, in-memory transports, a virtual clock: test/sim-cluster/).
 */
export interface BrokerOptions {
  identity: BrokerIdentity;
  cluster: ClusterSettings;
  store: LogStore;
  raftTransport: RaftTransport;
  controllerTransport: ControllerTransport;
  /** Every timer and timestamp of the broker's core (default: Node's clock). */
  clock?: Clock;
  /** Seeds election timeouts and replica placement (default: unseeded). */
  random?: Rng;
  /** Identifies this start of the broker to the controller (default: a random UUID). */
  incarnation?: string;
  hooks?: (topic: string, partition: number) => PartitionHooks;
  /**
   * Told every broker's inter-broker address (configured, then registered) whenever the set
   * changes, e.g. to let the Raft transport dial a broker that joined (default: nothing to tell).
   */
  onPeerAddresses?: (addresses: ReadonlyMap<number, string>) => void;
}

export interface PartitionView {
  partition: number;
  leader: number;
  replicas: number[];
  isr: number[];
  logStartOffset: number;
  logEndOffset: number;
  highWatermark: number;
  sizeBytes: number;
  leaderEpoch: number;
}

export interface TopicView {
  name: string;
  replicationFactor: number;
  configs: Record<string, string>;
  partitions: PartitionView[];
  internal: boolean;
}

/** Whether this broker's storage takes writes (StorageHealth), for readiness, metrics and status. */
export interface StorageStatus {
  /** The cause of the last failed write while the store refuses writes; undefined when healthy. */
  fault: StorageFault | undefined;
  /** Replicas (partitions, and the controller's metadata log) stopped by it, waiting to reopen. */
  failedReplicas: number;
}

/** A partition moving to a new replica set (Admin ListReassignments). */
export interface ReassignmentView {
  topic: string;
  partition: number;
  replicas: number[];
  target: number[];
  /** Its Raft configuration as its leader reports it (empty when no leader reported yet). */
  voters: number[];
  learners: number[];
}

export interface BrokerView extends BrokerStorageReport {
  id: number;
  host: string;
  port: number;
  alive: boolean;
  epoch: number;
}

/** How often a partition leader checks whether its move can take its next membership step. */
const MOVE_STEP_INTERVAL_MS = 100;
/** How often createTopic and a stopping broker re-check where leadership stands. */
const LEADER_POLL_MS = 20;
/** How often a broker whose storage refused a write checks whether it takes writes again. */
export const STORAGE_PROBE_INTERVAL_MS = 1_000;
/** The key, among failed replicas, of applying metadata that a storage fault interrupted. */
const RECONCILE_AFTER_FAULT = 'applying metadata';

/** Raft group name of a partition; the topic id keeps a re-created topic apart from the old one. */
export function partitionGroup(topic: TopicMetadata, partition: number): string {
  return leaderKey(topic.name, partition, topic.topicId);
}

export class Broker {
  private readonly partitions = new Map<string, Partition>();
  private waitingStopped = false;
  private reconciling: Promise<void> = Promise.resolve();
  /** Logs of partitions deleted or moved away while this broker was down: dropped once per start. */
  private strayLogsDropped = false;
  /** The version of the last image whose replicas are open here (see `ready`). */
  private reconciledVersion = -1;
  private imageWaiters: Array<{ version: number; resolve(): void }> = [];
  private balanceTimer: TimerHandle | undefined;
  private moveTimer: TimerHandle | undefined;
  /** Replicas whose storage failed, by group, each reopened by `probeStorage` once writes are taken. */
  private readonly failedReplicas = new Map<string, () => Promise<void>>();
  private storageFaultNow: StorageFault | undefined;
  private storageProbe: TimerHandle | undefined;
  private probing = false;
  /** Entries the controller applied: a reopened metadata log replays from its start. */
  private metadataApplied = 0;
  /** The Kafka listener's advertised `host:port` it registers ('': none), set before start(). */
  private kafkaAddress = '';
  /** Every timer and timestamp of the broker's core, and of the group coordinator it hosts. */
  readonly clock: Clock;
  readonly identity: BrokerIdentity;
  readonly store: LogStore;
  private readonly cluster: ClusterSettings;
  private readonly hooks: (topic: string, partition: number) => PartitionHooks;
  private readonly onPeerAddresses: ((addresses: ReadonlyMap<number, string>) => void) | undefined;
  /** The peer addresses last told to onPeerAddresses, as `id@address` joined. */
  private peerAddressesTold = '';
  /** Unused producer ids of this broker's current block, [next, end). */
  private producerIds: Promise<{ next: number; end: number }> = Promise.resolve({ next: 0, end: 0 });
  readonly controller: Controller;
  readonly replicas: ReplicaManager;
  readonly link: ControllerLink;
  /** The controller service this broker answers other brokers with (NOT_COORDINATOR unless it leads). */
  readonly controllerService: ControllerRpc;

  private constructor(options: BrokerOptions) {
    const { identity, cluster, store, random } = options;
    this.identity = identity;
    this.store = store;
    this.cluster = cluster;
    this.hooks = options.hooks ?? (() => ({}));
    this.onPeerAddresses = options.onPeerAddresses;
    const clock = (this.clock = options.clock ?? systemClock);
    const selfId = identity.brokerId;
    this.controller = new Controller({ selfId, sessionTimeoutMs: cluster.sessionTimeoutMs, clock, random, partitionLimits: cluster.partitionLimits });
    this.replicas = new ReplicaManager({
      selfId,
      store,
      transport: options.raftTransport,
      tickMs: cluster.tickMs,
      limits: cluster.raftLimits,
      clock,
      seed: random === undefined ? undefined : Math.floor(random() * 2 ** 32),
      learnerBytesPerSec: cluster.reassignmentThrottleBytesPerSec,
    });
    this.controllerService = localControllerRpc(this.controller);
    this.link = new ControllerLink({
      selfId,
      host: identity.advertisedHost,
      port: identity.port,
      interBrokerAddress: identity.interBrokerAddress,
      kafkaAddress: () => this.kafkaAddress,
      controller: this.controller,
      voters: cluster.controllerVoters,
      transport: options.controllerTransport,
      clock,
      incarnation: options.incarnation,
      heartbeatIntervalMs: cluster.heartbeatIntervalMs,
      requestTimeoutMs: cluster.requestTimeoutMs,
      viewTtlMs: cluster.sessionTimeoutMs,
      leaderships: () => this.leaderships(),
      storage: () => this.storageReport(),
      // The image may have passed the registration before the registration returned.
      onRegistered: () => this.scheduleReconcile(this.controller.metadata),
    });
  }

  static async open(options: BrokerOptions): Promise<Broker> {
    const { identity, cluster } = options;
    const broker = new Broker(options);
    broker.controller.onImage((image) => broker.onImage(image));
    // A static voter, or a broker a controller move added (its copy of the metadata log is stored).
    const member = cluster.controllerVoters.includes(identity.brokerId) || (await broker.replicas.isStored(METADATA_GROUP));
    if (member) broker.controller.attach(await broker.openMetadata((options) => broker.replicas.open(METADATA_GROUP, options)));
    return broker;
  }

  /**
   * Follows controller moves (docs/CLUSTER.md "Replacing a controller broker"): a broker the move
   * adds opens the metadata log as a learner (its controller then applies the records past the
   * image it adopted from heartbeats); one the completed move left out drops its copy and goes
   * back to receiving images by heartbeat.
   */
  private async followControllerMove(image: MetadataImage): Promise<void> {
    const self = this.identity.brokerId;
    const hosts = controllerHosts(image, this.cluster.controllerVoters);
    const open = this.replicas.get(METADATA_GROUP);
    if (hosts.includes(self) && open === undefined) {
      this.controller.attach(await this.openMetadata((options) => this.replicas.open(METADATA_GROUP, options)));
    } else if (!hosts.includes(self) && open !== undefined && image.controllerMove === undefined) {
      this.controller.detach();
      await this.replicas.drop(METADATA_GROUP);
      this.metadataApplied = 0;
    }
  }

  /** Opens (or reopens) this controller voter's replica of the metadata log. */
  private openMetadata(open: (options: GroupOptions) => Promise<ReplicatedLog>): Promise<ReplicatedLog> {
    const self = this.identity.brokerId;
    return open({
      voters: this.cluster.controllerVoters,
      // Not a static voter: it joins the metadata group a controller move takes it into, as a learner.
      learners: this.cluster.controllerVoters.includes(self) ? [] : [self],
      apply: (entries) => {
        const fresh = entries.filter((entry) => entry.index > this.metadataApplied);
        if (fresh.length === 0) return;
        this.metadataApplied = fresh[fresh.length - 1]!.index;
        this.controller.applyEntries(fresh);
      },
      onLeaderChange: () => this.controller.noteLeadership(this.controller.isLeader),
      onStorageFailure: (err) =>
        this.storageFailed(METADATA_GROUP, err, async () => {
          this.controller.attach(await this.openMetadata((options) => this.replicas.reopen(METADATA_GROUP, options)));
        }),
    });
  }

  /**
   * A replica stopped because its storage refused a write: the broker checks every
   * STORAGE_PROBE_INTERVAL_MS whether the store takes writes again (LogStore.resume), then reopens
   * every stopped replica from what is stored, as a restart would, and it rejoins its group.
   */
  private storageFailed(group: string, err: unknown, reopen: () => Promise<void>): void {
    const fault = storageFault(err, `storing ${group}`);
    if (this.storageFaultNow === undefined) log.error({ group, errno: fault.errno }, `storage: ${fault.message}; writes to it are refused until the disk takes writes again`);
    this.storageFaultNow = fault;
    this.failedReplicas.set(group, reopen);
    this.storageProbe ??= this.clock.setInterval(() => void this.probeStorage(), STORAGE_PROBE_INTERVAL_MS);
  }

  private async probeStorage(): Promise<void> {
    if (this.probing) return;
    this.probing = true;
    try {
      await this.store.resume();
      const reopened = [...this.failedReplicas.keys()];
      for (const [group, reopen] of this.failedReplicas) {
        await reopen();
        this.failedReplicas.delete(group);
      }
      this.storageFaultNow = undefined;
      this.clock.clearTimer(this.storageProbe);
      this.storageProbe = undefined;
      log.info({ reopened }, `storage: takes writes again; reopened ${reopened.length} replica(s) from what is stored: ${reopened.join(', ')}`);
    } catch (err) {
      // Still failing (or failing otherwise): the next probe tries again.
      this.storageFaultNow = storageFault(err, 'resuming writes');
    } finally {
      this.probing = false;
    }
  }

  /** Whether this broker's storage takes writes, and how many replicas wait for it. */
  storageStatus(): StorageStatus {
    return { fault: this.storageFaultNow, failedReplicas: this.failedReplicas.size };
  }

  /** The storage fault and the replicas repairing or holding damaged offsets, for cluster status. */
  storageReport(): BrokerStorageReport {
    const damagedReplicas = this.allPartitions().flatMap((partition) => {
      const damage = partition.replicated.damage();
      if (!damage.repairing && damage.lost.length === 0) return [];
      return [{ topic: partition.topic, partition: partition.index, repairing: damage.repairing, lost: damage.lost }];
    });
    // The cause without the error code prefix (`STORAGE_ERROR: `) every SluiceError message has.
    const fault = this.storageFaultNow;
    return { storageFault: fault === undefined ? '' : fault.message.slice(fault.code.length + 2), damagedReplicas };
  }

  /** Starts ticking Raft, registering and heartbeating, and balancing leaders. */
  /** Registers the Kafka listener's advertised `host:port` (docs/KAFKA.md); call before start(), once the listener is bound. */
  advertiseKafkaListener(address: string): void {
    if (this.link.registered) throw new Error('the Kafka listener must be advertised before the broker registers');
    this.kafkaAddress = address;
  }

  start(): void {
    this.replicas.start();
    this.link.start();
    this.balanceTimer = this.clock.setInterval(() => this.balanceLeaders(), this.cluster.leaderBalanceIntervalMs);
    this.moveTimer = this.clock.setInterval(() => this.driveMoves(), MOVE_STEP_INTERVAL_MS);
  }

  /**
   * Registered with the controller, holding the metadata up to that registration, and holding open
   * the replicas that metadata places here (a client told "ready" must not hear that this broker
   * holds no replica of a partition it is still opening).
   */
  get ready(): boolean {
    const epoch = this.link.brokerEpoch;
    return this.link.registered && this.controller.metadata.version > epoch && this.reconciledVersion > epoch;
  }

  private requireReady(): void {
    if (!this.ready) {
      throw new SluiceError('BROKER_NOT_AVAILABLE', `broker ${this.identity.brokerId} is starting: waiting for the controller and cluster metadata`);
    }
  }

  private onImage(image: MetadataImage): void {
    for (const waiter of this.imageWaiters.filter((w) => image.version >= w.version)) waiter.resolve();
    this.imageWaiters = this.imageWaiters.filter((w) => image.version < w.version);
    this.tellPeerAddresses(image);
    this.scheduleReconcile(image);
  }

  /** Passes on every broker's inter-broker address when a registration or removal changed them. */
  private tellPeerAddresses(image: MetadataImage): void {
    if (this.onPeerAddresses === undefined) return;
    const addresses = interBrokerAddresses(this.cluster.addresses, image);
    const told = [...addresses].map(([id, address]) => `${id}@${address}`).join(',');
    if (told === this.peerAddressesTold) return;
    this.peerAddressesTold = told;
    this.onPeerAddresses(addresses);
  }

  /** Reconciles one image at a time, in the order they came. */
  private scheduleReconcile(image: MetadataImage): void {
    this.reconciling = this.reconciling
      .then(() => this.reconcile(image))
      .catch((err: unknown) => {
        log.error({ err }, 'applying metadata failed');
        // A write of its own failed (a new log's id): once the disk takes writes again, apply the
        // newest image again, or the replicas it should have opened would stay closed for good.
        if (err instanceof StorageFault) this.storageFailed(RECONCILE_AFTER_FAULT, err, async () => this.scheduleReconcile(this.controller.metadata));
      });
  }

  /** Opens the replicas the image assigns here and drops the ones it no longer has. */
  private async reconcile(image: MetadataImage): Promise<void> {
    const self = this.identity.brokerId;
    await this.followControllerMove(image);
    const wanted = new Set<string>();
    for (const topic of Object.values(image.topics)) {
      for (const [index, replicas] of topic.replicas.entries()) {
        // A partition that moves is hosted by its replicas and by the brokers it moves to.
        if (!hostsOf(image, topic.name, index).includes(self)) continue;
        const group = partitionGroup(topic, index);
        wanted.add(group);
        if (this.partitions.has(group)) continue;
        const partition = await this.openPartition(topic, index, replicas, group);
        this.partitions.set(group, partition);
      }
    }
    for (const [group, partition] of this.partitions) {
      if (wanted.has(group)) continue;
      this.partitions.delete(group);
      await partition.drop();
    }
    this.reconciledVersion = image.version;
    // Only an image past this broker's registration holds every topic that exists now; an older one
    // (a controller voter replaying its metadata log) may lack topics whose logs are stored here.
    if (!this.strayLogsDropped && this.link.registered && image.version > this.link.brokerEpoch) {
      this.strayLogsDropped = true;
      const dropped = await this.replicas.dropStray((group) => group === METADATA_GROUP || wanted.has(group));
      if (dropped.length > 0) log.info({ dropped }, `dropped the logs of ${dropped.length} partition(s) no longer placed on this broker: ${dropped.join(', ')}`);
    }
  }

  private openPartition(topic: TopicMetadata, index: number, replicas: number[], group: string): Promise<Partition> {
    const name = topic.name;
    return Partition.open(this.replicas, {
      topic: name,
      topicId: topic.topicId,
      index,
      group,
      replicas,
      // Not among the replicas: it joins the group a move takes it into, as a learner.
      learners: replicas.includes(this.identity.brokerId) ? [] : [this.identity.brokerId],
      config: () => this.topicConfig(name),
      addressOf: (brokerId) => this.clientAddressOf(brokerId),
      waitingStopped: () => this.waitingStopped,
      hooks: this.hooks(name, index),
      clock: this.clock,
      onStorageFailure: (partition) => {
        const fault = partition.storageFault;
        this.storageFailed(group, fault, () => partition.reopen());
      },
    });
  }

  /** The topic's effective configuration, or UNKNOWN_TOPIC. */
  topicConfig(name: string): Readonly<TopicConfig> {
    const topic = this.controller.metadata.topics[name];
    if (!topic) throw new SluiceError('UNKNOWN_TOPIC', `topic "${clip(name)}" does not exist`);
    return topic.config;
  }

  private requireTopic(name: string): TopicMetadata {
    this.requireReady();
    const topic = this.controller.metadata.topics[name];
    if (topic) return topic;
    // Cut off from the controller, this broker may have missed the topic's creation: it cannot say
    // the topic does not exist, and the client asks another broker.
    if (!this.link.hasFreshView) {
      throw new SluiceError('BROKER_NOT_AVAILABLE', `broker ${this.identity.brokerId} has not heard from the controller lately: its metadata may be stale`);
    }
    throw new SluiceError('UNKNOWN_TOPIC', `topic "${clip(name)}" does not exist`);
  }

  /** The local replica, or UNKNOWN_TOPIC / UNKNOWN_PARTITION / NOT_LEADER (with the leader's address). */
  partition(name: string, index: number): Partition {
    const topic = this.requireTopic(name);
    if (!Number.isInteger(index) || index < 0 || index >= topic.replicas.length) {
      throw new SluiceError('UNKNOWN_PARTITION', `topic "${clip(name)}" has partitions 0-${topic.replicas.length - 1}, not ${index}`);
    }
    const partition = this.partitions.get(partitionGroup(topic, index));
    if (partition) return partition;
    const leader = this.link.view.leaders.get(leaderKey(name, index, topic.topicId))?.leader ?? -1;
    throw new SluiceError(
      'NOT_LEADER',
      `broker ${this.identity.brokerId} holds no replica of ${clip(name)}/${index}`,
      leader > 0 ? this.clientAddressOf(leader) : undefined,
    );
  }

  allPartitions(): Partition[] {
    return [...this.partitions.values()];
  }

  /**
   * `leaderTerm`: refused unless this broker still leads the partition in that term (the group
   * coordinator's fence). `timing`: filled for the slow-request log.
   */
  produce(topic: string, index: number, batch: Buffer, acks: Acks, timeoutMs: number, leaderTerm?: number, timing?: ProduceTiming): Promise<ProduceResult> {
    const partition = this.partition(topic, index);
    const header = validateBatch(batch);
    if (isControlBatch(header)) throw new SluiceError('CORRUPT_BATCH', 'producers may not send control batches');
    return partition.produce(batch, header, acks, timeoutMs, leaderTerm, timing);
  }

  fetch(topic: string, index: number, offset: number, maxBytes: number, maxWaitMs: number, minBytes: number, signal?: AbortSignal): Promise<FetchResult> {
    const partition = this.partition(topic, index);
    // Not AbortSignal.any with a broker-wide signal: each call would leave a WeakRef on the
    // long-lived signals (the broker's, a request stream's) until a GC cleans it up.
    return partition.fetch({ offset, maxBytes, maxWaitMs, minBytes, signal });
  }

  /** Resolves once this broker's metadata image reached `version`. */
  private waitForVersion(version: number): Promise<void> {
    if (this.controller.metadata.version >= version) return Promise.resolve();
    return new Promise((resolve) => this.imageWaiters.push({ version, resolve }));
  }

  async createTopic(spec: CreateTopicSpec): Promise<TopicView> {
    this.requireReady();
    await this.waitForVersion(await this.link.forwardCreateTopic(spec));
    return this.describeOnceLed(spec.name);
  }

  /**
   * The topic's view once every partition has a leader (bounded), so a new topic or partition is
   * usable when the admin call returns, as users of Kafka's admin client expect; clients still
   * retry NOT_LEADER if it moves.
   */
  private async describeOnceLed(name: string): Promise<TopicView> {
    const deadline = this.clock.nowMs() + this.cluster.requestTimeoutMs;
    for (;;) {
      const view = this.describeTopic(name);
      if (view.partitions.every((p) => p.leader > 0) || this.clock.nowMs() > deadline) return view;
      await sleep(this.clock, LEADER_POLL_MS);
    }
  }

  /** Grows a topic to `count` partitions through the controller (never fewer: INVALID_CONFIG). */
  async createPartitions(name: string, count: number): Promise<TopicView> {
    this.requireTopic(name);
    await this.waitForVersion(await this.link.forwardCreatePartitions(name, count));
    return this.describeOnceLed(name);
  }

  /** Removes a broker gone for good from the metadata (refused while alive, a voter, or holding replicas). */
  async unregisterBroker(brokerId: number): Promise<void> {
    this.requireReady();
    await this.waitForVersion(await this.link.forwardUnregisterBroker(brokerId));
  }

  async deleteTopic(name: string): Promise<void> {
    this.requireTopic(name);
    await this.waitForVersion(await this.link.forwardDeleteTopic(name));
  }

  async alterTopicConfig(name: string, set: Record<string, string>, reset: string[]): Promise<TopicView> {
    await this.waitForVersion(await this.link.forwardAlterTopicConfig(name, set, reset));
    return this.describeTopic(name);
  }

  /** Quotas: changes a principal's own quotas through the controller; returns them as this broker now holds them. */
  async alterClientQuotas(principal: string, set: Record<string, number>, remove: string[]): Promise<ClientQuotas> {
    await this.waitForVersion(await this.link.forwardAlterClientQuotas(principal, set, remove));
    return this.controller.metadata.clientQuotas[principal] ?? {};
  }

  /** Users and ACLs: changed through the controller; answered once this broker's image holds the change. */
  async upsertScramCredential(user: string, mechanism: ScramMechanism, credential: StoredScramCredential): Promise<void> {
    await this.waitForVersion(await this.link.forwardUpsertScramCredential(user, mechanism, credential));
  }

  async deleteUser(user: string): Promise<void> {
    await this.waitForVersion(await this.link.forwardDeleteUser(user));
  }

  async createAcl(acl: AclBinding): Promise<void> {
    await this.waitForVersion(await this.link.forwardCreateAcl(acl));
  }

  async deleteAcl(acl: AclBinding): Promise<void> {
    await this.waitForVersion(await this.link.forwardDeleteAcl(acl));
  }

  /** A fresh producer id (epoch 0) from this broker's block, fetching a new block from the controller when used up. */
  initProducerId(): Promise<{ producerId: number; producerEpoch: number }> {
    this.requireReady();
    const next = this.producerIds.then(async (block) => {
      const current = block.next < block.end ? block : await this.newProducerIdBlock();
      return { block: { next: current.next + 1, end: current.end }, id: current.next };
    });
    this.producerIds = next.then((r) => r.block, () => ({ next: 0, end: 0 }));
    return next.then((r) => ({ producerId: r.id, producerEpoch: 0 }));
  }

  private async newProducerIdBlock(): Promise<{ next: number; end: number }> {
    const { firstId, count } = await this.link.forwardAllocateProducerIds(PRODUCER_ID_BLOCK);
    return { next: firstId, end: firstId + count };
  }

  /**
   * What this broker leads, for the controller. A partition's configuration is reported only once
   * committed (empty while a step is pending): the controller completes a move from it, and an
   * uncommitted last step could still be lost with this leader, leaving a voter that already
   * dropped its copy.
   */
  private leaderships(): PartitionReport[] {
    return this.allPartitions()
      .filter((p) => p.isLeader)
      .map((p) => ({
        topic: p.topic,
        partition: p.index,
        topicId: p.topicId,
        term: p.replicated.term,
        isr: p.replicated.inSyncReplicas(),
        highWatermark: p.hw,
        logEndOffset: p.log.logEndOffset(),
        logStartOffset: p.log.logStartOffset(),
        voters: p.replicated.confSettled ? [...p.replicated.voters] : [],
        learners: p.replicated.confSettled ? [...p.replicated.learners] : [],
      }));
  }

  private partitionView(topic: TopicMetadata, index: number): PartitionView {
    const replicas = topic.replicas[index]!;
    const local = this.partitions.get(partitionGroup(topic, index));
    if (local?.isLeader) {
      return {
        partition: index,
        leader: this.identity.brokerId,
        replicas,
        isr: local.replicated.inSyncReplicas(),
        logStartOffset: local.log.logStartOffset(),
        logEndOffset: local.log.logEndOffset(),
        highWatermark: local.hw,
        sizeBytes: local.log.sizeBytes(),
        leaderEpoch: local.replicated.term,
      };
    }
    const reported = this.link.view.leaders.get(leaderKey(topic.name, index, topic.topicId));
    // A replica whose storage failed has stopped its group: its view of the leader is frozen.
    const localLeader = local?.storageFault === undefined ? local?.replicated.leaderId : undefined;
    const leader = localLeader || reported?.leader || -1;
    return {
      partition: index,
      leader,
      replicas,
      // Until the leader's report reaches this broker through the controller (a heartbeat or two
      // after the partition elects), all it knows is in sync is the leader itself.
      isr: reported !== undefined && reported.isr.length > 0 ? reported.isr : leader > 0 ? [leader] : [],
      logStartOffset: reported?.logStartOffset ?? local?.log.logStartOffset() ?? 0,
      logEndOffset: reported?.logEndOffset ?? local?.log.logEndOffset() ?? 0,
      highWatermark: reported?.highWatermark ?? local?.hw ?? 0,
      sizeBytes: local?.log.sizeBytes() ?? 0,
      leaderEpoch: local?.replicated.term ?? 0,
    };
  }

  describeTopic(name: string): TopicView {
    const topic = this.requireTopic(name);
    return {
      name,
      replicationFactor: topic.replicas[0]?.length ?? 0,
      configs: topicConfigToStrings(topic.config),
      partitions: topic.replicas.map((_, index) => this.partitionView(topic, index)),
      internal: topic.internal,
    };
  }

  listTopics(): TopicView[] {
    this.requireReady();
    return Object.keys(this.controller.metadata.topics)
      .sort()
      .map((name) => this.describeTopic(name));
  }

  /** Where clients reach broker `id`: the client address it registered with the controller. */
  private clientAddressOf(id: number): string | undefined {
    if (id === this.identity.brokerId) return `${this.identity.advertisedHost}:${this.identity.port}`;
    const registered = this.controller.metadata.brokers[id];
    return registered === undefined ? undefined : `${registered.host}:${registered.port}`;
  }

  brokers(): BrokerView[] {
    const self = this.identity.brokerId;
    const alive = new Set(this.controller.isLeader ? this.controller.aliveBrokers() : this.link.view.aliveBrokers);
    alive.add(self);
    const storage = new Map(this.controller.isLeader ? this.controller.brokerStorage() : this.link.view.storage);
    // This broker knows its own storage now; the others' as of their last heartbeat.
    storage.set(self, this.storageReport());
    // Configured brokers (registered or not yet) and every registered one, joined or configured.
    const ids = new Set([...this.cluster.addresses.keys(), ...Object.keys(this.controller.metadata.brokers).map(Number)]);
    return [...ids].sort((a, b) => a - b).map((id) => {
      const registered = this.controller.metadata.brokers[id];
      // Until a broker registers, only its inter-broker host is known: no client port to show.
      const [host] = (this.cluster.addresses.get(id) ?? ':0').split(':');
      return {
        id,
        host: registered?.host ?? host!,
        port: registered?.port ?? 0,
        alive: alive.has(id) && registered !== undefined,
        epoch: registered?.epoch ?? -1,
        ...(storage.get(id) ?? HEALTHY_STORAGE),
      };
    });
  }

  /** Skips the damaged offsets of a single copy this broker leads (ReplicatedLog.skipDamaged). */
  skipDamaged(topic: string, index: number): Promise<LostOffsets[]> {
    return this.partition(topic, index).skipDamaged();
  }

  controllerId(): number {
    return this.controller.leaderId || this.link.view.controller || -1;
  }

  /** Moves leadership back to preferred replicas (the first of each replica list) once they are in sync. */
  private balanceLeaders(): void {
    const self = this.identity.brokerId;
    const alive = new Set(this.link.view.aliveBrokers);
    const topics = this.controller.metadata.topics;
    for (const partition of this.allPartitions()) {
      if (!partition.isLeader) continue;
      const preferred = topics[partition.topic]?.replicas[partition.index]?.[0];
      if (preferred === undefined || !partition.replicated.voters.includes(preferred)) continue;
      if (preferred === self || !alive.has(preferred)) continue;
      if (partition.replicated.canTakeOverNow(preferred)) partition.replicated.transferLeadership(preferred);
    }
  }

  /**
   * Before a graceful stop: asks every group this broker leads (partitions and the controller) to
   * transfer leadership to an in-sync follower, and waits until none is led here or `timeoutMs`
   * passes, so clients move on within a round trip instead of an election timeout.
   */
  async handOffLeadership(timeoutMs: number): Promise<void> {
    const self = this.identity.brokerId;
    const led = () => this.replicas.all().filter((group) => group.isLeader && group.voters.length > 1);
    for (const group of led()) {
      const target = group.inSyncReplicas().find((id) => id !== self);
      if (target !== undefined) group.transferLeadership(target);
    }
    const deadline = this.clock.nowMs() + timeoutMs;
    while (led().some((group) => group.inSyncReplicas().some((id) => id !== self)) && this.clock.nowMs() < deadline) {
      await sleep(this.clock, LEADER_POLL_MS);
    }
  }

  /**
   * Each partition led here that moves (its metadata names a target): one membership step toward
   * the target when the last one is committed (reassignment.ts). The controller completes the move
   * from the configuration this broker reports in its heartbeats.
   */
  private driveMoves(): void {
    const image = this.controller.metadata;
    this.driveControllerMove(image);
    if (image.reassignments === undefined) return;
    for (const move of activeReassignments(image)) {
      const topic = image.topics[move.topic]!;
      const partition = this.partitions.get(partitionGroup(topic, move.partition));
      if (partition === undefined || !partition.isLeader) continue;
      const replicated = partition.replicated;
      const step = nextMoveStep({
        self: this.identity.brokerId,
        conf: replicated.confState(),
        target: move.target,
        match: replicated.matchIndexes(),
        commitIndex: replicated.commitIndex,
        settled: replicated.confSettled,
        canTakeOver: (id) => replicated.canTakeOverNow(id),
      });
      if (step.kind === 'change') replicated.proposeConfChange(step.change);
      else if (step.kind === 'transfer') replicated.transferLeadership(step.to);
    }
  }

  /** The controller leader steps the metadata group toward a controller move's target, and completes it. */
  private driveControllerMove(image: MetadataImage): void {
    const move = image.controllerMove;
    const metadata = this.replicas.get(METADATA_GROUP);
    if (move === undefined || metadata === undefined || !this.controller.isLeader) return;
    const step = nextMoveStep({
      self: this.identity.brokerId,
      conf: metadata.confState(),
      target: move.target,
      match: metadata.matchIndexes(),
      commitIndex: metadata.commitIndex,
      settled: metadata.confSettled,
      canTakeOver: (id) => metadata.canTakeOverNow(id),
    });
    if (step.kind === 'change') metadata.proposeConfChange(step.change);
    else if (step.kind === 'transfer') metadata.transferLeadership(step.to);
    else if (step.kind === 'done' && metadata.confSettled) void this.controller.completeControllerMove(move.target).catch(() => undefined);
  }

  /** Moves under way in the cluster, and those among them this broker leads (metrics). */
  reassignmentCounts(): { cluster: number; led: number } {
    const image = this.controller.metadata;
    const moves = activeReassignments(image);
    const led = moves.filter((move) => this.partitions.get(partitionGroup(image.topics[move.topic]!, move.partition))?.isLeader === true).length;
    return { cluster: moves.length, led };
  }

  /** Moves under way, with each partition's Raft configuration as its leader reports it. */
  reassignments(): ReassignmentView[] {
    const image = this.controller.metadata;
    return activeReassignments(image).map((move) => {
      const topic = image.topics[move.topic]!;
      const local = this.partitions.get(partitionGroup(topic, move.partition));
      const reported = this.link.view.leaders.get(leaderKey(move.topic, move.partition, topic.topicId));
      const conf = local?.isLeader ? local.replicated.confState() : { voters: reported?.voters ?? [], learners: reported?.learners ?? [] };
      return { topic: move.topic, partition: move.partition, replicas: topic.replicas[move.partition]!, target: move.target, voters: conf.voters, learners: conf.learners };
    });
  }

  /** Replica moves, decommission, rebalance, controller moves, through the controller; answered once this broker's image holds them. */
  async alterReassignments(spec: ReassignmentSpec): Promise<{ movesStarted: number }> {
    this.requireReady();
    const { metadataVersion, movesStarted } = await this.link.forwardAlterReassignments(spec);
    await this.waitForVersion(metadataVersion);
    return { movesStarted };
  }

  /** What moves now (Admin ListReassignments): partitions, decommissioned brokers, the controller quorum. */
  moves(): { reassignments: ReassignmentView[]; decommissioned: number[]; metadataVersion: number; controllerVoters: number[]; controllerTarget: number[] } {
    const image = this.controller.metadata;
    return {
      reassignments: this.reassignments(),
      decommissioned: image.decommissioned ?? [],
      metadataVersion: image.version,
      controllerVoters: [...(image.controllerVoters ?? this.cluster.controllerVoters)],
      controllerTarget: image.controllerMove?.target ?? [],
    };
  }

  /** Wakes long-polls so in-flight fetches answer now; later fetches answer without waiting. */
  stopWaiting(): void {
    this.waitingStopped = true;
    for (const partition of this.allPartitions()) partition.wakeFetchers();
  }

  async close(): Promise<void> {
    this.clock.clearTimer(this.balanceTimer);
    this.clock.clearTimer(this.moveTimer);
    this.clock.clearTimer(this.storageProbe);
    this.stopWaiting();
    this.link.close();
    await this.reconciling;
    await this.replicas.close();
    await this.store.close();
  }
}
