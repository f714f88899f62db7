/**
 * Drives one Raft group over one partition log: persists what Raft hands out, ships its messages,
 * applies commits (the commit index is the high watermark), and lets the leader append batches.
 * The order of each round is Raft's contract: persist, then send, then apply, then advance.
 *
 * Offsets are assigned by the leader when it proposes (stamped into the batch, so every replica
 * stores identical bytes). A new leader's no-op entry is stored as a zero-record control batch: it
 * consumes no offset, so offsets stay gapless and are never reused.
 */
import { BATCH_HEADER_BYTES, encodeControlBatch, readBatchHeader, stampBatch, validateBatch, type BatchHeader } from '../protocol/batch.js';
import { SluiceError } from '../protocol/errors.js';
import { ownMemory } from '../protocol/own-memory.js';
import { readInt64BE, writeInt64BE } from '../protocol/int64.js';
import {
  isConfEntry,
  Raft,
  type ConfChange,
  type ConfRecord,
  type ConfState,
  type Entry,
  type HardState,
  type Message,
  type ProposeResult,
  type RaftLimits,
  type Ready,
  type Rng,
} from '../raft/index.js';
import { systemClock, type Clock } from '../runtime/clock.js';
import type { DamageRecord } from '../storage/recovery.js';
import type { DamagedBatchError } from '../storage/read-verifier.js';
import type { LogStore, PartitionLog } from '../storage/types.js';
import { DamageAwareLog } from './damage-aware-log.js';
import { LearnerThrottle } from './learner-throttle.js';
import { LogRaftStorage } from './log-raft-storage.js';
import type { RaftTransport } from './transport.js';
import { checkAppendEntries, checkSnapshotData, type RaftDropReason } from './inbound-check.js';
import { confRecordsOf, loadConfRecords, pruneConfRecords, saveConfRecords, sameConfRecords, unionConfRecords, type StoredLogShape } from './conf-records.js';
import { logger } from '../observability/log.js';

const replicationLog = logger('replication');

export interface ReplicatedLogOptions {
  /** Transport address of the group, e.g. `orders/3`. */
  group: string;
  selfId: number;
  /**
   * The bootstrap configuration (docs/RAFT.md "Membership change"): in force until a conf entry or
   * a snapshot says otherwise. A replica added to an existing group names itself among `learners`.
   */
  voters: readonly number[];
  learners?: readonly number[];
  log: PartitionLog;
  /** Where the group's hard state (term, vote, commit) lives, written with sync. */
  store: LogStore;
  transport: RaftTransport;
  random: Rng;
  /** Schedules each round and stamps no-op batches (default: Node's clock). */
  clock?: Clock;
  limits?: Partial<RaftLimits>;
  /**
   * Hands committed entries to a state machine (the controller). Partitions need none: their state
   * is the log itself, so they start applied at the persisted commit and skip re-reading the log.
   */
  apply?: (entries: readonly Entry[]) => void;
  onLeaderChange?: (leaderId: number, term: number) => void;
  /** Bytes per second a leader sends each learner catching up (0 or absent: unbounded). */
  learnerBytesPerSec?: number;
  onHighWatermark?: (highWatermark: number) => void;
  /**
   * The group stopped because persisting failed (a full or failing disk): the owner may reopen it
   * from what is stored once the store takes writes again (LogStore.resume).
   */
  onStorageFailure?: (err: unknown) => void;
  /** What recovery found damaged or lost in the log when it was opened (see storage/recovery.ts). */
  damage?: DamageRecord;
}

/** Offsets [from, to) this replica holds no sound copy of. */
export interface LostOffsets {
  from: number;
  to: number;
}

/** What a replica knows is wrong with its copy (cluster status, metrics). */
export interface ReplicaDamage {
  /** It lost entries it may have acknowledged and catches up from the leader (Raft's repair). */
  repairing: boolean;
  /** A single copy's damaged offsets: never served, readable around them (replication 1). */
  lost: LostOffsets[];
}

export interface Proposal {
  entryIndex: number;
  term: number;
  baseOffset: number;
  lastOffset: number;
  /** Resolves once the leader stored the entry (acks=1). */
  persisted: Promise<void>;
  /** Resolves once a majority stored it (acks=all); rejects NOT_LEADER if it was overwritten. */
  committed: Promise<void>;
}

interface Waiter {
  index: number;
  term: number;
  resolve(): void;
  reject(err: Error): void;
}

/**
 * How far back "in sync" looks (as Kafka's replica.lag.time.max.ms): a follower is in sync when it
 * answered within this many ticks and its log reached the commit index of this many ticks ago.
 */
const IN_SYNC_LAG_TICKS = 20;
/** A peer that answered within this many ticks (a few heartbeats) is reachable right now. */
const TRANSFER_RESPONSIVE_TICKS = 4;
/**
 * A partition restarts applied at its stored commit index and re-reads every entry after it, so a
 * commit that moved without a term or vote change is written too: at most once per this many
 * ticks, without sync (a write lost to a power cut only makes the next start re-read more).
 */
const COMMIT_PERSIST_TICKS = 10;

function partitionSnapshotData(logStartOffset: number): Uint8Array {
  const data = Buffer.alloc(8);
  writeInt64BE(data, logStartOffset, 0);
  return data;
}

