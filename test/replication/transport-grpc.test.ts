import { expect } from 'chai';
import * as grpc from '@grpc/grpc-js';
import { GrpcRaftTransport, type GrpcRaftTransportOptions } from '../../src/replication/transport-grpc.js';
import type { Message } from '../../src/raft/types.js';

interface Received {
  from: number;
  group: string;
  message: Message;
}

interface Node {
  id: number;
  server: grpc.Server;
  port: number;
  transport: GrpcRaftTransport | undefined;
  inbox: Received[];
}

const WAIT_DEADLINE_MS = 10_000;
/** Fast reconnects keep the restart tests short. */
const FAST: Partial<GrpcRaftTransportOptions> = { reconnectBackoffInitialMs: 10, reconnectBackoffMaxMs: 100 };

async function waitFor(what: string, cond: () => boolean, deadlineMs = WAIT_DEADLINE_MS): Promise<void> {
  const until = Date.now() + deadlineMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out after ${deadlineMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function bind(server: grpc.Server, port = 0): Promise<number> {
  return new Promise((resolve, reject) =>
    server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound))),
  );
}

function heartbeat(from: number, to: number, commit: number): Message {
  return { type: 'heartbeat', from, to, term: 1, commit };
}

function append(from: number, to: number, index: number, dataBytes: number): Message {
  const data = new Uint8Array(dataBytes).fill(index & 0xff);
  return { type: 'append', from, to, term: 1, prevIndex: index - 1, prevTerm: 1, commit: 0, entries: [{ index, term: 1, data }] };
}

