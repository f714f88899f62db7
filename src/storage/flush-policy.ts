/** The broker's `flush` setting: `always` (the default: durable) | `interval:<ms>` | `never`. */
import { SluiceError } from '../protocol/errors.js';
import type { FlushPolicy } from './types.js';

/** A longer interval is almost certainly a typo (seconds written as ms, or an extra zero). */
export const FLUSH_INTERVAL_MS_MAX = 60 * 60 * 1000;

/** The broker's default: every acknowledged write is fsynced, in group commits. */
export const FLUSH_DEFAULT = 'always';

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


/** What a policy promises of acknowledged records, in a few words (the broker's startup line). */
export function flushGuarantee(policy: FlushPolicy): string {
  return policy.kind === 'always'
    ? 'durable: every acknowledged write is fsynced, in group commits'
    : 'may lose acknowledged records on power loss';
}