function snapshotLogStart(data: Uint8Array): number {
  return readInt64BE(Buffer.from(data.buffer, data.byteOffset, data.byteLength), 0);
}

export class ReplicatedLog {
  /** Metadata key of a group's hard state. */
  static hardStateKey(group: string): string {
    return `raft-hs/${group}`;
  }

  private raft: Raft;
  private readonly storage: LogRaftStorage;
  /** What the read paths see: a damaged read starts the repair (see repairFrom). */
  private readonly reads: DamageAwareLog;
  /** The first damaged entry found while running, repaired at the start of the next round. */
  private repairFromIndex: number | undefined;
  /**
   * Set while repairFrom truncates the log and builds the new Raft node: the old node must see no
   * message, tick or proposal meanwhile, since it still counts entries the log no longer holds (an
   * answer from a follower made a leader look up the term of an entry just truncated).
   */
  private rebuilding = false;
  /** Damaged offsets of a single copy (nobody to repair from), by base offset. */
  private readonly lostOffsets = new Map<number, LostOffsets>();
  /** Damaged offsets an operator chose to skip (skipDamaged): reads continue past them. Sorted, disjoint. */
  private skipped: LostOffsets[];
  private readonly clock: Clock;
  private scheduled = false;
  private running = false;
  private rerun = false;
  private closed = false;
  /** Leader only: the term it may accept proposals in (its no-op is stored), else undefined. */
  private readyTerm: number | undefined;
  private nextOffset = 0;
  private hw: number;
  private lastLeader = 0;
  private lastTerm = 0;
  /** The last leader Raft named, and its term (see leaderId). */
  private termLeader = { id: 0, term: 0 };
  private wasLeader = false;
  private readonly persistWaiters: Waiter[] = [];
  private readonly commitWaiters: Waiter[] = [];
  private readonly commitHistory: number[] = [];
  /** Batches this node proposed: validated by the produce path already, not again when stored. */
  private readonly ownProposals = new WeakSet<Uint8Array>();
  private ticks = 0;
  /** The commit index in the stored hard state, and the tick it was written at. */
  private storedCommit: number;
  private storedCommitTick = 0;
  /** Tick at which each peer last answered us. */
  private readonly lastHeardTick = new Map<number, number>();
  private readonly learnerThrottles = new Map<number, LearnerThrottle>();
  /** Bytes of appends to learners held back by the throttle (metrics, tests). */
  throttledBytes = 0;

  private constructor(
    private readonly options: ReplicatedLogOptions,
    hardState: HardState,
    skipped: LostOffsets[],
    confRecords: ConfRecord[],
  ) {
    const log = options.log;
    this.skipped = skipped;
    this.clock = options.clock ?? systemClock;
    this.storage = new LogRaftStorage({
      log,
      hardState,
      snapshotData: partitionSnapshotData,
      onPrefetched: () => this.schedule(),
      onDamaged: (err) => this.damaged(err),
      bootstrap: bootstrapConf(options),
      confRecords,
    });
    this.reads = new DamageAwareLog(log, (err) => this.damaged(err));
    this.raft = this.newRaft(options.apply ? log.firstEntryIndex() - 1 : undefined);
    this.hw = this.endOffsetOf(this.raft.commitIndex);
    this.storedCommit = hardState.commit;
  }

  /**
   * A Raft node over the stored log and hard state, as after a restart. Partitions start applied at
   * the stored commit (capped at the log: entries past it were lost, see Raft's repair).
   */
  private newRaft(appliedIndex: number | undefined): Raft {
    const log = this.options.log;
    const commit = Math.min(Math.max(this.storage.hardState().commit, log.firstEntryIndex() - 1), log.lastEntryIndex());
    return new Raft({
      id: this.options.selfId,
      voters: this.options.voters,
      learners: this.options.learners,
      storage: this.storage,
      random: this.options.random,
      ...this.options.limits,
      appliedIndex: appliedIndex ?? commit,
    });
  }

  static async open(options: ReplicatedLogOptions): Promise<ReplicatedLog> {
    const saved = await options.store.getMeta(ReplicatedLog.hardStateKey(options.group));
    let hardState: HardState = saved ? (JSON.parse(saved.toString('utf8')) as HardState) : { term: 0, vote: 0, commit: 0 };
    const stored = await loadConfRecords(options.store, options.group);
    // A lone voter has nobody to repair from or wait for (its configuration as stored).
    const voters = lastConf(pruneConfRecords(stored, storedShape(options.log)), bootstrapConf(options)).voters;
    const solo = voters.length === 1 && voters[0] === options.selfId;
    if (saved === undefined) hardState = await ReplicatedLog.recoverLostHardState(options, hardState, solo);
    const damage = options.damage;
    if (damage !== undefined && !solo) hardState = await ReplicatedLog.truncateDamage(options, hardState, damage);
    const savedSkips = await options.store.getMeta(ReplicatedLog.skippedKey(options.group));
    const skipped = savedSkips === undefined ? [] : (JSON.parse(savedSkips.toString('utf8')) as LostOffsets[]);
    // Records of entries a crash kept from being stored, or a truncation removed, go now.
    const records = pruneConfRecords(stored, storedShape(options.log));
    if (!sameConfRecords(records, stored)) await saveConfRecords(options.store, options.group, records);
    const replicated = new ReplicatedLog(options, hardState, skipped, records);
    if (damage !== undefined && solo) replicated.recordLost(damage);
    // A group of one has nobody to wait for: lead at once.
    if (solo) replicated.campaign();
    replicated.schedule();
    return replicated;
  }

