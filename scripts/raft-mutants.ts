/**
 * `make raft-mutants`: the Raft mutation score. Plants each bug of
 * scripts/raft-mutants-table.ts, one at a time, in a private copy of the
 * Raft core and reports whether the Raft unit + transcript tests and a
 * bounded number of simulator seeds catch it. Exits non-zero if any mutant
 * survives (or does not compile, or the unmutated copy already fails).
 *
 * The working tree is never touched: src/raft and test/raft are copied into a
 * fresh temp dir (removed afterwards, also on failure), compiled there with
 * the repo's tsc, and run from there. Mutants run one after another.
 *
 * Env: MUTANT_SEEDS (default 2000) seeds per mutant, MUTANT_SIM_BUDGET_MS
 * (default 60000) wall-clock cap on those seeds, MUTANT=id[,id...] to run
 * only some mutants.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MUTANTS, type Mutant } from './raft-mutants-table.js';
import type { SimOutcome } from './raft-mutants-sim.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** What a copy needs: the Raft core is self-contained (its tests import nothing else from src/). */
const COPIED_DIRS = ['src/raft', 'test/raft'];
const TSC_TIMEOUT_MS = 120_000;
const MOCHA_TIMEOUT_MS = 180_000;
const SIM_KILL_GRACE_MS = 30_000;
const MAX_BUFFER_BYTES = 64 << 20;

interface Options {
  seeds: number;
  simBudgetMs: number;
  only: Set<string> | undefined;
}

interface RunResult {
  /** Compile errors: the run tested nothing. */
  compileError?: string;
  /** Why the tests fail, if they do. */
  tests?: string;
  testsTotal: number;
  /** Why the simulator fails (seed and violation), if it does. */
  sim?: string;
  simSeedsRun: number;
  ms: number;
}

function options(): Options {
  const seeds = Number(process.env.MUTANT_SEEDS ?? 2000);
  const simBudgetMs = Number(process.env.MUTANT_SIM_BUDGET_MS ?? 60_000);
  if (!Number.isInteger(seeds) || seeds < 1) throw new Error(`MUTANT_SEEDS must be a positive integer, got ${process.env.MUTANT_SEEDS}`);
  if (!Number.isInteger(simBudgetMs) || simBudgetMs < 1) {
    throw new Error(`MUTANT_SIM_BUDGET_MS must be a positive integer, got ${process.env.MUTANT_SIM_BUDGET_MS}`);
  }
  const only = process.env.MUTANT ? new Set(process.env.MUTANT.split(',').map((s) => s.trim())) : undefined;
  for (const id of only ?? []) {
    if (!MUTANTS.some((m) => m.id === id)) throw new Error(`MUTANT: no mutant "${id}"`);
  }
  return { seeds, simBudgetMs, only };
}

function countOccurrences(text: string, find: string): number {
  let n = 0;
  for (let at = text.indexOf(find); at >= 0; at = text.indexOf(find, at + 1)) n++;
  return n;
}

/** Every anchor must match exactly once in the working tree, before anything runs. */
function checkAnchors(mutants: readonly Mutant[]): string[] {
  const problems: string[] = [];
  const ids = new Set<string>();
  for (const m of mutants) {
    if (ids.has(m.id)) problems.push(`duplicate mutant id ${m.id}`);
    ids.add(m.id);
    const file = path.join(ROOT, m.file);
    const n = fs.existsSync(file) ? countOccurrences(fs.readFileSync(file, 'utf8'), m.find) : -1;
    if (n !== 1) problems.push(`${m.id}: anchor found ${n < 0 ? 'no file' : `${n} times`} in ${m.file} (must be exactly once)`);
  }
  return problems;
}

/** A fresh copy of the Raft core and its tests, with its own tsconfig limited to them. */
function makeCopy(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-raft-mutant-'));
  for (const d of COPIED_DIRS) fs.cpSync(path.join(ROOT, d), path.join(dir, d), { recursive: true });
  const tsconfig = JSON.parse(fs.readFileSync(path.join(ROOT, 'tsconfig.json'), 'utf8')) as Record<string, unknown>;
  tsconfig.include = COPIED_DIRS.map((d) => `${d}/**/*.ts`);
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return dir;
}

