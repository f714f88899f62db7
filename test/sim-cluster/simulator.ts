/**
 * One seed of the whole-cluster simulation. Brokers boot over a faulty network (drops, delays,
 * duplicates, reordering), a topic with three replicas is created, applications on real clients
 * (two idempotent acks=all producers, an acks=1 one, a consumer group of two members) run while brokers crash (power
 * loss: only synced writes survive; or a killed process) and restart, and links are cut and healed
 * (an isolated broker loses its clients too). Then the faults stop: within bounds every producer
 * must get a write acknowledged, the group must be delivered every acknowledged record, and the
 * replicas must converge; then the checker looks at the result. Every choice comes from the seed,
 * so a seed replays exactly (same trace hash).
 */
import { createHash } from 'node:crypto';
import type { Partition } from '../../src/broker/partition.js';
import { METADATA_GROUP } from '../../src/controller/controller.js';
import { readBatchHeader } from '../../src/protocol/batch.js';
import type { ReplicatedLog } from '../../src/replication/replicated-log.js';
import type { FaultyLogStore } from '../../src/storage/faulty-store.js';
import type { MemoryLogStore } from '../../src/storage/memory-store.js';
import { seededRng, type Rng } from '../../src/raft/index.js';
import type { LinkFaults } from '../../src/runtime/memory-network.js';
import { sleep } from '../../src/runtime/clock.js';
import { checkCluster } from './checker.js';
import { faultyDisks, SimCluster } from './cluster.js';
import { GroupApp, PARTITIONS, ProducerApp, TOPIC } from './workload.js';
import { captureLogs } from '../../src/observability/log.js';

export interface SimOptions {
  /** Virtual time with faults on (default 5 s). */
  faultMs?: number;
  /** Bound, after the faults stop, for a write to be acknowledged by every producer (default 20 s). */
  livenessMs?: number;
}

export interface SimResult {
  seed: number;
  ok: boolean;
  violations: string[];
  /** Hash of everything that happened, with virtual times: equal for two runs of one seed. */
  traceHash: string;
  trace: string[];
  /** What the brokers printed (kept out of the terminal, shown for a failing seed). */
  output: string[];
  stats: { brokers: number; flush: string; acknowledged: number; crashes: number; cuts: number; diskFaults: number; rot: number; moves: number; virtualMs: number; timers: number; joins: number };
}

const READY_BOUND_MS = 20_000;
const CONVERGE_BOUND_MS = 10_000;
/** After the faults stop: for the group to be delivered every acknowledged record, and for clients to close. */
const DELIVERY_BOUND_MS = 30_000;
const CLOSE_BOUND_MS = 30_000;

/** A network that only takes time (1-3 ms a message): simulated time moves on while messages fly. */
function healthyNetwork(rng: Rng): LinkFaults {
  return () => [1 + Math.floor(rng() * 3)];
}

function networkFaults(rng: Rng): LinkFaults {
  const dropRate = rng() * 0.1;
  const dupRate = rng() * 0.05;
  const delayMsMax = 1 + Math.floor(rng() * 40);
  return () => {
    if (rng() < dropRate) return [];
    const delayMs = 1 + Math.floor(rng() * delayMsMax);
    return rng() < dupRate ? [delayMs, delayMs + Math.floor(rng() * delayMsMax)] : [delayMs];
  };
}

/** The replicas of a partition of the simulated topic on the running brokers. */
function replicasOf(cluster: SimCluster, partition: number): Partition[] {
  return cluster.running().flatMap((b) => b.allPartitions().filter((p) => p.topic === TOPIC && p.index === partition));
}

/** Runs `body` with log and console output collected instead of printed (brokers log crashes and recoveries). */
async function quietly<T>(output: string[], body: () => Promise<T>): Promise<T> {
  const saved = { log: console.log, error: console.error, warn: console.warn };
  const collect = (...args: unknown[]): void => void output.push(args.map((a) => (a instanceof Error ? a.message : String(a))).join(' '));
  console.log = collect;
  console.error = collect;
  console.warn = collect;
  const restoreLogs = captureLogs((line) => output.push(line), 'info');
  try {
    return await body();
  } finally {
    restoreLogs();
    Object.assign(console, saved);
  }
}

export async function runSeed(seed: number, options: SimOptions = {}): Promise<SimResult> {
  const output: string[] = [];
  return quietly(output, () => simulate(seed, options, output));
}

