/**
 * `max.connections` and `max.connections.per.ip` for a grpc-js server: grpc-js has no connection
 * limit, but each HTTP/2 server it binds is a net.Server, whose `maxConnections` makes Node close
 * every connection accepted beyond it at once (the client sees the connection end before HTTP/2
 * starts: UNAVAILABLE), and reports each as a 'drop'. A connection from an address that already
 * has `maxPerIp` open is destroyed the same way as it is accepted. Reaches into grpc-js's private
 * `http2Servers`, as http2-window.ts does.
 */
import type * as grpc from '@grpc/grpc-js';
import type { Server as NetServer, Socket } from 'node:net';
import { logger } from '../observability/log.js';

const log = logger('connections');

/** How often at most a broker logs that it refuses connections. */
const REFUSAL_LOG_INTERVAL_MS = 10_000;

export interface ConnectionCounts {
  open: number;
  refused: number;
}

interface GrpcServerInternals {
  http2Servers?: Map<NetServer, unknown>;
}

/** After bindAsync: refuses connections beyond `max` and counts open and refused ones. */
export function limitConnections(server: grpc.Server, max: number, maxPerIp = max): () => ConnectionCounts {
  const servers = (server as unknown as GrpcServerInternals).http2Servers;
  if (!(servers instanceof Map)) throw new Error('grpc-js internals changed: cannot apply max.connections');
  const counts: ConnectionCounts = { open: 0, refused: 0 };
  let loggedAtMs = -Infinity;
  const refused = (why: string): void => {
    counts.refused++;
    if (Date.now() - loggedAtMs < REFUSAL_LOG_INTERVAL_MS) return;
    loggedAtMs = Date.now();
    log.warn({ refused: counts.refused }, `refusing connections: ${why} (${counts.refused} refused so far)`);
  };
  const perAddress = new Map<string, number>();
  for (const netServer of servers.keys()) {
    netServer.maxConnections = max;
    // Prepended: grpc-js's own listener must not start HTTP/2 on a socket refused here.
    netServer.prependListener('connection', (socket: Socket) => {
      const address = socket.remoteAddress ?? '';
      const open = perAddress.get(address) ?? 0;
      if (open >= maxPerIp) {
        refused(`max.connections.per.ip=${maxPerIp} are open from ${address}`);
        socket.destroy();
        return;
      }
      perAddress.set(address, open + 1);
      counts.open++;
      socket.once('close', () => {
        counts.open--;
        const left = (perAddress.get(address) ?? 1) - 1;
        if (left > 0) perAddress.set(address, left);
        else perAddress.delete(address);
      });
    });
    netServer.on('drop', () => refused(`max.connections=${max} are open`));
  }
  return () => counts;
}
