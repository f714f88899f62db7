/**
 * Soak the whole-cluster simulator (test/sim-cluster/): SEEDS seeds (default 1000) from SEED_START
 * (default 1), printing progress and every violation with its seed; exits non-zero if any seed
 * fails. SEED=n replays one seed and prints its trace and what its brokers printed. FAULT_MS sets
 * the virtual time with faults on per seed (default 5000); a replay needs the same FAULT_MS.
 */
import { writeSync } from 'node:fs';
import { runSeed, type SimOptions, type SimResult } from '../test/sim-cluster/index.js';

const options: SimOptions = { faultMs: Number(process.env.FAULT_MS ?? 5_000) };

function describe(result: SimResult): string {
  return `seed ${result.seed} (${result.stats.brokers} brokers, flush ${result.stats.flush}, ${result.stats.crashes} crashes, ${result.stats.cuts} cuts, ${result.stats.joins} joins, ${result.stats.acknowledged} acknowledged, ${result.stats.virtualMs} ms virtual, trace ${result.traceHash})`;
}

async function replay(seed: number): Promise<void> {
  const result = await runSeed(seed, options);
  console.log(result.trace.join('\n'));
  console.log('--- broker output ---');
  console.log(result.output.join('\n'));
  console.log(`--- ${describe(result)}`);
  for (const violation of result.violations) console.log(`VIOLATION ${violation}`);
  process.exit(result.ok ? 0 : 1);
}

/** The seed being run: an error thrown from a simulated broker's callback escapes runSeed. */
let running: number | undefined;
process.on('uncaughtException', (err) => {
  // Not console.log: a running seed captures it as its brokers' output.
  writeSync(1, `CRASH in seed ${running} (SEED=${running} FAULT_MS=${options.faultMs} to replay): ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});

async function soak(): Promise<void> {
  const seeds = Number(process.env.SEEDS ?? 1000);
  const start = Number(process.env.SEED_START ?? 1);
  const failures: number[] = [];
  const t0 = Date.now();
  let last = t0;
  let acknowledged = 0;
  for (let i = 0; i < seeds; i++) {
    running = start + i;
    const result = await runSeed(running, options);
    acknowledged += result.stats.acknowledged;
    if (!result.ok) {
      failures.push(result.seed);
      console.log(`VIOLATION ${describe(result)}: ${result.violations.join('; ')} (SEED=${result.seed} FAULT_MS=${options.faultMs} to replay)`);
    }
    const now = Date.now();
    if (now - last >= 2000 || i === seeds - 1) {
      last = now;
      console.log(`${i + 1}/${seeds} seeds, ${((i + 1) / ((now - t0) / 1000)).toFixed(1)} seeds/s, ${failures.length} violations`);
    }
  }
  console.log(`done: ${seeds} seeds in ${((Date.now() - t0) / 1000).toFixed(1)} s, ${acknowledged} records acknowledged, ${failures.length} violations`);
  if (failures.length > 0) {
    console.log(`failing seeds: ${failures.join(' ')}`);
    process.exit(1);
  }
}

await (process.env.SEED !== undefined ? replay(Number(process.env.SEED)) : soak());
