/**
 * How Raft messages travel between brokers. The replication driver sends every message of every
 * group it runs through one RaftTransport and receives everything through one handler; the
 * transport multiplexes groups over one connection per broker pair. Implementations:
 * GrpcRaftTransport (transport-grpc.ts) for real brokers, MemoryRaftTransportHub
 * (transport-memory.ts) for several brokers in one test process.
 *
 * Delivery is best-effort, in order per (sender, receiver) pair while a connection lasts: messages
 * may be dropped (peer down, queue full, connection lost), never duplicated or reordered within one
 * connection. Raft's own retries cover the loss.
 */
import type { Message } from '../raft/types.js';
import type { RaftDropReason } from './inbound-check.js';

/**
 * Receives a message from `fromBroker`, the peer the connection belongs to (message.from equals it:
 * the transport drops any other). Returns why it dropped the message, if it did, for counting.
 */
export type InboundHandler = (fromBroker: number, group: string, message: Message) => RaftDropReason | undefined;

export interface RaftTransport {
  /** Queue a message for a peer broker; never throws; may drop (Raft tolerates loss). */
  send(toBroker: number, group: string, message: Message): void;
  /** Registers the one receiver of inbound messages. */
  onMessage(handler: InboundHandler): void;
  /** Peers currently connected (for status/metrics). */
  connectedPeers(): number[];
  close(): Promise<void>;
}

/** Broker ids are positive integers (0 means "none" in Raft). */
export function isBrokerId(id: number): boolean {
  return Number.isSafeInteger(id) && id > 0;
}