  /**
   * A log with entries but no hard state lost it (a LevelDB table repaired away): its term and vote
   * are unknown, and a vote in a term it already voted in would be a second one. It takes the term
   * of its newest entry and repairs (no vote, no campaign) until it is as up to date again and holds
   * the leader's commit, as a replica that lost entries does. A group of one has nobody to ask.
   */
  private static async recoverLostHardState(options: ReplicatedLogOptions, empty: HardState, solo: boolean): Promise<HardState> {
    const log = options.log;
    const lastIndex = log.lastEntryIndex();
    if (lastIndex === 0 || solo) return empty;
    const lastTerm = log.entryTerm(lastIndex);
    const recovered = withRepairFloor({ term: lastTerm, vote: 0, commit: 0 }, { index: lastIndex, term: lastTerm });
    await options.store.putMeta(ReplicatedLog.hardStateKey(options.group), Buffer.from(JSON.stringify(recovered)), { sync: true });
    replicationLog.error({ group: options.group }, `${options.group}: the log holds entries up to ${lastIndex} but its Raft state (term, vote) is lost; the replica repairs from the leader and does not vote until it is caught up`);
    return recovered;
  }

  /** Metadata key of the offsets an operator skipped (skipDamaged), JSON ranges. */
  static skippedKey(group: string): string {
    return `skipped-offsets/${group}`;
  }

  get group(): string {
    return this.options.group;
  }

  /** The log for readers: a damaged batch is never served, and finding one starts the repair. */
  get log(): PartitionLog {
    return this.reads;
  }

  /** Whether this replica repairs lost entries, and which offsets a single copy lost. */
  damage(): ReplicaDamage {
    // Adjacent damaged batches read as one range (heartbeats carry this).
    return { repairing: this.raft.status().repairing, lost: mergeRanges([...this.lostOffsets.values()]) };
  }

  /** The first offset at or after `offset` outside every skipped range: where a read from `offset` goes on. */
  firstUnskippedOffset(offset: number): number {
    let position = offset;
    for (const range of this.skipped) if (range.from <= position && position < range.to) position = range.to;
    return position;
  }

  /** Whether an operator skipped every offset of [from, to). */
  private isSkipped(range: LostOffsets): boolean {
    return this.firstUnskippedOffset(range.from) >= range.to;
  }

  /**
   * An operator's repair of a single copy: its damaged offsets (below the log end, so never handed
   * out again) become skipped, durably, and reads continue past them. Returns the ranges skipped.
   * Refused (INVALID_REQUEST) with peers, which repair the copy themselves, or without known damage.
   */
  async skipDamaged(): Promise<LostOffsets[]> {
    const group = this.options.group;
    if (this.voters.length > 1) {
      throw new SluiceError('INVALID_REQUEST', `${group} has replicas on brokers ${this.voters.join(', ')}: a damaged copy repairs itself from them`);
    }
    const logEnd = this.options.log.logEndOffset();
    const ranges = [...this.lostOffsets.values()]
      .filter((range) => range.from < logEnd)
      .map((range) => ({ from: range.from, to: Math.min(range.to, logEnd) }))
      .sort((a, b) => a.from - b.from);
    if (ranges.length === 0) {
      throw new SluiceError('INVALID_REQUEST', `${group}: no damaged offsets are known below the log end ${logEnd} (a read or the scrub finds damage)`);
    }
    const logStart = this.options.log.logStartOffset();
    const skipped = mergeRanges([...this.skipped.filter((range) => range.to > logStart), ...ranges]);
    await this.options.store.putMeta(ReplicatedLog.skippedKey(group), Buffer.from(JSON.stringify(skipped)), { sync: true });
    this.skipped = skipped;
    for (const range of ranges) {
      const lost = this.lostOffsets.get(range.from)!;
      this.lostOffsets.delete(range.from);
      // Offsets at or past the log end (entries dropped after a gap) are not the log's to skip.
      if (lost.to > range.to) this.lostOffsets.set(range.to, { from: range.to, to: lost.to });
    }
    replicationLog.warn({ group }, `${group}: an operator skipped the damaged offsets ${describeRanges(ranges)}: reads continue past them; they are never served or reused`);
    return ranges;
  }

