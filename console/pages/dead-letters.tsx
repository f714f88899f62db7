import { useState } from 'preact/hooks';
import type { DeadLettersView, DeadLetterTopicView, RedriveView } from '../../src/console/views.js';
import { api, enc } from '../api.js';
import { Badge, EmptyRow, ErrorBox, Headers } from '../components.js';
import { num, time } from '../format.js';
import { useApi } from '../hooks.js';

export function DeadLetters({ topic, readOnly }: { topic: string; readOnly: boolean }) {
  const topics = useApi(() => api<DeadLetterTopicView[]>('GET', '/dead-letters'), [], 10000);
  const [includeRedriven, setIncludeRedriven] = useState(false);
  const letters = useApi(
    () => (topic ? api<DeadLettersView>('GET', `/dead-letters/${enc(topic)}${includeRedriven ? '?include=redriven' : ''}`) : Promise.resolve(undefined)),
    [topic, includeRedriven],
  );
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [error, setError] = useState<Error | undefined>();
  const [notice, setNotice] = useState('');
  const toggle = (id: string) => {
    const next = new Set(selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setSelected(next);
  };
  const redrive = async (all: boolean) => {
    if (all && !confirm(`Redrive every pending record of ${topic} to its origin topic?`)) return;
    setError(undefined);
    try {
      const records = [...selected].map((id) => ({ partition: Number(id.split(':')[0]), offset: Number(id.split(':')[1]) }));
      const answer = await api<RedriveView>('POST', `/dead-letters/${enc(topic)}/redrive`, all ? { all: true } : { records });
      setNotice(`Redrove ${answer.redriven.length} record(s): ${answer.redriven.map((r) => `${r.partition}:${r.offset} → ${r.to.topic}[${r.to.partition}]@${r.to.offset}`).join(', ')}`);
      setSelected(new Set());
      letters.reload();
      topics.reload();
    } catch (err) {
      setError(err as Error);
    }
  };
  return (
    <div>
      <header class="top">
        <h1>Dead letters</h1>
      </header>
      <ErrorBox error={topics.error} />
      <table id="dlq-topics">
        <thead>
          <tr>
            <th>Dead-letter topic</th>
            <th>Origin</th>
            <th class="num">Pending</th>
            <th class="num">Records</th>
          </tr>
        </thead>
        <tbody>
          {(topics.data ?? []).map((t) => (
            <tr data-topic={t.topic}>
              <td>
                <a href={`#/dead-letters/${enc(t.topic)}`}>{t.topic}</a>
              </td>
              <td>{t.origin}</td>
              <td class="num">{t.pending > 0 ? <Badge tone="warn">{num(t.pending)}</Badge> : num(t.pending)}</td>
              <td class="num">{num(t.records)}</td>
            </tr>
          ))}
          {topics.data && topics.data.length === 0 ? (
            <EmptyRow columns={4}>No dead-letter topics (a group consumer creates &lt;topic&gt;.dlq when a record exhausts its attempts).</EmptyRow>
          ) : null}
        </tbody>
      </table>
      {topic ? (
        <>
          <h2>{topic}</h2>
          <ErrorBox error={letters.error} />
          <ErrorBox error={error} />
          {notice ? (
            <div class="notice" id="redrive-done">
              {notice}
            </div>
          ) : null}
          <div class="row" style={{ marginBottom: '10px' }}>
            {readOnly ? null : (
              <>
                <button id="redrive-selected" disabled={selected.size === 0} onClick={() => void redrive(false)}>
                  Redrive selected ({selected.size})
                </button>
                <button id="redrive-all" class="secondary" onClick={() => void redrive(true)}>
                  Redrive all pending
                </button>
              </>
            )}
            <label class="muted">
              <input type="checkbox" checked={includeRedriven} onChange={(e) => setIncludeRedriven((e.target as HTMLInputElement).checked)} /> show redriven
            </label>
          </div>
          <table id="dead-letters">
            <thead>
              <tr>
                <th />
                <th>Record</th>
                <th>Origin</th>
                <th class="num">Attempts</th>
                <th>Last error</th>
                <th>Group</th>
                <th>Key / value</th>
                <th>Headers</th>
              </tr>
            </thead>
            <tbody>
              {(letters.data?.records ?? []).map((r) => {
                const id = `${r.partition}:${r.offset}`;
                return (
                  <tr data-record={id}>
                    <td>{r.redriven ? <Badge tone="ok">redriven</Badge> : <input type="checkbox" aria-label={`select ${id}`} checked={selected.has(id)} onChange={() => toggle(id)} />}</td>
                    <td>
                      {id}
                      <div class="muted">{time(r.timestamp)}</div>
                    </td>
                    <td>
                      {r.originTopic}[{r.originPartition}]@{r.originOffset}
                    </td>
                    <td class="num">{r.attempts}</td>
                    <td>
                      <code>{r.error}</code>
                    </td>
                    <td>{r.group}</td>
                    <td style={{ maxWidth: '360px' }}>
                      <code class="key">{r.key ?? 'null'}</code>
                      <pre class="value">{r.value ?? 'null'}</pre>
                    </td>
                    <td>
                      <Headers headers={r.headers.filter((h) => !h.key.startsWith('sluice-dlq-'))} />
                    </td>
                  </tr>
                );
              })}
              {letters.data && letters.data.records.length === 0 ? <EmptyRow columns={8}>Nothing pending.</EmptyRow> : null}
            </tbody>
          </table>
        </>
      ) : null}
    </div>
  );
}
