/**
 * Child process of `make raft-mutants`: runs simulator seeds 1..SEEDS of a
 * (mutated, compiled) copy of the Raft core until the first violation or
 * until the time budget is spent. A separate process so that a mutant that
 * hangs or crashes cannot take the runner down with it.
 *
 * Usage: node dist/scripts/raft-mutants-sim.js <path to compiled sim/index.js> <seeds> <budgetMs>
 * Prints `seed N` before each seed (the runner reads the last one if the
 * child is killed) and ends with one `result {json}` line.
 */
import { pathToFileURL } from 'node:url';
import type { SimResult } from '../test/raft/sim/index.js';

export interface SimOutcome {
  /** First failing seed, if any. */
  seed?: number;
  violation?: string;
  /** Seeds run to completion. */
  seedsRun: number;
}

type RunSeed = (seed: number) => SimResult;

async function main(): Promise<void> {
  const [simPath, seedsArg, budgetArg] = process.argv.slice(2);
  if (simPath === undefined || seedsArg === undefined || budgetArg === undefined) {
    throw new Error('usage: raft-mutants-sim.js <sim/index.js> <seeds> <budgetMs>');
  }
  const seeds = Number(seedsArg);
  const deadline = Date.now() + Number(budgetArg);
  const mod = (await import(pathToFileURL(simPath).href)) as { runSeed: RunSeed };
  const out: SimOutcome = { seedsRun: 0 };
  for (let seed = 1; seed <= seeds && Date.now() < deadline; seed++) {
    process.stdout.write(`seed ${seed}\n`);
    let res: SimResult;
    try {
      res = mod.runSeed(seed);
    } catch (err) {
      // Anything the simulator does not classify (a TypeError in mutated code) is a failure too.
      out.seed = seed;
      out.violation = `uncaught ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`;
      break;
    }
    if (!res.ok) {
      out.seed = seed;
      out.violation = res.violation ?? 'violation';
      break;
    }
    out.seedsRun = seed;
  }
  process.stdout.write(`result ${JSON.stringify(out)}\n`);
}

await main();