  /**
   * Recovery found damaged batches (or lost entries) and peers hold the rest: record in the hard
   * state, durably, the newest entry the log held (what it may have acknowledged: Raft repairs until
   * its log is as up to date again), then truncate at the first damaged entry. In this order, a
   * crash in between leaves a log still to truncate, and recovery finds the same damage again.
   */
  private static async truncateDamage(options: ReplicatedLogOptions, hardState: HardState, damage: DamageRecord): Promise<HardState> {
    const log = options.log;
    const repaired = withRepairFloor(hardState, { index: damage.lastIndex, term: damage.lastTerm });
    await options.store.putMeta(ReplicatedLog.hardStateKey(options.group), Buffer.from(JSON.stringify(repaired)), { sync: true });
    const first = damage.damaged[0];
    if (first !== undefined && first.entryIndex <= log.lastEntryIndex()) {
      await log.truncateSuffix(first.entryIndex);
      replicationLog.error(
        { group: options.group },
        `${options.group}: the stored batch at offset ${first.baseOffset} (entry ${first.entryIndex}) is damaged: log truncated there; ` +
          `the replica repairs from the leader and does not vote until it holds entry ${repaired.repairIndex}/${repaired.repairTerm} again`,
      );
    } else {
      replicationLog.error({ group: options.group }, `${options.group}: entries after ${log.lastEntryIndex()} were lost; the replica repairs from the leader`);
    }
    return repaired;
  }

  /** A single copy's damage: reported, never served, and readable around it (no peer to repair from). */
  private recordLost(damage: DamageRecord): void {
    const found = damage.damaged.filter((entry) => entry.lastOffset >= entry.baseOffset).map((entry) => ({ from: entry.baseOffset, to: entry.lastOffset + 1 }));
    if (damage.droppedOffsets !== undefined) found.push(damage.droppedOffsets);
    const ranges = found.filter((range) => !this.isSkipped(range));
    for (const range of ranges) this.lostOffsets.set(range.from, range);
    if (ranges.length > 0) {
      replicationLog.error(
        { group: this.options.group },
        `${this.options.group}: the only copy lost offsets ${describeRanges(ranges)}: they are not served; the rest of the log is readable ` +
          `(sluice topic repair --skip-damaged skips them)`,
      );
    }
    if (this.skipped.length > 0) replicationLog.warn({ group: this.options.group }, `${this.options.group}: offsets ${describeRanges(this.skipped)} were skipped by an operator`);
  }

  /**
   * A read found a stored batch damaged. With peers, the replica repairs: the next round truncates
   * at that entry and restarts Raft repairing (a leader steps down), and the reader gets a retriable
   * STORAGE_ERROR (clients look for the leader again). The metadata log repairs the same way: its
   * state machine skips entries it already applied (the broker's `metadataApplied`), and the ones
   * fetched again are the same entries, Raft's log matching says. A single copy keeps the damaged
   * batch, unreadable, and reports its offsets.
   */
  private damaged(err: DamagedBatchError): SluiceError {
    const meta = this.options.log.entry(err.entryIndex);
    if (this.voters.length === 1) {
      const range = meta === undefined ? undefined : { from: meta.baseOffset, to: meta.lastOffset + 1 };
      if (range !== undefined && range.to > range.from && !this.isSkipped(range)) this.lostOffsets.set(range.from, range);
      if (this.options.apply === undefined && err.entryIndex <= this.raft.commitIndex) {
        this.storage.markUnreadable(err.entryIndex);
        this.schedule();
      }
      return err;
    }
    if (meta !== undefined && (this.repairFromIndex === undefined || err.entryIndex < this.repairFromIndex)) {
      this.repairFromIndex = err.entryIndex;
      this.schedule();
    }
    return new SluiceError('STORAGE_ERROR', `${this.options.group}: broker ${this.options.selfId} found offset ${err.baseOffset} damaged and repairs its copy from the leader`);
  }

  get highWatermark(): number {
    return this.hw;
  }

  /** Raft commit index: entries up to it are committed (and may be deleted by retention). */
  get commitIndex(): number {
    return this.raft.commitIndex;
  }

  /**
   * The leader of this replica's current term, as far as it knows. Raft forgets the leader when an
   * election timeout passes without word from it, but while pre-voting the term stays the same and
   * no other leader can exist in it; the leader may well be alive, only cut off from this replica
   * (a bridge partition), and clients that ask here are better sent to it than told there is none.
   */
  get leaderId(): number {
    if (this.raft.leaderId !== 0) return this.raft.leaderId;
    return this.termLeader.term === this.raft.term ? this.termLeader.id : 0;
  }

  get term(): number {
    return this.raft.term;
  }

  /** Leader whose no-op is stored: proposals are accepted. */
  get isLeader(): boolean {
    return this.readyTerm !== undefined && this.readyTerm === this.raft.term && this.raft.role === 'leader';
  }

  /** Voters of the group's configuration in force (its newest conf entry, else the bootstrap one). */
  get voters(): readonly number[] {
    return this.raft.status().voters;
  }

  get learners(): readonly number[] {
    return this.raft.status().learners;
  }

  confState(): ConfState {
    return this.raft.confState();
  }

  /** Leader: whether the last membership step is committed (the next one may be proposed). */
  get confSettled(): boolean {
    return this.raft.confIndex <= this.raft.commitIndex;
  }

  /** Leader: each member's replicated log end (Raft match index) and the commit index, for catch-up decisions. */
  matchIndexes(): Map<number, number> {
    return new Map(this.raft.progress().map((pr) => [pr.id, pr.match]));
  }

