import type { ClusterView, HistoryView } from '../../src/console/views.js';
import { api } from '../api.js';
import { Badge, Card, Chart, ErrorBox } from '../components.js';
import { bytes, num, rate } from '../format.js';
import { useApi } from '../hooks.js';

export function Overview() {
  const cluster = useApi(() => api<ClusterView>('GET', '/cluster'), [], 5000);
  const history = useApi(() => api<HistoryView>('GET', '/history'), [], 5000);
  const c = cluster.data;
  const h = history.data;
  return (
    <div>
      <header class="top">
        <h1>Overview</h1>
        {c ? <span class="muted">served by broker {c.servedBy}</span> : null}
      </header>
      <ErrorBox error={cluster.error} />
      {c ? (
        <>
          <div class="cards">
            <Card label="Brokers alive" value={`${c.brokers.filter((b) => b.alive).length} / ${c.brokers.length}`} tone={c.brokers.every((b) => b.alive) ? 'ok' : 'warn'} />
            <Card label="Controller" value={c.controller >= 0 ? `broker ${c.controller}` : 'none'} tone={c.controller >= 0 ? undefined : 'bad'} />
            <Card label="Topics" value={num(c.topics)} />
            <Card label="Partitions" value={num(c.partitions)} />
            <Card label="Under-replicated" value={num(c.underReplicatedPartitions)} tone={c.underReplicatedPartitions > 0 ? 'warn' : 'ok'} />
            <Card label="Offline" value={num(c.offlinePartitions)} tone={c.offlinePartitions > 0 ? 'bad' : 'ok'} />
            <Card label="Produce" value={rate(c.produceRecordsPerSec)} />
            <Card label="Consume" value={rate(c.consumeRecordsPerSec)} />
          </div>
          <h2>Brokers</h2>
          <table id="brokers">
            <thead>
              <tr>
                <th>Id</th>
                <th>Address</th>
                <th>State</th>
                <th class="num">Partitions led</th>
                <th class="num">Replicas</th>
                <th class="num">Log size</th>
                <th>Version</th>
              </tr>
            </thead>
            <tbody>
              {c.brokers.map((b) => (
                <tr data-broker={b.id}>
                  <td>
                    {b.id} {b.controller ? <Badge>controller</Badge> : null} {b.id === c.servedBy ? <Badge>this broker</Badge> : null}
                  </td>
                  <td>
                    <code>{b.address}</code>
                  </td>
                  <td>
                    {b.alive ? <Badge tone="ok">alive</Badge> : <Badge tone="bad">down</Badge>} {b.storageFault ? <Badge tone="bad">storage: {b.storageFault}</Badge> : null}
                  </td>
                  <td class="num">{num(b.partitionsLed)}</td>
                  <td class="num">{num(b.replicas)}</td>
                  <td class="num">{bytes(b.logBytes)}</td>
                  <td>{b.version || <span class="muted">—</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
      {h && h.points.length > 0 ? (
        <>
          <h2>Last hour</h2>
          <div class="charts">
            <Chart
              title="Records per second"
              unit="rec/s"
              times={h.points.map((p) => p.timeMs)}
              series={[
                { label: 'produce', values: h.points.map((p) => p.produceRecordsPerSec) },
                { label: 'consume (groups)', values: h.points.map((p) => p.consumeRecordsPerSec) },
              ]}
            />
          </div>
        </>
      ) : null}
    </div>
  );
}
