/**
 * RaftTransport over gRPC: ONE bidi stream (Raft.Stream, proto/sluice/v1/raft.proto) per broker pair,
 * carrying the messages of every Raft group in both directions.
 *
 * - Who dials: the broker with the lower id dials the higher one. One rule, so two brokers never
 *   race to open two streams. The dialled broker learns the dialler's id from its first frame (the
 *   hello) and answers with a hello of its own; from then on it sends on the server side of the call.
 * - Identity: under mutual TLS (`authentication: 'certificate'`) the hello's id must be the one the
 *   dialler's certificate names (CN broker-<id>), and a dialler accepts only the certificate of the
 *   broker it meant to reach (peerCredentials). Without TLS the hello is taken at its word. Either
 *   way a stream belongs to one peer: a message whose `from` is not that peer, or whose `to` is not
 *   this broker, is dropped and counted by reason (inbound-check.ts), as is one that fails to decode.
 * - Coalescing: messages queued for a peer are flushed in one frame per event-loop turn (setImmediate),
 *   so the heartbeats of all groups to one peer travel together.
 * - Bounds: each peer's queue holds at most queueBytesMax; when full the OLDEST messages are dropped
 *   (the newest are the most useful to Raft) and counted. Frames hold at most frameBytesMax (at least
 *   one message). Messages queue while the peer is down and go out once it is back.
 * - Backpressure: when write() returns false nothing more is written until 'drain'; send() keeps
 *   queueing within the bound meanwhile.
 * - Failure: a dialler reconnects with capped exponential backoff and jitter. A dialled broker that
 *   gets a new stream from a peer replaces the old one (the peer restarted or the old one is half-open).
 *   Nothing here throws into the caller or leaves a rejected promise; bad frames from the network are
 *   counted and dropped.
 */
import * as grpc from '@grpc/grpc-js';
import { CHANNEL_OPTIONS, MAX_MESSAGE_BYTES, raftApi } from '../protocol/grpc.js';
import type { RaftClient } from '../protocol/generated/sluice/v1/Raft.js';
import type { RaftFrame, RaftFrame__Output } from '../protocol/generated/sluice/v1/RaftFrame.js';
import type { RaftGroupMessage } from '../protocol/generated/sluice/v1/RaftGroupMessage.js';
import type { Message } from '../raft/types.js';
import { invariant } from '../raft/types.js';
import { authenticatedBrokerId, type BrokerAuthentication } from '../security/broker-caller.js';
import { decodeMessage, encodeMessage, messageSizeBytes } from './codec.js';
import { checkAddressing, RAFT_DROP_REASONS, type RaftDropReason } from './inbound-check.js';
import { isBrokerId, type InboundHandler, type RaftTransport } from './transport.js';

export const QUEUE_BYTES_MAX_DEFAULT = 16 * 1024 * 1024;
export const FRAME_BYTES_MAX_DEFAULT = 4 * 1024 * 1024;
export const RECONNECT_BACKOFF_INITIAL_MS_DEFAULT = 50;
export const RECONNECT_BACKOFF_MAX_MS_DEFAULT = 2_000;
/** Room left in a gRPC message for the frame's own fields around its messages. */
const FRAME_OVERHEAD_BYTES = 64;

export interface GrpcRaftTransportOptions {
  /** This broker's id (positive). */
  selfId: number;
  /** Addresses (host:port) of the other brokers. Only the ones with a higher id are dialled. */
  peers: ReadonlyMap<number, string>;
  /** The broker's gRPC server; the transport adds the Raft service to it (and removes it on close). */
  server: grpc.Server;
  /** Sent as from_broker_epoch (0 = unknown), for fencing a restarted broker later. */
  selfEpoch?: number;
  /** Bound on the bytes queued per peer (estimated by messageSizeBytes); oldest dropped beyond it. */
  queueBytesMax?: number;
  /** Bound on one frame's messages, in bytes; a frame always holds at least one message. */
  frameBytesMax?: number;
  /** First reconnect delay; doubles per failed attempt up to reconnectBackoffMaxMs (then jittered to 50–100%). */
  reconnectBackoffInitialMs?: number;
  reconnectBackoffMaxMs?: number;
  /** Jitter source in [0, 1); injectable for tests. */
  random?: () => number;
  /** Channel options of the dialled connections; defaults to CHANNEL_OPTIONS (64 MiB messages, keepalive). */
  channelOptions?: grpc.ChannelOptions;
  /** Credentials for dialling a peer (default: plaintext). */
  peerCredentials?: (peerId: number) => grpc.ChannelCredentials;
  /** `certificate`: the server runs mutual TLS and a dialler's hello must match its certificate. Default `none`. */
  authentication?: BrokerAuthentication;
}

