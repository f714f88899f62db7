/**
 * gRPC over the in-memory network, for the cluster simulator: a broker serves its real service
 * handlers (the same objects the process adds to a grpc.Server) and a client uses real grpc-js
 * stubs whose channel is one of these. Every request and answer is serialized with the service's
 * own codecs and travels as bytes through the MemoryNetwork, on its clock, meeting its faults.
 *
 * A connection behaves like TCP under HTTP/2: messages arrive once and in order per direction (a
 * copy the network drops is sent again after RETRANSMIT_MS, duplicates are ignored, early ones wait
 * for their turn); a cut link delays everything until it heals or the client's keepalive gives the
 * connection up (grpc.keepalive_time_ms / _timeout_ms of the channel options), failing its calls as
 * UNAVAILABLE. A broker that crashes resets its connections (the reset is lost on a cut link); one
 * that serves nothing refuses them. Deadlines run on the network's clock.
 */
import { EventEmitter } from 'node:events';
import * as grpc from '@grpc/grpc-js';
import type { Clock, TimerHandle } from './clock.js';
import type { MemoryNetwork } from './memory-network.js';

type Call = ReturnType<grpc.ChannelInterface['createCall']>;
type CallListener = Parameters<Call['start']>[1];
type MessageContext = Parameters<Call['sendMessageWithContext']>[0];
type MethodDefinition = grpc.MethodDefinition<unknown, unknown>;

/** How long a lost copy takes to be sent again (TCP's retransmission timeout, roughly). */
const RETRANSMIT_MS = 200;
/** grpc-js's defaults when a channel sets no keepalive: none. */
const NO_KEEPALIVE = Number.POSITIVE_INFINITY;

type MetadataPairs = Array<[string, string]>;

/** Client to server. */
type Upstream =
  | { kind: 'open'; callId: number; path: string }
  | { kind: 'message'; callId: number; bytes: Uint8Array }
  | { kind: 'halfClose'; callId: number }
  | { kind: 'cancel'; callId: number }
  | { kind: 'ping' };

/** Server to client. */
type Downstream =
  | { kind: 'message'; callId: number; bytes: Uint8Array }
  | { kind: 'status'; callId: number; code: grpc.status; details: string; metadata: MetadataPairs }
  | { kind: 'pong' };

function toPairs(metadata: grpc.Metadata | undefined): MetadataPairs {
  const pairs: MetadataPairs = [];
  for (const [key, value] of Object.entries(metadata?.getMap() ?? {})) pairs.push([key, typeof value === 'string' ? value : value.toString('base64')]);
  return pairs;
}

function fromPairs(pairs: MetadataPairs): grpc.Metadata {
  const metadata = new grpc.Metadata();
  for (const [key, value] of pairs) metadata.set(key, value);
  return metadata;
}

/** A structured clone turns a Buffer into a plain Uint8Array: view the same bytes as a Buffer again. */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** One direction of a connection: once and in order, whatever the network does to single copies. */
class Pipe<T> {
  private nextSeq = 0;
  private expected = 0;
  private readonly early = new Map<number, T>();

  constructor(
    private readonly network: MemoryNetwork,
    private readonly from: number,
    private readonly to: number,
    private readonly isOpen: () => boolean,
    private readonly receive: (message: T) => void,
  ) {}

  send(message: T): void {
    this.transmit(this.nextSeq++, message);
  }

  private transmit(seq: number, message: T): void {
    if (!this.isOpen()) return;
    this.network.send(this.from, this.to, { seq, message }, {
      arrive: (copy) => this.arrive(copy.seq, copy.message),
      lost: () => this.network.clock.setTimeout(() => this.transmit(seq, message), RETRANSMIT_MS),
    });
  }

  private arrive(seq: number, message: T): void {
    if (!this.isOpen() || seq < this.expected) return;
    this.early.set(seq, message);
    for (let next = this.early.get(this.expected); next !== undefined; next = this.early.get(this.expected)) {
      this.early.delete(this.expected++);
      this.receive(next);
    }
  }
}

interface ServedMethod {
  definition: MethodDefinition;
  handler: grpc.UntypedHandleCall;
}

/** The services one broker answers in a simulation (what `grpc.Server.addService` registers in a process). */
export class MemoryGrpcServer {
  private readonly methods = new Map<string, ServedMethod>();
  private stopped = false;

