import { useState } from 'preact/hooks';
import type { GroupSummaryView, GroupView, HistoryView, ResetTargetView, ResetView } from '../../src/console/views.js';
import { api, enc } from '../api.js';
import { Badge, Chart, EmptyRow, ErrorBox } from '../components.js';
import { duration, num } from '../format.js';
import { useApi } from '../hooks.js';

export function Groups() {
  const groups = useApi(() => api<GroupSummaryView[]>('GET', '/groups'), [], 5000);
  return (
    <div>
      <header class="top">
        <h1>Consumer groups</h1>
      </header>
      <ErrorBox error={groups.error} />
      <table id="groups">
        <thead>
          <tr>
            <th>Group</th>
            <th>State</th>
            <th class="num">Members</th>
            <th class="num">Lag (records)</th>
            <th class="num">Lag (time)</th>
          </tr>
        </thead>
        <tbody>
          {(groups.data ?? []).map((g) => (
            <tr data-group={g.groupId}>
              <td>
                <a href={`#/groups/${enc(g.groupId)}`}>{g.groupId}</a>
              </td>
              <td>
                <Badge tone={g.state === 'Stable' ? 'ok' : g.state === 'Empty' ? undefined : 'warn'}>{g.state}</Badge>
              </td>
              <td class="num">{g.members}</td>
              <td class="num lag">{g.lag < 0 ? '?' : num(g.lag)}</td>
              <td class="num">{g.lag > 0 ? duration(g.lagMs) : '—'}</td>
            </tr>
          ))}
          {groups.data && groups.data.length === 0 ? <EmptyRow columns={5}>No consumer groups yet.</EmptyRow> : null}
        </tbody>
      </table>
    </div>
  );
}

function targetOf(kind: string, value: string): ResetTargetView {
  switch (kind) {
    case 'offset':
      return { kind, offset: Number(value) };
    case 'timestamp':
      return { kind, timestampMs: Date.parse(value) || Number(value) };
    case 'shift':
      return { kind, by: Number(value) };
    default:
      return { kind: kind === 'latest' ? 'latest' : 'earliest' };
  }
}

