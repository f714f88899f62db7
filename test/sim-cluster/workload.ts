/**
 * The simulated clients: idempotent acks=all producers and a reader, calling the brokers' own
 * produce and fetch paths (what the gRPC services call), with their own timeouts on the cluster's
 * clock. A producer retries one batch, the same bytes, until it is acknowledged: its sequence
 * numbers never skip, so the idempotence table must turn every retry into the first answer.
 */
import { decodeBatch, encodeBatch } from '../../src/protocol/batch.js';
import { SluiceError } from '../../src/protocol/errors.js';
import type { Rng } from '../../src/raft/index.js';
import { sleep, withTimeout } from '../../src/runtime/clock.js';
import type { SimCluster } from './cluster.js';

export const TOPIC = 'sim';
/** How long a client waits for an answer before it counts the request as lost. */
const CLIENT_TIMEOUT_MS = 4_000;
const RETRY_BACKOFF_MS = 100;
const PRODUCE_TIMEOUT_MS = 3_000;
/** Pause between two batches of a producer (it has other work: time moves on). */
const PRODUCE_PAUSE_MS = 20;

/** A record a producer had acknowledged: its value and the offset the broker said it got. */
export interface Acknowledged {
  value: string;
  offset: number;
}

function lost(): SluiceError {
  return new SluiceError('REQUEST_TIMED_OUT', 'no answer (the broker may have crashed)');
}

/** The broker id in a NOT_LEADER hint (`broker-N:7000`), if any. */
function hintedBroker(err: unknown): number | undefined {
  const hint = err instanceof SluiceError ? err.leaderHint : undefined;
  const match = hint === undefined ? null : /^broker-(\d+):/.exec(hint);
  return match ? Number(match[1]) : undefined;
}

export class SimProducer {
  readonly acknowledged: Acknowledged[] = [];
  /** Values of every batch ever sent (acknowledged or not): none may appear twice in the log. */
  readonly sent = new Set<string>();
  private producerId = -1;
  private sequence = 0;
  private target: number;
  stopped = false;

  constructor(
    readonly name: string,
    private readonly cluster: SimCluster,
    private readonly rng: Rng,
    private readonly trace: (event: string) => void,
  ) {
    this.target = cluster.ids[0]!;
  }

  /** Sends batches one at a time until stopped; each is retried until acknowledged. */
  async run(): Promise<void> {
    while (!this.stopped) {
      if (this.producerId < 0) await this.initProducerId();
      else await this.produceOne();
    }
  }

  /** Sends one more batch and resolves once it is acknowledged (or the producer is stopped). */
  async produceOne(): Promise<void> {
    const count = 1 + Math.floor(this.rng() * 3);
    const values = Array.from({ length: count }, (_, i) => `${this.name}:${this.sequence + i}`);
    for (const value of values) this.sent.add(value);
    const bytes = encodeBatch(
      values.map((value) => ({ key: null, value: Buffer.from(value) })),
      { producerId: this.producerId, producerEpoch: 0, baseSequence: this.sequence, nowMs: this.cluster.clock.nowMs() },
    );
    this.sequence += count;
    while (!this.stopped) {
      try {
        // A copy per attempt, as the network would: the broker stamps and keeps what it gets.
        const result = await this.call((broker) => broker.produce(TOPIC, 0, Buffer.from(bytes), -1, PRODUCE_TIMEOUT_MS));
        values.forEach((value, i) => this.acknowledged.push({ value, offset: result.baseOffset + i }));
        this.trace(`${this.name} acked ${values[0]} at ${result.baseOffset}`);
        await sleep(this.cluster.clock, PRODUCE_PAUSE_MS);
        return;
      } catch (err) {
        this.retarget(err);
        await sleep(this.cluster.clock, RETRY_BACKOFF_MS);
      }
    }
  }

  private async initProducerId(): Promise<void> {
    try {
      this.producerId = (await this.call((broker) => broker.initProducerId())).producerId;
      this.trace(`${this.name} is producer ${this.producerId}`);
    } catch (err) {
      this.retarget(err);
      await sleep(this.cluster.clock, RETRY_BACKOFF_MS);
    }
  }

  private call<T>(request: (broker: NonNullable<ReturnType<SimCluster['broker']>>) => Promise<T>): Promise<T> {
    const broker = this.cluster.broker(this.target);
    if (broker === undefined) return Promise.reject(new SluiceError('BROKER_NOT_AVAILABLE', `broker ${this.target} is down`));
    return withTimeout(this.cluster.clock, Promise.resolve().then(() => request(broker)), CLIENT_TIMEOUT_MS, lost);
  }

  /** Follows a leader hint, or tries another broker. */
  private retarget(err: unknown): void {
    const ids = this.cluster.ids;
    this.target = hintedBroker(err) ?? ids[Math.floor(this.rng() * ids.length)]!;
  }
}

/**
 * Reads committed records from the partition leader now and then and remembers what each offset
 * held: an offset once served must never be served with other bytes, nor vanish.
 */
export class SimReader {
  readonly served = new Map<number, string>();
  readonly violations: string[] = [];
  stopped = false;

  constructor(
    private readonly cluster: SimCluster,
    private readonly rng: Rng,
  ) {}

  async run(): Promise<void> {
    while (!this.stopped) {
      await sleep(this.cluster.clock, 100 + Math.floor(this.rng() * 200));
      const leader = this.cluster.running().find((b) => b.allPartitions().some((p) => p.topic === TOPIC && p.isLeader));
      if (leader === undefined) continue;
      const from = Math.floor(this.rng() * (this.served.size + 1));
      try {
        const result = await withTimeout(this.cluster.clock, leader.fetch(TOPIC, 0, from, 64 * 1024, 0, 1), CLIENT_TIMEOUT_MS, lost);
        for (const batch of result.batches) for (const record of decodeBatch(batch).records) this.note(record.offset, record.value?.toString() ?? '');
      } catch {
        // Not the leader any more, an offset out of range after a leader change: read again later.
      }
    }
  }

  private note(offset: number, value: string): void {
    const before = this.served.get(offset);
    if (before !== undefined && before !== value) this.violations.push(`offset ${offset} was served as ${before}, later as ${value}`);
    this.served.set(offset, value);
  }
}
