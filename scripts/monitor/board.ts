/**
 * The queries of the Grafana board (cluster/grafana/sluice.json), for the checks that they name
 * metrics a broker exports (test/metrics/dashboard.test.ts) and return data from a Prometheus
 * scraping the cluster (`make cluster-monitor`, check-board.ts).
 */
import { readFileSync } from 'node:fs';

export const BOARD_FILE = 'cluster/grafana/sluice.json';

export interface BoardQuery {
  panel: string;
  expr: string;
}

interface Panel {
  title?: string;
  targets?: Array<{ expr?: string }>;
  panels?: Panel[];
}

export function boardQueries(file = BOARD_FILE): BoardQuery[] {
  const board = JSON.parse(readFileSync(file, 'utf8')) as { panels: Panel[] };
  const queries: BoardQuery[] = [];
  const walk = (panels: readonly Panel[]): void => {
    for (const panel of panels) {
      for (const target of panel.targets ?? []) if (target.expr) queries.push({ panel: panel.title ?? '', expr: target.expr });
      walk(panel.panels ?? []);
    }
  };
  walk(board.panels);
  return queries;
}

/** The query as Prometheus runs it: Grafana's variables replaced (every broker, a one-minute window). */
export function forPrometheus(expr: string): string {
  return expr.replaceAll('$__rate_interval', '1m').replaceAll('$instance', '.*');
}

/** The Sluice metric families a query reads (a histogram's _bucket/_sum/_count by its own name). */
export function metricFamilies(expr: string): string[] {
  const names = expr.match(/\bsluice_[a-z0-9_]+/g) ?? [];
  return [...new Set(names.map((name) => name.replace(/_(bucket|sum|count)$/, '')))];
}
