import { expect } from 'chai';
import type { Controller } from '../../src/controller/controller.js';
import { ControllerLink } from '../../src/controller/link.js';
import { GrpcControllerTransport } from '../../src/controller/transport-grpc.js';
import { SluiceError } from '../../src/protocol/errors.js';
import { waitFor } from '../helpers/broker-process.js';

/** The parts of a Controller a link uses: one that leads (answers heartbeats) or not (NOT_COORDINATOR). */
function controllerStub(state: { leads: boolean }): Controller {
  const notLeader = (): never => {
    throw new SluiceError('NOT_COORDINATOR', 'not the controller leader');
  };
  const stub = {
    get leaderId() {
      return state.leads ? 1 : 0;
    },
    metadata: { version: 1, brokers: {}, topics: {} },
    registerBroker: async () => (state.leads ? 1 : notLeader()),
    deleteTopic: async () => notLeader(),
    heartbeat: () => (state.leads ? true : notLeader()),
    aliveBrokers: () => [1, 2, 3],
    leaders: () => [],
    brokerStorage: () => new Map(),
    adoptImage: () => undefined,
  };
  return stub as unknown as Controller;
}

function link(state: { leads: boolean }, timing: { requestTimeoutMs: number; viewTtlMs: number }): ControllerLink {
  return new ControllerLink({
    selfId: 1,
    host: '127.0.0.1',
    port: 1,
    controller: controllerStub(state),
    voters: [1, 2, 3],
    // Nothing listens on port 1: the other voters are down.
    transport: new GrpcControllerTransport(new Map([[1, '127.0.0.1:1'], [2, '127.0.0.1:1'], [3, '127.0.0.1:1']])),
    heartbeatIntervalMs: 50,
    leaderships: () => [],
    ...timing,
  });
}

describe('controller link', function () {
  this.timeout(20_000);

  it('gives up on a lost controller quorum after requestTimeoutMs, saying so', async () => {
    const lost = link({ leads: false }, { requestTimeoutMs: 800, viewTtlMs: 1_000 });
    const startedAt = Date.now();
    try {
      const err = await lost.forwardDeleteTopic('t').then(() => undefined, (e: unknown) => e);
      expect(err).to.be.instanceOf(SluiceError).with.property('code', 'REQUEST_TIMED_OUT');
      expect((err as Error).message).to.match(/no controller leader answered within 800 ms; a majority of controller voters \(1, 2, 3\) may be down/);
      expect(Date.now() - startedAt).to.be.at.least(800);
    } finally {
      lost.close();
    }
  });

  it('serves the cluster view of the last answered heartbeat only until viewTtlMs has passed', async () => {
    const state = { leads: true };
    const member = link(state, { requestTimeoutMs: 200, viewTtlMs: 400 });
    try {
      expect(member.view.aliveBrokers).to.deep.equal([]);
      member.start();
      const aliveBrokers = (want: number[]) => (): true | undefined => (JSON.stringify(member.view.aliveBrokers) === JSON.stringify(want) ? true : undefined);
      await waitFor('the view of an answered heartbeat', aliveBrokers([1, 2, 3]), 5_000);
      expect(member.view.controller).to.equal(1);
      state.leads = false; // the quorum is gone: heartbeats stop being answered
      await waitFor('the view to lapse', aliveBrokers([]), 5_000);
      expect(member.view.controller).to.equal(0);
    } finally {
      member.close();
    }
  });
});
