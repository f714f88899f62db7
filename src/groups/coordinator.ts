/**
 * The group coordinator of one broker: the groups whose __consumer_offsets partition this broker
 * leads. It drives each group's membership state machine (membership.ts) with the host's clock,
 * keeps committed offsets, attempt counts and membership in __consumer_offsets
 * (offset-partition.ts), and turns member failures into durable attempt counts.
 *
 * Membership survives a coordinator change: every answer (heartbeat, commit) is sent only once the
 * membership changes it rests on are durable, and a coordinator that takes a partition over
 * restores its groups from the records, giving every member a full session from then on. Members
 * keep their ids, epochs and partitions; only those that stay silent are fenced.
 *
 * Attempt counts: *
 * A member that dies (session timeout), hangs (max poll interval) or restarts without leaving
 * (static membership) may have been killed by the record it was handling. The group resumes at the
 * committed offset, so each such failure adds one attempt to the record at the committed offset of
 * every partition the member owned (when that record exists). Consumers see the count in
 * FetchOffsets, handle that record carefully (commit before each next record), and dead-letter it
 * once it reaches maxAttempts instead of handing it to a handler that keeps crashing. A session
 * timeout's charge is taken back when the member rejoins under its id (session-charges.ts).
 */
import { decodeBatch, splitBatches } from '../protocol/batch.js';
import { clip, SluiceError } from '../protocol/errors.js';
import { groupPartition, OFFSETS_TOPIC } from './constants.js';
import type { Clock, TimerHandle } from '../runtime/clock.js';
import type { GroupsHost, PartitionReader } from './host.js';
import { GroupMembership, JOIN_EPOCH, type GroupState, type HeartbeatInput, type HeartbeatOutput, type MemberFailure, type MemberView } from './membership.js';
import { MemberOwners } from './member-owners.js';
import { OffsetPartition, type OffsetView } from './offset-partition.js';
import { SessionCharges } from './session-charges.js';
import { mergeCommit, type CommittedOffset, type GroupsEntry, type OffsetEntry, type RecordAttempts } from './offset-store.js';
import { parseTpKey, tpKey } from './topic-partition.js';
import { ClassicGroups, type ClassicGroupView } from './classic-groups.js';
import type { ClassicError, ClassicState, JoinInput, JoinResult, SyncResult } from './classic-group.js';
import { assignedPartitions, subscribedTopics } from './consumer-protocol.js';
import { logger } from '../observability/log.js';

const log = logger('groups');

export interface GroupCoordinatorOptions {
  /** Bounds on the session timeout a member asks for, in ms. */
  sessionTimeoutMinMs: number;
  sessionTimeoutMaxMs: number;
  /** Offsets of a group without members expire this long after its last commit (or after it emptied), in ms. */
  offsetsRetentionMs: number;
  /** See OffsetPartitionOptions. */
  cleanAfterRecords?: number;
  /** group.max.size and max.groups (docs/SECURITY.md "Limits"); unbounded when omitted. */
  groupMaxSize?: number;
  maxGroups?: number;
}

export interface OffsetCommit {
  topic: string;
  partition: number;
  offset: number;
  metadata: string;
  attempts: RecordAttempts | undefined;
}

export interface PartitionOffsetView extends CommittedOffset {
  topic: string;
  partition: number;
}

export interface PartitionLagView {
  topic: string;
  partition: number;
  /** -1 when nothing was committed. */
  committedOffset: number;
  logEndOffset: number;
  lag: number;
  /** Age of the oldest unconsumed record, in ms; 0 when lag is 0, -1 when unknown here. */
  lagMs: number;
  /** Member id, or '' when unowned. */
  owner: string;
}

export interface GroupDescription {
  groupId: string;
  /** A classic (Kafka JoinGroup) group with members has Kafka's states. */
  state: GroupState | ClassicState;
  groupEpoch: number;
  members: MemberView[];
  partitions: PartitionLagView[];
}

export interface CoordinatorAddress {
  brokerId: number;
  host: string;
  port: number;
  offsetsPartition: number;
}