  /** Leader only: proposes one membership step (Raft.proposeConfChange). */
  proposeConfChange(change: ConfChange): ProposeResult {
    if (this.rebuilding || this.closed) return { ok: false, reason: 'notLeader', leaderId: this.raft.leaderId };
    const result = this.raft.proposeConfChange(change);
    this.schedule();
    return result;
  }

  /** Replicas whose log reached the commit index of a moment ago (the leader itself included). */
  inSyncReplicas(): number[] {
    if (this.raft.role !== 'leader') return [];
    const horizon = this.commitHistory[0] ?? this.raft.commitIndex;
    const self = this.options.selfId;
    const answeredRecently = (id: number): boolean => this.ticks - (this.lastHeardTick.get(id) ?? -Infinity) <= IN_SYNC_LAG_TICKS;
    const voters = this.raft.status().voters;
    return this.raft
      .progress()
      .filter((pr) => voters.includes(pr.id) && (pr.id === self || (pr.match >= horizon && answeredRecently(pr.id))))
      .map((pr) => pr.id)
      .sort((a, b) => a - b);
  }

  /**
   * Whether a leadership transfer to `id` can finish at once: it is in sync and answered within the
   * last TRANSFER_RESPONSIVE_TICKS. A transfer to a peer the network cut off a moment ago (still in
   * sync by the ISR's lag horizon) refuses proposals until it times out, an election timeout.
   */
  canTakeOverNow(id: number): boolean {
    return this.inSyncReplicas().includes(id) && this.ticks - (this.lastHeardTick.get(id) ?? -Infinity) <= TRANSFER_RESPONSIVE_TICKS;
  }

  tick(): void {
    if (this.closed || this.rebuilding) return;
    this.raft.tick();
    this.ticks++;
    this.commitHistory.push(this.raft.commitIndex);
    if (this.commitHistory.length > IN_SYNC_LAG_TICKS) this.commitHistory.shift();
    this.schedule();
  }

  /**
   * Steps a message from a peer, unless it fails a check Raft's own invariants rely on
   * (inbound-check.ts): then it is dropped and the reason returned for counting.
   */
  step(message: Message): RaftDropReason | undefined {
    // Dropped while rebuilding: Raft takes any message as possibly lost.
    if (this.closed || this.rebuilding) return undefined;
    const reason = this.dropReason(message);
    if (reason !== undefined) return reason;
    this.lastHeardTick.set(message.from, this.ticks);
    this.raft.step(message);
    this.schedule();
    return undefined;
  }

  private dropReason(message: Message): RaftDropReason | undefined {
    if (message.to !== this.options.selfId) return 'wrong_to';
    const fromLeader = message.type === 'append' || message.type === 'heartbeat' || message.type === 'snapshot';
    if (fromLeader && this.raft.role === 'leader' && message.term === this.raft.term) return 'conflicting_leader';
    if (message.type === 'snapshot') return checkSnapshotData(message.snapshot.data);
    if (message.type !== 'append') return undefined;
    const entries = checkAppendEntries(message);
    if ('reason' in entries) return entries.reason;
    // The first batch must start where the entry it follows ends here, when that entry is stored
    // here with the term the leader says (else Raft rejects the append anyway, or it is still in memory).
    const log = this.options.log;
    const { prevIndex, prevTerm } = message;
    if (entries.firstBaseOffset === undefined || prevIndex < log.firstEntryIndex() || prevIndex > log.lastEntryIndex()) return undefined;
    const prev = log.entry(prevIndex);
    if (prev === undefined || log.entryTerm(prevIndex) !== prevTerm) return undefined;
    return entries.firstBaseOffset === prev.lastOffset + 1 ? undefined : 'bad_offsets';
  }

  campaign(): void {
    if (this.rebuilding) return;
    this.raft.campaign();
    this.schedule();
  }

  transferLeadership(to: number): boolean {
    const started = this.raft.transferLeadership(to);
    this.schedule();
    return started;
  }

  private notLeader(): SluiceError {
    return new SluiceError('NOT_LEADER', `broker ${this.options.selfId} is not the leader of ${this.options.group}`, String(this.raft.leaderId));
  }

  /**
   * Appends a validated batch as leader: stamps its offsets and term, proposes it, and returns
   * promises for "stored here" and "committed". Throws NOT_LEADER on a follower.
   */
  propose(batch: Buffer, header: BatchHeader): Proposal {
    if (this.rebuilding) throw new SluiceError('STORAGE_ERROR', `${this.options.group}: broker ${this.options.selfId} is repairing its copy`);
    if (!this.isLeader) throw this.notLeader();
    const baseOffset = this.nextOffset;
    const term = this.raft.term;
    stampBatch(batch, baseOffset, term);
    this.ownProposals.add(batch);
    const result = this.raft.propose(batch);
    if (!result.ok) {
      if (result.reason === 'uncommittedBytesLimit') {
        throw new SluiceError('NOT_ENOUGH_REPLICAS', `${this.options.group} has too many uncommitted bytes; replicas are behind`);
      }
      throw this.notLeader();
    }
    this.nextOffset += header.recordCount;
    const persisted = this.wait(this.persistWaiters, result.index, result.term);
    const committed = this.wait(this.commitWaiters, result.index, result.term);
    // Callers may await only one of the two; the other must not become an unhandled rejection.
    persisted.catch(() => undefined);
    committed.catch(() => undefined);
    this.schedule();
    return { entryIndex: result.index, term, baseOffset, lastOffset: baseOffset + header.recordCount - 1, persisted, committed };
  }

