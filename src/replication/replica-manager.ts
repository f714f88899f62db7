/**
 * Runs every Raft group this broker takes part in: one clock ticks them all, one transport carries
 * their messages (routed by group name), and each group's log lives in the broker's LogStore under a
 * local log id allocated here and remembered across restarts.
 */
import { seededRng, type Message, type RaftLimits, type Rng } from '../raft/index.js';
import { systemClock, type Clock, type TimerHandle } from '../runtime/clock.js';
import { damageRecordKey, parseDamageRecord } from '../storage/recovery.js';
import type { LogStore } from '../storage/types.js';
import { ReplicatedLog, type ReplicatedLogOptions } from './replicated-log.js';
import type { RaftTransport } from './transport.js';
import type { RaftDropReason } from './inbound-check.js';
import { confRecordsKey } from './conf-records.js';

export interface ReplicaManagerOptions {
  selfId: number;
  store: LogStore;
  transport: RaftTransport;
  /** Length of one Raft tick; election timeouts are `electionTicks` of these. */
  tickMs: number;
  limits?: Partial<RaftLimits>;
  /** Seed of the election-timeout randomness (tests pass a fixed one). */
  seed?: number;
  /** Ticks and the groups' scheduling (default: Node's clock). */
  clock?: Clock;
  /** Bytes per second a leader sends each learner catching up (reassignment.throttle.bytes.per.sec; 0: unbounded). */
  learnerBytesPerSec?: number;
}

export type GroupOptions = Pick<ReplicatedLogOptions, 'voters' | 'learners' | 'apply' | 'onLeaderChange' | 'onHighWatermark' | 'onStorageFailure'>;

const LOG_ID_PREFIX = 'log-id/';
const NEXT_LOG_ID_KEY = 'next-log-id';

export class ReplicaManager {
  private readonly groups = new Map<string, ReplicatedLog>();
  private readonly random: Rng;
  private ticker: TimerHandle | undefined;
  private readonly clock: Clock;
  private nextLogId: number | undefined;

  constructor(private readonly options: ReplicaManagerOptions) {
    this.clock = options.clock ?? systemClock;
    this.random = seededRng(options.seed ?? (this.clock.nowMs() ^ (options.selfId * 0x9e3779b1)) >>> 0);
    options.transport.onMessage((_from, group, message) => this.route(group, message));
  }

  /** This broker's id in every group. */
  get selfId(): number {
    return this.options.selfId;
  }

  start(): void {
    this.ticker = this.clock.setInterval(() => {
      for (const group of this.groups.values()) group.tick();
    }, this.options.tickMs);
  }

  /** The transport checked that `message.from` is the peer it came from; the group checks the rest. */
  private route(group: string, message: Message): RaftDropReason | undefined {
    // Messages for a group this broker has not created yet (metadata still on its way) are dropped;
    // Raft resends.
    const replicated = this.groups.get(group);
    return replicated === undefined ? 'unknown_group' : replicated.step(message);
  }

  get(group: string): ReplicatedLog | undefined {
    return this.groups.get(group);
  }

  all(): ReplicatedLog[] {
    return [...this.groups.values()];
  }

  /** The local log id of a group, allocating one the first time. */
  private async logIdOf(group: string): Promise<number> {
    const store = this.options.store;
    const saved = await store.getMeta(LOG_ID_PREFIX + group);
    if (saved) return Number(saved.toString('utf8'));
    if (this.nextLogId === undefined) {
      const next = await store.getMeta(NEXT_LOG_ID_KEY);
      this.nextLogId = next ? Number(next.toString('utf8')) : 1;
    }
    const logId = this.nextLogId++;
    // The counter is saved first so a crash between the two writes never reuses an id.
    await store.putMeta(NEXT_LOG_ID_KEY, Buffer.from(String(this.nextLogId)));
    await store.putMeta(LOG_ID_PREFIX + group, Buffer.from(String(logId)));
    return logId;
  }

  /** Whether a log of the group is stored here (opened once and not dropped since). */
  async isStored(group: string): Promise<boolean> {
    return (await this.options.store.getMeta(LOG_ID_PREFIX + group)) !== undefined;
  }

  /** Opens (or returns) the group; its log is recovered from the store. */
  async open(group: string, options: GroupOptions): Promise<ReplicatedLog> {
    const existing = this.groups.get(group);
    if (existing) return existing;
    const logId = await this.logIdOf(group);
    const store = this.options.store;
    const log = await store.openLog(logId, { name: group });
    // What recovery found damaged: a replicated group repairs it at open; a single copy keeps
    // reporting it at every start (its offsets are lost) until an operator skips them.
    const damageValue = await store.getMeta(damageRecordKey(logId));
    const damage = damageValue === undefined ? undefined : parseDamageRecord(damageValue);
    const replicated = await ReplicatedLog.open({
      ...options,
      damage,
      group,
      selfId: this.options.selfId,
      log,
      store: this.options.store,
      transport: this.options.transport,
      random: this.random,
      clock: this.clock,
      limits: this.options.limits,
      learnerBytesPerSec: this.options.learnerBytesPerSec,
    });
    if (damage !== undefined && options.voters.length > 1) await store.deleteMeta(damageRecordKey(logId));
    // A concurrent open may have won while we awaited.
    const raced = this.groups.get(group);
    if (raced) {
      replicated.close();
      return raced;
    }
    this.groups.set(group, replicated);
    return replicated;
  }

  /**
   * Stops the group and opens it again from what the store holds (its log recovered anew), as a
   * restart would: after its storage failed and the store takes writes again (LogStore.resume).
   */
  async reopen(group: string, options: GroupOptions): Promise<ReplicatedLog> {
    this.groups.get(group)?.close();
    this.groups.delete(group);
    return this.open(group, options);
  }

  /** Stops the group and deletes its log and hard state (its topic was deleted). */
  async drop(group: string): Promise<void> {
    const replicated = this.groups.get(group);
    replicated?.close();
    this.groups.delete(group);
    const store = this.options.store;
    const saved = await store.getMeta(LOG_ID_PREFIX + group);
    if (!saved) return;
    await store.dropLog(Number(saved.toString('utf8')));
    await store.deleteMeta(damageRecordKey(Number(saved.toString('utf8'))));
    await store.deleteMeta(ReplicatedLog.hardStateKey(group));
    await store.deleteMeta(ReplicatedLog.skippedKey(group));
    await store.deleteMeta(confRecordsKey(group));
    await store.deleteMeta(LOG_ID_PREFIX + group);
  }

  /**
   * Drops every stored log whose group is not open and not kept: the partitions of topics deleted,
   * or moved to other brokers, while this broker was down, and drops a crash cut short (`drop`
   * deletes the log-id mapping last). Returns the groups dropped.
   */
  async dropStray(keep: (group: string) => boolean): Promise<string[]> {
    const stored = await this.options.store.listMeta(LOG_ID_PREFIX);
    const stray = stored.map(([key]) => key.slice(LOG_ID_PREFIX.length)).filter((group) => !this.groups.has(group) && !keep(group));
    for (const group of stray) await this.drop(group);
    return stray;
  }

  async close(): Promise<void> {
    this.clock.clearTimer(this.ticker);
    for (const group of this.groups.values()) group.close();
    await this.options.transport.close();
  }
}
