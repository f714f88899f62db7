import { expect } from 'chai';
import type { ControllerRpc } from '../../src/controller/rpc.js';
import { MemoryControllerTransportHub } from '../../src/controller/transport-memory.js';
import { SluiceError } from '../../src/protocol/errors.js';
import { MemoryNetwork } from '../../src/runtime/memory-network.js';
import { VirtualClock } from '../../src/runtime/virtual-clock.js';

/** A controller service that leads (answers) or points at broker 2 (NOT_COORDINATOR with a hint). */
function service(leads: boolean): ControllerRpc {
  const notLeader = (): never => {
    throw new SluiceError('NOT_COORDINATOR', 'not the controller leader', '2');
  };
  return {
    registerBroker: async (request) => (leads ? request.brokerId * 10 : notLeader()),
    brokerHeartbeat: async () => notLeader(),
    createTopic: async () => notLeader(),
    deleteTopic: async () => (leads ? 7 : notLeader()),
    alterTopicConfig: async () => notLeader(),
    allocateProducerIds: async (_brokerId, count) => ({ firstId: 1000, count }),
    upsertScramCredential: async () => notLeader(),
    deleteUser: async () => notLeader(),
    createAcl: async () => notLeader(),
    deleteAcl: async () => notLeader(),
    alterClientQuotas: async () => notLeader(),
    alterReassignments: async () => notLeader(),
    createPartitions: async () => notLeader(),
    unregisterBroker: async () => notLeader(),
  };
}

async function outcome<T>(clock: VirtualClock, promise: Promise<T>): Promise<T | SluiceError> {
  const settled = promise.then((v) => v, (err: SluiceError) => err);
  await clock.run(clock.nowMs() + 10_000);
  return settled;
}

describe('controller/transport-memory', () => {
  let clock: VirtualClock;
  let network: MemoryNetwork;
  let hub: MemoryControllerTransportHub;

  beforeEach(() => {
    clock = new VirtualClock(0);
    network = new MemoryNetwork({ clock, faults: () => [5] });
    hub = new MemoryControllerTransportHub(network);
    hub.serve(1, service(true));
    hub.serve(3, service(false));
  });

  it('carries a call and its answer over the network', async () => {
    const answer = await outcome(clock, hub.transport(2).to(1, 1_000).registerBroker({ brokerId: 2, host: 'h', port: 1, incarnation: 'i', interBrokerAddress: 'h:2', kafkaAddress: '' }));
    expect(answer).to.equal(20);
    expect(clock.nowMs()).to.be.at.least(10); // there and back
  });

  it('brings errors back with their code and leader hint', async () => {
    const err = await outcome(clock, hub.transport(2).to(3, 1_000).deleteTopic('t'));
    expect(err).to.be.instanceOf(SluiceError).with.property('code', 'NOT_COORDINATOR');
    expect((err as SluiceError).leaderHint).to.equal('2');
    expect((err as SluiceError).message).to.equal('NOT_COORDINATOR: not the controller leader');
  });

  it('refuses calls to a broker that serves nothing, and times out calls whose messages are lost', async () => {
    const refused = await outcome(clock, hub.transport(2).to(4, 1_000).deleteTopic('t'));
    expect(refused).to.be.instanceOf(SluiceError).with.property('code', 'BROKER_NOT_AVAILABLE');
    network.cut(2, 1);
    const timedOut = await outcome(clock, hub.transport(2).to(1, clock.nowMs() + 300).deleteTopic('t'));
    expect(timedOut).to.be.instanceOf(SluiceError).with.property('code', 'REQUEST_TIMED_OUT');
  });

  it('never settles the calls of a closed transport (its broker is gone)', async () => {
    const transport = hub.transport(2);
    let settled = false;
    void transport.to(1, clock.nowMs() + 300).deleteTopic('t').finally(() => (settled = true)).catch(() => undefined);
    transport.close();
    await clock.run(clock.nowMs() + 1_000);
    expect(settled).to.equal(false);
  });
});