/** Counters since construction (totals over all peers). */
export interface GrpcRaftTransportStats {
  /** Streams this broker opened (dials, including reconnects). */
  dialedStreams: number;
  /** Streams from lower-id peers this broker accepted (identified by their hello). */
  acceptedStreams: number;
  /** Streams refused: unknown/invalid sender, a higher id dialling, or transport closed. */
  rejectedStreams: number;
  /** Frames carrying at least one message (hellos are not counted). */
  framesSent: number;
  framesReceived: number;
  messagesSent: number;
  messagesReceived: number;
  /** Dropped on send: queue full, message too large, closed, bad destination. */
  messagesDropped: number;
  /** Inbound messages dropped, by reason (inbound-check.ts): undecodable, misaddressed, failing a group's checks. */
  inboundDropped: Record<RaftDropReason, number>;
  /** Times a stream pushed back (write() returned false) and flushing waited for 'drain'. */
  backpressureWaits: number;
}

type FrameStream =
  | grpc.ClientDuplexStream<RaftFrame, RaftFrame__Output>
  | grpc.ServerDuplexStream<RaftFrame__Output, RaftFrame>;

interface Queued {
  wire: RaftGroupMessage;
  sizeBytes: number;
}

/**
 * Messages that carry log entries. Every other message (votes, heartbeats, answers, timeoutNow) is
 * small and goes ahead of them: behind megabytes of catch-up appends to a slow peer, a vote or a
 * heartbeat arrived seconds late, so elections over that link timed out again and again.
 */
function carriesEntries(message: Message): boolean {
  return message.type === 'append' || message.type === 'snapshot';
}

/** A FIFO whose shift is O(1): entries before `head` are consumed (compacted lazily). */
class Fifo {
  private items: Queued[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  peek(): Queued | undefined {
    return this.items[this.head];
  }

  push(item: Queued): void {
    this.items.push(item);
  }

  shift(): Queued | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head] = undefined as unknown as Queued; // let the message be collected
    this.head++;
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }
}

/** Everything this broker knows about one other broker. */
class Peer {
  address: string | undefined;
  /** Control messages: sent before any entry-carrying message. */
  private urgent = new Fifo();
  private entries = new Fifo();
  queuedBytes = 0;
  /** The one live stream to this peer, if any. */
  stream: FrameStream | undefined;
  /** Both hellos exchanged: frames may be written. */
  connected = false;
  waitingDrain = false;
  flushScheduled = false;
  client: RaftClient | undefined;
  reconnectTimer: NodeJS.Timeout | undefined;
  failedDials = 0;

  constructor(readonly id: number) {}

  get queuedCount(): number {
    return this.urgent.length + this.entries.length;
  }

  enqueue(item: Queued, control: boolean): void {
    (control ? this.urgent : this.entries).push(item);
    this.queuedBytes += item.sizeBytes;
  }

  /** The message to send next: the oldest control message, else the oldest entry-carrying one. */
  peek(): Queued | undefined {
    return this.urgent.peek() ?? this.entries.peek();
  }

  shift(): Queued | undefined {
    return this.consume(this.urgent.length > 0 ? this.urgent : this.entries);
  }

  /** Drops the oldest message to make room, an entry-carrying one first (the newest are the most useful to Raft). */
  dropOldest(): boolean {
    return this.consume(this.entries.length > 0 ? this.entries : this.urgent) !== undefined;
  }

  clearQueue(): void {
    this.urgent = new Fifo();
    this.entries = new Fifo();
    this.queuedBytes = 0;
  }

  private consume(from: Fifo): Queued | undefined {
    const item = from.shift();
    if (item !== undefined) this.queuedBytes -= item.sizeBytes;
    return item;
  }
}

export class GrpcRaftTransport implements RaftTransport {
  readonly selfId: number;
  private readonly selfEpoch: number;
  private readonly server: grpc.Server;
  private readonly queueBytesMax: number;
  private readonly frameBytesMax: number;
  private readonly backoffInitialMs: number;
  private readonly backoffMaxMs: number;
  private readonly random: () => number;
  private readonly channelOptions: grpc.ChannelOptions;
  private readonly peers = new Map<number, Peer>();
  private readonly peerCredentials: (peerId: number) => grpc.ChannelCredentials;
  private readonly authentication: BrokerAuthentication;
  private handler: InboundHandler | undefined;
  private closed = false;
  private readonly counters: GrpcRaftTransportStats = {
    dialedStreams: 0,
    acceptedStreams: 0,
    rejectedStreams: 0,
    framesSent: 0,
    framesReceived: 0,
    messagesSent: 0,
    messagesReceived: 0,
    messagesDropped: 0,
    inboundDropped: Object.fromEntries(RAFT_DROP_REASONS.map((reason) => [reason, 0])) as Record<RaftDropReason, number>,
    backpressureWaits: 0,
  };

