/**
 * `make chaos ROUNDS=n SEED=s [ROUND=k] [MAX_UNAVAILABLE_MS=ms] [FAULTS=kind,...] [FAULT_MS=min-max]`:
 * a fault soak of three real brokers, each in its own network namespace. This process is the
 * supervisor: it owns the namespaces (creates them, and removes them on exit, failure and SIGINT,
 * after removing what crashed runs left), and runs the soak (runner.ts) inside the client namespace.
 * Exit: 0 passed, 1 a correctness violation (or an error), 2 bad settings, 3 only the
 * unavailability bound exceeded, 130 interrupted.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configFromEnv, EXIT_INTERRUPTED, EXIT_USAGE, EXIT_VIOLATION, type ChaosConfig } from './config.js';
import { cleanUpLeftovers, ensureTools, setUp, tearDown, topologyFor, WORK_DIR_PREFIX, type Topology } from './netns.js';
import type { RunnerInput } from './runner.js';

const here = dirname(fileURLToPath(import.meta.url));
/** dist/scripts/chaos → the project root. */
const PROJECT_ROOT = resolve(here, '../../..');

async function main(): Promise<number> {
  let config: ChaosConfig;
  try {
    config = configFromEnv(process.env);
  } catch (err) {
    console.error(`chaos: ${(err as Error).message}`);
    return EXIT_USAGE;
  }
  const replay = config.rounds.length === 1 && process.env.ROUND ? ` ROUND=${config.rounds[0]}` : '';
  console.log(`chaos: SEED=${config.seed}${replay} (replay with SEED=${config.seed}${replay || ' ROUND=k'}), rounds ${config.rounds.length}, faults ${config.kinds?.join(',') ?? 'all kinds'}, fault duration ${config.durationMsMin}-${config.durationMsMax} ms, MAX_UNAVAILABLE_MS=${config.maxUnavailableMs}`);
  try {
    ensureTools();
  } catch (err) {
    console.error(`chaos: ${(err as Error).message}`);
    return EXIT_VIOLATION;
  }
  const leftovers = cleanUpLeftovers();
  if (leftovers.length > 0) console.log(`chaos: removed leftovers of crashed runs: ${leftovers.join(', ')}`);

  const runId = process.pid.toString(36);
  const topology: Topology = topologyFor(process.pid, config.brokers, mkdtempSync(join(tmpdir(), `${WORK_DIR_PREFIX}${runId}-`)));
  // Whatever happens from here on, the namespaces go away with this process.
  process.on('exit', () => tearDown(topology));
  await setUp(topology);
  console.log(`chaos: network ${topology.subnet}.0/24 on bridge ${topology.bridge}; namespaces ${[...topology.brokers.values()].map((b) => b.ns).join(', ')}, ${topology.client.ns}`);

  const input: RunnerInput = { config, ownerPid: process.pid, workDir: topology.workDir, projectRoot: PROJECT_ROOT };
  const runner = spawn('ip', ['netns', 'exec', topology.client.ns, process.execPath, join(here, 'runner.js')], {
    stdio: 'inherit',
    cwd: PROJECT_ROOT,
    env: { ...process.env, CHAOS_RUNNER_INPUT: JSON.stringify(input) },
  });
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    // A terminal's Ctrl-C reaches the runner too; a SIGTERM to this process alone is passed on.
    interrupted = true;
    runner.kill(signal);
    // A runner that does not stop in time is killed with the namespaces (tearDown kills their processes).
    setTimeout(() => process.exit(EXIT_INTERRUPTED), 15_000).unref();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const code = await new Promise<number>((resolveExit) => runner.once('exit', (exitCode, signal) => resolveExit(exitCode ?? (signal ? 128 + (constants.signals[signal] ?? 0) : EXIT_VIOLATION))));
  return interrupted ? EXIT_INTERRUPTED : code;
}

process.exitCode = await main();
// The 'exit' handler tears the network down.
process.exit();
