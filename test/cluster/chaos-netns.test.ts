/**
 * A short `make chaos` inside `make test`: three real brokers in network namespaces, four rounds
 * (an isolated partition leader, a SIGKILL, a bridge partition, a SIGSTOP), through the harness in
 * scripts/chaos/. Asserts the correctness results; the unavailability figures are printed, not
 * asserted (today's failover misses the 2 s bar; docs/RELIABILITY.md). Needs root and `ip`: without
 * them it fails with the reason, since CI runs as root.
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunSummary } from '../../scripts/chaos/report.js';
import { PROJECT_ROOT } from '../helpers/broker-process.js';

const SEED = Number(process.env.SEED ?? Date.now() % 1_000_000);
const FAULTS = 'isolate-leader,sigkill,bridge-partition,sigstop';
const RUN_TIMEOUT_MS = 150_000;

describe('chaos in network namespaces: 3 brokers, 4 rounds of faults (scripts/chaos)', function () {
  this.timeout(RUN_TIMEOUT_MS + 10_000);
  let dir: string | undefined;

  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('loses, duplicates and skips nothing, and committed offsets never regress', async () => {
    expect(process.getuid?.(), 'the chaos test needs root (network namespaces, iptables); CI runs as root').to.equal(0);
    dir = mkdtempSync(join(tmpdir(), 'sluice-chaos-netns-test-'));
    const jsonOut = join(dir, 'summary.json');
    let output = '';
    const child = spawn(process.execPath, [join(PROJECT_ROOT, 'dist/scripts/chaos/main.js')], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, SEED: String(SEED), ROUNDS: '4', FAULTS, FAULT_MS: '2000-3000', DOUBLE_FAULTS: '0', JSON_OUT: jsonOut, ROUND: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    // SIGINT lets the harness remove its namespaces; it exits within seconds of it.
    const timer = setTimeout(() => child.kill('SIGINT'), RUN_TIMEOUT_MS);
    const code = await new Promise<number | null>((resolve) => child.once('exit', (exitCode) => resolve(exitCode)));
    clearTimeout(timer);
    const context = `chaos harness (SEED=${SEED} to replay) exited ${code}:\n${output}`;
    // 0 passed, 3 only the unavailability bound missed; anything else is a violation or an error.
    expect([0, 3], context).to.include(code);
    const summary = JSON.parse(readFileSync(jsonOut, 'utf8')) as RunSummary;
    expect(summary.rounds.map((r) => r.kind), context).to.deep.equal(FAULTS.split(','));
    const t = summary.totals;
    expect({ lost: t.lost, duplicates: t.duplicates, gaps: t.gaps + t.nonMonotonic, regressions: t.regressions, undelivered: t.undelivered }, context).to.deep.equal({
      lost: 0,
      duplicates: 0,
      gaps: 0,
      regressions: 0,
      undelivered: 0,
    });
    expect({ divergent: t.replicaDivergent, unconverged: t.replicaUnconverged, roundsNotConverged: t.unconvergedRounds }, context).to.deep.equal({ divergent: 0, unconverged: 0, roundsNotConverged: 0 });
    expect(t.ackedAll, 'acks=all records acknowledged').to.be.greaterThan(0);
    const table = output.slice(output.indexOf('fault kind'));
    console.log(`      SEED=${SEED}; unavailability (printed, not asserted):\n${table.replace(/^/gm, '      ')}`);
  });
});
