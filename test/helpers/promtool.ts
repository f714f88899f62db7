/**
 * Runs Prometheus' promtool (Debian package `prometheus`) for tests of the metrics and the
 * monitoring files, installing the package first when it is missing and the tests run as root.
 */
import { spawnSync } from 'node:child_process';
import { commandRuns, ensureDebianPackage } from './debian-package.js';

const PROMTOOL_TIMEOUT_MS = 60_000;

/** Makes sure `promtool` runs; throws a clear error when it is missing and cannot be installed. */
export function ensurePromtool(): void {
  ensureDebianPackage('prometheus', 'promtool', () => commandRuns('promtool', ['--version']));
}

/** Runs promtool with `input` on stdin; its exit code and everything it printed. */
export function promtool(args: string[], input = ''): { code: number | null; output: string } {
  const result = spawnSync('promtool', args, { input, encoding: 'utf8', timeout: PROMTOOL_TIMEOUT_MS });
  return { code: result.status, output: `${result.stdout ?? ''}${result.stderr ?? ''}` };
}
