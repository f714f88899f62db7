/**
 * The Grafana board (cluster/grafana/sluice.json) and the alert rules (cluster/alerts.yml): every
 * query parses (promtool checks them as recording rules), and every Sluice metric they read exists
 * on a running broker. `make cluster-monitor` runs the same queries against Prometheus.
 */
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { boardQueries, forPrometheus, metricFamilies } from '../../scripts/monitor/board.js';
import { BrokerProcess, PROJECT_ROOT } from '../helpers/broker-process.js';
import { ensurePromtool, promtool } from '../helpers/promtool.js';

const ALERTS = join(PROJECT_ROOT, 'cluster/alerts.yml');

describe('Grafana board and alert rules', function () {
  this.timeout(60_000);
  const queries = boardQueries(join(PROJECT_ROOT, 'cluster/grafana/sluice.json'));
  let dir: string;

  before(() => {
    ensurePromtool();
    dir = mkdtempSync(join(tmpdir(), 'sluice-board-'));
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('has queries for throughput, latency, lag, replication, storage and process', () => {
    const families = new Set(queries.flatMap((q) => metricFamilies(q.expr)));
    for (const family of ['sluice_bytes_in_total', 'sluice_request_duration_seconds', 'sluice_group_lag', 'sluice_group_lag_seconds', 'sluice_under_replicated_partitions', 'sluice_partition_size_bytes', 'sluice_process_resident_memory_bytes']) {
      expect(families, family).to.include(family);
    }
  });

  it('every board query and alert expression is valid PromQL', () => {
    const rules = queries.map((q, i) => `      - record: sluice:board_query_${i}\n        expr: ${JSON.stringify(forPrometheus(q.expr))}`);
    const file = join(dir, 'board-rules.yml');
    writeFileSync(file, `groups:\n  - name: board\n    rules:\n${rules.join('\n')}\n`);
    const board = promtool(['check', 'rules', file]);
    expect(board.code, board.output).to.equal(0);
    const alerts = promtool(['check', 'rules', ALERTS]);
    expect(alerts.code, alerts.output).to.equal(0);
    const config = promtool(['check', 'config', '--syntax-only', join(PROJECT_ROOT, 'cluster/prometheus.yml')]);
    expect(config.code, config.output).to.equal(0);
  });

  it('every metric the board and the alerts read exists on a running broker', async () => {
    const broker = await BrokerProcess.start();
    try {
      const exposition = await (await fetch(`http://127.0.0.1:${broker.httpPort}/metrics`)).text();
      const exported = new Set([...exposition.matchAll(/^# TYPE (\S+) /gm)].map((match) => match[1]!));
      const read = new Set([...queries.flatMap((q) => metricFamilies(q.expr)), ...metricFamilies(readFileSync(ALERTS, 'utf8'))]);
      expect([...read].filter((family) => !exported.has(family))).to.deep.equal([]);
    } finally {
      await broker.cleanup();
    }
  });
});