  private wait(waiters: Waiter[], index: number, term: number): Promise<void> {
    return new Promise((resolve, reject) => waiters.push({ index, term, resolve, reject }));
  }

  private schedule(): void {
    if (this.scheduled || this.closed) return;
    this.scheduled = true;
    this.clock.defer(() => {
      this.scheduled = false;
      void this.run();
    });
  }

  private async run(): Promise<void> {
    if (this.running) {
      this.rerun = true;
      return;
    }
    this.running = true;
    try {
      if (this.repairFromIndex !== undefined && !this.closed) await this.repairFrom(this.repairFromIndex);
      while (!this.closed && this.raft.hasReady()) {
        const ready = this.raft.ready();
        await this.persist(ready);
        for (const message of ready.messages) if (!this.throttled(message)) this.options.transport.send(message.to, this.options.group, message);
        this.applyCommitted(ready.committedEntries);
        this.raft.advance();
        this.afterAdvance();
        const idle = ready.entries.length + ready.committedEntries.length + ready.messages.length === 0 && !ready.hardState && !ready.snapshot;
        if (idle) break; // waiting for a prefetch; it schedules another run
      }
      if (!this.closed && this.storedCommitIsStale()) await this.storeHardState(this.storage.hardState(), false);
    } catch (err) {
      // Storage failed under us: stop serving this group rather than diverge from what Raft believes.
      replicationLog.error({ group: this.options.group, err }, `replication of ${this.options.group} stopped`);
      this.handOffAfterFailure();
      const code = err instanceof SluiceError && err.code === 'STORAGE_ERROR' ? 'STORAGE_ERROR' : 'INTERNAL';
      this.failAll(new SluiceError(code, `replication of ${this.options.group} failed: ${(err as Error).message}`));
      this.closed = true;
      this.options.onStorageFailure?.(err);
    } finally {
      this.running = false;
      if (this.rerun) {
        this.rerun = false;
        this.schedule();
      }
    }
  }

  /** An append to a learner beyond its catch-up budget (learnerBytesPerSec): not sent now. */
  private throttled(message: Message): boolean {
    const rate = this.options.learnerBytesPerSec;
    if (rate === undefined || rate <= 0 || message.type !== 'append' || message.entries.length === 0) return false;
    if (!this.raft.confState().learners.includes(message.to)) return false;
    let throttle = this.learnerThrottles.get(message.to);
    if (throttle === undefined) this.learnerThrottles.set(message.to, (throttle = new LearnerThrottle(rate, this.clock)));
    let bytes = 0;
    for (const entry of message.entries) bytes += entry.data.byteLength;
    if (throttle.take(bytes)) return false;
    this.throttledBytes += bytes;
    return true;
  }

  private async persist(ready: Ready): Promise<void> {
    const log = this.options.log;
    if (ready.snapshot) {
      const { index, term, data } = ready.snapshot;
      const logStartOffset = snapshotLogStart(data);
      // Operators want to know: this replica's old data is gone and it restarts at the leader's log start.
      replicationLog.info({ group: this.options.group }, `${this.options.group}: behind the leader's log start; jumps to offset ${logStartOffset} (entry ${index + 1})`);
      // The configuration at the new log start is recorded before the log jumps there.
      const conf = ready.snapshot.conf ?? bootstrapConf(this.options);
      await this.recordConfs([{ index, term, conf }]);
      this.storage.forgetFrom(0);
      await log.installSnapshot({ logStartOffset, index, term });
      this.hw = Math.max(this.hw, log.logStartOffset());
    }
    if (ready.entries.length > 0) {
      // A conf entry is recorded before it is stored: a restart then never misses one.
      await this.recordConfs(confRecordsOf(ready.entries));
      const first = ready.entries[0]!.index;
      if (first <= log.lastEntryIndex()) {
        await log.truncateSuffix(first);
        this.storage.forgetFrom(first);
        this.rejectFrom(first);
      }
      let last: Promise<unknown> = Promise.resolve();
      for (const entry of ready.entries) {
        const batch = this.entryBatch(entry);
        this.storage.remember(entry.index, batch);
        last = log.appendStamped(batch, entry.index);
      }
      await last;
      this.settle(this.persistWaiters, log.lastEntryIndex());
    }
    if (ready.snapshot || ready.entries.length > 0) await this.pruneConfs();
    if (ready.hardState) {
      const saved = this.storage.hardState();
      // Term and vote must be durable before any message that depends on them (a synced write).
      // The commit index alone is advisory (a restarted node relearns it), so a commit-only change
      // is not worth a write per produced batch: run() stores it now and then (COMMIT_PERSIST_TICKS).
      // So must a repair floor: losing it would let the replica vote with the log it has left.
      const floorChanged = ready.hardState.repairIndex !== saved.repairIndex || ready.hardState.repairTerm !== saved.repairTerm;
      if (ready.hardState.term !== saved.term || ready.hardState.vote !== saved.vote || floorChanged) {
        await this.storeHardState(ready.hardState, true);
      }
      if (saved.repairIndex === undefined && ready.hardState.repairIndex !== undefined) {
        // Raft found the loss itself (a commit beyond the log: entries lost with a damaged write-ahead log).
        replicationLog.error(
          { group: this.options.group },
          `${this.options.group}: entries after ${this.options.log.lastEntryIndex()} were lost; the replica repairs from the leader ` +
            `and does not vote until it holds entry ${ready.hardState.repairIndex}/${ready.hardState.repairTerm} again`,
        );
      }
      this.storage.setHardState(ready.hardState);
    }
  }

