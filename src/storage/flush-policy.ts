/** Parses the broker's `flush` setting: `always` | `interval:<ms>` | `never`. */
import { SluiceError } from '../protocol/errors.js';
import type { FlushPolicy } from './types.js';

/** A longer interval is almost certainly a typo (seconds written as ms, or an extra zero). */
export const FLUSH_INTERVAL_MS_MAX = 60 * 60 * 1000;

export function parseFlushPolicy(text: string): FlushPolicy {
  const trimmed = text.trim();
  if (trimmed === 'always') return { kind: 'always' };
  if (trimmed === 'never') return { kind: 'never' };
  const match = /^interval:(\d+)$/.exec(trimmed);
  if (match) {
    const intervalMs = Number(match[1]);
    if (intervalMs >= 1 && intervalMs <= FLUSH_INTERVAL_MS_MAX) return { kind: 'interval', intervalMs };
    throw new SluiceError('INVALID_CONFIG', `flush interval must be 1..${FLUSH_INTERVAL_MS_MAX} ms, got "${text}"`);
  }
  throw new SluiceError('INVALID_CONFIG', `flush must be "always", "interval:<ms>" or "never", got "${text}"`);
}