/** How often sessions, poll intervals and offset expiry are checked, in ms. */
export const GROUP_TICK_INTERVAL_MS = 100;
/** Heartbeat interval bounds: a third of the session, at most this, in ms. */
const HEARTBEAT_INTERVAL_MAX_MS = 1_000;
/** While partitions move, members heartbeat this often so revocations and assignments flow quickly, in ms. */
const RECONCILING_HEARTBEAT_INTERVAL_MS = 100;
const CLEAN_AFTER_RECORDS_DEFAULT = 10_000;

/** The principal of calls that carry none (as security/principal.ts's ANONYMOUS; groups/ does not import it). */
const ANONYMOUS_PRINCIPAL = 'ANONYMOUS';

export class GroupCoordinator {
  private readonly partitions = new Map<number, OffsetPartition>();
  private readonly groups = new Map<string, GroupMembership>();
  /** Attempts charged for session timeouts, taken back when the member rejoins alive. */
  private readonly sessionCharges = new SessionCharges();
  /** Which principal each member acts for (a member id is not a capability). */
  private readonly memberOwners = new MemberOwners();
  /** When each group without members became empty (or when this coordinator loaded it). */
  private readonly emptySinceMs = new Map<string, number>();
  private readonly clock: Clock;
  private timer: TimerHandle | undefined;
  private ticking: Promise<void> = Promise.resolve();

  private offsetsTopicReady = false;
  private offsetsTopicError = '';
  /** Kafka classic-protocol groups (JoinGroup/SyncGroup), beside the Sluice groups above; see classic-groups.ts. */
  private readonly classic: ClassicGroups;
  private stopping = false;

  private constructor(
    private readonly host: GroupsHost,
    private readonly options: GroupCoordinatorOptions,
  ) {
    this.clock = host.clock;
    this.classic = new ClassicGroups(
      { sessionTimeoutMinMs: options.sessionTimeoutMinMs, sessionTimeoutMaxMs: options.sessionTimeoutMaxMs, maxSize: options.groupMaxSize ?? Infinity },
      () => (options.maxGroups ?? Infinity) - this.groups.size,
      async (groupId, snapshot) => this.offsetsPartition(groupId).write([{ kind: 'classic', group: groupId, value: snapshot }]),
    );
  }

  /** Loads the offsets partitions this broker leads; __consumer_offsets is created by the first ticks. */
  static async open(host: GroupsHost, options: GroupCoordinatorOptions): Promise<GroupCoordinator> {
    const coordinator = new GroupCoordinator(host, options);
    await coordinator.followLeadership();
    return coordinator;
  }

  /** Creates __consumer_offsets once the cluster can (the broker is registered); retried every tick until then. */
  private async ensureOffsetsTopic(): Promise<void> {
    if (this.offsetsTopicReady) return;
    try {
      await this.host.ensureOffsetsTopic();
      this.offsetsTopicReady = true;
    } catch (err) {
      // Retried every tick until it works (e.g. until enough brokers are up): say why once, not 10 times a second.
      const why = err instanceof Error ? err.message : String(err);
      if (!(err instanceof SluiceError && err.retriable) && why !== this.offsetsTopicError) log.warn(`cannot create ${OFFSETS_TOPIC} yet: ${why}`);
      this.offsetsTopicError = why;
    }
  }

  /**
   * Loads the offsets partitions this broker has become leader of and forgets the ones it lost, so
   * a coordinator that takes over after a failover starts from the replicated records.
   */
  private async followLeadership(): Promise<void> {
    const led = new Set(this.host.ledOffsetsPartitions());
    for (const [index, partition] of this.partitions) {
      // Led again in a later term: another coordinator may have written in between, so reload.
      if (led.has(index) && partition.term === OffsetPartition.leaderTerm(this.host, index)) continue;
      log.info({ offsetsPartition: index }, `group coordinator: no longer coordinates ${OFFSETS_TOPIC}/${index} (loaded at term ${partition.term})`);
      this.partitions.delete(index);
      this.classic.drop(this.classic.groupIds().filter((groupId) => groupPartition(groupId) === index));
      for (const groupId of [...this.groups.keys()]) {
        if (groupPartition(groupId) === index) {
          this.groups.delete(groupId);
          this.emptySinceMs.delete(groupId);
        }
      }
    }
    for (const index of led) {
      if (this.partitions.has(index) || !OffsetPartition.caughtUp(this.host, index)) continue;
      const partition = new OffsetPartition(this.host, index, { cleanAfterRecords: this.options.cleanAfterRecords ?? CLEAN_AFTER_RECORDS_DEFAULT });
      await partition.load();
      this.partitions.set(index, partition);
      const loaded = this.host.localPartition(OFFSETS_TOPIC, index);
      log.info({ offsetsPartition: index }, `group coordinator: coordinates ${OFFSETS_TOPIC}/${index} at term ${partition.term}: ${partition.store.groupIds().length} group(s) loaded through offset ${loaded?.highWatermark()}`);
      const loadedAtMs = this.clock.nowMs();
      for (const [groupId, snapshot] of partition.store.memberships()) {
        this.groups.set(groupId, GroupMembership.restore(groupId, (topic) => this.partitionCount(topic), snapshot, loadedAtMs));
      }
      for (const [groupId, snapshot] of partition.store.classicGroups()) this.classic.restore(groupId, snapshot, loadedAtMs);
      for (const groupId of partition.store.groupIds()) {
        if ((this.groups.get(groupId)?.size ?? 0) === 0 && this.classic.size(groupId) === 0) this.emptySinceMs.set(groupId, loadedAtMs);
      }
    }
  }

