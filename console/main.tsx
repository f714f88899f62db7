/** The Sluice web console: a single page, routed by the URL's hash, over the broker's /api/v1. */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { SessionView } from '../src/console/views.js';
import { api, onTokenNeeded, setToken } from './api.js';
import { ErrorBox } from './components.js';
import { useApi } from './hooks.js';
import { Charts } from './pages/charts.js';
import { DeadLetters } from './pages/dead-letters.js';
import { Group, Groups } from './pages/groups.js';
import { Messages } from './pages/messages.js';
import { Overview } from './pages/overview.js';
import { Topic } from './pages/topic.js';
import { Topics } from './pages/topics.js';

function useHash(): string {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const onChange = () => setHash(location.hash);
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return hash;
}

const NAV: Array<[string, string]> = [
  ['#/', 'Overview'],
  ['#/topics', 'Topics'],
  ['#/messages', 'Messages'],
  ['#/groups', 'Consumer groups'],
  ['#/dead-letters', 'Dead letters'],
  ['#/charts', 'Charts'],
];

function Login({ session, onDone }: { session: SessionView; onDone: () => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [mechanism, setMechanism] = useState(session.mechanisms[0] ?? 'SCRAM-SHA-256');
  const [error, setError] = useState<Error | undefined>();
  // On an open broker the form waits behind a button; where the broker checks callers it is shown at once.
  const [shown, setShown] = useState(session.loginSuggested);
  if (session.principal !== 'ANONYMOUS') {
    return (
      <span class="row">
        <span class="muted">as {session.principal}</span>
        <button class="secondary" onClick={() => void api('DELETE', '/session', {}).then(onDone)}>
          Log out
        </button>
      </span>
    );
  }
  if (session.mechanisms.length === 0) return <span class="muted">as ANONYMOUS</span>;
  if (!shown) {
    return (
      <span class="row">
        <span class="muted">as ANONYMOUS</span>
        <button class="secondary" id="show-login" onClick={() => setShown(true)}>
          Log in
        </button>
      </span>
    );
  }
  return (
    <form
      class="row"
      id="login"
      onSubmit={(e) => {
        e.preventDefault();
        api('POST', '/session', { username, password, mechanism }).then(onDone, (err: Error) => setError(err));
      }}
    >
      <input placeholder="user" value={username} onInput={(e) => setUsername((e.target as HTMLInputElement).value)} />
      <input placeholder="password" type="password" value={password} onInput={(e) => setPassword((e.target as HTMLInputElement).value)} />
      <select value={mechanism} onChange={(e) => setMechanism((e.target as HTMLSelectElement).value)}>
        {session.mechanisms.map((m) => (
          <option>{m}</option>
        ))}
      </select>
      <button type="submit">Log in</button>
      {error ? <span class="muted">{error.message}</span> : null}
    </form>
  );
}

function TokenPrompt() {
  const [token, setTokenText] = useState('');
  return (
    <div class="panel" id="token-prompt">
      <h2 style={{ marginTop: 0 }}>This broker's HTTP endpoint needs its bearer token</h2>
      <p class="muted">The token of http.auth.token(.file); kept in this tab only.</p>
      <form
        class="row"
        onSubmit={(e) => {
          e.preventDefault();
          setToken(token);
          location.reload();
        }}
      >
        <input type="password" value={token} onInput={(e) => setTokenText((e.target as HTMLInputElement).value)} style={{ width: '320px' }} />
        <button type="submit">Use token</button>
      </form>
    </div>
  );
}

function Page({ hash, readOnly }: { hash: string; readOnly: boolean }) {
  const parts = hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  switch (parts[0]) {
    case 'topics':
      return parts[1] ? <Topic name={parts[1]} readOnly={readOnly} /> : <Topics readOnly={readOnly} />;
    case 'messages':
      return <Messages topic={parts[1] ?? ''} readOnly={readOnly} />;
    case 'groups':
      return parts[1] ? <Group id={parts[1]} readOnly={readOnly} /> : <Groups />;
    case 'dead-letters':
      return <DeadLetters topic={parts[1] ?? ''} readOnly={readOnly} />;
    case 'charts':
      return <Charts />;
    default:
      return <Overview />;
  }
}

function App() {
  const hash = useHash();
  const session = useApi(() => api<SessionView>('GET', '/session'), []);
  const [needsToken, setNeedsToken] = useState(false);
  const [light, setLight] = useState(localStorage.getItem('sluice-console-theme') === 'light');
  useEffect(() => onTokenNeeded(() => setNeedsToken(true)), []);
  useEffect(() => {
    document.documentElement.classList.toggle('light', light);
    localStorage.setItem('sluice-console-theme', light ? 'light' : 'dark');
  }, [light]);
  const current = '#/' + (hash.replace(/^#\/?/, '').split('/')[0] ?? '');
  const s = session.data;
  return (
    <div class="layout">
      <nav class="side">
        <div class="brand">
          <img src="/favicon.svg" width="22" height="22" alt="" /> Sluice
        </div>
        {NAV.map(([href, label]) => (
          <a href={href} class={current === href || (href === '#/' && current === '#/') ? 'active' : ''}>
            {label}
          </a>
        ))}
        <div class="foot">
          {s ? (
            <>
              broker {s.brokerId} · v{s.version}
              {s.readOnly ? <div>read-only</div> : null}
            </>
          ) : null}
          <div style={{ marginTop: '8px' }}>
            <a href="javascript:void 0" onClick={() => setLight(!light)}>
              {light ? 'dark theme' : 'light theme'}
            </a>
          </div>
        </div>
      </nav>
      <main>
        {needsToken ? <TokenPrompt /> : null}
        {s ? (
          <div class="row" style={{ justifyContent: 'flex-end', marginBottom: '8px' }}>
            <Login session={s} onDone={() => location.reload()} />
          </div>
        ) : (
          <ErrorBox error={needsToken ? undefined : session.error} />
        )}
        {s?.loginSuggested && s.principal === 'ANONYMOUS' ? <div class="error">This broker checks who calls it: log in to act as your own principal.</div> : null}
        {needsToken ? null : <Page hash={hash} readOnly={s?.readOnly ?? false} />}
      </main>
    </div>
  );
}

render(<App />, document.getElementById('app')!);