  addService(service: grpc.ServiceDefinition, implementation: grpc.UntypedServiceImplementation): void {
    for (const [name, definition] of Object.entries(service) as Array<[string, MethodDefinition]>) {
      const handler = implementation[name];
      if (handler === undefined) continue;
      if (definition.requestStream !== definition.responseStream) throw new Error(`${definition.path}: only unary and bidirectional methods are simulated`);
      this.methods.set(definition.path, { definition, handler });
    }
  }

  method(path: string): ServedMethod | undefined {
    return this.methods.get(path);
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  stop(): void {
    this.stopped = true;
  }
}

/** The server side of one call: the object a handler gets, as grpc-js's ServerUnaryCall or ServerDuplexStream. */
class ServerCall extends EventEmitter {
  cancelled = false;
  request: unknown;
  readonly metadata = new grpc.Metadata();
  private finished = false;
  /** Flow control as a grpc-js stream has it: while paused, requests (and the end) wait here. */
  private paused = false;
  private readonly held: Array<{ request: unknown } | 'end'> = [];

  constructor(
    private readonly connection: Connection,
    private readonly callId: number,
    private readonly definition: MethodDefinition,
  ) {
    super();
  }

  getPeer(): string {
    return `memory:${this.connection.clientNode}`;
  }

  getPath(): string {
    return this.definition.path;
  }

  get streaming(): boolean {
    return this.definition.requestStream;
  }

  sendMetadata(): void {}

  /** A request of a streaming call arrived: delivered now, or when the handler resumes reading. */
  receive(request: unknown): void {
    this.held.push({ request });
    this.deliver();
  }

  /** The client ended its side. */
  halfClosed(): void {
    this.held.push('end');
    this.deliver();
  }

  pause(): this {
    this.paused = true;
    return this;
  }

  resume(): this {
    this.paused = false;
    this.deliver();
    return this;
  }

  isPaused(): boolean {
    return this.paused;
  }

  private deliver(): void {
    while (!this.paused && this.held.length > 0) {
      const next = this.held.shift()!;
      if (next === 'end') this.emit('end');
      else this.emit('data', next.request);
    }
  }

  write(message: unknown): boolean {
    if (!this.finished) this.connection.down({ kind: 'message', callId: this.callId, bytes: this.definition.responseSerialize(message) });
    return true;
  }

  end(): void {
    this.finish(grpc.status.OK, 'OK');
  }

  /** The unary handler's callback. */
  answer(err: Partial<grpc.ServiceError> | null, value?: unknown): void {
    if (err) return this.finish(err.code ?? grpc.status.UNKNOWN, err.details ?? err.message ?? 'error', err.metadata);
    this.write(value);
    this.end();
  }

  cancel(): void {
    if (this.cancelled || this.finished) return;
    this.cancelled = true;
    this.emit('cancelled');
  }

  private finish(code: grpc.status, details: string, metadata?: grpc.Metadata): void {
    if (this.finished) return;
    this.finished = true;
    this.connection.down({ kind: 'status', callId: this.callId, code, details, metadata: toPairs(metadata) });
    this.connection.serverCalls.delete(this.callId);
  }
}

/** The client side of one call, as grpc-js's Client drives a channel's call. */
class ClientCall implements Call {
  private listener: CallListener | undefined;
  private readonly inbox: Buffer[] = [];
  private reads = 0;
  private pendingStatus: grpc.StatusObject | undefined;
  private metadataSeen = false;
  private done = false;
  private deadlineTimer: TimerHandle | undefined;
  private connection: Connection | undefined;

  constructor(
    private readonly channel: MemoryChannel,
    readonly callId: number,
    private readonly path: string,
    private readonly deadline: grpc.Deadline,
  ) {}

  start(_metadata: grpc.Metadata, listener: CallListener): void {
    this.listener = listener;
    const clock = this.channel.clock;
    const deadlineMs = this.deadline instanceof Date ? this.deadline.getTime() : this.deadline;
    if (Number.isFinite(deadlineMs)) {
      this.deadlineTimer = clock.setTimeout(() => this.cancelWithStatus(grpc.status.DEADLINE_EXCEEDED, 'Deadline exceeded'), Math.max(0, deadlineMs - clock.nowMs()));
    }
    if (this.channel.closed) return this.finish({ code: grpc.status.UNAVAILABLE, details: 'channel closed' });
    this.connection = this.channel.connection();
    if (this.connection === undefined) return this.finish({ code: grpc.status.UNAVAILABLE, details: `name resolution failed for ${this.channel.getTarget()}` });
    this.connection.clientCalls.set(this.callId, this);
    this.connection.up({ kind: 'open', callId: this.callId, path: this.path });
  }

