/**
 * `make cluster-monitor`'s last step: runs every query of the Grafana board against Prometheus
 * (PROMETHEUS_URL, default http://127.0.0.1:9090) and prints how many series each returns; exits 1
 * if any returns none.
 */
import { boardQueries, forPrometheus } from './board.js';

interface QueryAnswer {
  status: string;
  data?: { result: unknown[] };
  error?: string;
}

async function main(): Promise<void> {
  const base = process.env['PROMETHEUS_URL'] ?? 'http://127.0.0.1:9090';
  let empty = 0;
  for (const { panel, expr } of boardQueries()) {
    const query = forPrometheus(expr);
    const response = await fetch(`${base}/api/v1/query?query=${encodeURIComponent(query)}`);
    const answer = (await response.json()) as QueryAnswer;
    const series = answer.status === 'success' ? (answer.data?.result.length ?? 0) : 0;
    if (series === 0) empty++;
    const status = answer.status === 'success' ? `${series} series` : `error: ${answer.error}`;
    console.log(`${series > 0 ? 'ok   ' : 'EMPTY'} ${panel.padEnd(40)} ${status.padEnd(12)} ${query}`);
  }
  if (empty > 0) {
    console.log(`${empty} board queries returned no data`);
    process.exit(1);
  }
  console.log('every board query returns data');
}

main().catch((err: unknown) => {
  console.error(`check-board: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