  constructor(options: GrpcRaftTransportOptions) {
    invariant(isBrokerId(options.selfId), `bad selfId ${options.selfId}`);
    this.selfId = options.selfId;
    this.selfEpoch = options.selfEpoch ?? 0;
    this.server = options.server;
    this.queueBytesMax = options.queueBytesMax ?? QUEUE_BYTES_MAX_DEFAULT;
    this.frameBytesMax = options.frameBytesMax ?? FRAME_BYTES_MAX_DEFAULT;
    this.backoffInitialMs = options.reconnectBackoffInitialMs ?? RECONNECT_BACKOFF_INITIAL_MS_DEFAULT;
    this.backoffMaxMs = options.reconnectBackoffMaxMs ?? RECONNECT_BACKOFF_MAX_MS_DEFAULT;
    this.random = options.random ?? Math.random;
    this.peerCredentials = options.peerCredentials ?? (() => grpc.credentials.createInsecure());
    this.authentication = options.authentication ?? 'none';
    // gRPC channels also back off between connection attempts (1 s growing to 120 s by default);
    // capping theirs at ours keeps a returning peer from waiting minutes for the channel.
    this.channelOptions = {
      ...(options.channelOptions ?? CHANNEL_OPTIONS),
      'grpc.initial_reconnect_backoff_ms': this.backoffInitialMs,
      'grpc.max_reconnect_backoff_ms': this.backoffMaxMs,
    };
    invariant(this.queueBytesMax > 0, 'queueBytesMax must be positive');
    invariant(this.frameBytesMax > 0, 'frameBytesMax must be positive');
    invariant(this.backoffInitialMs > 0 && this.backoffMaxMs >= this.backoffInitialMs, 'bad reconnect backoff');

    this.server.addService(raftApi().Raft.service, {
      Stream: (call: grpc.ServerDuplexStream<RaftFrame__Output, RaftFrame>) => this.accept(call),
    });
    this.setPeers(options.peers);
  }

  send(toBroker: number, group: string, message: Message): void {
    if (this.closed || toBroker === this.selfId || !isBrokerId(toBroker)) {
      this.counters.messagesDropped++;
      return;
    }
    let wire: RaftGroupMessage;
    try {
      wire = { group, message: encodeMessage(message) };
    } catch {
      this.counters.messagesDropped++; // a malformed message from the driver: never throw on send
      return;
    }
    const sizeBytes = messageSizeBytes(group, message);
    if (sizeBytes > this.queueBytesMax || sizeBytes > MAX_MESSAGE_BYTES - FRAME_OVERHEAD_BYTES) {
      this.counters.messagesDropped++;
      return;
    }
    const peer = this.peer(toBroker);
    while (peer.queuedBytes + sizeBytes > this.queueBytesMax && peer.dropOldest()) {
      this.counters.messagesDropped++;
    }
    peer.enqueue({ wire, sizeBytes }, !carriesEntries(message));
    this.scheduleFlush(peer);
  }

  onMessage(handler: InboundHandler): void {
    invariant(this.handler === undefined, 'onMessage: a handler is already registered');
    this.handler = handler;
  }

  connectedPeers(): number[] {
    const ids: number[] = [];
    for (const p of this.peers.values()) if (p.connected) ids.push(p.id);
    return ids.sort((a, b) => a - b);
  }

  /**
   * Replaces the peer address book. Peers whose address changed are re-dialled; removed peers lose
   * their stream and queue. Lower-id peers need no address (they dial us) but may be listed.
   */
  setPeers(peers: ReadonlyMap<number, string>): void {
    if (this.closed) return;
    for (const [id, address] of peers) invariant(isBrokerId(id) && address.length > 0, `bad peer ${id}=${address}`);
    for (const peer of [...this.peers.values()]) {
      if (!peers.has(peer.id) && peer.address !== undefined) {
        this.dropPeer(peer);
      }
    }
    for (const [id, address] of peers) {
      if (id === this.selfId) continue;
      const peer = this.peer(id);
      if (peer.address === address) continue;
      peer.address = address;
      if (this.dials(peer)) {
        this.disconnect(peer);
        this.closeClient(peer);
        this.clearReconnect(peer);
        peer.failedDials = 0;
        this.dial(peer);
      }
    }
  }