  sendMessageWithContext(context: MessageContext, message: Buffer): void {
    if (!this.done) this.connection?.up({ kind: 'message', callId: this.callId, bytes: message });
    // Written to the connection: the writer may go on (HTTP/2 flow control is not simulated).
    if (context.callback) this.channel.clock.defer(() => context.callback?.());
  }

  halfClose(): void {
    if (!this.done) this.connection?.up({ kind: 'halfClose', callId: this.callId });
  }

  startRead(): void {
    this.reads++;
    this.pump();
  }

  cancelWithStatus(code: grpc.status, details: string): void {
    if (this.done) return;
    this.connection?.up({ kind: 'cancel', callId: this.callId });
    this.finish({ code, details });
  }

  getPeer(): string {
    return this.channel.getTarget();
  }

  getCallNumber(): number {
    return this.callId;
  }

  setCredentials(): void {}

  getAuthContext(): null {
    return null;
  }

  received(message: Downstream): void {
    if (message.kind === 'message') this.inbox.push(asBuffer(message.bytes));
    else if (message.kind === 'status') this.pendingStatus = { code: message.code, details: message.details, metadata: fromPairs(message.metadata) };
    this.pump();
  }

  /** The connection is gone: the call fails as gRPC fails calls on a lost connection. */
  reset(details: string): void {
    this.finish({ code: grpc.status.UNAVAILABLE, details });
  }

  private pump(): void {
    if (this.done || this.listener === undefined) return;
    if (!this.metadataSeen && (this.inbox.length > 0 || this.pendingStatus)) {
      this.metadataSeen = true;
      this.listener.onReceiveMetadata(new grpc.Metadata());
    }
    while (this.reads > 0 && this.inbox.length > 0 && !this.done) {
      this.reads--;
      this.listener.onReceiveMessage(this.inbox.shift());
    }
    if (this.inbox.length === 0 && this.pendingStatus) this.finish(this.pendingStatus);
  }

  private finish(status: { code: grpc.status; details: string; metadata?: grpc.Metadata }): void {
    if (this.done) return;
    this.done = true;
    this.channel.clock.clearTimer(this.deadlineTimer);
    this.connection?.clientCalls.delete(this.callId);
    this.connection?.idleCheck();
    const listener = this.listener;
    if (listener === undefined) return;
    if (!this.metadataSeen) {
      this.metadataSeen = true;
      listener.onReceiveMetadata(new grpc.Metadata());
    }
    listener.onReceiveStatus({ code: status.code, details: status.details, metadata: status.metadata ?? new grpc.Metadata() });
  }
}

/** One client-to-broker connection: two pipes, the calls on it, and the client's keepalive. */
class Connection {
  readonly clientCalls = new Map<number, ClientCall>();
  readonly serverCalls = new Map<number, ServerCall>();
  private readonly toServer: Pipe<Upstream>;
  private readonly toClient: Pipe<Downstream>;
  private open = true;
  /** The server instance the connection reached (a restarted broker is a new one). */
  private server: MemoryGrpcServer | undefined;
  private pingTimer: TimerHandle | undefined;
  private pongTimer: TimerHandle | undefined;

  constructor(
    private readonly hub: MemoryGrpcHub,
    readonly clientNode: number,
    readonly serverNode: number,
    private readonly keepalive: { timeMs: number; timeoutMs: number },
    private readonly onClosed: () => void,
  ) {
    const network = hub.network;
    this.toServer = new Pipe(network, clientNode, serverNode, () => this.open, (message) => this.atServer(message));
    this.toClient = new Pipe(network, serverNode, clientNode, () => this.open, (message) => this.atClient(message));
  }

  get isOpen(): boolean {
    return this.open;
  }

  up(message: Upstream): void {
    this.toServer.send(message);
    this.armKeepalive();
  }

