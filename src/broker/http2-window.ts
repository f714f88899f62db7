/**
 * Raises the HTTP/2 receive windows of a grpc-js server. grpc-js 1.14 gives clients the
 * `grpc-node.flow_control_window` option but servers none (upstream: grpc/grpc-node#3058), so a
 * broker takes Node's 64 KiB default: a 1 MiB produce request then waits for ~16 WINDOW_UPDATE round
 * trips, and pipelined requests share one 64 KiB connection window. This reaches into two private
 * fields of grpc-js's Server, checked at runtime: if a grpc-js upgrade renames them, the broker
 * logs one warning and runs with the default window (slower, still correct).
 */
import type * as grpc from '@grpc/grpc-js';
import type { Http2Server, Http2Session, ServerOptions } from 'node:http2';
import { logger } from '../observability/log.js';

const log = logger('grpc');

/** Per-stream and per-connection receive window of the broker's gRPC server. */
export const SERVER_RECEIVE_WINDOW_BYTES = 8 * 1024 * 1024;

interface GrpcServerInternals {
  /** Options grpc-js passes to `http2.createServer` when binding. */
  commonServerOptions?: ServerOptions;
  /** The bound HTTP/2 servers. */
  http2Servers?: Map<Http2Server, unknown>;
}

function internals(server: grpc.Server): GrpcServerInternals {
  return server as unknown as GrpcServerInternals;
}

/** Before bindAsync: advertise a larger initial stream window in the server's SETTINGS. */
export function raiseStreamWindow(server: grpc.Server, windowBytes = SERVER_RECEIVE_WINDOW_BYTES): boolean {
  const options = internals(server).commonServerOptions;
  if (options === undefined) {
    log.warn('grpc-js internals changed: running with the default 64 KiB HTTP/2 stream window');
    return false;
  }
  options.settings = { ...options.settings, initialWindowSize: windowBytes };
  return true;
}

/** After bindAsync: every new connection gets a larger connection-level window. */
export function raiseConnectionWindow(server: grpc.Server, windowBytes = SERVER_RECEIVE_WINDOW_BYTES): boolean {
  const servers = internals(server).http2Servers;
  if (!(servers instanceof Map)) {
    log.warn('grpc-js internals changed: running with the default 64 KiB HTTP/2 connection window');
    return false;
  }
  for (const http2Server of servers.keys()) {
    http2Server.on('session', (session: Http2Session) => {
      // Before any frame is exchanged the session is not connected yet; wait for it.
      const raise = (): void => session.setLocalWindowSize(windowBytes);
      if (session.connecting) session.once('connect', raise);
      else raise();
    });
  }
  return true;
}
