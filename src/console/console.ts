/**
 * The web console of a broker (docs/CONSOLE.md): its browser files at `/` and its JSON API at
 * `/api/v1/...` on the broker's HTTP port, mounted by one route hook in metrics/http.ts.
 *
 * Who the console acts as: every API call goes to the cluster through a client of the console,
 * as the caller's principal: a user logged in with SCRAM (sessions.ts), or ANONYMOUS. The brokers'
 * ACLs therefore apply as to any client, and the console is no way around them. The HTTP
 * endpoint's bearer token (http.auth.token) guards the API as it guards /metrics. Its background
 * history sampler calls as the identity of console.client.config (default ANONYMOUS); what the
 * charts show of it is filtered by the viewer's own describe rights.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ANONYMOUS } from '../security/principal.js';
import type { ClientSecurity } from '../client/index.js';
import type { HttpRoutes } from '../metrics/http.js';
import { ApiError } from './api-error.js';
import { Answer, findRoute, type ApiContext } from './api.js';
import { Assets } from './assets.js';
import { ConsoleConnection } from './connection.js';
import { History } from './history.js';
import { errorAnswer, readJson, sendJson } from './http-io.js';
import { Sampler, type LatencySource } from './sampler.js';
import { SESSION_COOKIE, sessionIdOf, Sessions } from './sessions.js';
import type { SessionView } from './views.js';

export interface ConsoleOptions {
  /** `host:port` of this broker's client listener. */
  bootstrap: string;
  brokerId: number;
  version: string;
  readOnly: boolean;
  historyIntervalMs: number;
  /** TLS of the console's connections (the client listener's), with no SASL. */
  tls: ClientSecurity['tls'];
  /** The history sampler's identity (console.client.config), TLS included. */
  samplerSecurity: ClientSecurity;
  /** The broker refuses ANONYMOUS or checks ACLs: the page suggests logging in. */
  loginSuggested: boolean;
  mechanisms: string[];
  /** Whether `principal` may describe the resource (the broker's authorizer; true with ACLs off). */
  mayDescribe(principal: string, type: 'topic' | 'group' | 'cluster', name: string): boolean;
  latency: LatencySource;
}

const API_PREFIX = '/api/v1/';

export class Console {
  private readonly history: History;
  private readonly sampler: Sampler;
  private readonly samplerConnection: ConsoleConnection;
  private readonly anonymous: ConsoleConnection;
  private readonly sessions: Sessions;
  private readonly assets = new Assets();

  constructor(private readonly options: ConsoleOptions) {
    const tls = options.tls === undefined ? {} : { tls: options.tls };
    this.history = new History(options.historyIntervalMs);
    this.anonymous = new ConsoleConnection(options.bootstrap, ANONYMOUS.name, tls);
    this.sessions = new Sessions(options.bootstrap, tls);
    this.samplerConnection = new ConsoleConnection(options.bootstrap, options.samplerSecurity.sasl?.username ?? ANONYMOUS.name, options.samplerSecurity);
    this.sampler = new Sampler(this.history, this.samplerConnection, options.latency);
  }

  start(): void {
    this.sampler.start();
  }

  async stop(): Promise<void> {
    await this.sampler.stop();
    await Promise.all([this.samplerConnection.close(), this.anonymous.close(), this.sessions.close()]);
  }

  /** The hook for HttpEndpoint.mount. */
  readonly routes: HttpRoutes = (req, res, authorized) => {
    const path = (req.url ?? '/').split('?')[0]!;
    if (path.startsWith(API_PREFIX) || path === '/api/v1') {
      if (authorized()) void this.api(req, res, path);
      return true;
    }
    // The browser files carry no data: served without the token (the page asks for it).
    const name = path === '/' ? 'index.html' : path.slice(1);
    if ((req.method === 'GET' || req.method === 'HEAD') && (path === '/' || /^[\w-]+\.(js|css|map|svg)$/.test(name))) {
      const asset = this.assets.get(name);
      if (!this.assets.built) {
        res.writeHead(503, { 'content-type': 'text/plain' }).end('console not built: run `make build` (npm run build)\n');
      } else if (asset === undefined) {
        return false;
      } else {
        res.writeHead(200, { 'content-type': asset.type, 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff', 'x-frame-options': 'DENY' }).end(req.method === 'HEAD' ? undefined : asset.body);
      }
      return true;
    }
    return false;
  };

  private async api(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    try {
      const method = req.method ?? 'GET';
      // A JSON body type forces a CORS preflight, which this endpoint never grants: no other site's page can make these
      // calls (a DELETE is preflighted whatever its type).
      if ((method === 'POST' || method === 'PATCH') && !(req.headers['content-type'] ?? '').startsWith('application/json')) {
        throw new ApiError(415, 'INVALID_REQUEST', 'send the request body as application/json');
      }
      const { handler, params } = findRoute(method === 'HEAD' ? 'GET' : method, path, this.options.readOnly);
      const sessionId = sessionIdOf(req);
      const connection = this.sessions.connection(sessionId) ?? this.anonymous;
      const session: Omit<SessionView, 'principal'> = {
        loginSuggested: this.options.loginSuggested,
        mechanisms: this.options.mechanisms,
        readOnly: this.options.readOnly,
        brokerId: this.options.brokerId,
        version: this.options.version,
      };
      const ctx: ApiContext = {
        connection,
        history: this.history,
        mayDescribe: (type, name) => this.options.mayDescribe(connection.principal, type, name),
        session,
        query: new URL(req.url ?? '/', 'http://console').searchParams,
        params,
        body: () => readJson(req),
        login: async (username, password, mechanism) => {
          this.sessions.logout(sessionId);
          const id = await this.sessions.login(username, password, mechanism);
          return `${SESSION_COOKIE}=${id}; Path=/; HttpOnly; SameSite=Strict`;
        },
        logout: () => {
          this.sessions.logout(sessionId);
          return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`;
        },
      };
      const result = await handler(ctx);
      if (result instanceof Answer) sendJson(res, result.status, result.body, result.cookie === undefined ? {} : { 'set-cookie': result.cookie });
      else sendJson(res, 200, result);
    } catch (err) {
      const { status, body } = errorAnswer(err);
      if (!res.headersSent) sendJson(res, status, body);
      else res.destroy();
    }
  }
}
