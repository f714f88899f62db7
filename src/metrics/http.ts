/**
 * The broker's HTTP endpoint: Prometheus `/metrics`, liveness `/healthz`, readiness `/readyz`. It
 * listens from the first moment of start-up, before storage recovery (which grows with the log):
 * a liveness probe then sees a live process instead of a refused connection, and `/readyz` says
 * the broker is starting.
 */
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

export class HttpEndpoint {
  private status: BrokerStatus | undefined;

  private constructor(private readonly server: Server) {}

  static async listen(host: string, port: number): Promise<HttpEndpoint> {
    const server = createServer((req, res) => endpoint.answer(req, res));
    const endpoint = new HttpEndpoint(server);
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

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private answer(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0];
    const text = (code: number, body: string): void => void res.writeHead(code, { 'content-type': 'text/plain' }).end(body);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
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
}
