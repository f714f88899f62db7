/**
 * The seeded schedule: each round's faults come from a PRNG seeded with (seed, round) alone, so
 * `SEED=s ROUND=k` replays round k without running rounds 0..k-1. Targets named by role (the leader
 * of partition p, the controller leader) are resolved against the live cluster when the fault starts.
 */
import { seededRng, type Rng } from '../../src/raft/index.js';

export const FAULT_KINDS = [
  'isolate-leader',
  'isolate-follower',
  'isolate-controller',
  'bridge-partition',
  'one-way-partition',
  'sigkill',
  'sigstop',
  'slow-link',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export function isFaultKind(value: string): value is FaultKind {
  return (FAULT_KINDS as readonly string[]).includes(value);
}

export type FaultTarget =
  /** The leader / a follower of this partition of the workload topic. */
  | { role: 'leader'; partition: number }
  | { role: 'follower'; partition: number; pick: number }
  | { role: 'controller' }
  /** A broker by id. */
  | { role: 'broker'; id: number }
  /** Two brokers: `a` and `b` lose each other (bridge: both still reach the third); one-way: a→b dropped. */
  | { role: 'pair'; a: number; b: number };

export interface FaultSpec {
  kind: FaultKind;
  target: FaultTarget;
  /**
   * slow-link: added delay, jitter and loss (tc netem); where the kernel has no netem, a rate limit
   * (tc tbf, queueing delay) and the same loss (iptables statistic) instead. The rate stays above
   * what the workload replicates (below ~1 Mbit a follower cannot keep up at all, which measures the
   * link's capacity, not failover).
   */
  netem?: { delayMs: number; jitterMs: number; lossPercent: number; rateKbit: number };
}

export interface RoundPlan {
  round: number;
  /** The main fault, and sometimes a slow link on another broker at the same time. */
  faults: FaultSpec[];
  durationMs: number;
}

export interface PlanOptions {
  brokerCount: number;
  partitions: number;
  /** Fault durations are drawn uniformly from [min, max]. */
  durationMsMin: number;
  durationMsMax: number;
  /** If set, round k's main fault is kinds[k % length]; otherwise drawn from every kind. */
  kinds?: readonly FaultKind[];
  /** Chance that a round adds a slow link on a broker the main fault leaves alone. */
  doubleFaultChance: number;
}

/** Mixes seed and round into one 32-bit seed (splitmix-style), so neighbouring rounds differ well. */
function roundSeed(seed: number, round: number): number {
  let x = (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(round + 1, 0x85ebca6b)) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d) >>> 0;
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b) >>> 0;
  return (x ^ (x >>> 16)) >>> 0;
}

function pickInt(random: Rng, lo: number, hi: number): number {
  return lo + Math.floor(random() * (hi - lo + 1));
}

function netemFor(random: Rng): FaultSpec['netem'] {
  return { delayMs: pickInt(random, 50, 300), jitterMs: pickInt(random, 5, 50), lossPercent: pickInt(random, 1, 5), rateKbit: pickInt(random, 2048, 8192) };
}

export function planRound(seed: number, round: number, options: PlanOptions): RoundPlan {
  const random = seededRng(roundSeed(seed, round));
  const kinds = options.kinds && options.kinds.length > 0 ? options.kinds : FAULT_KINDS;
  const kind = options.kinds && options.kinds.length > 0 ? kinds[round % kinds.length]! : kinds[Math.floor(random() * kinds.length)]!;
  const broker = (): number => pickInt(random, 1, options.brokerCount);
  const partition = pickInt(random, 0, options.partitions - 1);
  let main: FaultSpec;
  switch (kind) {
    case 'isolate-leader':
      main = { kind, target: { role: 'leader', partition } };
      break;
    case 'isolate-follower':
      main = { kind, target: { role: 'follower', partition, pick: pickInt(random, 0, 1) } };
      break;
    case 'isolate-controller':
      main = { kind, target: { role: 'controller' } };
      break;
    case 'bridge-partition':
    case 'one-way-partition': {
      const a = broker();
      const b = 1 + ((a - 1 + pickInt(random, 1, options.brokerCount - 1)) % options.brokerCount);
      main = { kind, target: { role: 'pair', a, b } };
      break;
    }
    case 'sigkill':
    case 'sigstop':
      main = { kind, target: { role: 'broker', id: broker() } };
      break;
    case 'slow-link':
      main = { kind, target: { role: 'broker', id: broker() }, netem: netemFor(random) };
      break;
  }
  const durationMs = pickInt(random, options.durationMsMin, options.durationMsMax);
  const faults = [main];
  // Drawn every round (used or not) so the draw order, hence the plan, does not depend on the kind.
  const double = random() < options.doubleFaultChance;
  const extra: FaultSpec = { kind: 'slow-link', target: { role: 'broker', id: broker() }, netem: netemFor(random) };
  if (double && kind !== 'slow-link') faults.push(extra);
  return { round, faults, durationMs };
}

/** Short text for logs and tables, e.g. `isolate-leader(p2)+slow-link(b3 120ms 8%)`. */
export function describeFault(spec: FaultSpec, resolved?: readonly number[], slowLinkBy: 'netem' | 'tbf' = 'netem'): string {
  const t = spec.target;
  const where =
    t.role === 'leader' ? `leader of p${t.partition}` :
    t.role === 'follower' ? `follower of p${t.partition}` :
    t.role === 'controller' ? 'controller leader' :
    t.role === 'broker' ? `b${t.id}` :
    spec.kind === 'one-way-partition' ? `b${t.a}->b${t.b} dropped` : `b${t.a}<->b${t.b}`;
  const on = resolved && resolved.length > 0 && (t.role === 'leader' || t.role === 'follower' || t.role === 'controller') ? ` = b${resolved.join(',b')}` : '';
  const slow = spec.netem && (slowLinkBy === 'netem' ? `${spec.netem.delayMs}±${spec.netem.jitterMs}ms` : `${spec.netem.rateKbit}kbit`);
  const netem = spec.netem ? ` ${slow} ${spec.netem.lossPercent}% loss` : '';
  return `${spec.kind}(${where}${on}${netem})`;
}
