/**
 * Installs the Debian package a test needs (kcat, prometheus, chromium) when what it provides is
 * missing and the tests run as root; otherwise fails with an error saying what to install.
 */
import { spawnSync } from 'node:child_process';

const APT_TIMEOUT_MS = 300_000;

/** Whether `command args` runs and exits 0 (e.g. a `--version`). */
export function commandRuns(command: string, args: string[]): boolean {
  return spawnSync(command, args, { stdio: 'ignore' }).status === 0;
}

/**
 * Makes sure `present()` holds, installing `pkg` with apt-get (after an `apt-get update` if the
 * first attempt fails) when it does not. `what` names the missing thing in the errors.
 */
export function ensureDebianPackage(pkg: string, what: string, present: () => boolean, installTimeoutMs = APT_TIMEOUT_MS): void {
  if (present()) return;
  if (process.getuid?.() !== 0) throw new Error(`${what} is missing and these tests do not run as root: install it with \`apt-get install -y ${pkg}\``);
  const install = (): boolean => spawnSync('apt-get', ['install', '-y', pkg], { stdio: 'ignore', timeout: installTimeoutMs }).status === 0;
  if (!install()) {
    spawnSync('apt-get', ['update'], { stdio: 'ignore', timeout: APT_TIMEOUT_MS });
    if (!install()) throw new Error(`${what} is missing and \`apt-get install -y ${pkg}\` failed`);
  }
  if (!present()) throw new Error(`${pkg} was installed but ${what} is still missing`);
}
