/**
 * Quotas of principals in the metadata log (Kafka's user quota entities): one record sets a
 * principal's whole set of quotas, the controller computing it from the current set and the change.
 * Pure; the broker turns them into limits (security/quota-enforcer.ts).
 */
import { SluiceError } from '../protocol/errors.js';
import { isQuotaKey, QUOTA_KEYS, quotaValueProblem, type QuotaKey, type QuotaLimits } from '../security/quota.js';

/** A principal's own quotas by Kafka's names (producer_byte_rate, ...); a missing key: the default. */
export type ClientQuotas = Partial<Record<QuotaKey, number>>;

export type QuotaRecord = { type: 'alterClientQuotas'; principal: string; quotas: ClientQuotas };

/** Longest principal name a quota is kept for (names are user names or certificate CNs). */
export const PRINCIPAL_NAME_MAX = 255;

export function applyQuotaRecord(quotas: Readonly<Record<string, ClientQuotas>>, record: QuotaRecord): Record<string, ClientQuotas> {
  const { [record.principal]: _previous, ...rest } = quotas;
  return Object.keys(record.quotas).length === 0 ? rest : { ...rest, [record.principal]: record.quotas };
}

export function validatePrincipalName(principal: string): void {
  if (typeof principal !== 'string' || principal.length === 0) throw new SluiceError('INVALID_REQUEST', 'principal is required');
  if (principal.length > PRINCIPAL_NAME_MAX) throw new SluiceError('INVALID_REQUEST', `principal names are at most ${PRINCIPAL_NAME_MAX} characters, got ${principal.length}`);
  if (/[\u0000-\u001f\u007f]/.test(principal)) throw new SluiceError('INVALID_REQUEST', 'principal names must not contain control characters');
}

/** `current` with `set` applied and `remove` taken out; both empty removes every quota. Throws INVALID_CONFIG. */
export function alterQuotas(current: ClientQuotas | undefined, set: Readonly<Record<string, number>>, remove: readonly string[]): ClientQuotas {
  const known = Object.keys(QUOTA_KEYS).join(', ');
  const setKeys = Object.keys(set);
  if (setKeys.length === 0 && remove.length === 0) return {};
  const next: ClientQuotas = { ...current };
  for (const key of remove) {
    // A name that is not a quota is refused without echoing all of it.
    if (!isQuotaKey(key)) throw new SluiceError('INVALID_CONFIG', `unknown quota "${key.slice(0, 64)}"; known: ${known}`);
    delete next[key];
  }
  for (const key of setKeys) {
    if (!isQuotaKey(key)) throw new SluiceError('INVALID_CONFIG', `unknown quota "${key.slice(0, 64)}"; known: ${known}`);
    const value = set[key]!;
    const problem = quotaValueProblem(key, value);
    if (problem !== undefined) throw new SluiceError('INVALID_CONFIG', problem);
    next[key] = value;
  }
  return next;
}

/** The limits a principal's quotas set (undefined where the default applies). */
export function quotaLimits(quotas: ClientQuotas): QuotaLimits {
  return {
    producerByteRate: quotas.producer_byte_rate,
    consumerByteRate: quotas.consumer_byte_rate,
    requestPercentage: quotas.request_percentage,
  };
}