  start(): void {
    this.timer = this.clock.setInterval(() => {
      this.ticking = this.ticking.then(() => this.tick()).catch((err: unknown) => log.error({ err }, 'group coordinator tick failed'));
    }, GROUP_TICK_INTERVAL_MS);
  }

  async stop(): Promise<void> {
    this.clock.clearTimer(this.timer);
    await this.ticking;
    await Promise.all([...this.partitions.values()].map((partition) => partition.idle()));
  }

  findCoordinator(groupId: string): CoordinatorAddress {
    requireGroupId(groupId);
    const offsetsPartition = groupPartition(groupId);
    const location = this.host.coordinatorOf(offsetsPartition);
    if (!location) throw new SluiceError('NOT_COORDINATOR', `${OFFSETS_TOPIC}/${offsetsPartition} (group ${groupId}) has no known leader yet`);
    return { ...location, offsetsPartition };
  }

  /** `principal`: who sends it; only the principal that joined a member may act as that member. */
  async heartbeat(
    groupId: string,
    input: HeartbeatInput,
    principal = ANONYMOUS_PRINCIPAL,
  ): Promise<HeartbeatOutput & { heartbeatIntervalMs: number; sessionTimeoutMs: number }> {
    this.offsetsPartition(groupId);
    if (this.classic.size(groupId) > 0) {
      throw new SluiceError('GROUP_PROTOCOL_MISMATCH', `group ${clip(groupId)} has Kafka (JoinGroup) members; a Sluice member cannot join it while they are there`);
    }
    this.memberOwners.check(groupId, input, principal);
    const group = this.membership(groupId);
    this.checkGroupSize(group, input);
    const sessionTimeoutMs = Math.min(Math.max(input.sessionTimeoutMs, this.options.sessionTimeoutMinMs), this.options.sessionTimeoutMaxMs);
    if (!(input.maxPollIntervalMs > 0)) throw new SluiceError('INVALID_REQUEST', 'max_poll_interval_ms must be > 0');
    const failures: MemberFailure[] = [];
    try {
      const output = group.heartbeat({ ...input, sessionTimeoutMs }, this.clock.nowMs(), failures);
      this.memberOwners.claim(groupId, input, principal);
      if (group.size > 0) this.emptySinceMs.delete(groupId);
      const baseIntervalMs = Math.min(Math.floor(sessionTimeoutMs / 3), HEARTBEAT_INTERVAL_MAX_MS);
      const heartbeatIntervalMs = group.state() === 'Reconciling' ? Math.min(baseIntervalMs, RECONCILING_HEARTBEAT_INTERVAL_MS) : baseIntervalMs;
      return { ...output, heartbeatIntervalMs, sessionTimeoutMs };
    } finally {
      if (group.size === 0 && !this.emptySinceMs.has(groupId)) this.emptySinceMs.set(groupId, this.clock.nowMs());
      // A member rejoining under its id was cut off, not killed: before it reads its partitions' offsets.
      const withdrawals = (view: OffsetView): OffsetEntry[] => (input.memberEpoch === JOIN_EPOCH ? this.sessionCharges.withdraw(groupId, input.memberId, view) : []);
      // Also when the heartbeat failed: a fenced member's removal must be durable too.
      await this.persist(groupId, group, failures, withdrawals);
    }
  }