describe('replication/transport-grpc', function () {
  this.timeout(30_000);
  let nodes: Node[] = [];

  /** Servers are bound first so every transport knows every address; transports then start in one turn. */
  async function cluster(ids: number[], options: Partial<GrpcRaftTransportOptions> = {}): Promise<Node[]> {
    const made: Node[] = [];
    for (const id of ids) {
      const server = new grpc.Server();
      const node: Node = { id, server, port: 0, transport: undefined, inbox: [] };
      nodes.push(node);
      node.port = await bind(server);
      made.push(node);
    }
    const peers = new Map(made.map((n) => [n.id, `127.0.0.1:${n.port}`]));
    for (const node of made) start(node, peers, options);
    return made;
  }

  function start(node: Node, peers: ReadonlyMap<number, string>, options: Partial<GrpcRaftTransportOptions>): GrpcRaftTransport {
    const transport = new GrpcRaftTransport({ ...FAST, ...options, selfId: node.id, peers, server: node.server });
    transport.onMessage((from, group, message) => void node.inbox.push({ from, group, message }));
    node.transport = transport;
    return transport;
  }

  function tr(node: Node): GrpcRaftTransport {
    if (node.transport === undefined) throw new Error(`node ${node.id} has no transport`);
    return node.transport;
  }

  async function stop(node: Node): Promise<void> {
    await node.transport?.close();
    node.transport = undefined;
    node.server.forceShutdown();
  }

  afterEach(async () => {
    for (const node of nodes) await stop(node);
    nodes = [];
  });

  it('exchanges messages both ways over one stream per pair (3 brokers)', async () => {
    const all = await cluster([1, 2, 3]);
    await waitFor('full mesh', () => all.every((n) => tr(n).connectedPeers().length === 2));
    for (const a of all) for (const b of all) if (a !== b) tr(a).send(b.id, `g-${a.id}-${b.id}`, heartbeat(a.id, b.id, a.id * 10 + b.id));
    await waitFor('all delivered', () => all.every((n) => n.inbox.length === 2));
    for (const n of all) {
      for (const r of n.inbox) {
        expect(r.group).to.equal(`g-${r.from}-${n.id}`);
        expect(r.message).to.deep.equal(heartbeat(r.from, n.id, r.from * 10 + n.id));
      }
    }
    // Lower ids dial higher ones, once each; nobody opened a second stream.
    const stats = all.map((n) => tr(n).stats());
    expect(stats.map((s) => s.dialedStreams)).to.deep.equal([2, 1, 0]);
    expect(stats.map((s) => s.acceptedStreams)).to.deep.equal([0, 1, 2]);
    expect(stats.map((s) => s.rejectedStreams)).to.deep.equal([0, 0, 0]);
    expect(tr(all[0]).connectedPeers()).to.deep.equal([2, 3]);
  });

  it('coalesces the messages of one turn, across groups, into one frame', async () => {
    const [a, b] = await cluster([1, 2]);
    await waitFor('connected', () => tr(a).connectedPeers().length === 1 && tr(b).connectedPeers().length === 1);
    const groups = 200;
    for (let g = 0; g < groups; g++) tr(b).send(1, `p-${g}`, heartbeat(2, 1, g)); // dialled side → dialler
    for (let g = 0; g < groups; g++) tr(a).send(2, `p-${g}`, heartbeat(1, 2, g));
    await waitFor('all heartbeats', () => a.inbox.length === groups && b.inbox.length === groups);
    expect(tr(a).stats()).to.include({ framesSent: 1, framesReceived: 1, messagesSent: groups, messagesReceived: groups });
    expect(tr(b).stats()).to.include({ framesSent: 1, framesReceived: 1 });
    expect(a.inbox.map((r) => r.group)).to.deep.equal(Array.from({ length: groups }, (_, g) => `p-${g}`)); // in order
  });

  it('splits large bursts into bounded frames, respects backpressure, keeps order', async () => {
    const [a, b] = await cluster([1, 2], { frameBytesMax: 256 * 1024 });
    await waitFor('connected', () => tr(a).connectedPeers().length === 1);
    const count = 300;
    const entryBytes = 32 * 1024; // ~9.6 MB in one turn: more than the stream buffers at once
    for (let i = 1; i <= count; i++) tr(a).send(2, 'big', append(1, 2, i, entryBytes));
    await waitFor('all appends', () => b.inbox.length === count);
    const indexes = b.inbox.map((r) => (r.message.type === 'append' ? r.message.entries[0].index : -1));
    expect(indexes).to.deep.equal(Array.from({ length: count }, (_, i) => i + 1));
    const s = tr(a).stats();
    expect(s.framesSent).to.be.greaterThan(count / 8 - 1);
    expect(s.messagesDropped).to.equal(0);
    expect(s.backpressureWaits).to.be.greaterThan(0);
    const last = b.inbox[count - 1].message;
    if (last.type !== 'append') throw new Error('unexpected type');
    expect(last.entries[0].data).to.deep.equal(new Uint8Array(entryBytes).fill(count & 0xff));
  });

  it('sends control messages ahead of queued appends, each kind in its own order', async () => {
    const [a, b] = await cluster([1, 2], { frameBytesMax: 256 * 1024 });
    await waitFor('connected', () => tr(a).connectedPeers().length === 1);
    const count = 300;
    for (let i = 1; i <= count; i++) tr(a).send(2, 'bulk', append(1, 2, i, 32 * 1024)); // ~9.6 MB: most waits in the queue
    for (let commit = 1; commit <= 3; commit++) tr(a).send(2, 'other', heartbeat(1, 2, commit));
    await waitFor('all messages', () => b.inbox.length === count + 3);
    const order = b.inbox.map((r) => (r.message.type === 'append' ? `a${r.message.entries[0].index}` : `h${r.message.type === 'heartbeat' ? r.message.commit : '?'}`));
    const firstHeartbeat = order.indexOf('h1');
    expect(firstHeartbeat, 'heartbeats behind most of the appends').to.be.below(count / 2);
    expect(order.filter((id) => id.startsWith('h'))).to.deep.equal(['h1', 'h2', 'h3']);
    expect(order.filter((id) => id.startsWith('a'))).to.deep.equal(Array.from({ length: count }, (_, i) => `a${i + 1}`));
  });

  it('reconnects after the dialled peer stops and restarts; messages queued meanwhile arrive', async () => {
    const [a, b] = await cluster([1, 2]);
    await waitFor('connected', () => tr(a).connectedPeers().includes(2));
    tr(a).send(2, 'g', heartbeat(1, 2, 1));
    await waitFor('first message', () => b.inbox.length === 1);

    await stop(b);
    await waitFor('disconnect noticed', () => tr(a).connectedPeers().length === 0);
    expect(() => tr(a).send(2, 'g', heartbeat(1, 2, 2))).not.to.throw();

    b.server = new grpc.Server();
    await bind(b.server, b.port);
    start(b, new Map([[1, `127.0.0.1:${a.port}`]]), {});
    await waitFor('queued message after restart', () => b.inbox.length === 2);
    expect(b.inbox[1].message).to.deep.equal(heartbeat(1, 2, 2));
    tr(b).send(1, 'g', heartbeat(2, 1, 3));
    await waitFor('reply on the new stream', () => a.inbox.length === 1);
    expect(tr(b).stats().acceptedStreams).to.equal(1);
    expect(tr(a).stats().dialedStreams).to.be.at.least(2);
  });

  it('survives a peer dying mid-stream during a burst, on both sides', async () => {
    const [a, b] = await cluster([1, 2], { frameBytesMax: 64 * 1024 });
    await waitFor('connected', () => tr(a).connectedPeers().includes(2) && tr(b).connectedPeers().includes(1));
    for (let i = 1; i <= 200; i++) tr(a).send(2, 'g', append(1, 2, i, 16 * 1024));
    for (let i = 1; i <= 200; i++) tr(b).send(1, 'g', append(2, 1, i, 16 * 1024));
    await waitFor('burst under way', () => b.inbox.length > 0 || a.inbox.length > 0);
    b.server.forceShutdown(); // the process "dies": its streams are torn down without goodbye
    await waitFor('disconnect noticed', () => tr(a).connectedPeers().length === 0);
    for (let i = 201; i <= 300; i++) expect(() => tr(a).send(2, 'g', append(1, 2, i, 16 * 1024))).not.to.throw();
    expect(tr(a).queuedBytes(2)).to.be.at.most(16 * 1024 * 1024);
  });

  it('accepts the new stream of a restarted dialler and drops the old one', async () => {
    const [a, b] = await cluster([1, 2]);
    await waitFor('connected', () => tr(b).connectedPeers().includes(1));
    await tr(a).close();
    a.transport = undefined;
    // Same server, new incarnation of broker 1 (the service is re-added).
    start(a, new Map([[2, `127.0.0.1:${b.port}`]]), { selfEpoch: 2 });
    await waitFor('re-accepted', () => tr(b).stats().acceptedStreams === 2 && tr(b).connectedPeers().includes(1));
    tr(b).send(1, 'g', heartbeat(2, 1, 1));
    tr(a).send(2, 'g', heartbeat(1, 2, 1));
    await waitFor('both ways', () => a.inbox.length === 1 && b.inbox.length === 1);
  });

  it('a down peer never makes send throw nor the queue outgrow its bound', async () => {
    // A port that was bound and released: nothing listens there.
    const probe = new grpc.Server();
    const deadPort = await bind(probe);
    probe.forceShutdown();
    const [a] = await cluster([1]);
    const queueBytesMax = 64 * 1024;
    await tr(a).close();
    a.transport = undefined;
    start(a, new Map([[2, `127.0.0.1:${deadPort}`]]), { queueBytesMax });
    for (let i = 1; i <= 2_000; i++) {
      expect(() => tr(a).send(2, 'g', append(1, 2, i, 1024))).not.to.throw();
      expect(tr(a).queuedBytes(2)).to.be.at.most(queueBytesMax);
    }
    expect(tr(a).stats().messagesDropped).to.be.greaterThan(1_000);
    tr(a).send(2, 'g', append(1, 2, 1, queueBytesMax)); // larger than the whole bound: dropped alone
    expect(tr(a).queuedBytes(2)).to.be.greaterThan(0);
    await waitFor('several reconnect attempts', () => tr(a).stats().dialedStreams >= 8);
    expect(tr(a).connectedPeers()).to.deep.equal([]);

    // The peer comes up at last: the queued (newest) messages flow, within the backoff cap, not gRPC's
    // own channel backoff (which grows to minutes).
    const server = new grpc.Server();
    const b: Node = { id: 2, server, port: await bind(server, deadPort), transport: undefined, inbox: [] };
    nodes.push(b);
    const upAtMs = Date.now();
    start(b, new Map(), {});
    await waitFor('queued messages after a long outage', () => b.inbox.length > 0, 3_000);
    expect(Date.now() - upAtMs).to.be.below(3_000);
    const first = b.inbox[0].message;
    expect(first.type === 'append' && first.entries[0].index).to.be.greaterThan(1_000); // oldest were dropped
  });

  it('follows a peer to a new address with setPeers', async () => {
    const [a, b] = await cluster([1, 2]);
    await waitFor('connected', () => tr(a).connectedPeers().includes(2));
    await stop(b);
    b.server = new grpc.Server();
    b.port = await bind(b.server); // a different port
    start(b, new Map(), {});
    tr(a).setPeers(new Map([[2, `127.0.0.1:${b.port}`]]));
    tr(a).send(2, 'g', heartbeat(1, 2, 9));
    await waitFor('delivered at the new address', () => b.inbox.length === 1);
  });

  it('rejects a stream from a higher id (only lower ids dial)', async () => {
    const [a] = await cluster([1]);
    const server = new grpc.Server();
    const node: Node = { id: 5, server, port: await bind(server), transport: undefined, inbox: [] };
    nodes.push(node);
    // Broker 5 misconfigured to dial broker 1 is impossible through the transport (it never dials
    // lower ids), so speak the protocol by hand.
    const { raftApi } = await import('../../src/protocol/grpc.js');
    const client = new (raftApi().Raft)(`127.0.0.1:${a.port}`, grpc.credentials.createInsecure());
    try {
      const call = client.Stream();
      const status = new Promise<grpc.StatusObject>((resolve) => call.on('status', resolve));
      call.on('error', () => undefined);
      call.on('data', () => undefined);
      call.write({ fromBroker: 5, messages: [] });
      expect((await status).code).to.equal(grpc.status.FAILED_PRECONDITION);
      expect(tr(a).stats().rejectedStreams).to.equal(1);
    } finally {
      client.close();
    }
  });

  it('hands on only messages from the stream\'s peer to this broker; drops and counts the rest, keeping the stream', async () => {
    const [b] = await cluster([2]);
    const { raftApi } = await import('../../src/protocol/grpc.js');
    const client = new (raftApi().Raft)(`127.0.0.1:${b.port}`, grpc.credentials.createInsecure());
    try {
      const call = client.Stream();
      let ended = false;
      call.on('status', () => (ended = true));
      call.on('error', () => undefined);
      call.on('data', () => undefined);
      call.write({ fromBroker: 1, messages: [] });
      await waitFor('broker 1 to be accepted', () => tr(b).stats().acceptedStreams === 1);
      const wire = (from: number, to: number) => ({ type: 'HEARTBEAT' as const, from, to, term: 1, commit: 0 });
      call.write({
        fromBroker: 1,
        messages: [
          { group: 'g', message: wire(1, 99) },
          { group: 'g', message: wire(3, 2) },
          { group: 'g', message: { type: 'RAFT_MESSAGE_TYPE_UNSPECIFIED' as const, from: 1, to: 2, term: 1 } },
          { group: 'g', message: wire(1, 2) },
        ],
      });
      // The frame's own sender field must be the stream's peer too.
      call.write({ fromBroker: 3, messages: [{ group: 'g', message: wire(3, 2) }] });
      await waitFor('the valid heartbeat', () => b.inbox.length === 1);
      await waitFor('every drop to be counted', () => tr(b).stats().inboundDropped.forged_from === 2);
      expect(tr(b).stats().inboundDropped).to.include({ wrong_to: 1, malformed: 1, forged_from: 2 });
      expect(b.inbox).to.deep.equal([{ from: 1, group: 'g', message: heartbeat(1, 2, 0) }]);
      expect(ended, 'the stream stays open').to.equal(false);
    } finally {
      client.close();
    }
  });
});
