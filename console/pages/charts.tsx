import type { HistoryView } from '../../src/console/views.js';
import { api } from '../api.js';
import { Chart, ErrorBox } from '../components.js';
import { useApi } from '../hooks.js';

export function Charts() {
  const history = useApi(() => api<HistoryView>('GET', '/history'), [], 5000);
  const h = history.data;
  const times = h?.points.map((p) => p.timeMs) ?? [];
  return (
    <div>
      <header class="top">
        <h1>Charts</h1>
        {h ? <span class="muted">last hour, a point every {h.intervalMs / 1000} s</span> : null}
      </header>
      <ErrorBox error={history.error} />
      {h ? (
        <div class="charts">
          <Chart
            title="Cluster records per second"
            unit="rec/s"
            times={times}
            series={[
              { label: 'produce', values: h.points.map((p) => p.produceRecordsPerSec) },
              { label: 'consume (groups)', values: h.points.map((p) => p.consumeRecordsPerSec) },
            ]}
          />
          <Chart
            title="Produce latency (this broker)"
            unit="ms"
            times={times}
            series={[
              { label: 'p50', values: h.points.map((p) => p.produceLatencyP50Ms) },
              { label: 'p99', values: h.points.map((p) => p.produceLatencyP99Ms) },
            ]}
          />
          <Chart
            title="End-to-end latency (partitions this broker leads)"
            unit="ms"
            times={times}
            series={[
              { label: 'p50', values: h.points.map((p) => p.endToEndLatencyP50Ms) },
              { label: 'p99', values: h.points.map((p) => p.endToEndLatencyP99Ms) },
            ]}
          />
          <Chart title="Consumer group lag" unit="records" times={times} series={Object.entries(h.groupLag).map(([label, values]) => ({ label, values }))} />
          <Chart title="Produce rate by topic" unit="rec/s" times={times} series={Object.entries(h.topicRates).map(([label, values]) => ({ label, values }))} />
        </div>
      ) : null}
    </div>
  );
}