  async commit(groupId: string, memberId: string, memberEpoch: number, offsets: readonly OffsetCommit[], principal = ANONYMOUS_PRINCIPAL): Promise<void> {
    this.offsetsPartition(groupId);
    this.memberOwners.check(groupId, { memberId }, principal);
    const group = this.groups.get(groupId);
    if (!group) throw new SluiceError('UNKNOWN_MEMBER', `group ${groupId} has no member ${memberId}; join first`);
    group.checkCommit(memberId, memberEpoch, offsets.map((offset) => tpKey(offset.topic, offset.partition)));
    const nowMs = this.clock.nowMs();
    for (const commit of offsets) requireOffset(commit.offset);
    // Merged with the offset as the writes queued before leave it, not as the store has applied them.
    const entries = (view: OffsetView): OffsetEntry[] =>
      offsets.map((commit) => {
        const next: CommittedOffset = { offset: commit.offset, metadata: commit.metadata, commitTimestampMs: nowMs, attempts: commit.attempts };
        const topicId = this.host.topicId(commit.topic);
        if (topicId !== undefined) next.topicId = topicId;
        const previous = this.current(commit.topic, view(groupId, tpKey(commit.topic, commit.partition)));
        return { kind: 'offset', group: groupId, topic: commit.topic, partition: commit.partition, value: mergeCommit(previous, next) };
      });
    await this.persist(groupId, group, [], entries);
  }

  /** Committed offsets of the group: the given partition keys, or all of them. */
  fetchOffsets(groupId: string, keys?: readonly string[]): PartitionOffsetView[] {
    const store = this.offsetsPartition(groupId).store;
    const wanted = keys && keys.length > 0 ? keys : [...store.list(groupId).keys()].sort();
    return wanted.flatMap((key) => {
      const tp = parseTpKey(key);
      const committed = this.current(tp.topic, store.get(groupId, key));
      return committed ? [{ ...tp, ...committed }] : [];
    });
  }

  /** Overwrites offsets (and clears attempt counts) of a group with no live members. */
  async resetOffsets(groupId: string, offsets: ReadonlyArray<{ topic: string; partition: number; offset: number }>): Promise<void> {
    const partition = this.offsetsPartition(groupId);
    const group = this.groups.get(groupId);
    const live = (group?.size ?? 0) + this.classic.size(groupId);
    if (live > 0) {
      throw new SluiceError('GROUP_NOT_EMPTY', `group ${groupId} has ${live} live member(s); stop them before resetting offsets`);
    }
    // A reset can create a group's offsets without any member joining: bounded by max.groups too.
    if (!group && partition.store.list(groupId).size === 0 && this.offsetGroups().length >= (this.options.maxGroups ?? Infinity)) {
      throw new SluiceError('LIMIT_EXCEEDED', `this broker holds the offsets of ${this.offsetGroups().length} groups, max.groups=${this.options.maxGroups}`);
    }
    for (const offset of offsets) this.checkResetTarget(offset);
    const nowMs = this.clock.nowMs();
    await partition.write(
      offsets.map((offset) => {
        const value: CommittedOffset = { offset: offset.offset, metadata: '', commitTimestampMs: nowMs, attempts: undefined };
        const topicId = this.host.topicId(offset.topic);
        if (topicId !== undefined) value.topicId = topicId;
        return { kind: 'offset' as const, group: groupId, topic: offset.topic, partition: offset.partition, value };
      }),
    );
  }

  listGroups(): Array<{ groupId: string; state: GroupState | ClassicState; members: number; protocolType: string }> {
    const ids = new Set([...this.groups.keys(), ...this.offsetGroups(), ...this.classic.groupIds()]);
    return [...ids].sort().map((groupId) => {
      const classic = this.classic.get(groupId);
      if (classic !== undefined && classic.size > 0) return { groupId, state: classic.state, members: classic.size, protocolType: classic.protocolType ?? '' };
      const group = this.groups.get(groupId);
      return { groupId, state: group?.state() ?? 'Empty', members: group?.size ?? 0, protocolType: '' };
    });
  }

