/**
 * An in-memory network between brokers in one process, on an injected clock: directed links that
 * can be cut and healed, and an optional fault model that delays, drops and duplicates messages
 * (varying delays reorder them). The in-memory Raft and controller transports send through it, so a
 * simulation faults both kinds of traffic alike. Without a fault model a message arrives on the
 * next turn (Clock.defer), in order per link. Every copy delivered is a structured clone: receivers
 * never share objects with senders, as over a socket.
 */
import { systemClock, type Clock } from './clock.js';

/** Decides the fate of one message: the delays (ms) of the copies that arrive; [] loses it. */
export type LinkFaults = (fromBroker: number, toBroker: number) => readonly number[];

export interface MemoryNetworkOptions {
  clock?: Clock;
  faults?: LinkFaults;
}

export interface Delivery<T> {
  /** Called with each copy that arrives while the link is up. */
  arrive(message: T): void;
  /** Called for each copy lost: link cut at sending or on arrival, or dropped by the faults. */
  lost(): void;
}

const ARRIVES_NEXT_TURN: readonly number[] = [0];

function linkKey(from: number, to: number): string {
  return `${from}->${to}`;
}

export class MemoryNetwork {
  readonly clock: Clock;
  private faults: LinkFaults | undefined;
  /** Directed links that are down, as "from->to". */
  private readonly cutLinks = new Set<string>();

  constructor(options: MemoryNetworkOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.faults = options.faults;
  }

  /** Installs (or with undefined removes) the fault model. */
  setFaults(faults: LinkFaults | undefined): void {
    this.faults = faults;
  }

  /** Cuts the link between a and b: both directions, or only a → b with `oneWay`. */
  cut(a: number, b: number, options: { oneWay?: boolean } = {}): void {
    this.cutLinks.add(linkKey(a, b));
    if (options.oneWay !== true) this.cutLinks.add(linkKey(b, a));
  }

  /** Heals the link between a and b: both directions, or only a → b with `oneWay`. */
  heal(a: number, b: number, options: { oneWay?: boolean } = {}): void {
    this.cutLinks.delete(linkKey(a, b));
    if (options.oneWay !== true) this.cutLinks.delete(linkKey(b, a));
  }

  healAll(): void {
    this.cutLinks.clear();
  }

  isLinkUp(from: number, to: number): boolean {
    return !this.cutLinks.has(linkKey(from, to));
  }

  /** Sends `message` from → to; each copy is checked against the link again when it arrives. */
  send<T>(from: number, to: number, message: T, delivery: Delivery<T>): void {
    if (!this.isLinkUp(from, to)) {
      delivery.lost();
      return;
    }
    const delays = this.faults?.(from, to) ?? ARRIVES_NEXT_TURN;
    if (delays.length === 0) delivery.lost();
    for (const delayMs of delays) {
      const copy = structuredClone(message);
      const arrive = (): void => {
        if (this.isLinkUp(from, to)) delivery.arrive(copy);
        else delivery.lost();
      };
      if (delayMs <= 0) this.clock.defer(arrive);
      else this.clock.setTimeout(arrive, delayMs);
    }
  }
}
