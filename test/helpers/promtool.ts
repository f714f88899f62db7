/**
 * Runs Prometheus' promtool (Debian package `prometheus`) for tests of the metrics and the
 * monitoring files, installing the package first when it is missing and the tests run as root.
 */
import { spawnSync } from 'node:child_process';

const PROMTOOL_TIMEOUT_MS = 60_000;

function promtoolInstalled(): boolean {
  return spawnSync('promtool', ['--version'], { stdio: 'ignore' }).status === 0;
}

/** Makes sure `promtool` runs; throws a clear error when it is missing and cannot be installed. */
export function ensurePromtool(): void {
  if (promtoolInstalled()) return;
  if (process.getuid?.() !== 0) throw new Error('promtool is not installed and these tests do not run as root: install it with `apt-get install -y prometheus`');
  const install = (): boolean => spawnSync('apt-get', ['install', '-y', 'prometheus'], { stdio: 'ignore', timeout: 300_000 }).status === 0;
  if (!install()) {
    spawnSync('apt-get', ['update'], { stdio: 'ignore', timeout: 300_000 });
    if (!install()) throw new Error('promtool is not installed and `apt-get install -y prometheus` failed');
  }
  if (!promtoolInstalled()) throw new Error('prometheus was installed but promtool does not run');
}

/** Runs promtool with `input` on stdin; its exit code and everything it printed. */
export function promtool(args: string[], input = ''): { code: number | null; output: string } {
  const result = spawnSync('promtool', args, { input, encoding: 'utf8', timeout: PROMTOOL_TIMEOUT_MS });
  return { code: result.status, output: `${result.stdout ?? ''}${result.stderr ?? ''}` };
}