  async describeGroup(groupId: string): Promise<GroupDescription> {
    const store = this.offsetsPartition(groupId).store;
    const classic = this.classicDescription(groupId);
    if (classic !== undefined) return this.describeWith(groupId, classic.state, classic.generationId, classic.members, (key) => classic.owners.get(key) ?? '');
    const group = this.groups.get(groupId);
    if (!group && store.list(groupId).size === 0) throw new SluiceError('UNKNOWN_GROUP', `group ${groupId} does not exist`);
    return this.describeWith(groupId, group?.state() ?? 'Empty', group?.epoch ?? 0, group?.describe() ?? [], (key) => group?.ownerOf(key) ?? '');
  }

  private async describeWith(groupId: string, state: GroupDescription['state'], groupEpoch: number, members: MemberView[], ownerOf: (key: string) => string): Promise<GroupDescription> {
    const store = this.offsetsPartition(groupId).store;
    const keys = new Set(store.list(groupId).keys());
    for (const topic of new Set(members.flatMap((member) => member.subscribedTopics))) {
      const count = this.partitionCount(topic);
      for (let partition = 0; partition < count; partition++) keys.add(tpKey(topic, partition));
    }
    const partitions = await Promise.all(
      [...keys].sort().map(async (key) => {
        const { topic, partition } = parseTpKey(key);
        const committed = this.current(topic, store.get(groupId, key));
        return { topic, partition, ...(await this.lagOf(topic, partition, committed?.offset)), owner: ownerOf(key) };
      }),
    );
    partitions.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
    return { groupId, state, groupEpoch, members, partitions };
  }

  /**
   * A live classic group as `sluice group describe` shows it: members with the topics and
   * partitions their Kafka consumer protocol bytes name (generation as epoch), and who owns what.
   */
  private classicDescription(groupId: string): { state: GroupDescription['state']; generationId: number; members: MemberView[]; owners: Map<string, string> } | undefined {
    const view = this.classic.describe(groupId);
    if (view === undefined || view.members.length === 0) return undefined;
    const owners = new Map<string, string>();
    const members = view.members.map((member): MemberView => {
      const assignment = assignedPartitions(member.assignment);
      for (const key of assignment) owners.set(key, member.memberId);
      return { memberId: member.memberId, instanceId: member.instanceId, clientId: member.clientId, memberEpoch: view.generationId, subscribedTopics: subscribedTopics(member.metadata), assignment };
    });
    return { state: view.state, generationId: view.generationId, members, owners };
  }

  /**
   * Kafka's classic group protocol (JoinGroup, SyncGroup, Heartbeat, LeaveGroup, OffsetCommit of a
   * member): NOT_COORDINATOR unless this broker coordinates the group, GROUP_PROTOCOL_MISMATCH
   * while the id is a Sluice group with members. See classic-group.ts.
   */
  joinGroup(groupId: string, input: JoinInput): Promise<JoinResult> {
    this.offsetsPartition(groupId);
    if (this.stopping) throw new SluiceError('NOT_COORDINATOR', 'this broker is shutting down');
    const sluiceMembers = this.groups.get(groupId)?.size ?? 0;
    if (sluiceMembers > 0) {
      throw new SluiceError('GROUP_PROTOCOL_MISMATCH', `group ${clip(groupId)} has ${sluiceMembers} Sluice member(s); a Kafka member cannot join it while they are there`);
    }
    return this.classic.join(groupId, input, this.clock.nowMs());
  }

  syncGroup(groupId: string, memberId: string, generationId: number, assignments: ReadonlyArray<{ memberId: string; assignment: Buffer }>): Promise<SyncResult> {
    this.offsetsPartition(groupId);
    return this.classic.sync(groupId, memberId, generationId, assignments, this.clock.nowMs());
  }

  heartbeatClassic(groupId: string, memberId: string, generationId: number): ClassicError {
    this.offsetsPartition(groupId);
    return this.classic.heartbeat(groupId, memberId, generationId, this.clock.nowMs());
  }

  leaveGroup(groupId: string, memberId: string): ClassicError {
    this.offsetsPartition(groupId);
    return this.classic.leave(groupId, memberId, this.clock.nowMs());
  }

  describeClassic(groupId: string): ClassicGroupView | undefined {
    this.offsetsPartition(groupId);
    return this.classic.describe(groupId);
  }

