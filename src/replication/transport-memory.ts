/**
 * In-process RaftTransports: several brokers' replication layers in one process, over a
 * MemoryNetwork (runtime/memory-network.ts) whose links can be cut and healed (both ways or one way)
 * and which may delay, drop and duplicate messages; plus an optional drop filter by message.
 *
 * Delivery is asynchronous (the next turn of the network's clock, FIFO per pair, unless its fault
 * model says otherwise) like the real network, so a driver cannot come to depend on re-entrant
 * delivery. Each delivered message is a structured clone: the receiver never shares objects (or
 * entry bytes) with the sender, as over gRPC.
 */
import type { Message } from '../raft/types.js';
import { invariant } from '../raft/types.js';
import { MemoryNetwork } from '../runtime/memory-network.js';
import { isBrokerId, type InboundHandler, type RaftTransport } from './transport.js';

/** Return false to drop the message (e.g. to lose every append of one group). */
export type MessageFilter = (fromBroker: number, toBroker: number, group: string, message: Message) => boolean;

export interface MemoryHubStats {
  delivered: number;
  /** Dropped: link cut, network faults, filter, receiver closed/absent or without a handler. */
  dropped: number;
}

interface Envelope {
  group: string;
  message: Message;
}

export class MemoryRaftTransportHub {
  private readonly transports = new Map<number, MemoryRaftTransport>();
  private filter: MessageFilter | undefined;
  private readonly counters: MemoryHubStats = { delivered: 0, dropped: 0 };

  /** `network`: shared with other in-memory transports (a simulation); by default one of its own on Node's clock. */
  constructor(readonly network: MemoryNetwork = new MemoryNetwork()) {}

  /** The transport of `brokerId`; one per broker id at a time (a closed one may be replaced: restart). */
  transport(brokerId: number): RaftTransport {
    invariant(isBrokerId(brokerId), `bad broker id ${brokerId}`);
    const existing = this.transports.get(brokerId);
    invariant(existing === undefined || existing.closed, `broker ${brokerId} already has an open transport`);
    const t = new MemoryRaftTransport(this, brokerId);
    this.transports.set(brokerId, t);
    return t;
  }

  /** Cuts the link between a and b: both directions, or only a → b with `oneWay`. */
  cut(a: number, b: number, options: { oneWay?: boolean } = {}): void {
    this.network.cut(a, b, options);
  }

  /** Heals the link between a and b: both directions, or only a → b with `oneWay`. */
  heal(a: number, b: number, options: { oneWay?: boolean } = {}): void {
    this.network.heal(a, b, options);
  }

  /** Cuts every link to and from `broker` (among the brokers the hub knows now). */
  isolate(broker: number): void {
    for (const other of this.transports.keys()) if (other !== broker) this.network.cut(broker, other);
  }

  healAll(): void {
    this.network.healAll();
  }

  /** Installs (or with undefined removes) a drop filter applied to every message. */
  setFilter(filter: MessageFilter | undefined): void {
    this.filter = filter;
  }

  isLinkUp(from: number, to: number): boolean {
    return this.network.isLinkUp(from, to);
  }

  stats(): MemoryHubStats {
    return { ...this.counters };
  }

  /** @internal the transports' side of the hub. */
  route(from: number, to: number, group: string, message: Message): void {
    if (!this.open(from) || !this.open(to) || (this.filter !== undefined && !this.filter(from, to, group, message))) {
      this.counters.dropped++;
      return;
    }
    this.network.send<Envelope>(from, to, { group, message }, {
      // Receivers can close (a crash) while the message is "on the wire".
      arrive: (envelope) => {
        const receiver = this.transports.get(to);
        const taken = this.open(from) && receiver !== undefined && receiver.deliver(from, envelope.group, envelope.message);
        this.counters[taken ? 'delivered' : 'dropped']++;
      },
      lost: () => this.counters.dropped++,
    });
  }

  /** @internal */
  connectedPeersOf(self: number): number[] {
    const peers: number[] = [];
    for (const [id, t] of this.transports) {
      if (id !== self && !t.closed && this.isLinkUp(self, id) && this.isLinkUp(id, self)) peers.push(id);
    }
    return peers.sort((x, y) => x - y);
  }

  private open(broker: number): boolean {
    const transport = this.transports.get(broker);
    return transport !== undefined && !transport.closed;
  }
}

class MemoryRaftTransport implements RaftTransport {
  closed = false;
  private handler: InboundHandler | undefined;

  constructor(
    private readonly hub: MemoryRaftTransportHub,
    readonly selfId: number,
  ) {}

  send(toBroker: number, group: string, message: Message): void {
    if (this.closed || toBroker === this.selfId) return;
    this.hub.route(this.selfId, toBroker, group, message);
  }

  onMessage(handler: InboundHandler): void {
    invariant(this.handler === undefined, 'onMessage: a handler is already registered');
    this.handler = handler;
  }

  connectedPeers(): number[] {
    return this.closed ? [] : this.hub.connectedPeersOf(this.selfId);
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }

  /** Returns false when the message was not taken (closed, no handler yet). */
  deliver(fromBroker: number, group: string, message: Message): boolean {
    if (this.closed || this.handler === undefined) return false;
    this.handler(fromBroker, group, message);
    return true;
  }
}
