/**
 * Watches, once a second, what an operator wants to hear about without a line per event: which
 * partitions this broker leads, their in-sync replicas, who leads the controller, and which topics
 * exist (from the metadata this broker applied; every broker logs them). Each change
 * is counted (metrics) and logged at info, summarised per tick: a broker that takes over a
 * thousand partitions writes one line, not a thousand. Polling keeps this out of the Raft and
 * replication code paths; a change and its reversal within one second go unseen.
 */
import type { Logger } from '../observability/log.js';
import type { Clock, TimerHandle } from '../runtime/clock.js';

/**
 * What one tick sees: partitions led here (`topic/partition`) with their in-sync replicas, the
 * controller (0: unknown), and the topics by name with their ids and partition counts (undefined
 * until the broker holds the metadata up to its registration: earlier images are a replay).
 */
export interface WatchSnapshot {
  led: ReadonlyMap<string, readonly number[]>;
  controller: number;
  topics: ReadonlyMap<string, { topicId: number; partitions: number }> | undefined;
}

export interface IsrChange {
  partition: string;
  from: readonly number[];
  to: readonly number[];
}

export interface WatchChanges {
  elected: string[];
  lost: string[];
  /** Partitions led in both snapshots whose in-sync set lost replicas (`removed`) or gained some (`added`). */
  isrShrunk: Array<IsrChange & { removed: number }>;
  isrGrown: Array<IsrChange & { added: number }>;
  controller: { from: number; to: number } | undefined;
  /** `name (N partitions)`; a topic deleted and created again under its name is in both. */
  topicsCreated: string[];
  topicsDeleted: string[];
}

/** Pure: what changed between two snapshots. */
export function diffSnapshots(before: WatchSnapshot, after: WatchSnapshot): WatchChanges {
  const changes: WatchChanges = { elected: [], lost: [], isrShrunk: [], isrGrown: [], controller: undefined, topicsCreated: [], topicsDeleted: [] };
  for (const [partition, isr] of after.led) {
    const previous = before.led.get(partition);
    if (previous === undefined) {
      changes.elected.push(partition);
      continue;
    }
    const removed = previous.filter((id) => !isr.includes(id)).length;
    const added = isr.filter((id) => !previous.includes(id)).length;
    if (removed > 0) changes.isrShrunk.push({ partition, from: previous, to: isr, removed });
    if (added > 0) changes.isrGrown.push({ partition, from: previous, to: isr, added });
  }
  for (const partition of before.led.keys()) if (!after.led.has(partition)) changes.lost.push(partition);
  if (before.controller !== after.controller) changes.controller = { from: before.controller, to: after.controller };
  // The first complete view is where topics start from, not a burst of creations.
  if (before.topics !== undefined && after.topics !== undefined) {
    for (const [name, topic] of after.topics) {
      if (before.topics.get(name)?.topicId !== topic.topicId) changes.topicsCreated.push(`${name} (${topic.partitions} partitions)`);
    }
    for (const [name, topic] of before.topics) if (after.topics.get(name)?.topicId !== topic.topicId) changes.topicsDeleted.push(name);
  }
  return changes;
}

/** Names listed in one log line at most; the count says how many there were. */
const LISTED_MAX = 20;
export const WATCH_INTERVAL_MS = 1_000;

export interface ClusterWatchOptions {
  snapshot(): WatchSnapshot;
  clock: Clock;
  log: Logger;
  onLeaderElected?(count: number): void;
  onIsrShrunk?(replicas: number): void;
  onIsrExpanded?(replicas: number): void;
  onControllerChanged?(): void;
  /** Runs after each tick's comparison (e.g. to sample high watermarks for the lag metric). */
  onTick?(): void;
}

function listed(items: readonly string[]): string[] {
  return items.length <= LISTED_MAX ? [...items] : [...items.slice(0, LISTED_MAX), `... ${items.length - LISTED_MAX} more`];
}

function isrText(change: IsrChange): string {
  return `${change.partition} [${change.from.join(',')}] -> [${change.to.join(',')}]`;
}

export class ClusterWatch {
  private last: WatchSnapshot = { led: new Map(), controller: 0, topics: undefined };
  private timer: TimerHandle | undefined;

  constructor(private readonly options: ClusterWatchOptions) {}

  start(): void {
    this.timer ??= this.options.clock.setInterval(() => this.tick(), WATCH_INTERVAL_MS);
  }

  stop(): void {
    this.options.clock.clearTimer(this.timer);
    this.timer = undefined;
  }

  tick(): void {
    const { log } = this.options;
    const taken = this.options.snapshot();
    // Topics keep the last complete view while a newer one is missing (cut off from the controller).
    const next = taken.topics === undefined && this.last.topics !== undefined ? { ...taken, topics: this.last.topics } : taken;
    const changes = diffSnapshots(this.last, next);
    this.last = next;
    if (changes.topicsDeleted.length > 0) log.info({ topics: listed(changes.topicsDeleted) }, `topic(s) deleted: ${listed(changes.topicsDeleted).join(', ')}`);
    if (changes.topicsCreated.length > 0) log.info({ topics: listed(changes.topicsCreated) }, `topic(s) created: ${listed(changes.topicsCreated).join(', ')}`);
    if (changes.elected.length > 0) {
      this.options.onLeaderElected?.(changes.elected.length);
      log.info({ count: changes.elected.length, partitions: listed(changes.elected) }, `became leader of ${changes.elected.length} partition(s)`);
    }
    if (changes.lost.length > 0) {
      log.info({ count: changes.lost.length, partitions: listed(changes.lost) }, `no longer leads ${changes.lost.length} partition(s)`);
    }
    if (changes.isrShrunk.length > 0) {
      this.options.onIsrShrunk?.(changes.isrShrunk.reduce((sum, change) => sum + change.removed, 0));
      log.info({ count: changes.isrShrunk.length, changes: listed(changes.isrShrunk.map(isrText)) }, `in-sync replicas shrank on ${changes.isrShrunk.length} partition(s)`);
    }
    if (changes.isrGrown.length > 0) {
      this.options.onIsrExpanded?.(changes.isrGrown.reduce((sum, change) => sum + change.added, 0));
      log.info({ count: changes.isrGrown.length, changes: listed(changes.isrGrown.map(isrText)) }, `in-sync replicas grew on ${changes.isrGrown.length} partition(s)`);
    }
    if (changes.controller !== undefined) {
      this.options.onControllerChanged?.();
      const { from, to } = changes.controller;
      if (to === 0) log.warn({ previous: from }, 'no controller known: heartbeats unanswered or an election under way');
      else log.info({ controller: to, previous: from }, `controller is broker ${to}${from === 0 ? '' : ` (was ${from})`}`);
    }
    this.options.onTick?.();
  }
}
