/**
 * The Kafka protocol listener: a TCP server whose connections carry size-prefixed frames
 * (int32 length, then a request). Requests of one connection are served concurrently and answered
 * in the order they came, each with its correlation id, as Kafka clients require. Limits: a frame
 * larger than `maxFrameBytes` closes the connection; reading pauses while a connection has
 * INFLIGHT_PER_CONNECTION_MAX unanswered requests, `maxFrameBytes` of unanswered request bytes, or
 * `maxFrameBytes` of answers its client has not read yet. A frame that does not decode, or asks for an API we do
 * not serve, closes that one connection; nothing a client sends can stop the listener.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { KafkaApi, KafkaConnectionError, type KafkaAnswer, type KafkaApiOptions } from './handlers.js';
import type { KafkaSession } from './session.js';
import type { TlsMaterial } from '../security/tls.js';
import { logger } from '../observability/log.js';

const log = logger('kafka');

/** Unanswered requests one connection may have before the listener stops reading it. */
const INFLIGHT_PER_CONNECTION_MAX = 64;
const SIZE_PREFIX_BYTES = 4;
/** How often at most refused connections are logged. */
const REFUSAL_LOG_INTERVAL_MS = 10_000;

export interface KafkaListenerOptions extends KafkaApiOptions {
  host: string;
  /** 0: the OS picks. */
  port: number;
  maxFrameBytes: number;
  /** Open connections beyond which new ones are closed as they arrive. */
  maxConnections: number;
  /** A connection without requests in flight and none arriving for this long is closed. */
  idleTimeoutMs: number;
  /** Counts requests in flight so a broker's shutdown can wait for them. */
  inflight?: { enter(method: string): void; exit(method: string): void };
  /** When set, every connection is closed at once and this is logged (e.g. authentication is required and not served here). */
  refuseConnections?: string;
  /** TLS with this material (a client certificate is requested, and names the connection when the CA verifies it). */
  tls?: TlsMaterial;
  /** Each connection's identity and SASL state, given the CN of its verified client certificate. */
  newSession(certificateName: string | undefined): KafkaSession;
  /** Told why a connection was closed by us (logged by the broker). */
  onConnectionError?(remote: string, reason: string): void;
}