  /**
   * Truncates at a damaged entry found while running (between Ready rounds, so nothing Raft handed
   * out is half done) and restarts Raft over what is left, repairing: as truncateDamage, with the
   * newest entry stored now as what the replica may have acknowledged.
   */
  private async repairFrom(entryIndex: number): Promise<void> {
    this.repairFromIndex = undefined;
    const log = this.options.log;
    if (entryIndex > log.lastEntryIndex() || entryIndex < log.firstEntryIndex()) return;
    this.rebuilding = true;
    try {
      await this.truncateAndRestart(entryIndex);
    } finally {
      this.rebuilding = false;
    }
  }

  private async truncateAndRestart(entryIndex: number): Promise<void> {
    const log = this.options.log;
    const lastIndex = log.lastEntryIndex();
    const repaired = withRepairFloor(this.raft.hardState(), { index: lastIndex, term: log.entryTerm(lastIndex) });
    await this.storeHardState(repaired, true);
    this.storage.setHardState(repaired);
    const offset = log.entry(entryIndex)?.baseOffset;
    const wasLeader = this.raft.role === 'leader';
    await log.truncateSuffix(entryIndex);
    this.storage.forgetFrom(entryIndex);
    this.rejectFrom(entryIndex);
    replicationLog.error(
      { group: this.options.group },
      `${this.options.group}: the stored batch at offset ${offset} (entry ${entryIndex}) is damaged: log truncated there` +
        `${wasLeader ? ', leadership given up' : ''}; the replica repairs from the leader`,
    );
    this.raft = this.newRaft(undefined);
    this.afterAdvance();
  }

  /** The commit index moved since the last hard-state write, which is COMMIT_PERSIST_TICKS old (see there). */
  private storedCommitIsStale(): boolean {
    return this.storage.hardState().commit > this.storedCommit && this.ticks - this.storedCommitTick >= COMMIT_PERSIST_TICKS;
  }

  // Hard-state writes are issued one at a time by run(), so a later one never lands before an earlier one.
  private async storeHardState(hardState: HardState, sync: boolean): Promise<void> {
    await this.options.store.putMeta(ReplicatedLog.hardStateKey(this.options.group), Buffer.from(JSON.stringify(hardState)), { sync });
    this.storedCommit = hardState.commit;
    this.storedCommitTick = this.ticks;
  }

  /** Adds records of conf entries about to be stored (or a snapshot's configuration), durably. */
  private async recordConfs(records: readonly ConfRecord[]): Promise<void> {
    if (records.length === 0) return;
    const union = unionConfRecords(this.storage.storedConfRecords, records);
    await saveConfRecords(this.options.store, this.options.group, union);
    this.storage.setConfRecords(union);
  }

  /** Drops the records of conf entries no longer stored (truncated, or behind a new log start). */
  private async pruneConfs(): Promise<void> {
    const stored = this.storage.storedConfRecords;
    const pruned = pruneConfRecords(stored, storedShape(this.options.log));
    if (sameConfRecords(pruned, stored)) return;
    await saveConfRecords(this.options.store, this.options.group, pruned);
    this.storage.setConfRecords(pruned);
  }

  /**
   * The stored form of an entry: a leader's no-op becomes a control batch at the log end, a
   * configuration entry a control batch around it (no offset taken; readers skip it).
   */
  private entryBatch(entry: Entry): Buffer {
    if (entry.data.length === 0 || isConfEntry(entry.data)) {
      const control = encodeControlBatch({ nowMs: this.clock.nowMs(), body: entry.data.length === 0 ? undefined : entry.data });
      stampBatch(control, this.options.log.logEndOffset(), entry.term);
      return control;
    }
    // Entries from the network share memory with their whole inbound frame, a leader's proposals
    // with their request: keep a copy of small slices only.
    const batch = ownMemory(entry.data);
    if (this.ownProposals.has(entry.data)) return batch;
    if (batch.length < BATCH_HEADER_BYTES) throw new SluiceError('CORRUPT_BATCH', `entry ${entry.index} is ${batch.length} bytes`);
    if (readBatchHeader(batch).recordCount > 0) validateBatch(batch);
    return batch;
  }

  private endOffsetOf(index: number): number {
    const log = this.options.log;
    if (index < log.firstEntryIndex()) return log.logStartOffset();
    const meta = log.entry(index);
    return meta ? meta.lastOffset + 1 : log.logEndOffset();
  }

