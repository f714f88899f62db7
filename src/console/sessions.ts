/**
 * Console logins. A login runs SCRAM against the cluster with the user's name and password (the
 * broker's Auth service checks them); the session then calls the cluster as that principal, so
 * the broker's ACLs apply to everything the console does for it. The browser holds only a random
 * session id in an HttpOnly, SameSite=Strict cookie; the password stays in the session's client
 * (which re-authenticates when its broker session expires) and is dropped at logout or expiry.
 * Without a session, console calls are ANONYMOUS, as any client without credentials.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { ClientSecurity, SaslMechanism } from '../client/index.js';
import { ConsoleConnection } from './connection.js';

export const SESSION_COOKIE = 'sluice_console_session';
/** A session unused for this long is closed. */
export const SESSION_IDLE_MS = 30 * 60 * 1000;
/** Sessions held at once; the least recently used goes first. */
export const SESSIONS_MAX = 100;

interface Session {
  connection: ConsoleConnection;
  lastUsedMs: number;
}

export function sessionIdOf(req: IncomingMessage): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === SESSION_COOKIE) return rest.join('=');
  }
  return undefined;
}

export class Sessions {
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly bootstrap: string,
    private readonly security: ClientSecurity,
    private readonly nowMs: () => number = Date.now,
  ) {}

  /** The session's connection, or undefined (none, expired, unknown). */
  connection(id: string | undefined): ConsoleConnection | undefined {
    this.expire();
    const session = id === undefined ? undefined : this.sessions.get(id);
    if (session === undefined) return undefined;
    session.lastUsedMs = this.nowMs();
    // Most recently used last: the map's first entry is the one to drop when full.
    this.sessions.delete(id!);
    this.sessions.set(id!, session);
    return session.connection;
  }

  /** Authenticates with the cluster; resolves to the new session's id, or rejects with the broker's refusal. */
  async login(username: string, password: string, mechanism: SaslMechanism): Promise<string> {
    const connection = new ConsoleConnection(this.bootstrap, username, { ...this.security, sasl: { mechanism, username, password } });
    try {
      await connection.admin.metadata();
    } catch (err) {
      await connection.close();
      throw err;
    }
    this.expire();
    while (this.sessions.size >= SESSIONS_MAX) this.drop(this.sessions.keys().next().value!);
    const id = randomBytes(32).toString('base64url');
    this.sessions.set(id, { connection, lastUsedMs: this.nowMs() });
    return id;
  }

  logout(id: string | undefined): void {
    if (id !== undefined) this.drop(id);
  }

  async close(): Promise<void> {
    const all = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.all(all.map((session) => session.connection.close()));
  }

  private expire(): void {
    const cutoff = this.nowMs() - SESSION_IDLE_MS;
    for (const [id, session] of this.sessions) if (session.lastUsedMs < cutoff) this.drop(id);
  }

  private drop(id: string): void {
    const session = this.sessions.get(id);
    if (session === undefined) return;
    this.sessions.delete(id);
    session.connection.close().catch(() => undefined); // its channels go either way
  }
}
