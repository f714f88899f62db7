import { expect } from 'chai';
import * as grpc from '@grpc/grpc-js';
import { createServer, type Socket } from 'node:net';
import { CHANNEL_OPTIONS, controllerApi } from '../../src/protocol/grpc.js';

describe('gRPC channels', function () {
  this.timeout(30_000);

  it('retry a peer that refuses connections about every second, not with backoff growing to minutes', async () => {
    // A peer that is up at the TCP level but drops every connection: each attempt is counted.
    let attempts = 0;
    const sockets = new Set<Socket>();
    const peer = createServer((socket) => {
      attempts++;
      sockets.add(socket);
      socket.destroy();
    });
    const port = await new Promise<number>((resolve) => peer.listen(0, '127.0.0.1', () => resolve((peer.address() as { port: number }).port)));
    const client = new (controllerApi().Controller)(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), CHANNEL_OPTIONS);
    try {
      const until = Date.now() + 6_000;
      while (Date.now() < until) {
        await new Promise<void>((resolve) => client.AllocateProducerIds({ brokerId: 1, count: 1 }, { deadline: Date.now() + 500 }, () => resolve()));
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      // gRPC's default backoff (1 s, ×1.6 per attempt, up to 120 s) makes 4 attempts in 6 s, and
      // one every two minutes after a long outage; capped at 1 s it keeps trying every second.
      expect(attempts, `${attempts} connection attempts in 6 s`).to.be.at.least(7);
    } finally {
      client.close();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => peer.close(resolve));
    }
  });
});
