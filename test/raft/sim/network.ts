/**
 * Simulated network: every message gets a delivery tick; messages may be
 * dropped, duplicated, reordered (random delays, shuffled delivery) and
 * blocked by symmetric or one-way partitions.
 */
import type { Message, NodeId } from '../../../src/raft/index.js';
import type { Rng } from '../../../src/raft/index.js';

export interface NetFaults {
  /** Probability a message is lost. */
  dropRate: number;
  /** Probability a message is delivered twice. */
  dupRate: number;
  /** Max extra delivery delay in ticks (min delay is 1 tick). */
  maxDelayTicks: number;
}

interface InFlight {
  at: number;
  seq: number;
  msg: Message;
}

export class Network {
  private queue: InFlight[] = [];
  private seq = 0;
  /** Blocked directed links "from>to". */
  private blocked = new Set<string>();
  faults: NetFaults = { dropRate: 0, dupRate: 0, maxDelayTicks: 0 };
  sent = 0;
  dropped = 0;

  constructor(private readonly rng: Rng) {}

  send(msg: Message, now: number): void {
    this.sent++;
    if (this.rng() < this.faults.dropRate) {
      this.dropped++;
      return;
    }
    const copies = this.rng() < this.faults.dupRate ? 2 : 1;
    for (let c = 0; c < copies; c++) {
      const at = now + 1 + Math.floor(this.rng() * (this.faults.maxDelayTicks + 1));
      this.queue.push({ at, seq: this.seq++, msg });
    }
  }

  /** Removes and returns messages due by `now` whose recipient accepts delivery now, in random order. */
  takeDue(now: number, canReceive: (id: NodeId) => boolean): Message[] {
    const due: Message[] = [];
    const keep: InFlight[] = [];
    for (const f of this.queue) {
      if (f.at <= now && canReceive(f.msg.to)) due.push(f.msg);
      else keep.push(f);
    }
    this.queue = keep;
    for (let i = due.length - 1; i > 0; i--) {
      const j = Math.floor(this.rng() * (i + 1));
      const t = due[i]!;
      due[i] = due[j]!;
      due[j] = t;
    }
    return due;
  }

  /** Removes and returns one due message for `to`, if any (used to interleave input with a Ready). */
  takeOneFor(to: NodeId, now: number): Message | undefined {
    const k = this.queue.findIndex((f) => f.at <= now && f.msg.to === to);
    if (k < 0) return undefined;
    return this.queue.splice(k, 1)[0]!.msg;
  }

  isBlocked(from: NodeId, to: NodeId): boolean {
    return this.blocked.has(`${from}>${to}`);
  }

  block(from: NodeId, to: NodeId): void {
    this.blocked.add(`${from}>${to}`);
  }

  /** Splits the nodes into two sides that cannot talk (symmetric partition). */
  partition(a: NodeId[], b: NodeId[]): void {
    for (const x of a) for (const y of b) {
      this.block(x, y);
      this.block(y, x);
    }
  }

  heal(): void {
    this.blocked.clear();
  }

  /** Drops messages addressed to a node (it crashed: its sockets are gone). */
  dropTo(id: NodeId): void {
    this.queue = this.queue.filter((f) => f.msg.to !== id);
  }

  pending(): number {
    return this.queue.length;
  }
}
