/**
 * N whole brokers in one process on one virtual clock: each a real Broker (controller, replication,
 * partitions) with the services a process serves (client handlers, group coordinator, retention)
 * over a memory store, and real clients (src/client) whose gRPC stubs talk to those handlers. Raft,
 * controller and client traffic all cross one in-memory network. No sockets, no Node timers: a seed
 * replays a run exactly. A crash stops every timer of the broker at once, resets its client
 * connections, and keeps what its store would keep (a power loss: the synced writes; a killed
 * process: every write); a restart opens a new Broker over that store.
 */
import { Broker, type ClusterSettings } from '../../src/broker/broker.js';
import { InflightRequests } from '../../src/broker/inflight.js';
import { RequestStreams } from '../../src/broker/request-streams.js';
import { BrokerServices } from '../../src/broker/services.js';
import { createClient, type ClientOptions, type Sluice } from '../../src/client/index.js';
import { MemoryControllerTransportHub } from '../../src/controller/transport-memory.js';
import type { ControllerTransport } from '../../src/controller/rpc.js';
import { seededRng, type Rng } from '../../src/raft/index.js';
import { MemoryRaftTransportHub } from '../../src/replication/transport-memory.js';
import type { Clock, TimerHandle } from '../../src/runtime/clock.js';
import { MemoryGrpcHub } from '../../src/runtime/memory-grpc.js';
import { MemoryNetwork, type LinkFaults } from '../../src/runtime/memory-network.js';
import { VirtualClock } from '../../src/runtime/virtual-clock.js';
import { FaultyLogStore } from '../../src/storage/faulty-store.js';
import { openMemoryLogStore, type MemoryLogStore } from '../../src/storage/memory-store.js';
import type { FlushPolicy, LogStore } from '../../src/storage/types.js';

/** One broker's view of the shared clock: its timers, all cancelled at once when it crashes. */
class BrokerClock implements Clock {
  private readonly live = new Set<TimerHandle>();
  private dead = false;

  constructor(private readonly base: VirtualClock) {}

  nowMs(): number {
    return this.base.nowMs();
  }

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    const handle: TimerHandle = this.base.setTimeout(() => {
      this.live.delete(handle);
      callback();
    }, delayMs);
    return this.track(handle);
  }

  setInterval(callback: () => void, intervalMs: number): TimerHandle {
    return this.track(this.base.setInterval(callback, intervalMs));
  }

  clearTimer(handle: TimerHandle | undefined): void {
    if (handle === undefined) return;
    this.live.delete(handle);
    this.base.clearTimer(handle);
  }

  defer(callback: () => void): void {
    this.setTimeout(callback, 0);
  }

  /** The process is gone: none of its timers runs again, and new ones never run. */
  kill(): void {
    this.dead = true;
    for (const handle of this.live) this.base.clearTimer(handle);
    this.live.clear();
  }

  private track(handle: TimerHandle): TimerHandle {
    if (this.dead) this.base.clearTimer(handle);
    else this.live.add(handle);
    return handle;
  }
}

/**
 * Timing of the simulated brokers: the process defaults (broker-config.ts), except shorter request
 * timeouts and leader balancing, so that a few seconds of faults see them act.
 */
export const SIM_SETTINGS = {
  tickMs: 50,
  raftLimits: { electionTicks: 10, heartbeatTicks: 1 },
  heartbeatIntervalMs: 250,
  sessionTimeoutMs: 3_000,
  requestTimeoutMs: 3_000,
  leaderBalanceIntervalMs: 2_000,
} as const;

/** Disks that can fail: each broker's memory store behind a FaultyLogStore; `disks` holds the one of each broker's current life. */
export function faultyDisks(): { disks: Map<number, FaultyLogStore<MemoryLogStore>>; storeFor: (id: number, store: MemoryLogStore) => FaultyLogStore<MemoryLogStore> } {
  const disks = new Map<number, FaultyLogStore<MemoryLogStore>>();
  const storeFor = (id: number, store: MemoryLogStore): FaultyLogStore<MemoryLogStore> => {
    const disk = new FaultyLogStore(store);
    disks.set(id, disk);
    return disk;
  };
  return { disks, storeFor };
}

/** What the simulated brokers serve: the process defaults (broker-config.ts), with a shorter long-poll. */
const SIM_SERVICES = {
  fetchMaxWaitMs: 500,
  groups: { sessionTimeoutMinMs: 1_000, sessionTimeoutMaxMs: 60_000, offsetsRetentionMs: 7 * 24 * 3_600_000 },
  retentionCheckIntervalMs: 5_000,
  /** The process default: a sim log is read over in a fraction of a second. */
  scrub: { bytesPerSec: 8 * 1024 * 1024 },
} as const;