async function simulate(seed: number, options: SimOptions, output: string[]): Promise<SimResult> {
  const faultMs = options.faultMs ?? 5_000;
  const livenessMs = options.livenessMs ?? 20_000;
  const rng = seededRng(Math.imul(seed, 2654435761) + 1);
  const brokers = 3 + (seed % 2);
  // Only `always` makes acknowledged writes survive a power loss; with `never` crashes kill the process.
  const flush = rng() < 0.75 ? ({ kind: 'always' } as const) : ({ kind: 'never' } as const);
  const networkRng = seededRng(Math.floor(rng() * 2 ** 32));
  const { disks, storeFor } = faultyDisks();
  const cluster = new SimCluster({ seed: Math.floor(rng() * 2 ** 32), brokers, flush, faults: networkFaults(networkRng), storeFor });
  const start = cluster.clock.nowMs();
  const trace: string[] = [];
  const note = (event: string): void => void trace.push(`${cluster.clock.nowMs() - start} ${event}`);
  const violations: string[] = [];
  const stats = { brokers, flush: flush.kind, acknowledged: 0, crashes: 0, cuts: 0, diskFaults: 0, rot: 0, moves: 0, virtualMs: 0, timers: 0, joins: 0 };
  const finish = (): SimResult => {
    stats.virtualMs = cluster.clock.nowMs() - start;
    stats.timers = cluster.clock.fired;
    const traceHash = createHash('sha256').update(trace.join('\n')).digest('hex').slice(0, 16);
    return { seed, ok: violations.length === 0, violations, traceHash, trace, output, stats };
  };

  try {
    await phases(cluster, { seed, rng, flush: flush.kind, brokers, faultMs, livenessMs, networkRng, disks, note, violations, stats, join: joinPlan(seed, brokers) });
  } catch (err) {
    violations.push(`error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  }
  return finish();
}

interface PhaseContext {
  seed: number;
  rng: Rng;
  flush: 'always' | 'never';
  brokers: number;
  faultMs: number;
  livenessMs: number;
  networkRng: Rng;
  disks: ReadonlyMap<number, FaultyLogStore<MemoryLogStore>>;
  note(event: string): void;
  violations: string[];
  stats: SimResult['stats'];
  /** When (share of the fault phase) a broker joins, in seeds that have one join. */
  join: JoinPlan | undefined;
}

/**
 * Joining (docs/CLUSTER.md): in a quarter of the seeds (those with three brokers and seed % 4 == 2;
 * the others, and their regression seeds, run exactly as before) broker 4 joins during the faults,
 * knowing only the controller voters, and the topic then grows to JOIN_PARTITIONS partitions, placed
 * over the live brokers. The joiner can be crashed, cut off and restarted like the others. From its
 * own seeded stream, so the run's other choices stay as they were.
 */
interface JoinPlan {
  /** Share of the fault phase after which broker 4 starts. */
  atShare: number;
}

const JOIN_PARTITIONS = 4;
/** Longest the simulator waits for one attempt to grow the topic before it asks again. */
const GROW_ATTEMPT_MS = 5_000;
/** Producers and group members of a join seed refresh metadata this often, so they see the grown topic. */
const JOIN_METADATA_MAX_AGE_MS = 2_000;

function joinPlan(seed: number, brokers: number): JoinPlan | undefined {
  if (brokers !== 3 || seed % 4 !== 2) return undefined;
  return { atShare: 0.1 + 0.6 * seededRng(seed * 7919 + 13)() };
}

/**
 * Broker 4 is running and the topic is grown: through any running broker, retried (the controller
 * moves, links are cut) until the metadata holds the new partitions.
 */
async function growTopic(cluster: SimCluster, note: (event: string) => void): Promise<void> {
  const grown = (): boolean => cluster.running().some((b) => (b.controller.metadata.topics[TOPIC]?.replicas.length ?? 0) >= JOIN_PARTITIONS);
  while (!grown()) {
    const broker = cluster.running()[0];
    if (broker !== undefined && cluster.broker(4)?.ready) {
      const attempt = broker.createPartitions(TOPIC, JOIN_PARTITIONS).then(
        (view) => note(`topic grown to ${view.partitions.length} partitions, replicas ${JSON.stringify(view.partitions.map((p) => p.replicas))}`),
        (err: unknown) => note(`growing the topic: ${err instanceof Error ? err.message.split(':')[0] : String(err)}`),
      );
      // A broker that crashes meanwhile never answers (its timers are gone): ask again after a while.
      await Promise.race([attempt, sleep(cluster.clock, GROW_ATTEMPT_MS)]);
    }
    await sleep(cluster.clock, 200);
  }
}

async function phases(cluster: SimCluster, context: PhaseContext): Promise<void> {
  const { rng, flush, faultMs, livenessMs, networkRng, disks, note, violations, stats, join } = context;
  await cluster.startAll();
  if (!(await cluster.runFor(READY_BOUND_MS, () => cluster.running().every((b) => b.ready)))) {
    violations.push(`liveness: the brokers were not all ready within ${READY_BOUND_MS} ms`);
    return;
  }
  note('ready');
  if (!(await createTopic(cluster, note))) {
    violations.push(`liveness: the topic was not created within ${READY_BOUND_MS} ms`);
    return;
  }

  const clientOptions = join === undefined ? {} : { metadataMaxAgeMs: JOIN_METADATA_MAX_AGE_MS };
  const producers = ['p0', 'p1', 'q'].map(
    (name) => new ProducerApp(name, cluster, cluster.client(clientOptions), seededRng(Math.floor(rng() * 2 ** 32)), note, name !== 'q'),
  );
  const group = new GroupApp(cluster, [cluster.client(clientOptions), cluster.client(clientOptions)], seededRng(Math.floor(rng() * 2 ** 32)), note);
  for (const app of [...producers, group]) app.start();
  // Partition moves among the faults, in a quarter of the seeds (4 brokers), on a randomness of
  // their own: the other seeds replay as before.
  // In half of those the second move replaces a controller voter instead.
  if (context.seed % 4 === 1) scheduleMoves(cluster, seededRng(Math.imul(context.seed, 40503) + 3), faultMs, note, stats, context.seed % 8 === 1);

  // Safety phase: faults.
  const down = new Set<number>();
  const rotten = new Set<string>();
  const faultsEnd = cluster.clock.nowMs() + faultMs;
  let joinAtMs = join === undefined ? undefined : faultsEnd - faultMs + join.atShare * faultMs;
  let growing: Promise<void> | undefined;
  while (cluster.clock.nowMs() < faultsEnd) {
    await cluster.runFor(200 + Math.floor(rng() * 800));
    if (joinAtMs !== undefined && cluster.clock.nowMs() >= joinAtMs) {
      joinAtMs = undefined;
      await cluster.join(4);
      stats.joins++;
      note('join 4');
      growing = growTopic(cluster, note);
    }
    const roll = rng();
    // The joiner is among them once it joined (before, the choice is the same as without it).
    const id = cluster.ids[Math.floor(rng() * cluster.ids.length)]!;
    if (roll < 0.3 && down.size === 0) {
      const how = flush === 'always' && rng() < 0.5 ? 'power' : 'kill';
      cluster.crash(id, how);
      down.add(id);
      stats.crashes++;
      note(`crash ${id} (${how})`);
    } else if (roll < 0.5 && down.size > 0) {
      const back = [...down][0]!;
      down.delete(back);
      await cluster.start(back);
      note(`restart ${back}`);
    } else if (roll < 0.6) {
      for (const other of [...cluster.ids, ...cluster.clientNodes]) if (other !== id) cluster.network.cut(id, other, { oneWay: rng() < 0.3 });
      stats.cuts++;
      note(`isolate ${id}`);
    } else if (roll < 0.7) {
      const side = cluster.ids.filter(() => rng() < 0.5);
      for (const a of side) for (const b of cluster.ids) if (!side.includes(b)) cluster.network.cut(a, b);
      stats.cuts++;
      note(`split ${JSON.stringify(side)} from the rest`);
    } else if (roll < 0.77) {
      const disk = disks.get(id);
      if (cluster.broker(id) === undefined || disk === undefined) continue;
      const errno = rng() < 0.5 ? 'EIO' : 'ENOSPC';
      const lastsMs = 300 + Math.floor(rng() * 1_500);
      disk.failWrites(errno);
      cluster.clock.setTimeout(() => disk.clearFault(), lastsMs);
      stats.diskFaults++;
      note(`disk of ${id} fails writes (${errno}) for ${lastsMs} ms`);
    } else if (roll < 0.84) {
      const rotted = await rot(cluster, id, rng, rotten);
      if (rotted === undefined) continue;
      stats.rot++;
      note(rotted);
    } else {
      cluster.network.healAll();
      note('heal');
    }
  }

  // Liveness phase: no more faults; every producer must get a write through.
  cluster.network.setFaults(healthyNetwork(networkRng));
  cluster.network.healAll();
  for (const disk of disks.values()) disk.clearFault();
  for (const id of down) await cluster.start(id);
  note('faults stop');
  if (growing !== undefined && !(await cluster.runFor(livenessMs, () => cluster.running().every((b) => b.ready && (b.controller.metadata.topics[TOPIC]?.replicas.length ?? 0) === JOIN_PARTITIONS)))) {
    const state = cluster.ids.map((id) => {
      const broker = cluster.broker(id);
      return broker === undefined ? `${id}: down` : `${id}: ${broker.ready ? 'ready' : 'not ready'}, ${broker.controller.metadata.topics[TOPIC]?.replicas.length ?? 0} partitions`;
    });
    violations.push(`liveness: the joined broker was not ready, or the topic not grown to ${JOIN_PARTITIONS} partitions everywhere, within ${livenessMs} ms after the faults stopped (${state.join('; ')})`);
    return;
  }
  const partitions = cluster.running()[0]!.controller.metadata.topics[TOPIC]?.replicas.length ?? PARTITIONS;
  const ackedBefore = producers.map((p) => p.acknowledged.length);
  if (!(await cluster.runFor(livenessMs, () => producers.every((p, i) => p.acknowledged.length > ackedBefore[i]!)))) {
    violations.push(`liveness: a producer had no write acknowledged within ${livenessMs} ms after the faults stopped`);
  }
  await cluster.settle(Promise.all(producers.map((p) => p.stop())), CLOSE_BOUND_MS);
  // acks=1 records may be lost in a failover: only acks=all ones must reach the group.
  const acknowledged = producers.filter((p) => p.durable).flatMap((p) => p.acknowledged);
  if (!(await cluster.runFor(DELIVERY_BOUND_MS, () => group.undelivered(acknowledged).length === 0))) {
    const missing = group.undelivered(acknowledged);
    const first = missing.slice(0, 5).map((r) => `${r.partition}:${r.offset}`);
    violations.push(`liveness: ${missing.length} acknowledged records (${first.join(', ')}, ...) not delivered to the group within ${DELIVERY_BOUND_MS} ms after the producers stopped`);
  }
  note('delivered');
  await cluster.settle(group.stop(), CLOSE_BOUND_MS);
  const converged = (): boolean =>
    Array.from({ length: partitions }, (_, i) => replicasOf(cluster, i)).every((replicas) => {
      const last = replicas[0]?.log.lastEntryIndex();
      return replicas.length === 3 && replicas.every((p) => p.log.lastEntryIndex() === last && p.replicated.commitIndex === last);
    });
  if (!(await cluster.runFor(CONVERGE_BOUND_MS, converged))) {
    violations.push(`liveness: the replicas did not converge within ${CONVERGE_BOUND_MS} ms after the faults stopped`);
  }
  // Bit rot nobody read is found by the scrub, and repaired.
  if (!(await readableEverywhere(cluster, partitions, CONVERGE_BOUND_MS))) violations.push(`liveness: a damaged copy was still unread or unrepaired ${CONVERGE_BOUND_MS} ms after convergence`);
  // Every move a controller took completes once the faults stop (docs/CLUSTER.md "Moving replicas").
  const movesDone = (): boolean =>
    cluster.running().every((b) => b.controller.metadata.controllerMove === undefined && Object.keys(b.controller.metadata.reassignments ?? {}).length === 0);
  if (!(await cluster.runFor(CONVERGE_BOUND_MS, movesDone))) violations.push(`liveness: a partition or controller move was still under way ${CONVERGE_BOUND_MS} ms after convergence`);
  note('converged');
  violations.push(...(await checkCluster(partitions, (i) => replicasOf(cluster, i), producers, group)));
  stats.acknowledged = acknowledged.length;
  note(`checked: ${stats.acknowledged} acknowledged`);
}

/**
 * Two partition moves at random times of the fault phase, each through a random running broker:
 * a partition of the topic gets a random three of the four brokers, in random order (docs/CLUSTER.md
 * "Moving replicas"). A move the controller cannot take now (cut off, moving already) is noted and
 * dropped. The replicas must then converge on the target: three copies, the others dropped.
 */
function scheduleMoves(cluster: SimCluster, rng: Rng, faultMs: number, note: (event: string) => void, stats: SimResult['stats'], controller: boolean): void {
  for (let i = 0; i < 2; i++) {
    cluster.clock.setTimeout(() => {
      const broker = cluster.running()[Math.floor(rng() * cluster.running().length)];
      const partition = Math.floor(rng() * PARTITIONS);
      const ids = [...cluster.ids];
      for (let k = ids.length - 1; k > 0; k--) {
        const j = Math.floor(rng() * (k + 1));
        [ids[k], ids[j]] = [ids[j]!, ids[k]!];
      }
      const target = ids.slice(0, 3);
      if (broker === undefined) return;
      const what = controller && i === 1 ? 'the controller quorum' : `${TOPIC}/${partition}`;
      const spec = controller && i === 1 ? { controllerVoters: target } : { moves: [{ name: TOPIC, partition, target }] };
      void broker
        .alterReassignments({ moves: [], decommission: 0, recommission: 0, rebalance: false, maxMoves: 0, ...spec })
        .then(() => {
          stats.moves++;
          note(`move ${what} to ${JSON.stringify(target)} via ${broker.identity.brokerId}`);
        })
        .catch((err: unknown) => note(`move ${what} to ${JSON.stringify(target)} refused: ${err instanceof Error ? err.message.split(':')[0] : String(err)}`));
    }, 500 + Math.floor(rng() * (faultMs - 500)));
  }
}

/** Waits (at most `boundMs`) until every copy of the topic's partitions and of the metadata log reads whole. */
async function readableEverywhere(cluster: SimCluster, partitions: number, boundMs: number): Promise<boolean> {
  const deadline = cluster.clock.nowMs() + boundMs;
  for (;;) {
    let whole = true;
    const copies = [
      ...Array.from({ length: partitions }, (_, index) => replicasOf(cluster, index).map((copy) => copy.replicated)).flat(),
      ...cluster.ids.flatMap((id) => cluster.broker(id)?.replicas.get(METADATA_GROUP) ?? []),
    ];
    for (const copy of copies) {
      if (!whole) break;
      const want = copy.log.lastEntryIndex() - copy.log.firstEntryIndex() + 1;
      const read = await copy.log.readEntries(copy.log.firstEntryIndex(), copy.log.lastEntryIndex() + 1, Number.MAX_SAFE_INTEGER).catch(() => []);
      if (read.length !== want) whole = false;
    }
    if (whole) return true;
    if (cluster.clock.nowMs() >= deadline) return false;
    await cluster.runFor(100);
  }
}

/**
 * Bit rot: flips a byte in a committed batch of broker `id`'s copy of a partition of the topic or
 * of the metadata log (the memory store hands out the stored buffer itself), at most one copy of
 * each log per seed. Whoever reads it next (a fetch, a follower's catch-up, the scrub) finds the bad
 * CRC and the copy is repaired from the others; the checker then finds every copy identical.
 */
async function rot(cluster: SimCluster, id: number, rng: Rng, rotten: Set<string>): Promise<string | undefined> {
  const broker = cluster.broker(id);
  const metadata = broker?.replicas.get(METADATA_GROUP);
  const logs: ReplicatedLog[] = [
    ...(broker?.allPartitions().filter((p) => p.topic === TOPIC).map((p) => p.replicated) ?? []),
    ...(metadata ? [metadata] : []),
  ].filter((log) => !rotten.has(log.group));
  const replicated = logs[Math.floor(rng() * logs.length)];
  if (replicated === undefined) return undefined;
  const log = replicated.log;
  const first = log.firstEntryIndex();
  const last = Math.min(replicated.commitIndex, log.lastEntryIndex());
  if (last < first) return undefined;
  const entry = first + Math.floor(rng() * (last - first + 1));
  const batch = await log.readEntries(entry, entry + 1, Number.MAX_SAFE_INTEGER).then(
    (batches) => batches[0],
    () => undefined,
  );
  if (batch === undefined || readBatchHeader(batch).recordCount === 0) return undefined;
  batch[batch.length - 1]! ^= 0x5a;
  rotten.add(replicated.group);
  return `bit rot in ${replicated.group} entry ${entry} on broker ${id}`;
}

/** Creates the topic through any running broker, retrying (the controller may be moving). */
async function createTopic(cluster: SimCluster, note: (event: string) => void): Promise<boolean> {
  const deadline = cluster.clock.nowMs() + READY_BOUND_MS;
  while (cluster.clock.nowMs() < deadline) {
    const broker = cluster.running()[0]!;
    try {
      await cluster.settle(broker.createTopic({ name: TOPIC, partitions: PARTITIONS, replicationFactor: 3, configs: {} }), READY_BOUND_MS);
      note(`topic created, replicas ${JSON.stringify(broker.controller.metadata.topics[TOPIC]?.replicas)}`);
      return true;
    } catch (err) {
      if (err instanceof Error && err.message.startsWith('TOPIC_EXISTS')) return true;
      await cluster.runFor(200);
    }
  }
  return false;
}