  down(message: Downstream): void {
    this.toClient.send(message);
  }

  /** Closes the connection on both ends at once (a RST that arrives). */
  reset(details: string): void {
    if (!this.open) return;
    this.open = false;
    this.hub.clock.clearTimer(this.pingTimer);
    this.hub.clock.clearTimer(this.pongTimer);
    this.onClosed();
    for (const call of [...this.serverCalls.values()]) call.cancel();
    this.serverCalls.clear();
    for (const call of [...this.clientCalls.values()]) call.reset(details);
  }

  /** The broker reached by this connection crashed: the reset reaches the client only over a working link. */
  serverCrashed(server: MemoryGrpcServer): void {
    if (this.server !== server) return;
    this.serverCalls.clear(); // its handlers are gone with the process
    if (this.hub.network.isLinkUp(this.serverNode, this.clientNode)) this.hub.clock.defer(() => this.reset('Connection reset by peer'));
  }

  /** Stops pinging once no call is open, as grpc-js does without keepalive_permit_without_calls. */
  idleCheck(): void {
    if (this.clientCalls.size > 0) return;
    this.hub.clock.clearTimer(this.pingTimer);
    this.pingTimer = undefined;
  }

  private armKeepalive(): void {
    if (this.pingTimer !== undefined || !Number.isFinite(this.keepalive.timeMs) || !this.open) return;
    this.pingTimer = this.hub.clock.setTimeout(() => {
      this.pingTimer = undefined;
      if (!this.open || this.clientCalls.size === 0) return;
      this.toServer.send({ kind: 'ping' });
      this.pongTimer ??= this.hub.clock.setTimeout(() => this.reset('keepalive timeout'), this.keepalive.timeoutMs);
    }, this.keepalive.timeMs);
  }

  private atServer(message: Upstream): void {
    const server = this.hub.serverOf(this.serverNode);
    this.server ??= server;
    if (server === undefined || server !== this.server || server.isStopped) {
      this.reset(server === undefined ? 'connect ECONNREFUSED' : 'Connection reset by peer');
      return;
    }
    switch (message.kind) {
      case 'ping':
        return this.down({ kind: 'pong' });
      case 'open':
        return this.openServerCall(server, message.callId, message.path);
      case 'message': {
        const call = this.serverCalls.get(message.callId);
        if (call === undefined) return;
        const request = this.decode(call, message.bytes);
        if (request === undefined) return;
        if (call.streaming) call.receive(request);
        else call.request = request;
        return;
      }
      case 'halfClose': {
        const call = this.serverCalls.get(message.callId);
        if (call === undefined) return;
        const served = server.method(call.getPath());
        if (served && !served.definition.requestStream) this.runUnary(served, call);
        else call.halfClosed();
        return;
      }
      case 'cancel':
        this.serverCalls.get(message.callId)?.cancel();
        this.serverCalls.delete(message.callId);
    }
  }

  private openServerCall(server: MemoryGrpcServer, callId: number, path: string): void {
    const served = server.method(path);
    if (served === undefined) {
      this.down({ kind: 'status', callId, code: grpc.status.UNIMPLEMENTED, details: `The server does not implement the method ${path}`, metadata: [] });
      return;
    }
    const call = new ServerCall(this, callId, served.definition);
    this.serverCalls.set(callId, call);
    if (served.definition.requestStream) (served.handler as grpc.handleBidiStreamingCall<unknown, unknown>)(call as unknown as grpc.ServerDuplexStream<unknown, unknown>);
  }

  private runUnary(served: ServedMethod, call: ServerCall): void {
    if (call.request === undefined) {
      call.answer({ code: grpc.status.INTERNAL, details: 'unary call ended without a request' });
      return;
    }
    const handler = served.handler as grpc.handleUnaryCall<unknown, unknown>;
    handler(call as unknown as grpc.ServerUnaryCall<unknown, unknown>, (err, value) => call.answer(err, value));
  }

  private decode(call: ServerCall, bytes: Uint8Array): unknown {
    const served = this.server?.method(call.getPath());
    try {
      return served?.definition.requestDeserialize(asBuffer(bytes));
    } catch (err) {
      call.answer({ code: grpc.status.INTERNAL, details: `cannot parse the request: ${err instanceof Error ? err.message : String(err)}` });
      return undefined;
    }
  }

