/**
 * Failover time in the cluster simulator: a real idempotent acks=all producer sends one record at
 * a time to a partition of three replicas; its leader is lost (killed, or cut off from every broker
 * and client), alone or while another broker sits behind a slow, lossy link; the figure is the gap
 * between the last acknowledgement before the fault and the first after it. Virtual time: the
 * figures do not depend on the machine, and a seed gives the same figure every time.
 */
import { seededRng } from '../../src/raft/index.js';
import { sleep } from '../../src/runtime/clock.js';
import type { LinkFaults } from '../../src/runtime/memory-network.js';
import { SimCluster } from './cluster.js';

export const FAILOVER_FAULTS = ['kill', 'isolate', 'kill+lossy', 'isolate+lossy'] as const;
export type FailoverFault = (typeof FAILOVER_FAULTS)[number];

const TOPIC = 'failover';
/** Steady sending before the fault; after it, how long a first acknowledgement may take. */
const WARM_UP_MS = 2_000;
const RECOVERY_BOUND_MS = 15_000;
const SEND_PAUSE_MS = 10;

/** 1-3 ms a message; on links of `lossy`, 20-60 ms and 3 % lost. */
function network(seed: number, lossy: () => number | undefined): LinkFaults {
  const rng = seededRng(seed);
  return (from, to) => {
    const slow = lossy();
    if (slow !== undefined && (from === slow || to === slow)) return rng() < 0.03 ? [] : [20 + Math.floor(rng() * 40)];
    return [1 + Math.floor(rng() * 3)];
  };
}

export interface FailoverResult {
  /** Virtual ms without an acknowledgement across the fault; undefined if none came within the bound. */
  gapMs: number | undefined;
  /** Virtual ms from the fault until another broker led the partition (the cluster's share of the gap). */
  electionMs: number | undefined;
}

export async function failover(seed: number, fault: FailoverFault): Promise<FailoverResult> {
  let lossyBroker: number | undefined;
  const cluster = new SimCluster({ seed, brokers: 3, flush: { kind: 'always' }, faults: network(seed * 7919, () => lossyBroker) });
  await cluster.startAll();
  if (!(await cluster.runFor(10_000, () => cluster.running().every((b) => b.ready)))) throw new Error(`seed ${seed}: brokers not ready`);
  await cluster.settle(cluster.broker(1)!.createTopic({ name: TOPIC, partitions: 1, replicationFactor: 3, configs: {} }), 10_000);
  const producer = cluster.client().producer({ acks: 'all', idempotent: true, lingerMs: 0 });
  const acks: number[] = [];
  let stopped = false;
  const sending = (async () => {
    for (let i = 0; !stopped; i++) {
      try {
        await producer.send({ topic: TOPIC, records: [{ value: `v${i}`, partition: 0 }] });
        acks.push(cluster.clock.nowMs());
      } catch {
        // Retries ran out: the next send tries again.
      }
      await sleep(cluster.clock, SEND_PAUSE_MS);
    }
  })();
  await cluster.runFor(WARM_UP_MS);
  const leader = cluster.running().find((b) => b.allPartitions().some((p) => p.topic === TOPIC && p.isLeader))?.identity.brokerId;
  if (leader === undefined) throw new Error(`seed ${seed}: no leader`);
  const faultAtMs = cluster.clock.nowMs();
  const lastBefore = acks[acks.length - 1] ?? faultAtMs;
  if (fault.endsWith('+lossy')) lossyBroker = cluster.ids.find((id) => id !== leader);
  if (fault.startsWith('kill')) cluster.crash(leader, 'kill');
  else for (const other of [...cluster.ids, ...cluster.clientNodes]) if (other !== leader) cluster.network.cut(leader, other);
  let electedAtMs: number | undefined;
  const newLeader = (): boolean =>
    cluster.running().some((b) => b.identity.brokerId !== leader && b.allPartitions().some((p) => p.topic === TOPIC && p.isLeader));
  const recovered = await cluster.runFor(RECOVERY_BOUND_MS, () => {
    if (electedAtMs === undefined && newLeader()) electedAtMs = cluster.clock.nowMs();
    return acks.some((at) => at > faultAtMs);
  });
  stopped = true;
  await cluster.settle(sending.then(() => producer.close()), RECOVERY_BOUND_MS).catch(() => undefined);
  return {
    gapMs: recovered ? acks.find((at) => at > faultAtMs)! - lastBefore : undefined,
    electionMs: electedAtMs === undefined ? undefined : electedAtMs - faultAtMs,
  };
}
