import { expect } from 'chai';
import { MemoryRaftTransportHub } from '../../src/replication/transport-memory.js';
import type { RaftTransport } from '../../src/replication/transport.js';
import type { Message } from '../../src/raft/types.js';

interface Received {
  from: number;
  group: string;
  message: Message;
}

function heartbeat(from: number, to: number, commit: number): Message {
  return { type: 'heartbeat', from, to, term: 1, commit };
}

/** Resolves once every message sent so far had its chance to be delivered (delivery is one setImmediate). */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
}

describe('replication/transport-memory', () => {
  let hub: MemoryRaftTransportHub;
  let transports: Map<number, RaftTransport>;
  let inbox: Map<number, Received[]>;

  beforeEach(() => {
    hub = new MemoryRaftTransportHub();
    transports = new Map();
    inbox = new Map();
    for (const id of [1, 2, 3]) {
      const t = hub.transport(id);
      const received: Received[] = [];
      t.onMessage((from, group, message) => void received.push({ from, group, message }));
      transports.set(id, t);
      inbox.set(id, received);
    }
  });

  afterEach(async () => {
    for (const t of transports.values()) await t.close();
  });

  function t(id: number): RaftTransport {
    const transport = transports.get(id);
    if (transport === undefined) throw new Error(`no transport ${id}`);
    return transport;
  }
  function got(id: number): Received[] {
    return inbox.get(id) ?? [];
  }

  it('delivers asynchronously, in order, as copies', async () => {
    const data = Uint8Array.from([1, 2, 3]);
    const append: Message = { type: 'append', from: 1, to: 2, term: 1, prevIndex: 0, prevTerm: 0, commit: 0, entries: [{ index: 1, term: 1, data }] };
    t(1).send(2, 'g', append);
    t(1).send(2, 'g', heartbeat(1, 2, 1));
    expect(got(2)).to.have.length(0); // never re-entrant
    await settle();
    expect(got(2).map((r) => r.message.type)).to.deep.equal(['append', 'heartbeat']);
    expect(got(2)[0]).to.deep.include({ from: 1, group: 'g' });
    expect(got(2)[0].message).to.deep.equal(append);
    const delivered = got(2)[0].message;
    if (delivered.type !== 'append') throw new Error('unexpected type');
    expect(delivered.entries[0].data).not.to.equal(data);
    expect(t(1).connectedPeers()).to.deep.equal([2, 3]);
  });

  it('cuts and heals symmetric links', async () => {
    hub.cut(1, 2);
    t(1).send(2, 'g', heartbeat(1, 2, 1));
    t(2).send(1, 'g', heartbeat(2, 1, 1));
    t(1).send(3, 'g', heartbeat(1, 3, 1));
    await settle();
    expect(got(1)).to.have.length(0);
    expect(got(2)).to.have.length(0);
    expect(got(3)).to.have.length(1);
    expect(t(1).connectedPeers()).to.deep.equal([3]);
    hub.heal(1, 2);
    t(1).send(2, 'g', heartbeat(1, 2, 2));
    t(2).send(1, 'g', heartbeat(2, 1, 2));
    await settle();
    expect(got(1)).to.have.length(1);
    expect(got(2)).to.have.length(1);
    expect(t(1).connectedPeers()).to.deep.equal([2, 3]);
    expect(hub.stats()).to.deep.equal({ delivered: 3, dropped: 2 });
  });

  it('cuts one way only', async () => {
    hub.cut(1, 2, { oneWay: true });
    t(1).send(2, 'g', heartbeat(1, 2, 1));
    t(2).send(1, 'g', heartbeat(2, 1, 1));
    await settle();
    expect(got(2)).to.have.length(0);
    expect(got(1)).to.have.length(1);
    expect(t(2).connectedPeers()).to.deep.equal([3]); // a one-way link is not a connection
    hub.heal(1, 2, { oneWay: true });
    t(1).send(2, 'g', heartbeat(1, 2, 2));
    await settle();
    expect(got(2)).to.have.length(1);
  });

  it('drops messages in flight when the link is cut before delivery', async () => {
    t(1).send(2, 'g', heartbeat(1, 2, 1));
    hub.cut(1, 2);
    await settle();
    expect(got(2)).to.have.length(0);
  });

  it('isolates a broker and heals everything', async () => {
    hub.isolate(3);
    t(3).send(1, 'g', heartbeat(3, 1, 1));
    t(1).send(3, 'g', heartbeat(1, 3, 1));
    t(1).send(2, 'g', heartbeat(1, 2, 1));
    await settle();
    expect(got(1)).to.have.length(0);
    expect(got(3)).to.have.length(0);
    expect(got(2)).to.have.length(1);
    hub.healAll();
    t(3).send(1, 'g', heartbeat(3, 1, 2));
    await settle();
    expect(got(1)).to.have.length(1);
  });

  it('applies a drop filter', async () => {
    hub.setFilter((_from, _to, group) => group !== 'lossy');
    t(1).send(2, 'lossy', heartbeat(1, 2, 1));
    t(1).send(2, 'fine', heartbeat(1, 2, 1));
    await settle();
    expect(got(2).map((r) => r.group)).to.deep.equal(['fine']);
  });

  it('drops to and from closed transports and lets a broker restart', async () => {
    await t(2).close();
    t(1).send(2, 'g', heartbeat(1, 2, 1));
    t(2).send(1, 'g', heartbeat(2, 1, 1));
    await settle();
    expect(got(1)).to.have.length(0);
    expect(t(1).connectedPeers()).to.deep.equal([3]);
    expect(() => hub.transport(1)).to.throw(/already has an open transport/);
    const restarted = hub.transport(2);
    transports.set(2, restarted);
    const received: Received[] = [];
    restarted.onMessage((from, group, message) => void received.push({ from, group, message }));
    t(1).send(2, 'g', heartbeat(1, 2, 2));
    await settle();
    expect(received).to.have.length(1);
  });
});