  private atClient(message: Downstream): void {
    if (message.kind === 'pong') {
      this.hub.clock.clearTimer(this.pongTimer);
      this.pongTimer = undefined;
      this.armKeepalive();
      return;
    }
    this.clientCalls.get(message.callId)?.received(message);
  }
}

/** A client's channel to one broker address: a connection, opened on the first call and again after a reset. */
class MemoryChannel implements grpc.ChannelInterface {
  closed = false;
  private current: Connection | undefined;
  private readonly keepalive: { timeMs: number; timeoutMs: number };

  constructor(
    private readonly hub: MemoryGrpcHub,
    private readonly clientNode: number,
    private readonly address: string,
    options: grpc.ChannelOptions,
  ) {
    this.keepalive = {
      timeMs: Number(options['grpc.keepalive_time_ms'] ?? NO_KEEPALIVE),
      timeoutMs: Number(options['grpc.keepalive_timeout_ms'] ?? 20_000),
    };
  }

  get clock(): Clock {
    return this.hub.clock;
  }

  /** The open connection, or a new one; undefined when no node has the address. */
  connection(): Connection | undefined {
    if (this.current?.isOpen) return this.current;
    const serverNode = this.hub.nodeOf(this.address);
    if (serverNode === undefined) return undefined;
    const connection = new Connection(this.hub, this.clientNode, serverNode, this.keepalive, () => {
      if (this.current === connection) this.current = undefined;
      this.hub.forget(connection);
    });
    this.current = connection;
    this.hub.track(connection);
    return connection;
  }

  createCall(method: string, deadline: grpc.Deadline): Call {
    return new ClientCall(this, this.hub.nextCallId(), method, deadline);
  }

  close(): void {
    this.closed = true;
    this.current?.reset('channel closed');
  }

  getTarget(): string {
    return this.address;
  }

  getConnectivityState(): grpc.connectivityState {
    return this.current?.isOpen ? grpc.connectivityState.READY : grpc.connectivityState.IDLE;
  }

  watchConnectivityState(_state: grpc.connectivityState, _deadline: grpc.Deadline, callback: (error?: Error) => void): void {
    this.hub.clock.defer(() => callback(new Error('connectivity watching is not simulated')));
  }

  getChannelzRef(): ReturnType<grpc.ChannelInterface['getChannelzRef']> {
    return { kind: 'channel', id: 0, name: this.address } as ReturnType<grpc.ChannelInterface['getChannelzRef']>;
  }
}

/**
 * The gRPC side of a simulated cluster: which node serves at which address, and the channels
 * clients open. Node numbers are the MemoryNetwork's (brokers and clients alike).
 */
export class MemoryGrpcHub {
  private readonly servers = new Map<number, MemoryGrpcServer>();
  private readonly connections = new Set<Connection>();
  private callIds = 0;

  constructor(
    readonly network: MemoryNetwork,
    /** The node a `host:port` names; undefined when none does. */
    readonly nodeOf: (address: string) => number | undefined,
  ) {}

  get clock(): Clock {
    return this.network.clock;
  }

  /** Node `node` starts serving (a new server: connections to an earlier one are gone). */
  serve(node: number): MemoryGrpcServer {
    this.stopServing(node);
    const server = new MemoryGrpcServer();
    this.servers.set(node, server);
    return server;
  }

  /** Node `node` crashed or stopped: its connections are reset, new ones refused. */
  stopServing(node: number): void {
    const server = this.servers.get(node);
    if (server === undefined) return;
    server.stop();
    this.servers.delete(node);
    for (const connection of [...this.connections]) if (connection.serverNode === node) connection.serverCrashed(server);
  }

  /** What `ClientRuntime.channel` takes: channels from client node `clientNode`. */
  channelsFrom(clientNode: number): (address: string, options: grpc.ChannelOptions) => grpc.ChannelInterface {
    return (address, options) => new MemoryChannel(this, clientNode, address, options);
  }

  serverOf(node: number): MemoryGrpcServer | undefined {
    return this.servers.get(node);
  }

  nextCallId(): number {
    return ++this.callIds;
  }

  track(connection: Connection): void {
    this.connections.add(connection);
  }

  forget(connection: Connection): void {
    this.connections.delete(connection);
  }
}
