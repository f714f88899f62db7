/**
 * Failover figures from the cluster simulator (test/sim-cluster/failover.ts): for each fault kind,
 * SEEDS seeds (default 50), the gap without an acks=all acknowledgement across the loss of the
 * partition's leader, in virtual ms: p50, p90, max, and the seed of the max (SEED=n FAULT=kind
 * replays one and prints its gap), beside the time the cluster took to elect another leader.
 * Exits 1 when a gap exceeds MAX_GAP_MS (default 2000).
 */
import { failover, FAILOVER_FAULTS, type FailoverFault } from '../test/sim-cluster/failover.js';

const seeds = Number(process.env.SEEDS ?? 50);
const maxGapMs = Number(process.env.MAX_GAP_MS ?? 2_000);
const only = process.env.FAULT as FailoverFault | undefined;
if (only !== undefined && !FAILOVER_FAULTS.includes(only)) throw new Error(`FAULT must be one of ${FAILOVER_FAULTS.join(', ')}`);

/** Brokers log crashes and elections; the figures are what this prints. */
function quiet<T>(body: () => Promise<T>): Promise<T> {
  const saved = { log: console.log, error: console.error, warn: console.warn };
  console.log = console.error = console.warn = () => undefined;
  return body().finally(() => Object.assign(console, saved));
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

let over = 0;
if (process.env.SEED !== undefined) {
  const { gapMs, electionMs } = await quiet(() => failover(Number(process.env.SEED), only ?? 'kill'));
  console.log(`seed ${process.env.SEED} ${only ?? 'kill'}: gap ${gapMs ?? 'unbounded'} ms, new leader after ${electionMs ?? 'never'} ms`);
  process.exit(gapMs === undefined || gapMs > maxGapMs ? 1 : 0);
}
const sortedMs = (values: Array<number | undefined>): number[] => values.map((v) => v ?? Number.POSITIVE_INFINITY).sort((a, b) => a - b);
console.log('| fault | seeds | gap p50 ms | gap p90 ms | gap max ms | seed of max | new leader p50 ms | new leader max ms |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
for (const fault of only ? [only] : FAILOVER_FAULTS) {
  const results: Array<{ seed: number; gapMs: number | undefined; electionMs: number | undefined }> = [];
  for (let seed = 1; seed <= seeds; seed++) results.push({ seed, ...(await quiet(() => failover(seed, fault))) });
  const gaps = sortedMs(results.map((r) => r.gapMs));
  const elections = sortedMs(results.map((r) => r.electionMs));
  const worst = results.reduce((a, b) => ((b.gapMs ?? Infinity) > (a.gapMs ?? Infinity) ? b : a));
  over += gaps.filter((gap) => gap > maxGapMs).length;
  console.log(
    `| ${fault} | ${seeds} | ${percentile(gaps, 50)} | ${percentile(gaps, 90)} | ${worst.gapMs ?? 'unbounded'} | ${worst.seed} | ${percentile(elections, 50)} | ${elections[elections.length - 1]} |`,
  );
}
console.log(`${over} of the gaps above ${maxGapMs} ms`);
process.exit(over > 0 ? 1 : 0);
