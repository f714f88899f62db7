/**
 * Per-principal quota metrics: bytes and request time as measured for quotas, throttle time, and
 * throttled answers. Principal names come from certificates and user names, so their label values
 * are bounded: cut to PRINCIPAL_LABEL_CHARS_MAX characters, and past PRINCIPAL_LABELS_MAX distinct
 * principals the rest share the label `_other`. Adding is a map update per request; the sums reach
 * the Prometheus counters when they are scraped (as TopicCounter does, for the same reason).
 */
import { Counter, type Registry } from 'prom-client';
import type { QuotaKind } from '../security/quota.js';

export const PRINCIPAL_LABEL_CHARS_MAX = 64;
export const PRINCIPAL_LABELS_MAX = 100;
export const OTHER_PRINCIPALS_LABEL = '_other';

/** One counter by principal and kind, added to between scrapes. */
class PrincipalKindCounter {
  private readonly pending = new Map<string, { principal: string; kind: QuotaKind; amount: number }>();

  constructor(name: string, help: string, registry: Registry) {
    const { pending } = this;
    new Counter({
      name,
      help,
      labelNames: ['principal', 'kind'],
      registers: [registry],
      collect() {
        for (const { principal, kind, amount } of pending.values()) this.inc({ principal, kind }, amount);
        pending.clear();
      },
    });
  }

  add(label: string, kind: QuotaKind, amount: number): void {
    const key = `${kind}\u0000${label}`;
    const entry = this.pending.get(key);
    if (entry) entry.amount += amount;
    else this.pending.set(key, { principal: label, kind, amount });
  }
}

export class QuotaMetrics {
  private readonly labels = new Set<string>();
  private readonly usage: PrincipalKindCounter;
  private readonly throttleSeconds: PrincipalKindCounter;
  private readonly throttled: PrincipalKindCounter;

  constructor(registry: Registry) {
    this.usage = new PrincipalKindCounter(
      'sluice_quota_usage_total',
      'What quotas measure, by principal: produce and fetch bytes (kind produce, fetch) and request-handling seconds (kind request)',
      registry,
    );
    this.throttleSeconds = new PrincipalKindCounter('sluice_quota_throttle_seconds_total', 'Time answers were held back by quotas, by principal and quota', registry);
    this.throttled = new PrincipalKindCounter('sluice_quota_throttled_requests_total', 'Answers held back by quotas, by principal and quota', registry);
  }

  /** The bounded label value of a principal name. */
  label(principal: string): string {
    const cut = principal.length > PRINCIPAL_LABEL_CHARS_MAX ? principal.slice(0, PRINCIPAL_LABEL_CHARS_MAX) : principal;
    if (this.labels.has(cut)) return cut;
    if (this.labels.size >= PRINCIPAL_LABELS_MAX) return OTHER_PRINCIPALS_LABEL;
    this.labels.add(cut);
    return cut;
  }

  recorded(principal: string, kind: QuotaKind, amount: number): void {
    // Request time is recorded in ms; Prometheus wants seconds.
    this.usage.add(this.label(principal), kind, kind === 'request' ? amount / 1000 : amount);
  }

  throttledFor(principal: string, kind: QuotaKind, throttleMs: number): void {
    const label = this.label(principal);
    this.throttleSeconds.add(label, kind, throttleMs / 1000);
    this.throttled.add(label, kind, 1);
  }
}