/** Far more timers than a simulated minute takes. */
const TIMERS_MAX = 4_000_000;
/** Clients are network nodes from here on (brokers are 1..N). */
const FIRST_CLIENT_NODE = 1_000;
const PORT = 7000;
/** What the brokers register as their inter-broker listener (the in-memory transports route by id). */
const INTER_BROKER_PORT = 7200;

export interface SimClusterOptions {
  seed: number;
  brokers: number;
  flush: FlushPolicy;
  /** Network faults (default none: every message arrives on the next turn). */
  faults?: LinkFaults;
  /** The store broker `id` runs on over its memory store, e.g. a FaultyLogStore (default: the memory store). */
  storeFor?: (id: number, store: MemoryLogStore) => LogStore;
}

interface Node {
  id: number;
  store: MemoryLogStore;
  /** The inter-broker addresses its broker was last told (Broker's onPeerAddresses). */
  peerAddresses: ReadonlyMap<number, string>;
  /** Starts so far; each gets its own incarnation. */
  lives: number;
  running?: { broker: Broker; services: BrokerServices; clock: BrokerClock; controllerTransport: ControllerTransport };
}

export class SimCluster {
  readonly clock = new VirtualClock();
  readonly network: MemoryNetwork;
  /** Client connections to the brokers' services. */
  readonly grpc: MemoryGrpcHub;
  /** Network nodes of the clients made so far. */
  readonly clientNodes: number[] = [];
  private readonly rng: Rng;
  private readonly raftHub: MemoryRaftTransportHub;
  private readonly controllerHub: MemoryControllerTransportHub;
  private readonly nodes = new Map<number, Node>();
  private readonly settings: ClusterSettings;
  private readonly storeFor: (id: number, store: MemoryLogStore) => LogStore;
  private readonly flush: FlushPolicy;

  constructor(options: SimClusterOptions) {
    this.storeFor = options.storeFor ?? ((_id, store) => store);
    this.flush = options.flush;
    this.rng = seededRng(options.seed);
    this.network = new MemoryNetwork({ clock: this.clock, faults: options.faults });
    this.raftHub = new MemoryRaftTransportHub(this.network);
    this.controllerHub = new MemoryControllerTransportHub(this.network);
    this.grpc = new MemoryGrpcHub(this.network, (address) => {
      const id = Number(/^broker-(\d+):\d+$/.exec(address)?.[1]);
      return this.nodes.has(id) ? id : undefined;
    });
    const ids = Array.from({ length: options.brokers }, (_, i) => i + 1);
    this.settings = {
      ...SIM_SETTINGS,
      addresses: new Map(ids.map((id) => [id, `broker-${id}:${INTER_BROKER_PORT}`])),
      controllerVoters: ids.slice(0, 3),
    };
    for (const id of ids) this.addNode(id);
  }

  private addNode(id: number): void {
    // A group sync takes a millisecond of virtual time, so a crash can land between an append and its sync.
    const deferSync = (sync: () => void): void => void this.clock.setTimeout(sync, 1);
    this.nodes.set(id, { id, store: openMemoryLogStore({ flush: this.flush, deferSync }), lives: 0, peerAddresses: new Map() });
  }

  /**
   * Starts a new broker `id` that the others are not configured with: it knows only the controller
   * voters (as with controller.quorum.voters), registers, and joins (docs/CLUSTER.md).
   */
  async join(id: number): Promise<Broker> {
    if (this.nodes.has(id)) throw new Error(`broker ${id} exists already`);
    this.addNode(id);
    return this.start(id);
  }

  /** The inter-broker addresses broker `id` was last told (the configured ones until a registration adds one). */
  peerAddressesOf(id: number): ReadonlyMap<number, string> {
    return this.node(id).peerAddresses;
  }

  get ids(): number[] {
    return [...this.nodes.keys()];
  }

  /** The running broker `id`, or undefined while it is down. */
  broker(id: number): Broker | undefined {
    return this.nodes.get(id)?.running?.broker;
  }

  running(): Broker[] {
    return this.ids.map((id) => this.broker(id)).filter((b): b is Broker => b !== undefined);
  }

  async startAll(): Promise<void> {
    for (const id of this.ids) await this.start(id);
  }

