/** Per-principal quota metrics keep their label values bounded: names cut short, and a cap on how many. */
import { expect } from 'chai';
import { Registry } from 'prom-client';
import { OTHER_PRINCIPALS_LABEL, PRINCIPAL_LABEL_CHARS_MAX, PRINCIPAL_LABELS_MAX, QuotaMetrics } from '../../src/metrics/quota-metrics.js';

describe('quota metrics', () => {
  it('counts per principal and kind, in seconds for request time', async () => {
    const registry = new Registry();
    const metrics = new QuotaMetrics(registry);
    metrics.recorded('alice', 'produce', 1000);
    metrics.recorded('alice', 'produce', 24);
    metrics.recorded('alice', 'request', 250);
    metrics.throttledFor('alice', 'produce', 1500);
    const text = await registry.metrics();
    expect(text).to.include('sluice_quota_usage_total{principal="alice",kind="produce"} 1024');
    expect(text).to.include('sluice_quota_usage_total{principal="alice",kind="request"} 0.25');
    expect(text).to.include('sluice_quota_throttle_seconds_total{principal="alice",kind="produce"} 1.5');
    expect(text).to.include('sluice_quota_throttled_requests_total{principal="alice",kind="produce"} 1');
  });

  it('cuts long names and folds principals past the cap into one label', async () => {
    const registry = new Registry();
    const metrics = new QuotaMetrics(registry);
    metrics.recorded('x'.repeat(100_000), 'fetch', 1);
    for (let i = 0; i < PRINCIPAL_LABELS_MAX + 50; i++) metrics.recorded(`user-${i}`, 'fetch', 1);
    const lines = (await registry.metrics()).split('\n').filter((line) => line.startsWith('sluice_quota_usage_total{'));
    expect(lines).to.have.length(PRINCIPAL_LABELS_MAX + 1);
    expect(lines).to.include(`sluice_quota_usage_total{principal="${'x'.repeat(PRINCIPAL_LABEL_CHARS_MAX)}",kind="fetch"} 1`);
    expect(lines).to.include(`sluice_quota_usage_total{principal="${OTHER_PRINCIPALS_LABEL}",kind="fetch"} 51`);
  });
});
