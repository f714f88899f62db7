import { useState } from 'preact/hooks';
import type { TopicSummaryView, TopicView } from '../../src/console/views.js';
import { api, enc } from '../api.js';
import { Badge, EmptyRow, ErrorBox } from '../components.js';
import { bytes, num, rate } from '../format.js';
import { useApi } from '../hooks.js';

/** `key=value` lines into an object. */
export function parseConfigs(text: string): Record<string, string> {
  const configs: Record<string, string> = {};
  for (const line of text.split('\n').map((l) => l.trim()).filter(Boolean)) {
    const eq = line.indexOf('=');
    if (eq <= 0) throw new Error(`expected key=value, got "${line}"`);
    configs[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return configs;
}

export function Topics({ readOnly }: { readOnly: boolean }) {
  const topics = useApi(() => api<TopicSummaryView[]>('GET', '/topics'), [], 10000);
  const [showInternal, setShowInternal] = useState(false);
  const [name, setName] = useState('');
  const [partitions, setPartitions] = useState('3');
  const [replication, setReplication] = useState('1');
  const [configs, setConfigs] = useState('');
  const [error, setError] = useState<Error | undefined>();
  const [notice, setNotice] = useState('');
  const create = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    try {
      await api<TopicView>('POST', '/topics', { name, partitions: Number(partitions), replicationFactor: Number(replication), configs: parseConfigs(configs) });
      setNotice(`Created ${name}`);
      setName('');
      setConfigs('');
      topics.reload();
    } catch (err) {
      setError(err as Error);
    }
  };
  const list = (topics.data ?? []).filter((t) => showInternal || !t.internal);
  return (
    <div>
      <header class="top">
        <h1>Topics</h1>
        <label class="muted">
          <input type="checkbox" checked={showInternal} onChange={(e) => setShowInternal((e.target as HTMLInputElement).checked)} /> show internal
        </label>
      </header>
      <ErrorBox error={topics.error} />
      <table id="topics">
        <thead>
          <tr>
            <th>Name</th>
            <th class="num">Partitions</th>
            <th class="num">Replication</th>
            <th class="num">Records</th>
            <th class="num">Size</th>
            <th class="num">Produce</th>
            <th>Health</th>
          </tr>
        </thead>
        <tbody>
          {list.map((t) => (
            <tr data-topic={t.name}>
              <td>
                <a href={`#/topics/${enc(t.name)}`}>{t.name}</a> {t.internal ? <Badge>internal</Badge> : null} {t.deadLetter ? <Badge tone="warn">dead letters</Badge> : null}
              </td>
              <td class="num">{t.partitions}</td>
              <td class="num">{t.replicationFactor}</td>
              <td class="num">{num(t.records)}</td>
              <td class="num">{bytes(t.sizeBytes)}</td>
              <td class="num">{rate(t.produceRecordsPerSec)}</td>
              <td>{t.underReplicated > 0 ? <Badge tone="warn">{t.underReplicated} under-replicated</Badge> : <Badge tone="ok">in sync</Badge>}</td>
            </tr>
          ))}
          {topics.data && list.length === 0 ? <EmptyRow columns={7}>No topics yet.</EmptyRow> : null}
        </tbody>
      </table>
      {readOnly ? null : (
        <div class="panel">
          <h2 style={{ marginTop: 0 }}>Create a topic</h2>
          <ErrorBox error={error} />
          {notice ? <div class="notice">{notice}</div> : null}
          <form class="row" id="create-topic" onSubmit={create}>
            <label class="field">
              Name
              <input name="name" required value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
            </label>
            <label class="field">
              Partitions
              <input name="partitions" type="number" min="1" value={partitions} onInput={(e) => setPartitions((e.target as HTMLInputElement).value)} style={{ width: '90px' }} />
            </label>
            <label class="field">
              Replication
              <input name="replication" type="number" min="1" value={replication} onInput={(e) => setReplication((e.target as HTMLInputElement).value)} style={{ width: '90px' }} />
            </label>
            <label class="field">
              Configs (key=value per line)
              <textarea name="configs" value={configs} placeholder="retention.ms=86400000" onInput={(e) => setConfigs((e.target as HTMLTextAreaElement).value)} />
            </label>
            <button type="submit">Create</button>
          </form>
        </div>
      )}
    </div>
  );
}
