/**
 * Headless Chromium for the console's browser tests, driven by playwright-core and pointed at the
 * system browser (Debian package `chromium`), installed first when it is missing and the tests run
 * as root (test/helpers/debian-package.ts).
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { ensureDebianPackage } from './debian-package.js';

const CHROMIUM = process.env.SLUICE_CHROMIUM ?? '/usr/bin/chromium';

/** Makes sure the system Chromium exists; throws a clear error when it is missing and cannot be installed. */
export function ensureChromium(): string {
  ensureDebianPackage('chromium', CHROMIUM, () => existsSync(CHROMIUM), 600_000);
  return CHROMIUM;
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: ensureChromium(), headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}