  /**
   * A Kafka OffsetCommit: from a member of the group's current generation (Stable, or while a
   * rebalance gathers), or standalone (generation -1, no member id) while the group has no members,
   * which is written like a reset. Offsets are not checked against the log, as in Kafka.
   */
  async commitClassic(groupId: string, memberId: string, generationId: number, offsets: ReadonlyArray<{ topic: string; partition: number; offset: number; metadata: string }>): Promise<ClassicError> {
    const partition = this.offsetsPartition(groupId);
    if (generationId < 0 && memberId === '' && this.classic.size(groupId) === 0) {
      await this.resetOffsets(groupId, offsets);
      return 'NONE';
    }
    const error = this.classic.checkCommit(groupId, memberId, generationId);
    if (error !== 'NONE') return error;
    for (const commit of offsets) requireOffset(commit.offset);
    const nowMs = this.clock.nowMs();
    await partition.write((view) =>
      offsets.map((commit): OffsetEntry => {
        const next: CommittedOffset = { offset: commit.offset, metadata: commit.metadata, commitTimestampMs: nowMs, attempts: undefined };
        const topicId = this.host.topicId(commit.topic);
        if (topicId !== undefined) next.topicId = topicId;
        const previous = this.current(commit.topic, view(groupId, tpKey(commit.topic, commit.partition)));
        return { kind: 'offset', group: groupId, topic: commit.topic, partition: commit.partition, value: mergeCommit(previous, next) };
      }),
    );
    return 'NONE';
  }

  /**
   * Answers the classic-group requests that wait (joins at the barrier, syncs) with NOT_COORDINATOR
   * and refuses new joins, so a stopping broker does not wait out rebalance timeouts; the clients
   * find the next coordinator.
   */
  stopWaiting(): void {
    this.stopping = true;
    this.classic.drop(this.classic.groupIds());
  }

  /** Whether this broker leads the group's offsets partition but has not loaded it yet (Kafka's COORDINATOR_LOAD_IN_PROGRESS). */
  loading(groupId: string): boolean {
    const index = groupPartition(groupId);
    return this.host.leadsOffsetsPartition(index) && !this.partitions.has(index);
  }

  /** One pass of the background job: end silent sessions, expire offsets of long-empty groups. */
  async tick(): Promise<void> {
    await this.ensureOffsetsTopic();
    await this.followLeadership();
    const nowMs = this.clock.nowMs();
    for (const [groupId, group] of this.groups) {
      const failures = group.tick(nowMs);
      this.memberOwners.retain(groupId, group.describe());
      if (group.size === 0 && !this.emptySinceMs.has(groupId)) this.emptySinceMs.set(groupId, nowMs);
      await this.persist(groupId, group, failures);
    }
    this.classic.tick(nowMs);
    await this.expireOffsets(nowMs);
    await this.dropOffsetsOfDeletedTopics();
  }

  /**
   * An offset committed for a topic that was deleted since (gone, or created again under the same
   * name with a new id) does not apply: as if none was committed. An offset stored without an id
   * (committed before the coordinator knew the topic) applies.
   */
  private current(topic: string, committed: CommittedOffset | undefined): CommittedOffset | undefined {
    if (committed?.topicId === undefined) return committed;
    const topicId = this.host.topicId(topic);
    if (topicId === committed.topicId) return committed;
    // Not here: deleted, or created after what this broker's metadata has seen (it was cut off
    // from the controller). Only metadata that has seen the creation can say the topic is gone: a
    // coordinator that guessed wrong dropped the offsets and its group started over at the log start.
    if (committed.topicId >= this.host.metadataVersion()) return committed;
    return undefined;
  }

  /** Deletes the offsets `current` no longer applies, as Kafka does when a topic is deleted. */
  private async dropOffsetsOfDeletedTopics(): Promise<void> {
    for (const partition of this.partitions.values()) {
      const stale: OffsetEntry[] = [];
      for (const groupId of partition.store.groupIds()) {
        for (const [key, committed] of partition.store.list(groupId)) {
          const tp = parseTpKey(key);
          if (this.current(tp.topic, committed) === undefined) stale.push({ kind: 'offset', group: groupId, ...tp, value: undefined });
        }
      }
      if (stale.length > 0) await partition.write(stale);
    }
  }

