import { expect } from 'chai';
import type * as grpc from '@grpc/grpc-js';
import { Cluster, resolveClientOptions } from '../../src/client/cluster.js';
import { SluiceError } from '../../src/protocol/errors.js';
import type { ProduceRequest__Output } from '../../src/protocol/generated/sluice/v1/ProduceRequest.js';
import type { ProduceResponse } from '../../src/protocol/generated/sluice/v1/ProduceResponse.js';
import { brokerApi } from '../../src/protocol/grpc.js';
import { seededRng } from '../../src/raft/index.js';
import { MemoryGrpcHub } from '../../src/runtime/memory-grpc.js';
import { MemoryNetwork } from '../../src/runtime/memory-network.js';
import { VirtualClock } from '../../src/runtime/virtual-clock.js';

const BROKER = 1;
const CLIENT = 100;
const ADDRESS = 'broker-1:7000';

/** A broker that answers Metadata (or fails it on demand) and echoes ProduceStream requests in order. */
function serveBroker(hub: MemoryGrpcHub, behaviour: { fail?: SluiceError; silent?: boolean; pauseAfterFirst?: (resume: () => void) => void } = {}): { produced: number[] } {
  const produced: number[] = [];
  const server = hub.serve(BROKER);
  server.addService(brokerApi().Broker.service, {
    Metadata: (_call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => {
      if (behaviour.silent) return;
      if (behaviour.fail) return callback(behaviour.fail.toServiceError() as grpc.ServiceError);
      callback(null, { brokers: [{ id: BROKER, host: 'broker-1', port: 7000, alive: true }], controller: BROKER, topics: [], clusterIdHash: 0 });
    },
    ProduceStream: (call: grpc.ServerDuplexStream<ProduceRequest__Output, ProduceResponse>) => {
      call.on('data', (request: ProduceRequest__Output) => {
        produced.push(request.partition);
        // Flow control as the broker's streamed handlers use it: stop reading, resume later.
        if (produced.length === 1 && behaviour.pauseAfterFirst) {
          call.pause();
          behaviour.pauseAfterFirst(() => call.resume());
        }
        call.write({ baseOffset: produced.length - 1, lastOffset: produced.length - 1, correlationId: request.correlationId });
      });
      call.on('end', () => call.end());
    },
  });
  return { produced };
}

function setUp(faults?: (from: number, to: number) => readonly number[]): { clock: VirtualClock; network: MemoryNetwork; hub: MemoryGrpcHub; cluster: Cluster } {
  const clock = new VirtualClock(0);
  const network = new MemoryNetwork({ clock, faults });
  const hub = new MemoryGrpcHub(network, (address) => (address === ADDRESS ? BROKER : undefined));
  const cluster = new Cluster(
    resolveClientOptions({
      bootstrap: ADDRESS,
      requestTimeoutMs: 5_000,
      retry: { retries: 0 },
      runtime: { clock, random: seededRng(1), channel: hub.channelsFrom(CLIENT) },
    }),
  );
  return { clock, network, hub, cluster };
}

/** Runs the virtual clock until `promise` settles; returns its outcome and the virtual time it took. */
async function settle<T>(clock: VirtualClock, promise: Promise<T>): Promise<{ value?: T; error?: unknown; tookMs: number }> {
  const startMs = clock.nowMs();
  let outcome: { value?: T; error?: unknown } | undefined;
  promise.then(
    (value) => (outcome = { value }),
    (error: unknown) => (outcome = { error }),
  );
  await clock.run(startMs + 60_000, () => outcome !== undefined);
  if (outcome === undefined) throw new Error('still pending after 60 s of virtual time');
  return { ...outcome, tookMs: clock.nowMs() - startMs };
}

function produce(cluster: Cluster, partition: number): Promise<unknown> {
  const method = brokerApi().Broker.service.ProduceStream;
  return cluster.produceStream(ADDRESS).request((correlationId) => method.requestSerialize({ topic: 't', partition, acks: -1, timeoutMs: 1_000, batch: Buffer.alloc(1), correlationId }), 5_000);
}

describe('runtime/MemoryGrpcHub', () => {
  it('carries a real client stub\'s unary call to the served handler and its answer back', async () => {
    const { clock, hub, cluster } = setUp();
    serveBroker(hub);
    const { value } = await settle(clock, cluster.fetchMetadata());
    expect(value?.controller).to.equal(BROKER);
    expect(value?.brokers.map((b) => b.address)).to.deep.equal([ADDRESS]);
  });

  it('delivers a broker error with its code and leader hint, as gRPC metadata does', async () => {
    const { clock, hub, cluster } = setUp();
    serveBroker(hub, { fail: new SluiceError('NOT_LEADER', 'ask elsewhere', 'broker-2:7000') });
    const { error } = await settle(clock, cluster.fetchMetadata());
    expect(error).to.be.instanceOf(SluiceError);
    expect((error as SluiceError).code).to.equal('NOT_LEADER');
    expect((error as SluiceError).leaderHint).to.equal('broker-2:7000');
  });

  it('keeps a request stream in order and exactly once through drops, duplicates and reordering', async () => {
    const rng = seededRng(7);
    const { clock, hub, cluster } = setUp(() => (rng() < 0.2 ? [] : rng() < 0.2 ? [rng() * 30, rng() * 30] : [rng() * 30]));
    const { produced } = serveBroker(hub);
    const answers = await settle(clock, Promise.all(Array.from({ length: 50 }, (_, i) => produce(cluster, i))));
    expect(answers.error).to.equal(undefined);
    expect(produced).to.deep.equal(Array.from({ length: 50 }, (_, i) => i));
  });

  it('holds the requests of a paused stream until the handler resumes it, as grpc-js does', async () => {
    let resume: (() => void) | undefined;
    const { clock, hub, cluster } = setUp();
    const { produced } = serveBroker(hub, { pauseAfterFirst: (resumeStream) => (resume = resumeStream) });
    const answers = Promise.all([0, 1, 2].map((i) => produce(cluster, i)));
    await clock.run(clock.nowMs() + 1_000, () => resume !== undefined);
    await clock.run(clock.nowMs() + 1_000);
    expect(produced, 'while paused').to.deep.equal([0]);
    resume!();
    const { error } = await settle(clock, answers);
    expect(error).to.equal(undefined);
    expect(produced).to.deep.equal([0, 1, 2]);
  });

  it('gives up a connection to a cut-off broker at the keepalive timeout, long before the deadline', async () => {
    const { clock, network, hub, cluster } = setUp();
    serveBroker(hub);
    await settle(clock, cluster.fetchMetadata()); // connected
    network.cut(CLIENT, BROKER);
    const { error, tookMs } = await settle(clock, produce(cluster, 0));
    expect((error as SluiceError).code).to.equal('BROKER_NOT_AVAILABLE');
    expect(tookMs).to.be.below(2_000); // client keepalive: 500 ms + 1 s
  });

  it('fails a call to a silent but connected broker at its deadline', async () => {
    const { clock, hub, cluster } = setUp();
    serveBroker(hub, { silent: true });
    const { error, tookMs } = await settle(clock, cluster.fetchMetadata());
    expect((error as SluiceError).code).to.equal('REQUEST_TIMED_OUT');
    expect(tookMs).to.equal(5_000);
  });

  it('resets the connections of a crashed broker at once, and connects to it again once it serves', async () => {
    const { clock, hub, cluster } = setUp();
    serveBroker(hub, { silent: true });
    const pending = settle(clock, cluster.fetchMetadata());
    await clock.run(clock.nowMs() + 100);
    hub.stopServing(BROKER);
    const { error, tookMs } = await pending;
    expect((error as SluiceError).code).to.equal('BROKER_NOT_AVAILABLE');
    expect(tookMs).to.be.below(200);
    expect((await settle(clock, cluster.fetchMetadata())).error).to.be.instanceOf(SluiceError); // refused while down
    serveBroker(hub);
    expect((await settle(clock, cluster.fetchMetadata())).value?.controller).to.equal(BROKER);
  });
});
