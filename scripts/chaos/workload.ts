/**
 * The traffic a chaos run keeps up through every fault, through the real client library, from the
 * client namespace: two idempotent acks=all producers and one acks=1 producer writing to every
 * partition, and a group consumer that commits. Every record's value is a unique id
 * (`<producer>:<partition>:<seq>`), so the checker can account for each one.
 */
import type { Sluice } from '../../src/client/index.js';
import type { GroupConsumer } from '../../src/client/index.js';
import type { GroupAdmin, Producer } from '../../src/client/index.js';

export interface AckedRecord {
  id: string;
  partition: number;
  offset: number;
}

export const IDEMPOTENT_PRODUCERS = ['i1', 'i2'] as const;
export const ACKS1_PRODUCER = 'a1';
export const GROUP_ID = 'chaos-group';

export interface WorkloadOptions {
  topic: string;
  partitions: number;
  /** Records per send() call. */
  recordsPerSend: number;
  /** Pause between one loop's sends, ms: keeps the data volume small on a shared machine. */
  paceMs: number;
}

/** A gate loops wait at while the checker wants the cluster quiet. */
class Gate {
  private opened = true;
  private waiters: Array<() => void> = [];
  close(): void {
    this.opened = false;
  }
  open(): void {
    this.opened = true;
    for (const wake of this.waiters.splice(0)) wake();
  }
  async pass(): Promise<void> {
    if (!this.opened) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }
}

export class Workload {
  /** Acknowledged acks=all records (idempotent producers), by id. */
  readonly ackedAll = new Map<string, AckedRecord>();
  /** Acknowledged acks=1 records, by id. */
  readonly ackedOne = new Map<string, AckedRecord>();
  /** Per partition: completion times (ms since epoch) of successful acks=all sends, ascending. */
  readonly ackTimes: number[][];
  /** Ids the group consumer was handed (at least once). */
  readonly delivered = new Set<string>();
  /** Committed offset regressions seen by the poller: partition, from, to. */
  readonly regressions: Array<{ partition: number; from: number; to: number; atMs: number }> = [];
  readonly errors = { idempotentSendFailures: 0, acks1SendFailures: 0, groupErrors: 0 };

  private readonly committedMax = new Map<number, number>();
  private lastGroupView = 'not described yet';
  private readonly gate = new Gate();
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly loops: Array<Promise<void>> = [];
  private readonly producers: Producer[] = [];
  private consumer: GroupConsumer | undefined;
  private consumerRun: Promise<void> | undefined;
  private stopping = false;
  private pollTimer: NodeJS.Timeout | undefined;
  private groupAdmin: GroupAdmin | undefined;
  private polling = false;

  constructor(
    private readonly sluice: Sluice,
    private readonly options: WorkloadOptions,
  ) {
    this.ackTimes = Array.from({ length: options.partitions }, () => []);
  }

  start(): void {
    for (const name of IDEMPOTENT_PRODUCERS) {
      const producer = this.sluice.producer({ lingerMs: 2, acks: 'all', idempotent: true });
      this.producers.push(producer);
      for (let p = 0; p < this.options.partitions; p++) this.loops.push(this.sendLoop(producer, name, [p], true));
    }
    const acks1 = this.sluice.producer({ lingerMs: 2, acks: 1 });
    this.producers.push(acks1);
    this.loops.push(this.sendLoop(acks1, ACKS1_PRODUCER, Array.from({ length: this.options.partitions }, (_, p) => p), false));

    this.consumer = this.sluice.groupConsumer({ groupId: GROUP_ID, autoCommitIntervalMs: 500, sessionTimeoutMs: 6_000 }, () => this.errors.groupErrors++);
    this.consumer.subscribe([this.options.topic]);
    this.consumerRun = this.consumer.run({
      eachMessage: (message) => {
        if (message.value) this.delivered.add(message.value.toString());
      },
    });
    this.consumerRun.catch(() => this.errors.groupErrors++);
    this.groupAdmin = this.sluice.groupAdmin();
    this.pollTimer = setInterval(() => void this.pollCommitted(), 500);
  }

  private async sendLoop(producer: Producer, name: string, partitions: number[], idempotent: boolean): Promise<void> {
    let seq = 0;
    for (let turn = 0; !this.stopping; turn++) {
      await this.gate.pass();
      if (this.stopping) break;
      const partition = partitions[turn % partitions.length]!;
      const ids = Array.from({ length: this.options.recordsPerSend }, () => `${name}:${partition}:${seq++}`);
      const send = producer.send({ topic: this.options.topic, records: ids.map((id) => ({ value: id, partition })) });
      this.inFlight.add(send);
      try {
        const metadata = await send;
        const now = Date.now();
        const acked = idempotent ? this.ackedAll : this.ackedOne;
        metadata.forEach((meta, i) => acked.set(ids[i]!, { id: ids[i]!, partition: meta.partition, offset: meta.offset }));
        if (idempotent) this.ackTimes[partition]!.push(now);
      } catch {
        // Not acknowledged: stored at most once (idempotent) or maybe not at all; the checker decides.
        if (idempotent) this.errors.idempotentSendFailures++;
        else this.errors.acks1SendFailures++;
      } finally {
        this.inFlight.delete(send);
      }
      await new Promise((resolve) => setTimeout(resolve, this.options.paceMs));
    }
  }

  private async pollCommitted(): Promise<void> {
    // One poll at a time: during a fault a describe may hang until its timeout.
    if (this.stopping || this.polling || !this.groupAdmin) return;
    this.polling = true;
    try {
      const description = await this.groupAdmin.describeGroup(GROUP_ID);
      const committed = description.partitions.filter((view) => view.topic === this.options.topic).map((view) => `p${view.partition}=${view.committedOffset}${view.owner ? '' : ' unowned'}`);
      this.lastGroupView = `${description.state}, epoch ${description.groupEpoch}, ${description.members.length} members, committed ${committed.join(' ')} at ${new Date().toISOString()}`;
      for (const view of description.partitions) {
        if (view.topic !== this.options.topic || view.committedOffset < 0) continue;
        const max = this.committedMax.get(view.partition) ?? -1;
        if (view.committedOffset < max) this.regressions.push({ partition: view.partition, from: max, to: view.committedOffset, atMs: Date.now() });
        else this.committedMax.set(view.partition, view.committedOffset);
      }
    } catch {
      // Coordinator unreachable during a fault: nothing to compare this time.
    } finally {
      this.polling = false;
    }
  }

  /** The group as the poller last saw it (state, members, committed offsets), for violation reports. */
  groupView(): string {
    return `${this.lastGroupView}; the member: ${this.consumer?.describeState() ?? 'not started'}`;
  }

  /** Stops new sends and waits until every send in flight settled. */
  async quiesce(): Promise<void> {
    this.gate.close();
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  resume(): void {
    this.gate.open();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.gate.open();
    clearInterval(this.pollTimer);
    await Promise.allSettled(this.loops);
    await Promise.allSettled(this.producers.map((producer) => producer.close()));
    await Promise.allSettled([this.consumer?.close(), this.consumerRun, this.groupAdmin?.close()]);
  }
}