  /** Opens broker `id` over its store (recovering what it holds) and starts it. */
  async start(id: number): Promise<Broker> {
    const node = this.node(id);
    if (node.running) throw new Error(`broker ${id} is already running`);
    node.lives++;
    const clock = new BrokerClock(this.clock);
    const controllerTransport = this.controllerHub.transport(id);
    const opening = Broker.open({
      identity: { brokerId: id, advertisedHost: `broker-${id}`, port: PORT, interBrokerAddress: `broker-${id}:${INTER_BROKER_PORT}` },
      cluster: this.settings,
      store: this.storeFor(id, node.store),
      raftTransport: this.raftHub.transport(id),
      controllerTransport,
      clock,
      random: seededRng(Math.floor(this.rng() * 2 ** 32)),
      incarnation: `broker-${id}-life-${node.lives}`,
      onPeerAddresses: (addresses) => {
        node.peerAddresses = addresses;
      },
    });
    const broker = await this.settle(opening, 1_000);
    // One in-memory server stands for both listeners: the simulator has no TLS to tell them apart.
    const server = this.grpc.serve(id);
    const services = await this.settle(
      BrokerServices.open(broker, { client: server, interBroker: server }, {
        service: { fetchMaxWaitMs: SIM_SERVICES.fetchMaxWaitMs, produceTimeoutMs: SIM_SETTINGS.requestTimeoutMs, inflight: new InflightRequests(), streams: new RequestStreams() },
        groups: SIM_SERVICES.groups,
        retentionCheckIntervalMs: SIM_SERVICES.retentionCheckIntervalMs,
        scrub: SIM_SERVICES.scrub,
      }),
      1_000,
    );
    node.running = { broker, services, clock, controllerTransport };
    this.controllerHub.serve(id, broker.controllerService);
    broker.start();
    services.start();
    return broker;
  }

  /**
   * A client of the cluster, as an application makes one (bootstrap list, default settings except
   * `options`), running on the cluster's clock with its own seeded randomness and network node.
   */
  client(options: Partial<ClientOptions> = {}): Sluice {
    const node = FIRST_CLIENT_NODE + this.clientNodes.length;
    this.clientNodes.push(node);
    return createClient({
      bootstrap: this.ids.map((id) => `broker-${id}:${PORT}`),
      clientId: `client-${node}`,
      ...options,
      runtime: { clock: this.clock, random: seededRng(Math.floor(this.rng() * 2 ** 32)), channel: this.grpc.channelsFrom(node) },
    });
  }

  /** The group coordinator, retention job and services of running broker `id`. */
  services(id: number): BrokerServices | undefined {
    return this.nodes.get(id)?.running?.services;
  }

  /**
   * Stops broker `id` without a word: no timer of it runs again, its links go quiet, and its store
   * keeps what the crash leaves (`power`: synced writes only; `kill`: everything written).
   */
  crash(id: number, how: 'power' | 'kill'): void {
    const node = this.node(id);
    const running = node.running;
    if (!running) return;
    node.running = undefined;
    running.clock.kill();
    running.controllerTransport.close();
    this.controllerHub.stopServing(id);
    this.grpc.stopServing(id);
    void running.broker.replicas.close(); // closes its Raft transport; nothing else runs any more
    node.store = how === 'power' ? node.store.afterPowerLoss() : node.store.afterProcessKill();
  }

  /**
   * Runs the clock for `ms` of virtual time, or until `until()` holds; returns whether it held.
   * Throws once more than TIMERS_MAX timers ran in the cluster's life: something loops without
   * letting time pass.
   */
  async runFor(ms: number, until?: () => boolean): Promise<boolean> {
    const runaway = (): boolean => this.clock.fired > TIMERS_MAX;
    await this.clock.run(this.clock.nowMs() + ms, () => runaway() || (until?.() ?? false));
    if (runaway()) throw new Error(`runaway: more than ${TIMERS_MAX} timers ran by ${this.clock.nowMs()} ms (virtual)`);
    return until?.() ?? true;
  }

  /** Runs the clock until `promise` settles (at most `ms`), then returns its outcome. */
  async settle<T>(promise: Promise<T>, ms: number): Promise<T> {
    let settled = false;
    const done = promise.finally(() => {
      settled = true;
    });
    done.catch(() => undefined);
    await this.runFor(ms, () => settled);
    if (!settled) throw new Error(`still pending after ${ms} ms of virtual time`);
    return done;
  }

  private node(id: number): Node {
    const node = this.nodes.get(id);
    if (!node) throw new Error(`no broker ${id}`);
    return node;
  }
}