  private async expireOffsets(nowMs: number): Promise<void> {
    for (const partition of this.partitions.values()) {
      for (const groupId of partition.store.groupIds()) {
        if ((this.groups.get(groupId)?.size ?? 0) > 0 || this.classic.size(groupId) > 0) continue;
        const offsets = partition.store.list(groupId);
        const lastCommitMs = Math.max(...[...offsets.values()].map((committed) => committed.commitTimestampMs));
        const lastActivityMs = Math.max(lastCommitMs, this.emptySinceMs.get(groupId) ?? nowMs);
        if (nowMs - lastActivityMs <= this.options.offsetsRetentionMs) continue;
        await partition.write([...offsets.keys()].map((key): OffsetEntry => ({ kind: 'offset', group: groupId, ...parseTpKey(key), value: undefined })));
        this.groups.delete(groupId);
        this.emptySinceMs.delete(groupId);
      }
    }
  }

  /**
   * Writes what an answer about the group rests on, in one write: its membership changes not yet
   * durable (membership.ts), the attempts charged for member failures, and `offsets`. Resolves once
   * all of it is stored on the partition's replicas.
   */
  private async persist(groupId: string, group: GroupMembership, failures: readonly MemberFailure[], offsets: (view: OffsetView) => OffsetEntry[] = () => []): Promise<void> {
    const partition = this.offsetsPartition(groupId);
    const unsaved = group.unsaved();
    for (const failure of failures) log.info({ group: groupId, member: failure.memberId, reason: failure.reason }, `group ${groupId}: member ${failure.memberId} removed (${failure.reason})`);
    if (unsaved.changes.some((change) => change.kind === 'group')) log.info({ group: groupId, epoch: group.epoch, members: group.size }, `group ${groupId}: rebalance to epoch ${group.epoch}, ${group.size} member(s)`);
    await partition.write((view): GroupsEntry[] => [...unsaved.changes, ...this.failureAttempts(groupId, view, failures), ...offsets(view)]);
    group.saved(unsaved.throughSeq);
  }

  /** One more attempt on the record at the committed offset of each partition a failed member owned. */
  private failureAttempts(groupId: string, view: OffsetView, failures: readonly MemberFailure[]): OffsetEntry[] {
    const entries: OffsetEntry[] = [];
    for (const failure of failures) {
      for (const key of failure.partitions) {
        const committed = view(groupId, key);
        const { topic, partition: index } = parseTpKey(key);
        if (!committed) continue;
        const hw = this.localHighWatermark(topic, index);
        if (hw !== undefined && hw <= committed.offset) continue; // no record there to blame
        const previous = committed.attempts?.offset === committed.offset ? committed.attempts.count : 0;
        const attempts = { offset: committed.offset, count: previous + 1, lastError: `consumer failed while owning it (${failure.reason}, member ${failure.memberId})` };
        entries.push({ kind: 'offset', group: groupId, topic, partition: index, value: { ...committed, attempts } });
        if (failure.reason === 'session-timeout') this.sessionCharges.charged(groupId, failure.memberId, key, attempts.offset, attempts.count);
      }
    }
    return entries;
  }

  private membership(groupId: string): GroupMembership {
    let group = this.groups.get(groupId);
    if (!group) {
      if (this.groups.size >= (this.options.maxGroups ?? Infinity)) {
        throw new SluiceError('LIMIT_EXCEEDED', `this broker coordinates ${this.groups.size} groups, max.groups=${this.options.maxGroups}`);
      }
      group = new GroupMembership(groupId, (topic) => this.partitionCount(topic));
      this.groups.set(groupId, group);
    }
    return group;
  }

  /** LIMIT_EXCEEDED for a new member (not a rejoin, not a static member's replacement) of a full group. */
  private checkGroupSize(group: GroupMembership, input: HeartbeatInput): void {
    const max = this.options.groupMaxSize ?? Infinity;
    if (input.memberEpoch !== JOIN_EPOCH || group.size < max) return;
    const known = group.describe().some((member) => member.memberId === input.memberId || (input.instanceId !== undefined && member.instanceId === input.instanceId));
    if (!known) throw new SluiceError('LIMIT_EXCEEDED', `group ${clip(group.groupId)} has ${group.size} members, group.max.size=${max}`);
  }