export class KafkaListener {
  private readonly connections = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    /** The bound port. */
    readonly port: number,
  ) {}

  static async listen(options: KafkaListenerOptions): Promise<KafkaListener> {
    const server = options.tls === undefined
      ? createServer()
      : createTlsServer({ key: options.tls.key, cert: options.tls.cert, ca: options.tls.ca, requestCert: true, rejectUnauthorized: false, minVersion: 'TLSv1.2' });
    const port = await new Promise<number>((resolve, reject) => {
      server.once('error', (err) => reject(new Error(`cannot listen for Kafka clients on ${options.host}:${options.port}: ${err.message}`)));
      server.listen(options.port, options.host, () => {
        const address = server.address();
        resolve(typeof address === 'object' && address !== null ? address.port : options.port);
      });
    });
    const listener = new KafkaListener(server, port);
    server.maxConnections = options.maxConnections;
    let refusedLoggedAtMs = -Infinity;
    server.on('drop', () => {
      if (Date.now() - refusedLoggedAtMs < REFUSAL_LOG_INTERVAL_MS) return;
      refusedLoggedAtMs = Date.now();
      options.onConnectionError?.('a new client', `kafka.max.connections=${options.maxConnections} are open`);
    });
    const serve = (socket: Socket, certificateName: string | undefined): void => {
      // One KafkaApi per connection: its access follows the connection's principal.
      const session = options.newSession(certificateName);
      listener.serve(socket, new KafkaApi({ ...options, session, access: session.access }), options, session);
    };
    if (options.tls === undefined) server.on('connection', (socket: Socket) => serve(socket, undefined));
    else server.on('secureConnection', (socket: TLSSocket) => serve(socket, verifiedCommonName(socket)));
    // After a successful listen, errors belong to connections (handled there), not the server.
    server.on('error', (err) => options.onConnectionError?.('listener', err.message));
    return listener;
  }

  private serve(socket: Socket, api: KafkaApi, options: KafkaListenerOptions, session: KafkaSession): void {
    const remote = `${socket.remoteAddress}:${socket.remotePort}`;
    if (options.refuseConnections !== undefined) {
      options.onConnectionError?.(remote, options.refuseConnections);
      socket.destroy();
      return;
    }
    this.connections.add(socket);
    socket.setNoDelay(true);
    socket.setTimeout(options.idleTimeoutMs, () => {
      if (pending.length === 0) close(`idle for ${options.idleTimeoutMs} ms`);
    });
    const cancelled = new AbortController();
    /** Answers in request order; each settles to the frame to write (or null: none). */
    const pending: Array<{ answer: Promise<KafkaAnswer>; bytes: number }> = [];
    let pendingBytes = 0;
    // Also while answers wait in the socket's buffer for a client that does not read them.
    const full = (): boolean =>
      pending.length >= INFLIGHT_PER_CONNECTION_MAX || pendingBytes >= options.maxFrameBytes || socket.writableLength >= options.maxFrameBytes;
    let writing = false;
    let buffered: Buffer[] = [];
    let bufferedBytes = 0;
    /** Bytes the next step needs: a size prefix, or the whole frame it announced (no re-joining before). */
    let needed = SIZE_PREFIX_BYTES;
    let closed = false;

    const close = (reason: string | undefined): void => {
      if (closed) return;
      closed = true;
      cancelled.abort();
      if (reason !== undefined) options.onConnectionError?.(remote, reason);
      socket.destroy();
    };

    const drain = async (): Promise<void> => {
      if (writing) return;
      writing = true;
      try {
        while (pending.length > 0 && !closed) {
          let answer: KafkaAnswer;
          try {
            answer = await pending[0]!.answer;
          } catch (err) {
            close(err instanceof KafkaConnectionError ? err.message : `internal error: ${err instanceof Error ? err.message : String(err)}`);
            if (!(err instanceof KafkaConnectionError)) log.error({ err }, 'internal error while serving a Kafka request');
            return;
          }
          pendingBytes -= pending.shift()!.bytes;
          if (answer !== null && !closed) {
            socket.cork();
            for (const chunk of answer) socket.write(chunk);
            socket.uncork();
          }
          if (session.closeReason !== undefined && !closed) {
            // A failed authentication: the answer goes out, then the connection ends (as in Kafka).
            closed = true;
            cancelled.abort();
            options.onConnectionError?.(remote, session.closeReason);
            socket.end();
            return;
          }
          if (full()) socket.pause();
          else if (socket.isPaused()) socket.resume();
        }
      } finally {
        writing = false;
      }
    };

    const start = (frame: Buffer): void => {
      options.inflight?.enter('Kafka');
      const answer = api.handle(frame, cancelled.signal);
      pending.push({ answer, bytes: frame.length });
      pendingBytes += frame.length;
      void answer.then(
        () => options.inflight?.exit('Kafka'),
        () => options.inflight?.exit('Kafka'),
      );
      if (full()) socket.pause();
      void drain();
    };

    socket.on('data', (chunk: Buffer) => {
      if (closed) return;
      buffered.push(chunk);
      bufferedBytes += chunk.length;
      while (bufferedBytes >= needed) {
        const head = buffered.length === 1 ? buffered[0]! : Buffer.concat(buffered, bufferedBytes);
        const size = head.readInt32BE(0);
        if (size < 0 || size > options.maxFrameBytes) {
          close(`frame of ${size} bytes refused (kafka.max.frame.bytes=${options.maxFrameBytes})`);
          return;
        }
        if (head.length < SIZE_PREFIX_BYTES + size) {
          buffered = [head];
          needed = SIZE_PREFIX_BYTES + size;
          return;
        }
        needed = SIZE_PREFIX_BYTES;
        start(head.subarray(SIZE_PREFIX_BYTES, SIZE_PREFIX_BYTES + size));
        const rest = head.subarray(SIZE_PREFIX_BYTES + size);
        buffered = rest.length > 0 ? [rest] : [];
        bufferedBytes = rest.length;
      }
    });
    socket.on('drain', () => {
      if (socket.isPaused() && !full()) socket.resume();
    });
    socket.on('error', () => close(undefined));
    socket.on('close', () => {
      closed = true;
      cancelled.abort();
      this.connections.delete(socket);
    });
  }

  /** Stops accepting connections and closes the open ones (their waiting fetches end). */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.connections) socket.destroy();
    await closed;
  }
}

/** The CN of a client certificate the listener's CA verified; none for an unverified or missing one, or several CNs. */
function verifiedCommonName(socket: TLSSocket): string | undefined {
  if (!socket.authorized) return undefined;
  const commonName = socket.getPeerCertificate().subject?.CN;
  return typeof commonName === 'string' && commonName.length > 0 ? commonName : undefined;
}
