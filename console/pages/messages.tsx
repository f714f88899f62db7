import { useState } from 'preact/hooks';
import type { BrowseView, ProducedView, TopicSummaryView } from '../../src/console/views.js';
import { api, enc } from '../api.js';
import { EmptyRow, ErrorBox, Headers } from '../components.js';
import { duration, time } from '../format.js';
import { useApi } from '../hooks.js';

export function Messages({ topic, readOnly }: { topic: string; readOnly: boolean }) {
  const topics = useApi(() => api<TopicSummaryView[]>('GET', '/topics'), []);
  const [partition, setPartition] = useState('');
  const [from, setFrom] = useState('end');
  const [position, setPosition] = useState('');
  const [key, setKey] = useState('');
  const [value, setValue] = useState('');
  const [limit, setLimit] = useState('50');
  const [result, setResult] = useState<BrowseView | undefined>();
  const [error, setError] = useState<Error | undefined>();
  const [loading, setLoading] = useState(false);
  const [produceKey, setProduceKey] = useState('');
  const [produceValue, setProduceValue] = useState('');
  const [produceHeaders, setProduceHeaders] = useState('');
  const [produced, setProduced] = useState<ProducedView | undefined>();
  const [produceError, setProduceError] = useState<Error | undefined>();
  const selected = topics.data?.find((t) => t.name === topic);
  const load = async (e?: Event) => {
    e?.preventDefault();
    if (!topic) return;
    setError(undefined);
    setLoading(true);
    const query = new URLSearchParams({ from, limit, key, value });
    if (partition !== '') query.set('partition', partition);
    if (from === 'offset') query.set('offset', position || '0');
    if (from === 'timestamp') query.set('timestamp', String(Date.parse(position) || 0));
    try {
      setResult(await api<BrowseView>('GET', `/topics/${enc(topic)}/messages?${query}`));
    } catch (err) {
      setError(err as Error);
    } finally {
      setLoading(false);
    }
  };
  const send = async (e: Event) => {
    e.preventDefault();
    setProduceError(undefined);
    try {
      const headers = produceHeaders
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean)
        .map((l) => ({ key: l.split('=')[0]!.trim(), value: l.slice(l.indexOf('=') + 1).trim() }));
      setProduced(await api<ProducedView>('POST', `/topics/${enc(topic)}/messages`, { key: produceKey === '' ? null : produceKey, value: produceValue, headers }));
    } catch (err) {
      setProduceError(err as Error);
    }
  };
  return (
    <div>
      <header class="top">
        <h1>Messages</h1>
      </header>
      <ErrorBox error={topics.error} />
      <form class="row panel" id="browse" onSubmit={load}>
        <label class="field">
          Topic
          <select name="topic" value={topic} onChange={(e) => (location.hash = `#/messages/${enc((e.target as HTMLSelectElement).value)}`)}>
            <option value="">choose…</option>
            {(topics.data ?? []).map((t) => (
              <option value={t.name}>{t.name}</option>
            ))}
          </select>
        </label>
        <label class="field">
          Partition
          <select name="partition" value={partition} onChange={(e) => setPartition((e.target as HTMLSelectElement).value)}>
            <option value="">all</option>
            {Array.from({ length: selected?.partitions ?? 0 }, (_, i) => (
              <option value={String(i)}>{i}</option>
            ))}
          </select>
        </label>
        <label class="field">
          From
          <select name="from" value={from} onChange={(e) => setFrom((e.target as HTMLSelectElement).value)}>
            <option value="end">newest</option>
            <option value="beginning">beginning</option>
            <option value="offset">offset</option>
            <option value="timestamp">time</option>
          </select>
        </label>
        {from === 'offset' || from === 'timestamp' ? (
          <label class="field">
            {from === 'offset' ? 'Offset' : 'Time (ISO, e.g. 2026-12-08T00:00:00Z)'}
            <input name="position" value={position} onInput={(e) => setPosition((e.target as HTMLInputElement).value)} />
          </label>
        ) : null}
        <label class="field">
          Key contains
          <input name="key" value={key} onInput={(e) => setKey((e.target as HTMLInputElement).value)} />
        </label>
        <label class="field">
          Value contains
          <input name="value" value={value} onInput={(e) => setValue((e.target as HTMLInputElement).value)} />
        </label>
        <label class="field">
          Limit
          <input name="limit" type="number" min="1" max="500" value={limit} onInput={(e) => setLimit((e.target as HTMLInputElement).value)} style={{ width: '80px' }} />
        </label>
        <button type="submit" disabled={!topic || loading}>
          {loading ? 'Loading…' : 'Load'}
        </button>
      </form>
      <ErrorBox error={error} />
      {result ? (
        <>
          <div class="muted" style={{ margin: '10px 0' }}>
            {result.records.length} record(s), {result.scanned} read · high watermarks {result.next.map((n) => `p${n.partition}:${n.highWatermark}`).join(' ')}
          </div>
          <table id="records">
            <thead>
              <tr>
                <th class="num">Partition</th>
                <th class="num">Offset</th>
                <th>Timestamp</th>
                <th>Key</th>
                <th>Value</th>
                <th>Headers</th>
                <th>TTL</th>
              </tr>
            </thead>
            <tbody>
              {result.records.map((r) => (
                <tr data-offset={r.offset} data-partition={r.partition}>
                  <td class="num">{r.partition}</td>
                  <td class="num">{r.offset}</td>
                  <td>{time(r.timestamp)}</td>
                  <td>{r.key === null ? <span class="muted">null</span> : <code class="key">{r.key}</code>}</td>
                  <td style={{ maxWidth: '520px' }}>{r.value === null ? <span class="muted">null</span> : <pre class="value">{r.valueJson ?? r.value}</pre>}</td>
                  <td>
                    <Headers headers={r.headers} />
                  </td>
                  <td>{r.ttlMs > 0 ? <span title={`expires ${time(r.expiresAt)}`}>{duration(r.ttlMs)} (expires {time(r.expiresAt)})</span> : <span class="muted">none</span>}</td>
                </tr>
              ))}
              {result.records.length === 0 ? <EmptyRow columns={7}>No records match.</EmptyRow> : null}
            </tbody>
          </table>
        </>
      ) : null}
      {readOnly || !topic ? null : (
        <div class="panel">
          <h2 style={{ marginTop: 0 }}>Produce a test message to {topic}</h2>
          <ErrorBox error={produceError} />
          {produced ? (
            <div class="notice" id="produced">
              Stored at partition {produced.partition}, offset {produced.offset}
            </div>
          ) : null}
          <form class="row" id="produce" onSubmit={send}>
            <label class="field">
              Key
              <input name="key" value={produceKey} onInput={(e) => setProduceKey((e.target as HTMLInputElement).value)} />
            </label>
            <label class="field">
              Value
              <textarea name="value" value={produceValue} onInput={(e) => setProduceValue((e.target as HTMLTextAreaElement).value)} style={{ width: '360px' }} />
            </label>
            <label class="field">
              Headers (key=value per line)
              <textarea name="headers" value={produceHeaders} onInput={(e) => setProduceHeaders((e.target as HTMLTextAreaElement).value)} />
            </label>
            <button type="submit">Send</button>
          </form>
        </div>
      )}
    </div>
  );
}
