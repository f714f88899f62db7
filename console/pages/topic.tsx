import { useState } from 'preact/hooks';
import type { TopicView } from '../../src/console/views.js';
import { api, enc } from '../api.js';
import { Badge, ErrorBox } from '../components.js';
import { bytes, num, rate } from '../format.js';
import { useApi } from '../hooks.js';
import { parseConfigs } from './topics.js';

export function Topic({ name, readOnly }: { name: string; readOnly: boolean }) {
  const topic = useApi(() => api<TopicView>('GET', `/topics/${enc(name)}`), [name], 5000);
  const [edit, setEdit] = useState('');
  const [confirmName, setConfirmName] = useState('');
  const [error, setError] = useState<Error | undefined>();
  const [notice, setNotice] = useState('');
  const t = topic.data;
  const alter = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    try {
      await api('PATCH', `/topics/${enc(name)}/configs`, { set: parseConfigs(edit) });
      setNotice('Configs changed');
      setEdit('');
      topic.reload();
    } catch (err) {
      setError(err as Error);
    }
  };
  const remove = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    try {
      await api('DELETE', `/topics/${enc(name)}?confirm=${enc(confirmName)}`);
      location.hash = '#/topics';
    } catch (err) {
      setError(err as Error);
    }
  };
  return (
    <div>
      <header class="top">
        <h1>
          <a href="#/topics">Topics</a> / {name}
        </h1>
        <a href={`#/messages/${enc(name)}`}>Browse messages →</a>
      </header>
      <ErrorBox error={topic.error} />
      <ErrorBox error={error} />
      {notice ? <div class="notice">{notice}</div> : null}
      {t ? (
        <>
          <div class="muted">
            {t.partitions.length} partitions · replication {t.replicationFactor} · producing {rate(t.produceRecordsPerSec)}
          </div>
          <h2>Partitions</h2>
          <table id="partitions">
            <thead>
              <tr>
                <th class="num">Partition</th>
                <th class="num">Leader</th>
                <th>Replicas</th>
                <th>In sync</th>
                <th class="num">Log start</th>
                <th class="num">Log end</th>
                <th class="num">High watermark</th>
                <th class="num">Size</th>
              </tr>
            </thead>
            <tbody>
              {t.partitions.map((p) => (
                <tr>
                  <td class="num">{p.partition}</td>
                  <td class="num">{p.leader >= 0 ? p.leader : <Badge tone="bad">none</Badge>}</td>
                  <td>{p.replicas.join(', ')}</td>
                  <td>{p.isr.length < p.replicas.length ? <Badge tone="warn">{p.isr.join(', ') || 'none'}</Badge> : p.isr.join(', ')}</td>
                  <td class="num">{num(p.logStartOffset)}</td>
                  <td class="num">{num(p.logEndOffset)}</td>
                  <td class="num">{num(p.highWatermark)}</td>
                  <td class="num">{bytes(p.sizeBytes)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h2>Configs</h2>
          <table id="configs">
            <tbody>
              {Object.entries(t.configs)
                .sort()
                .map(([key, value]) => (
                  <tr>
                    <td>
                      <code>{key}</code>
                    </td>
                    <td>
                      <code>{value}</code>
                    </td>
                  </tr>
                ))}
            </tbody>
          </table>
          {readOnly ? null : (
            <>
              <div class="panel">
                <form class="row" id="alter-configs" onSubmit={alter}>
                  <label class="field">
                    Change configs (key=value per line)
                    <textarea name="configs" value={edit} placeholder="retention.ms=3600000" onInput={(e) => setEdit((e.target as HTMLTextAreaElement).value)} />
                  </label>
                  <button type="submit">Apply</button>
                </form>
              </div>
              <div class="panel">
                <form class="row" id="delete-topic" onSubmit={remove}>
                  <label class="field">
                    Delete this topic and every record in it: type its name to confirm
                    <input name="confirm" value={confirmName} onInput={(e) => setConfirmName((e.target as HTMLInputElement).value)} />
                  </label>
                  <button type="submit" class="danger" disabled={confirmName !== name}>
                    Delete topic
                  </button>
                </form>
              </div>
            </>
          )}
        </>
      ) : null}
    </div>
  );
}