  /** A reset names an existing partition and an offset within its log (where this broker has a replica to tell). */
  private checkResetTarget(target: { topic: string; partition: number; offset: number }): void {
    requireOffset(target.offset);
    const count = this.partitionCount(target.topic);
    if (count === 0) throw new SluiceError('UNKNOWN_TOPIC', `topic "${clip(target.topic)}" does not exist`);
    if (!Number.isInteger(target.partition) || target.partition < 0 || target.partition >= count) {
      throw new SluiceError('UNKNOWN_PARTITION', `topic "${clip(target.topic)}" has partitions 0-${count - 1}, not ${target.partition}`);
    }
    const replica = this.host.localPartition(target.topic, target.partition);
    if (replica === undefined) return;
    const start = replica.logStartOffset();
    const end = replica.logEndOffset();
    if (target.offset < start || target.offset > end) {
      throw new SluiceError('OFFSET_OUT_OF_RANGE', `offset ${target.offset} is outside [${start}, ${end}] of ${clip(target.topic)}/${target.partition}`);
    }
  }

  /** The group's offsets partition, or NOT_COORDINATOR when another broker leads it. */
  private offsetsPartition(groupId: string): OffsetPartition {
    requireGroupId(groupId);
    const index = groupPartition(groupId);
    const partition = this.partitions.get(index);
    // Leadership is followed on each tick; between two, a deposed coordinator would answer from a
    // store the new one has moved past (a reader saw committed offsets go back).
    const stillLeads = partition !== undefined && this.host.leadsOffsetsPartition(index) && OffsetPartition.leaderTerm(this.host, index) === partition.term;
    if (!stillLeads) throw new SluiceError('NOT_COORDINATOR', `this broker does not lead ${OFFSETS_TOPIC}/${index}, which holds group ${groupId}`);
    return partition;
  }

  private offsetGroups(): string[] {
    return [...this.partitions.values()].flatMap((partition) => partition.store.groupIds());
  }

  private partitionCount(topic: string): number {
    return this.host.partitionCount(topic);
  }

  private localHighWatermark(topic: string, partition: number): number | undefined {
    return this.host.localPartition(topic, partition)?.highWatermark();
  }

  private async lagOf(topic: string, index: number, committed: number | undefined): Promise<Omit<PartitionLagView, 'topic' | 'partition' | 'owner'>> {
    const partition = this.host.localPartition(topic, index);
    if (!partition) return { committedOffset: committed ?? -1, logEndOffset: -1, lag: -1, lagMs: -1 };
    const from = consumableFrom(partition, committed);
    const highWatermark = partition.highWatermark();
    const lag = Math.max(0, highWatermark - from);
    return { committedOffset: committed ?? -1, logEndOffset: highWatermark, lag, lagMs: lag > 0 ? await this.ageOfRecordAt(partition, from) : 0 };
  }

  /** How long ago the record at `offset` was written, in ms (-1 if it cannot be read). */
  private async ageOfRecordAt(partition: PartitionReader, offset: number): Promise<number> {
    const [bytes] = await partition.readCommitted(offset, 1);
    if (!bytes) return -1;
    for (const batch of splitBatches(bytes)) {
      const record = decodeBatch(batch).records.find((candidate) => candidate.offset >= offset);
      if (record) return Math.max(0, this.clock.nowMs() - record.timestamp);
    }
    return -1;
  }
}

function requireGroupId(groupId: string): void {
  if (typeof groupId !== 'string' || groupId.length === 0) throw new SluiceError('INVALID_REQUEST', 'group_id is required');
}

function requireOffset(offset: number): void {
  if (!Number.isSafeInteger(offset) || offset < 0) throw new SluiceError('INVALID_REQUEST', `offset must be a non-negative integer, got ${offset}`);
}

/**
 * Where a group's remaining records start: its committed offset (none committed: the log start), or
 * the log start when retention already deleted the records in between (they can no longer be
 * consumed). Lag is the high watermark minus this, in describeGroup and the lag gauge alike.
 */
function consumableFrom(partition: PartitionReader, committed: number | undefined): number {
  const logStart = partition.logStartOffset();
  return Math.max(committed ?? logStart, logStart);
}