  private applyCommitted(entries: readonly Entry[]): void {
    if (entries.length === 0) return;
    const last = entries[entries.length - 1]!.index;
    this.options.apply?.(entries);
    const hw = this.endOffsetOf(last);
    if (hw > this.hw) {
      this.hw = hw;
      this.options.onHighWatermark?.(hw);
    }
    this.storage.forgetThrough(last);
    this.settle(this.commitWaiters, last);
  }

  /** Resolves waiters up to `index` whose entry kept its term; the rest were overwritten. */
  private settle(waiters: Waiter[], index: number): void {
    while (waiters.length > 0 && waiters[0]!.index <= index) {
      const waiter = waiters.shift()!;
      let term: number | undefined;
      try {
        term = this.options.log.entryTerm(waiter.index);
      } catch {
        term = undefined;
      }
      if (term === waiter.term) waiter.resolve();
      else waiter.reject(this.notLeader());
    }
  }

  private rejectFrom(index: number): void {
    for (const waiters of [this.persistWaiters, this.commitWaiters]) {
      const keep = waiters.filter((w) => w.index < index);
      for (const waiter of waiters) if (waiter.index >= index) waiter.reject(this.notLeader());
      waiters.splice(0, waiters.length, ...keep);
    }
  }

  /**
   * A leader whose storage failed tells its most caught-up in-sync follower to campaign now
   * (TimeoutNow, as a transfer ends), so leadership moves within a round trip instead of an
   * election timeout. Raft's own transfer would first wait to send that follower entries this
   * leader could not store.
   */
  private handOffAfterFailure(): void {
    if (this.raft.role !== 'leader') return;
    const self = this.options.selfId;
    const inSync = this.inSyncReplicas();
    const target = this.raft
      .progress()
      .filter((pr) => pr.id !== self && inSync.includes(pr.id))
      .sort((a, b) => b.match - a.match)[0];
    if (target === undefined) return;
    this.options.transport.send(target.id, this.options.group, { type: 'timeoutNow', from: self, to: target.id, term: this.raft.term });
  }

  private failAll(error: Error): void {
    for (const waiters of [this.persistWaiters, this.commitWaiters]) {
      for (const waiter of waiters.splice(0)) waiter.reject(error);
    }
  }

  private afterAdvance(): void {
    const role = this.raft.role;
    const term = this.raft.term;
    if (role === 'leader' && this.readyTerm !== term && this.raft.lastIndex === this.options.log.lastEntryIndex()) {
      // Our no-op (and everything before it) is stored: offsets continue from the log end.
      this.readyTerm = term;
      this.nextOffset = this.options.log.logEndOffset();
    }
    if (role !== 'leader' && this.readyTerm !== undefined) {
      this.readyTerm = undefined;
      // Entries we proposed may still commit under the next leader; the client retries and the
      // idempotent producer deduplicates. Until then, answer honestly: not known to be committed.
      this.failAll(this.notLeader());
    }
    if (this.raft.leaderId !== 0) this.termLeader = { id: this.raft.leaderId, term };
    if (this.raft.leaderId !== this.lastLeader || term !== this.lastTerm || this.isLeader !== this.wasLeader) {
      this.lastLeader = this.raft.leaderId;
      this.lastTerm = term;
      this.wasLeader = this.isLeader;
      this.options.onLeaderChange?.(this.lastLeader, term);
    }
  }

  /** Stops driving the group; waiting proposals fail with NOT_LEADER. */
  close(): void {
    this.closed = true;
    this.failAll(this.notLeader());
  }

  status() {
    return this.raft.status();
  }
}

function bootstrapConf(options: ReplicatedLogOptions): ConfState {
  return { voters: [...options.voters], learners: [...(options.learners ?? [])] };
}

function lastConf(records: readonly ConfRecord[], bootstrap: ConfState): ConfState {
  return records[records.length - 1]?.conf ?? bootstrap;
}

function storedShape(log: PartitionLog): StoredLogShape {
  return { markerIndex: log.snapshotMarker().index, lastIndex: log.lastEntryIndex(), term: (index) => log.entryTerm(index) };
}

/** Sorted, overlapping or touching ranges joined. */
function mergeRanges(ranges: readonly LostOffsets[]): LostOffsets[] {
  const merged: LostOffsets[] = [];
  for (const range of [...ranges].sort((a, b) => a.from - b.from)) {
    const last = merged[merged.length - 1];
    if (last !== undefined && range.from <= last.to) last.to = Math.max(last.to, range.to);
    else merged.push({ from: range.from, to: range.to });
  }
  return merged;
}

function describeRanges(ranges: readonly LostOffsets[]): string {
  return ranges.map((range) => `[${range.from}, ${range.to})`).join(', ');
}

/** The hard state with a repair floor: the more up to date (Raft's §5.4.1 order) of its own and `newest`. */
function withRepairFloor(hardState: HardState, newest: { index: number; term: number }): HardState {
  const { repairIndex, repairTerm } = hardState;
  const keep = repairIndex !== undefined && repairTerm !== undefined && (repairTerm > newest.term || (repairTerm === newest.term && repairIndex >= newest.index));
  return {
    term: hardState.term,
    vote: hardState.vote,
    commit: hardState.commit,
    repairIndex: keep ? repairIndex : newest.index,
    repairTerm: keep ? repairTerm : newest.term,
  };
}