function applyMutant(dir: string, m: Mutant): void {
  const file = path.join(dir, m.file);
  const text = fs.readFileSync(file, 'utf8');
  const n = countOccurrences(text, m.find);
  if (n !== 1) throw new Error(`mutant ${m.id}: anchor found ${n} times in ${m.file}`);
  fs.writeFileSync(file, text.replace(m.find, () => m.replace));
}

function tail(text: string, lines: number): string {
  return text.trim().split('\n').slice(-lines).join('\n');
}

function childEnv(): NodeJS.ProcessEnv {
  // The test knobs of the normal suite must not leak in (REWRITE would rewrite the copy's goldens).
  const env = { ...process.env };
  for (const k of ['REWRITE', 'SEED', 'SIM_SEEDS']) delete env[k];
  return env;
}

function compile(dir: string): string | undefined {
  const tsc = spawnSync(path.join(ROOT, 'node_modules/.bin/tsc'), ['-p', path.join(dir, 'tsconfig.json')], {
    encoding: 'utf8',
    timeout: TSC_TIMEOUT_MS,
    maxBuffer: MAX_BUFFER_BYTES,
  });
  if (tsc.status === 0) return undefined;
  return tail(`${tsc.stdout}\n${tsc.stderr}`, 10) || `tsc exited ${tsc.status} (${tsc.signal ?? 'no signal'})`;
}

interface MochaReport {
  stats: { tests: number; failures: number };
  failures: { fullTitle: string; err: { message?: string } }[];
}

/** Runs every Raft test file except the simulator's (the simulator is run seed by seed below). */
function runTests(dir: string): { failure?: string; total: number } {
  const testDir = path.join(dir, 'dist/test/raft');
  const files = fs
    .readdirSync(testDir)
    .filter((f) => f.endsWith('.test.js') && f !== 'sim.test.js')
    .sort()
    .map((f) => path.join(testDir, f));
  const report = path.join(dir, 'mocha.json');
  const args = [path.join(ROOT, 'node_modules/mocha/bin/mocha.js'), '--no-config', '--timeout', '20000'];
  args.push('--reporter', 'json', '--reporter-option', `output=${report}`, ...files);
  const res = spawnSync(process.execPath, args, {
    cwd: dir, // transcript.test.js reads test/raft/testdata relative to the working directory
    encoding: 'utf8',
    env: childEnv(),
    timeout: MOCHA_TIMEOUT_MS,
    maxBuffer: MAX_BUFFER_BYTES,
  });
  if (res.error || res.signal) return { failure: `tests did not finish (${res.error?.message ?? res.signal})`, total: 0 };
  if (!fs.existsSync(report)) return { failure: `mocha exited ${res.status}: ${tail(res.stderr, 3)}`, total: 0 };
  const r = JSON.parse(fs.readFileSync(report, 'utf8')) as MochaReport;
  if (r.failures.length === 0) {
    return res.status === 0 ? { total: r.stats.tests } : { failure: `mocha exited ${res.status}`, total: r.stats.tests };
  }
  const names = r.failures.map((f) => f.fullTitle);
  return { failure: `${names.length}/${r.stats.tests} fail: ${names.join('; ')}`, total: r.stats.tests };
}

function runSim(dir: string, opts: Options): { failure?: string; seedsRun: number } {
  const simIndex = path.join(dir, 'dist/test/raft/sim/index.js');
  const child = path.join(ROOT, 'dist/scripts/raft-mutants-sim.js');
  const res = spawnSync(process.execPath, [child, simIndex, String(opts.seeds), String(opts.simBudgetMs)], {
    encoding: 'utf8',
    env: childEnv(),
    timeout: opts.simBudgetMs + SIM_KILL_GRACE_MS,
    maxBuffer: MAX_BUFFER_BYTES,
  });
  const lines = res.stdout.trim().split('\n');
  const last = lines[lines.length - 1] ?? '';
  if (last.startsWith('result ')) {
    const out = JSON.parse(last.slice('result '.length)) as SimOutcome;
    if (out.seed === undefined) return { seedsRun: out.seedsRun };
    return { failure: `seed ${out.seed}: ${out.violation}`, seedsRun: out.seedsRun };
  }
  // Killed or crashed mid-seed: a seed that hangs fails `npx mocha` just the same.
  const seed = [...lines].reverse().find((l) => l.startsWith('seed '));
  const why = res.signal ? `killed by ${res.signal} after ${opts.simBudgetMs + SIM_KILL_GRACE_MS} ms` : `exit ${res.status}: ${tail(res.stderr, 3)}`;
  return { failure: `${seed ?? 'before the first seed'} did not finish (${why})`, seedsRun: 0 };
}

