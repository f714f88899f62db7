/**
 * The broker's HTTP endpoint: Prometheus `/metrics`, liveness `/healthz`, readiness `/readyz`. It
 * listens from the first moment of start-up, before storage recovery (which grows with the log):
 * a liveness probe then sees a live process instead of a refused connection, and `/readyz` says
 * the broker is starting.
 *
 * With a bearer token (`http.auth.token` / `http.auth.token.file`), `/metrics` and `/readyz` answer
 * only requests that carry it (`Authorization: Bearer <token>`; 401 with `WWW-Authenticate`
 * otherwise, as RFC 6750 describes); `/healthz` stays open, since it tells nothing but that the
 * process answers and liveness probes rarely carry credentials.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';

/** What a started broker answers `/metrics` and `/readyz` from. */
export interface BrokerStatus {
  registry: Registry;
  /**
   * Why the broker is not ready (starting, shutting down, storage refusing writes), or undefined
   * when it is: serving requests (registered, metadata loaded, storage taking writes).
   */
  notReady(): string | undefined;
}

/**
 * Further paths served on this port (the web console, src/console/): answers a request and returns
 * true, or returns false to leave it to the endpoint. `authorized` applies the bearer token (it
 * answers 401 itself and returns false).
 */
export type HttpRoutes = (req: IncomingMessage, res: ServerResponse, authorized: () => boolean) => boolean;

export interface HttpEndpointOptions {
  /** Bearer token every path but /healthz requires; none: open. */
  token?: string;
}

/** Paths answered without the token. */
const OPEN_PATHS = new Set(['/healthz']);
const REALM = 'Bearer realm="sluice"';

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

export class HttpEndpoint {
  private status: BrokerStatus | undefined;
  private routes: HttpRoutes | undefined;
  /** SHA-256 of the token: compared in constant time with a request's, whatever its length. */
  private readonly tokenDigest: Buffer | undefined;

  private constructor(
    private readonly server: Server,
    options: HttpEndpointOptions,
  ) {
    this.tokenDigest = options.token === undefined ? undefined : digest(options.token);
  }

  static async listen(host: string, port: number, options: HttpEndpointOptions = {}): Promise<HttpEndpoint> {
    const server = createServer((req, res) => endpoint.answer(req, res));
    const endpoint = new HttpEndpoint(server, options);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return endpoint;
  }

  /** The bound port (useful when 0 asked the OS to pick). */
  get port(): number {
    const address = this.server.address();
    return typeof address === 'object' && address ? address.port : 0;
  }

  /** The broker has started: `/metrics` and `/readyz` answer from it from now on. */
  attach(status: BrokerStatus): void {
    this.status = status;
  }

  /** Serves further paths (tried before the endpoint's own). */
  mount(routes: HttpRoutes): void {
    this.routes = routes;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private answer(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0];
    const text = (code: number, body: string): void => void res.writeHead(code, { 'content-type': 'text/plain' }).end(body);
    if (this.routes?.(req, res, () => this.authorized(req, res))) return;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
    } else if (!OPEN_PATHS.has(path ?? '') && !this.authorized(req, res)) {
      return;
    } else if (path === '/healthz') {
      text(200, 'ok\n');
    } else if (path === '/readyz') {
      const reason = this.status?.notReady();
      if (!this.status) text(503, 'starting\n');
      else if (reason === undefined) text(200, 'ready\n');
      else text(503, `not ready: ${reason}\n`);
    } else if (path === '/metrics') {
      const registry = this.status?.registry;
      if (!registry) {
        text(503, 'starting: no metrics yet\n');
        return;
      }
      registry.metrics().then(
        (body) => res.writeHead(200, { 'content-type': registry.contentType }).end(body),
        (err: unknown) => text(500, `${String(err)}\n`),
      );
    } else {
      text(404, 'not found; try /metrics, /healthz or /readyz\n');
    }
  }

  /** True when no token is set or the request carries it; otherwise answers 401 and returns false. */
  private authorized(req: IncomingMessage, res: ServerResponse): boolean {
    if (this.tokenDigest === undefined) return true;
    const header = req.headers.authorization;
    const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (match !== null && timingSafeEqual(digest(match[1]!), this.tokenDigest)) return true;
    const challenge = match === null ? REALM : `${REALM}, error="invalid_token"`;
    res.writeHead(401, { 'content-type': 'text/plain', 'www-authenticate': challenge }).end(match === null ? 'a bearer token is required\n' : 'invalid bearer token\n');
    return false;
  }
}
