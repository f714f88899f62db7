/**
 * How a client finds a partition's new leader after losing the old one (Cluster.leaderMoved and
 * noteLeaderError), against brokers served in memory on a virtual clock: the metadata they answer
 * names whichever leader the test sets.
 */
import { expect } from 'chai';
import type * as grpc from '@grpc/grpc-js';
import { Cluster, LEADER_WATCH_INTERVAL_MS, resolveClientOptions, UNREACHABLE_LEADER_AVOID_MS } from '../../src/client/cluster.js';
import { SluiceError } from '../../src/protocol/errors.js';
import type { MetadataResponse } from '../../src/protocol/generated/sluice/v1/MetadataResponse.js';
import { brokerApi } from '../../src/protocol/grpc.js';
import { seededRng } from '../../src/raft/index.js';
import { MemoryGrpcHub } from '../../src/runtime/memory-grpc.js';
import { MemoryNetwork } from '../../src/runtime/memory-network.js';
import { VirtualClock } from '../../src/runtime/virtual-clock.js';

const CLIENT = 100;
const address = (id: number): string => `broker-${id}:7000`;

describe('client: following a partition to its new leader', () => {
  let clock: VirtualClock;
  let cluster: Cluster;
  /** The leader every broker names for t/0 (-1: none). */
  let leader: number;

  beforeEach(() => {
    clock = new VirtualClock(0);
    const hub = new MemoryGrpcHub(new MemoryNetwork({ clock }), (target) => Number(/^broker-(\d)/.exec(target)?.[1]) || undefined);
    leader = 1;
    for (const id of [1, 2]) {
      hub.serve(id).addService(brokerApi().Broker.service, {
        Metadata: (_call: grpc.ServerUnaryCall<unknown, MetadataResponse>, callback: grpc.sendUnaryData<MetadataResponse>) =>
          callback(null, {
            brokers: [1, 2].map((b) => ({ id: b, host: `broker-${b}`, port: 7000, alive: true })),
            controller: 1,
            topics: [{ name: 't', partitions: [{ partition: 0, leader, replicas: [1, 2], isr: [1, 2], leaderEpoch: 1 }] }],
            clusterIdHash: 0,
          }),
      });
    }
    cluster = new Cluster(resolveClientOptions({ bootstrap: address(1), runtime: { clock, random: seededRng(1), channel: hub.channelsFrom(CLIENT) } }));
  });

  afterEach(() => cluster.close());

  async function settle<T>(promise: Promise<T>): Promise<{ value?: T; error?: unknown; atMs: number }> {
    let outcome: { value?: T; error?: unknown } | undefined;
    promise.then(
      (value) => (outcome = { value }),
      (error: unknown) => (outcome = { error }),
    );
    await clock.run(clock.nowMs() + 60_000, () => outcome !== undefined);
    return { ...outcome, atMs: clock.nowMs() };
  }

  it('leaderMoved resolves once metadata names another leader than the one last used, within a watch interval', async () => {
    expect((await settle(cluster.leaderAddress('t', 0))).value).to.equal(address(1));
    const watch = new AbortController();
    const moved = settle(cluster.leaderMoved('t', 0, watch.signal));
    await clock.run(clock.nowMs() + 1_000);
    leader = 2;
    const changedAtMs = clock.nowMs();
    const { value, atMs } = await moved;
    expect(value).to.equal(true);
    expect(atMs - changedAtMs).to.be.at.most(LEADER_WATCH_INTERVAL_MS + 10);
    expect((await settle(cluster.leaderAddress('t', 0))).value).to.equal(address(2));
  });

  it('leaderMoved resolves false when its watch is aborted, and asks nothing more', async () => {
    await settle(cluster.leaderAddress('t', 0));
    const watch = new AbortController();
    const moved = settle(cluster.leaderMoved('t', 0, watch.signal));
    await clock.run(clock.nowMs() + 250);
    watch.abort();
    expect((await moved).value).to.equal(false);
  });

  it('passes over a leader that did not answer while metadata still names it, then tries it again', async () => {
    await settle(cluster.leaderAddress('t', 0));
    cluster.noteLeaderError(address(1), new SluiceError('BROKER_NOT_AVAILABLE', 'keepalive timeout'));
    const avoided = await settle(cluster.leaderAddress('t', 0));
    expect((avoided.error as SluiceError).code).to.equal('NOT_LEADER');
    await clock.run(clock.nowMs() + UNREACHABLE_LEADER_AVOID_MS);
    expect((await settle(cluster.leaderAddress('t', 0))).value).to.equal(address(1));
  });

  it('uses a passed-over leader again as soon as it answers a probe (a blip costs a round trip, not the whole window)', async () => {
    await settle(cluster.leaderAddress('t', 0));
    cluster.noteLeaderError(address(1), new SluiceError('REQUEST_TIMED_OUT', 'slow'));
    const startedAtMs = clock.nowMs();
    const { value, atMs } = await settle(cluster.leaderMoved('t', 0, new AbortController().signal));
    expect(value).to.equal(true);
    expect(atMs - startedAtMs).to.be.below(UNREACHABLE_LEADER_AVOID_MS / 2);
    expect((await settle(cluster.leaderAddress('t', 0))).value).to.equal(address(1));
  });

  it('keeps using a leader that answered with an error of its own', async () => {
    await settle(cluster.leaderAddress('t', 0));
    cluster.noteLeaderError(address(1), new SluiceError('NOT_ENOUGH_REPLICAS', 'isr too small'));
    expect((await settle(cluster.leaderAddress('t', 0))).value).to.equal(address(1));
  });
});