  stats(): GrpcRaftTransportStats {
    return { ...this.counters, inboundDropped: { ...this.counters.inboundDropped } };
  }

  /** Bytes queued for `broker` (estimated), for metrics and tests. */
  queuedBytes(broker: number): number {
    return this.peers.get(broker)?.queuedBytes ?? 0;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const peer of this.peers.values()) this.dropPeer(peer);
    this.peers.clear();
    this.server.removeService(raftApi().Raft.service);
  }

  // ---- connections ----

  private dials(peer: Peer): boolean {
    return this.selfId < peer.id;
  }

  private peer(id: number): Peer {
    let peer = this.peers.get(id);
    if (peer === undefined) {
      peer = new Peer(id);
      this.peers.set(id, peer);
    }
    return peer;
  }

  private dropPeer(peer: Peer): void {
    this.clearReconnect(peer);
    this.disconnect(peer);
    this.closeClient(peer);
    peer.clearQueue();
    this.peers.delete(peer.id);
  }

  private dial(peer: Peer): void {
    if (this.closed || !this.dials(peer) || peer.address === undefined) return;
    if (peer.stream !== undefined || peer.reconnectTimer !== undefined) return;
    const Client = raftApi().Raft;
    peer.client ??= new Client(peer.address, this.peerCredentials(peer.id), this.channelOptions);
    const call = peer.client.Stream();
    this.counters.dialedStreams++;
    peer.stream = call;
    peer.connected = false;
    this.attach(call, peer);
    this.writeHello(call);
  }

  /** Server side: a lower-id peer dialled us. It is identified by its first frame. */
  private accept(call: grpc.ServerDuplexStream<RaftFrame__Output, RaftFrame>): void {
    if (this.closed) {
      this.reject(call, grpc.status.UNAVAILABLE, 'raft transport closed');
      return;
    }
    this.attach(call, undefined);
  }

  private reject(call: FrameStream, code: grpc.status, details: string): void {
    this.counters.rejectedStreams++;
    if ('cancel' in call) {
      call.cancel();
    } else {
      // grpc-js turns an 'error' emitted on a server stream into the call's status.
      call.emit('error', { code, details });
    }
  }

  /** Wires a stream's events. `known` is the dialled peer (client side) or undefined until the hello (server side). */
  private attach(stream: FrameStream, known: Peer | undefined): void {
    let peer = known;
    const ended = (): void => {
      if (peer !== undefined) this.streamEnded(peer, stream);
    };
    stream.on('data', (frame: RaftFrame__Output) => {
      if (peer === undefined) {
        peer = this.identify(stream, frame);
        if (peer === undefined) return;
      } else if (peer.stream !== stream) {
        return; // a replaced stream's last frames: its peer already moved on
      } else if (!peer.connected) {
        if (frame.fromBroker !== peer.id) {
          this.reject(stream, grpc.status.FAILED_PRECONDITION, `expected broker ${peer.id}, got ${frame.fromBroker}`);
          return;
        }
        peer.connected = true;
        peer.failedDials = 0;
        this.scheduleFlush(peer);
      }
      this.receive(peer.id, frame);
    });
    // Every way a stream can finish; streamEnded is idempotent. The 'error' listener also keeps a
    // failed call from becoming an uncaught exception.
    stream.on('error', ended);
    stream.on('end', ended);
    stream.on('close', ended);
    stream.on('cancelled', ended);
  }

  /** The hello of a stream a peer opened to us: returns the peer, now using this stream, or undefined (rejected). */
  private identify(stream: FrameStream, frame: RaftFrame__Output): Peer | undefined {
    const from = frame.fromBroker;
    if (this.closed || !isBrokerId(from) || from >= this.selfId) {
      this.reject(stream, grpc.status.FAILED_PRECONDITION, `broker ${this.selfId} accepts raft streams only from lower ids, not ${from}`);
      return undefined;
    }
    if (this.authentication === 'certificate') {
      const certified = 'getAuthContext' in stream ? authenticatedBrokerId(stream) : undefined;
      if (certified !== from) {
        this.reject(stream, grpc.status.PERMISSION_DENIED, `UNAUTHORIZED: hello from broker ${from} on a stream certified as ${certified ?? 'no broker'}`);
        return undefined;
      }
    }
    const peer = this.peer(from);
    // The newest stream wins: the old one belongs to a previous incarnation or is half-open.
    this.disconnect(peer);
    peer.stream = stream;
    peer.connected = true;
    this.counters.acceptedStreams++;
    this.writeHello(stream);
    this.scheduleFlush(peer);
    return peer;
  }

  private streamEnded(peer: Peer, stream: FrameStream): void {
    if (peer.stream !== stream) return;
    this.disconnect(peer);
    this.scheduleReconnect(peer);
  }

  /** Forgets and ends the peer's current stream, keeping its queue for the next one. */
  private disconnect(peer: Peer): void {
    const stream = peer.stream;
    peer.stream = undefined;
    peer.connected = false;
    peer.waitingDrain = false;
    if (stream === undefined) return;
    try {
      if ('cancel' in stream) stream.cancel();
      else stream.end();
    } catch {
      // already finished
    }
  }

  private closeClient(peer: Peer): void {
    peer.client?.close();
    peer.client = undefined;
  }

  private scheduleReconnect(peer: Peer): void {
    if (this.closed || !this.dials(peer) || peer.reconnectTimer !== undefined || !this.peers.has(peer.id)) return;
    const capMs = Math.min(this.backoffMaxMs, this.backoffInitialMs * 2 ** Math.min(peer.failedDials, 30));
    peer.failedDials++;
    const delayMs = capMs / 2 + (this.random() * capMs) / 2;
    peer.reconnectTimer = setTimeout(() => {
      peer.reconnectTimer = undefined;
      this.dial(peer);
    }, delayMs);
    // A forgotten transport must not keep the process alive; close() clears the timer anyway.
    peer.reconnectTimer.unref();
  }

  private clearReconnect(peer: Peer): void {
    if (peer.reconnectTimer !== undefined) clearTimeout(peer.reconnectTimer);
    peer.reconnectTimer = undefined;
  }

  // ---- frames ----

  private writeHello(stream: FrameStream): void {
    this.write(stream, { fromBroker: this.selfId, fromBrokerEpoch: this.selfEpoch, messages: [] });
  }

  /** write() that never throws (a finished stream reports through its 'error'/'close' events). */
  private write(stream: FrameStream, frame: RaftFrame): boolean {
    try {
      return stream.write(frame);
    } catch {
      return false;
    }
  }

  private scheduleFlush(peer: Peer): void {
    if (peer.flushScheduled || !peer.connected || peer.waitingDrain || peer.queuedCount === 0) return;
    peer.flushScheduled = true;
    setImmediate(() => {
      peer.flushScheduled = false;
      this.flush(peer);
    });
  }

  /** Writes the peer's queue as frames of at most frameBytesMax until empty or the stream pushes back. */
  private flush(peer: Peer): void {
    const stream = peer.stream;
    if (this.closed || stream === undefined || !peer.connected || peer.waitingDrain) return;
    while (peer.queuedCount > 0) {
      const messages: RaftGroupMessage[] = [];
      let frameBytes = 0;
      while (peer.queuedCount > 0) {
        const next = peer.peek()!;
        if (messages.length > 0 && frameBytes + next.sizeBytes > this.frameBytesMax) break;
        peer.shift();
        messages.push(next.wire);
        frameBytes += next.sizeBytes;
      }
      this.counters.framesSent++;
      this.counters.messagesSent += messages.length;
      const more = this.write(stream, { fromBroker: this.selfId, fromBrokerEpoch: this.selfEpoch, messages });
      if (!more) {
        peer.waitingDrain = true;
        this.counters.backpressureWaits++;
        stream.once('drain', () => {
          if (peer.stream !== stream) return;
          peer.waitingDrain = false;
          this.scheduleFlush(peer);
        });
        return;
      }
    }
  }

  /** Hands the frame's messages from `peerId` (whose stream it came on) to the handler, dropping bad ones. */
  private receive(peerId: number, frame: RaftFrame__Output): void {
    if (frame.messages.length === 0) return; // hello
    this.counters.framesReceived++;
    for (const gm of frame.messages) {
      const reason = this.deliver(peerId, frame.fromBroker, gm);
      if (reason !== undefined) this.counters.inboundDropped[reason]++;
    }
  }

  private deliver(peerId: number, frameFrom: number, gm: RaftFrame__Output['messages'][number]): RaftDropReason | undefined {
    if (frameFrom !== peerId) return 'forged_from';
    let message: Message;
    try {
      if (gm.message === null) throw new Error('group message without a message');
      message = decodeMessage(gm.message);
    } catch {
      return 'malformed'; // bad network input: drop this message, keep the stream
    }
    const misaddressed = checkAddressing(message, peerId, this.selfId);
    if (misaddressed !== undefined) return misaddressed;
    if (this.handler === undefined || this.closed) return 'not_running';
    this.counters.messagesReceived++;
    // A throwing handler is a driver bug; let it surface rather than hide it here.
    return this.handler(peerId, gm.group, message);
  }
}
