/**
 * Soak the Raft simulator: SEEDS seeds (default 10000) starting at
 * SEED_START (default 1). Prints progress, seeds/s and every violation;
 * exits non-zero if any seed fails. Replay a failing seed with
 * `SEED=n npx mocha dist/test/raft/sim.test.js`.
 */
import { runSeed } from '../test/raft/sim/index.js';

const seeds = Number(process.env.SEEDS ?? 10000);
const start = Number(process.env.SEED_START ?? 1);
const failures: { seed: number; violation: string }[] = [];
const t0 = Date.now();
let last = t0;
let committed = 0;

for (let i = 0; i < seeds; i++) {
  const seed = start + i;
  const res = runSeed(seed);
  committed += res.stats.committed;
  if (!res.ok) {
    failures.push({ seed, violation: res.violation ?? '?' });
    console.log(`VIOLATION seed ${seed}: ${res.violation} (SEED=${seed} to replay)`);
  }
  const now = Date.now();
  if (now - last >= 2000 || i === seeds - 1) {
    last = now;
    const rate = ((i + 1) / ((now - t0) / 1000)).toFixed(0);
    console.log(`${i + 1}/${seeds} seeds, ${rate} seeds/s, ${failures.length} violations`);
  }
}

const secs = (Date.now() - t0) / 1000;
console.log(
  `done: ${seeds} seeds in ${secs.toFixed(1)} s (${(seeds / secs).toFixed(0)} seeds/s), ` +
    `${committed} entries committed, ${failures.length} violations`,
);
if (failures.length > 0) {
  console.log(`failing seeds: ${failures.map((f) => f.seed).join(' ')}`);
  process.exit(1);
}
