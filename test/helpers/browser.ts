/**
 * Headless Chromium for the console's browser tests, driven by playwright-core and pointed at the
 * system browser (Debian package `chromium`), installed first when it is missing and the tests run
 * as root, as test/helpers/kcat.ts does for kcat.
 */
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { chromium, type Browser } from 'playwright-core';

const CHROMIUM = process.env.SLUICE_CHROMIUM ?? '/usr/bin/chromium';

/** Makes sure the system Chromium exists; throws a clear error when it is missing and cannot be installed. */
export function ensureChromium(): string {
  if (existsSync(CHROMIUM)) return CHROMIUM;
  if (process.getuid?.() !== 0) throw new Error(`${CHROMIUM} is missing and these tests do not run as root: install it with \`apt-get install -y chromium\``);
  const install = (): boolean => spawnSync('apt-get', ['install', '-y', 'chromium'], { stdio: 'ignore', timeout: 600_000 }).status === 0;
  if (!install()) {
    spawnSync('apt-get', ['update'], { stdio: 'ignore', timeout: 300_000 });
    if (!install()) throw new Error('chromium is not installed and `apt-get install -y chromium` failed');
  }
  if (!existsSync(CHROMIUM)) throw new Error(`chromium was installed but ${CHROMIUM} is missing`);
  return CHROMIUM;
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: ensureChromium(), headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}
