/**
 * The simulated applications: real clients of src/client (an idempotent acks=all Producer, a
 * consumer group of GroupConsumers) on the cluster's clock, doing what an application does and
 * writing down what they were told: which record was acknowledged at which offset, what was
 * delivered at each offset, which offsets the group committed. The checker holds the cluster to it.
 */
import type { GroupConsumer, Sluice } from '../../src/client/index.js';
import { SluiceError } from '../../src/protocol/errors.js';
import type { Rng } from '../../src/raft/index.js';
import { sleep } from '../../src/runtime/clock.js';
import type { SimCluster } from './cluster.js';

export const TOPIC = 'sim';
export const PARTITIONS = 2;
export const GROUP = 'sim-group';
/** Sends of one producer awaiting their acknowledgement at once (batches pipeline per partition). */
const SENDS_IN_FLIGHT = 3;
/** Pause between two sends of one producer (it has other work: time moves on). */
const SEND_PAUSE_MS = 20;
/** How often the group's committed offsets are read back. */
const COMMIT_WATCH_MS = 250;
/** Chance that a handler fails a delivery (the record is delivered again after a backoff). */
const HANDLER_FAILURE_RATE = 0.03;

/** A record a producer had acknowledged: its value, and where the broker said it was stored. */
export interface Acknowledged {
  value: string;
  partition: number;
  offset: number;
}

function codeOf(err: unknown): string {
  return err instanceof SluiceError ? err.code : err instanceof Error ? err.message : String(err);
}

/**
 * An application producing distinct values (`p0:17`) through one Producer: idempotent with
 * acks=all (every acknowledged record must be kept, once), or plain acks=1 (an acknowledged record
 * may be lost in a failover, and a retry may store it twice; it must still never be made up).
 */
export class ProducerApp {
  readonly acknowledged: Acknowledged[] = [];
  /** Values of every record ever handed to `send` (acknowledged or not): none may be stored twice. */
  readonly sent = new Set<string>();
  private next = 0;
  private stopped = false;
  private done: Promise<void> = Promise.resolve();

  constructor(
    readonly name: string,
    private readonly cluster: SimCluster,
    private readonly client: Sluice,
    private readonly rng: Rng,
    private readonly trace: (event: string) => void,
    /** acks=all and idempotent, or acks=1 without idempotence. */
    readonly durable = true,
  ) {}

  start(): void {
    const producer = this.client.producer(this.durable ? { acks: 'all', idempotent: true, lingerMs: 5 } : { acks: 1, idempotent: false, lingerMs: 5 });
    const lanes = Array.from({ length: SENDS_IN_FLIGHT }, () => this.lane(producer));
    this.done = Promise.all(lanes).then(() => producer.close());
  }

  /** Stops sending; resolves once the producer is closed. */
  stop(): Promise<void> {
    this.stopped = true;
    return this.done;
  }

  private async lane(producer: ReturnType<Sluice['producer']>): Promise<void> {
    while (!this.stopped) {
      const values = Array.from({ length: 1 + Math.floor(this.rng() * 3) }, () => `${this.name}:${this.next++}`);
      for (const value of values) this.sent.add(value);
      try {
        const stored = await producer.send({ topic: TOPIC, records: values.map((value) => ({ key: value, value })) });
        stored.forEach((meta, i) => this.acknowledged.push({ value: values[i]!, partition: meta.partition, offset: meta.offset }));
        this.trace(`${this.name} acked ${values[0]} at ${stored[0]!.partition}/${stored[0]!.offset}`);
      } catch (err) {
        // Not acknowledged (retries ran out): the records may or may not be stored, never twice.
        this.trace(`${this.name} send of ${values[0]} failed: ${err instanceof Error ? err.message : String(err)}`);
      }
      await sleep(this.cluster.clock, SEND_PAUSE_MS);
    }
  }
}

/**
 * A consumer group of `members` GroupConsumers. Handlers fail now and then (the record comes
 * again). Notes what each offset was delivered as (an offset must never be delivered with other
 * bytes), and watches the committed offsets through the group admin API: they must never go back.
 */
export class GroupApp {
  /** `partition:offset` → value, as delivered. */
  readonly delivered = new Map<string, string>();
  readonly violations: string[] = [];
  private readonly members: GroupConsumer[] = [];
  private readonly committed = new Map<number, number>();
  private stopped = false;
  private watching: Promise<void> = Promise.resolve();

  constructor(
    private readonly cluster: SimCluster,
    private readonly clients: readonly Sluice[],
    private readonly rng: Rng,
    private readonly trace: (event: string) => void,
  ) {}

  start(): void {
    for (const [i, client] of this.clients.entries()) {
      const member = client.groupConsumer({ groupId: GROUP, sessionTimeoutMs: 3_000, autoCommitIntervalMs: 500, maxAttempts: 1_000 }, (err) =>
        this.trace(`member ${i}: ${codeOf(err)} ${err instanceof Error ? err.message : ""}`),
      );
      member.subscribe([TOPIC]);
      void member.run({ eachMessage: (message) => this.handle(i, message.partition, message.offset, message.value?.toString() ?? '') });
      this.members.push(member);
    }
    this.watching = this.watchCommits(this.clients[0]!);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.watching;
    await Promise.all(this.members.map((member) => member.close().catch(() => undefined)));
  }

  /** Those of `records` not delivered (at their offset, with their value) yet. */
  undelivered(records: readonly Acknowledged[]): Acknowledged[] {
    return records.filter((record) => this.delivered.get(`${record.partition}:${record.offset}`) !== record.value);
  }

  private handle(member: number, partition: number, offset: number, value: string): void {
    const key = `${partition}:${offset}`;
    const before = this.delivered.get(key);
    if (before !== undefined && before !== value) this.violations.push(`offset ${key} was delivered as ${before}, later as ${value}`);
    this.delivered.set(key, value);
    if (this.rng() < HANDLER_FAILURE_RATE) {
      this.trace(`member ${member} fails ${key}`);
      throw new Error(`handler failure at ${key}`);
    }
  }

  private async watchCommits(client: Sluice): Promise<void> {
    const admin = client.groupAdmin();
    while (!this.stopped) {
      await sleep(this.cluster.clock, COMMIT_WATCH_MS);
      try {
        for (const { partition, committedOffset } of (await admin.describeGroup(GROUP)).partitions) {
          if (committedOffset < 0) continue;
          const highest = this.committed.get(partition) ?? -1;
          // Noted once; later reads are compared with what was read last.
          if (committedOffset < highest) this.violations.push(`the committed offset of partition ${partition} went back from ${highest} to ${committedOffset}`);
          if (committedOffset !== highest) this.trace(`group committed ${partition}:${committedOffset}`);
          this.committed.set(partition, committedOffset);
        }
      } catch {
        // The coordinator is moving or cut off: read again later.
      }
    }
    await admin.close();
  }
}