let liveCopy: string | undefined;

function removeCopy(): void {
  if (liveCopy !== undefined) fs.rmSync(liveCopy, { recursive: true, force: true });
  liveCopy = undefined;
}

function runOne(m: Mutant | undefined, opts: Options): RunResult {
  const t0 = Date.now();
  liveCopy = makeCopy();
  const dir = liveCopy;
  try {
    if (m) applyMutant(dir, m);
    const compileError = compile(dir);
    if (compileError !== undefined) return { compileError, testsTotal: 0, simSeedsRun: 0, ms: Date.now() - t0 };
    const tests = runTests(dir);
    const sim = runSim(dir, opts);
    const res: RunResult = { testsTotal: tests.total, simSeedsRun: sim.seedsRun, ms: Date.now() - t0 };
    if (tests.failure !== undefined) res.tests = tests.failure;
    if (sim.failure !== undefined) res.sim = sim.failure;
    return res;
  } finally {
    removeCopy();
  }
}

function short(s: string | undefined, max: number): string {
  if (s === undefined) return '-';
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

function main(): number {
  const opts = options();
  const mutants = MUTANTS.filter((m) => !opts.only || opts.only.has(m.id));
  const problems = checkAnchors(MUTANTS);
  if (problems.length > 0) {
    console.error(`raft-mutants: the mutant table no longer matches src/raft:\n  ${problems.join('\n  ')}`);
    return 2;
  }
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.on(sig, () => {
      removeCopy();
      process.exit(130);
    });
  }
  const t0 = Date.now();
  console.log(`raft-mutants: ${mutants.length} mutants, up to ${opts.seeds} simulator seeds (${opts.simBudgetMs} ms) each`);

  // The unmutated copy must pass, or "caught" would mean nothing.
  const base = runOne(undefined, opts);
  if (base.compileError !== undefined || base.tests !== undefined || base.sim !== undefined) {
    console.error(`raft-mutants: the unmutated copy fails:\n  ${base.compileError ?? base.tests ?? base.sim}`);
    return 2;
  }
  console.log(`baseline: ${base.testsTotal} tests pass, ${base.simSeedsRun} seeds clean (${(base.ms / 1000).toFixed(1)} s)`);

  const rows: { m: Mutant; r: RunResult; verdict: string }[] = [];
  for (const m of mutants) {
    const r = runOne(m, opts);
    const verdict = r.compileError !== undefined ? 'INVALID' : r.tests !== undefined || r.sim !== undefined ? 'caught' : 'SURVIVED';
    rows.push({ m, r, verdict });
    console.log(`\n${verdict.padEnd(8)} ${m.id} (${(r.ms / 1000).toFixed(1)} s): ${m.description}`);
    if (r.compileError !== undefined) console.log(`  does not compile:\n    ${r.compileError.split('\n').join('\n    ')}`);
    else {
      console.log(`  tests: ${r.tests ?? `all ${r.testsTotal} pass`}`);
      console.log(`  sim:   ${r.sim ?? `${r.simSeedsRun} seeds clean`}`);
    }
  }

  const caught = rows.filter((x) => x.verdict === 'caught').length;
  console.log(`\n| mutant | tests | simulator |\n|---|---|---|`);
  for (const { m, r, verdict } of rows) {
    const tests = r.tests === undefined ? '-' : short(r.tests.replace(/: .*/, ''), 20);
    const sim = r.sim === undefined ? '-' : short(r.sim.replace(/: .*/, ''), 40);
    console.log(`| ${m.id}${verdict === 'caught' ? '' : ` **${verdict}**`} | ${tests} | ${sim} |`);
  }
  const secs = ((Date.now() - t0) / 1000).toFixed(0);
  console.log(`\nmutation score: ${caught}/${rows.length} caught in ${secs} s`);
  return caught === rows.length ? 0 : 1;
}

process.exitCode = main();