export function Group({ id, readOnly }: { id: string; readOnly: boolean }) {
  const group = useApi(() => api<GroupView>('GET', `/groups/${enc(id)}`), [id], 3000);
  const history = useApi(() => api<HistoryView>('GET', '/history'), [], 5000);
  const [topic, setTopic] = useState('');
  const [kind, setKind] = useState('earliest');
  const [value, setValue] = useState('');
  const [preview, setPreview] = useState<ResetView | undefined>();
  const [error, setError] = useState<Error | undefined>();
  const [notice, setNotice] = useState('');
  const g = group.data;
  const topics = [...new Set((g?.partitions ?? []).map((p) => p.topic))];
  const chosenTopic = topic || topics[0] || '';
  const run = async (dryRun: boolean) => {
    setError(undefined);
    setNotice('');
    try {
      const answer = await api<ResetView>('POST', `/groups/${enc(id)}/reset-offsets`, { topic: chosenTopic, target: targetOf(kind, value), dryRun });
      if (dryRun) setPreview(answer);
      else {
        setPreview(undefined);
        setNotice(`Offsets of ${chosenTopic} reset on ${answer.changes.length} partition(s)`);
        group.reload();
      }
    } catch (err) {
      setError(err as Error);
    }
  };
  const lag = history.data?.groupLag[id];
  return (
    <div>
      <header class="top">
        <h1>
          <a href="#/groups">Consumer groups</a> / {id}
        </h1>
      </header>
      <ErrorBox error={group.error} />
      {g ? (
        <>
          <div class="muted">
            state <Badge>{g.state}</Badge> · epoch {g.groupEpoch} · {g.members.length} member(s) · total lag <strong id="total-lag">{num(g.lag)}</strong>
          </div>
          <h2>Members</h2>
          <table id="members">
            <thead>
              <tr>
                <th>Member</th>
                <th>Client</th>
                <th class="num">Epoch</th>
                <th>Assignment</th>
              </tr>
            </thead>
            <tbody>
              {g.members.map((m) => (
                <tr>
                  <td>
                    <code>{m.memberId}</code>
                    {m.groupInstanceId ? <div class="muted">instance {m.groupInstanceId}</div> : null}
                  </td>
                  <td>{m.clientId}</td>
                  <td class="num">{m.memberEpoch}</td>
                  <td>{m.assignment.map((a) => `${a.topic}[${a.partitions.join(',')}]`).join(' ') || <span class="muted">none</span>}</td>
                </tr>
              ))}
              {g.members.length === 0 ? <EmptyRow columns={4}>No live members.</EmptyRow> : null}
            </tbody>
          </table>
          <h2>Partitions</h2>
          <table id="offsets">
            <thead>
              <tr>
                <th>Topic</th>
                <th class="num">Partition</th>
                <th class="num">Committed</th>
                <th class="num">Log end</th>
                <th class="num">Lag</th>
                <th class="num">Lag (time)</th>
                <th>Owner</th>
              </tr>
            </thead>
            <tbody>
              {g.partitions.map((p) => (
                <tr data-partition={`${p.topic}/${p.partition}`}>
                  <td>{p.topic}</td>
                  <td class="num">{p.partition}</td>
                  <td class="num committed">{p.committedOffset < 0 ? '—' : num(p.committedOffset)}</td>
                  <td class="num">{p.logEndOffset < 0 ? '?' : num(p.logEndOffset)}</td>
                  <td class="num lag">{p.lag < 0 ? '?' : num(p.lag)}</td>
                  <td class="num">{p.lagMs > 0 ? duration(p.lagMs) : '—'}</td>
                  <td>{p.owner ? <code>{p.owner.slice(0, 12)}</code> : <span class="muted">unowned</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {lag && history.data ? (
            <div class="charts" style={{ marginTop: '12px' }}>
              <Chart title={`Lag of ${id}`} unit="records" times={history.data.points.map((p) => p.timeMs)} series={[{ label: 'lag', values: lag }]} />
            </div>
          ) : null}
          {readOnly ? null : (
            <div class="panel">
              <h2 style={{ marginTop: 0 }}>Reset offsets</h2>
              <p class="muted">The group must have no live members. Preview first; nothing changes until you confirm.</p>
              <ErrorBox error={error} />
              {notice ? (
                <div class="notice" id="reset-done">
                  {notice}
                </div>
              ) : null}
              <form
                class="row"
                id="reset"
                onSubmit={(e) => {
                  e.preventDefault();
                  void run(true);
                }}
              >
                <label class="field">
                  Topic
                  <select name="topic" value={chosenTopic} onChange={(e) => setTopic((e.target as HTMLSelectElement).value)}>
                    {topics.map((t) => (
                      <option value={t}>{t}</option>
                    ))}
                  </select>
                </label>
                <label class="field">
                  To
                  <select name="kind" value={kind} onChange={(e) => setKind((e.target as HTMLSelectElement).value)}>
                    <option value="earliest">earliest</option>
                    <option value="latest">latest</option>
                    <option value="offset">offset</option>
                    <option value="timestamp">time</option>
                    <option value="shift">shift by</option>
                  </select>
                </label>
                {kind === 'offset' || kind === 'timestamp' || kind === 'shift' ? (
                  <label class="field">
                    {kind === 'timestamp' ? 'Time (ISO or ms)' : kind === 'shift' ? 'Records (+/-)' : 'Offset'}
                    <input name="value" value={value} onInput={(e) => setValue((e.target as HTMLInputElement).value)} />
                  </label>
                ) : null}
                <button type="submit" class="secondary" disabled={!chosenTopic}>
                  Preview
                </button>
              </form>
              {preview ? (
                <>
                  <table id="preview" style={{ marginTop: '10px' }}>
                    <thead>
                      <tr>
                        <th class="num">Partition</th>
                        <th class="num">Committed now</th>
                        <th class="num">New offset</th>
                        <th class="num">Log end</th>
                        <th class="num">Lag after</th>
                      </tr>
                    </thead>
                    <tbody>
                      {preview.changes.map((c) => (
                        <tr>
                          <td class="num">{c.partition}</td>
                          <td class="num">{c.currentOffset < 0 ? '—' : num(c.currentOffset)}</td>
                          <td class="num">
                            <strong>{num(c.newOffset)}</strong>
                          </td>
                          <td class="num">{num(c.logEndOffset)}</td>
                          <td class="num">{num(c.lagAfter)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                  <div class="row" style={{ marginTop: '10px' }}>
                    <button id="confirm-reset" class="danger" onClick={() => void run(false)}>
                      Confirm reset of {preview.changes.length} partition(s)
                    </button>
                    <button class="secondary" onClick={() => setPreview(undefined)}>
                      Cancel
                    </button>
                  </div>
                </>
              ) : null}
            </div>
          )}
        </>
      ) : null}
    </div>
  );
}
