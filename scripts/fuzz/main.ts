/**
 * `make fuzz [SEED=n] [FUZZ_INPUTS=n]`: fuzzes a real broker process (scripts/fuzz/fuzz.ts) and
 * exits 1 on any failure. SEED (default: random, printed) replays a run's inputs; FUZZ_FROM=i starts
 * at input i; FUZZ_CONCURRENCY (32) and FUZZ_RSS_MAX_MB (1024) tune it; FUZZ_SKIP=Service.Method,...
 * leaves RPCs out (to look past a known crash); FUZZ_BROKER_LOG=file keeps the broker's output.
 */
import { runFuzz } from './fuzz.js';

function intFromEnv(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, got "${text}"`);
  return value;
}

const seed = intFromEnv('SEED', Math.floor(Math.random() * 2 ** 31));
const report = await runFuzz({
  seed,
  inputs: intFromEnv('FUZZ_INPUTS', 100_000),
  from: intFromEnv('FUZZ_FROM', 0),
  concurrency: intFromEnv('FUZZ_CONCURRENCY', 32),
  rssMaxBytes: intFromEnv('FUZZ_RSS_MAX_MB', 1024) * 1024 * 1024,
  skip: (process.env.FUZZ_SKIP ?? '').split(',').filter(Boolean),
  brokerLogFile: process.env.FUZZ_BROKER_LOG || undefined,
});
console.log(JSON.stringify({ seed: report.seed, inputs: report.inputs, checks: report.checks, peakRssMiB: Math.round(report.peakRssBytes / 2 ** 20), answers: report.answers }));
if (report.failures.length > 0) {
  console.error(`fuzz FAILED (replay: make fuzz SEED=${seed}):\n${report.failures.join('\n')}`);
  process.exit(1);
}
console.log(`fuzz passed: ${report.inputs} inputs over ${Object.keys(report.inputsByRpc).length} RPCs (replay: make fuzz SEED=${seed})`);
