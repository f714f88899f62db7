/**
 * Cluster's metadata requests against an in-process gRPC server that answers Metadata with a
 * scripted error or an empty cluster, next to an address nobody listens on.
 */
import { expect } from 'chai';
import * as grpc from '@grpc/grpc-js';
import { Cluster, METADATA_HEDGE_MS, resolveClientOptions } from '../../src/client/cluster.js';
import { SluiceError } from '../../src/protocol/errors.js';
import type { MetadataResponse } from '../../src/protocol/generated/sluice/v1/MetadataResponse.js';
import type { MetadataRequest__Output } from '../../src/protocol/generated/sluice/v1/MetadataRequest.js';
import { brokerApi } from '../../src/protocol/grpc.js';
import { freePort } from '../helpers/broker-process.js';

describe('Cluster metadata', function () {
  this.timeout(10_000);
  let server: grpc.Server;
  let live: string;
  let dead: string;
  let requests: string[][];
  const clusters: Cluster[] = [];

  beforeEach(async () => {
    requests = [];
    server = new grpc.Server();
    server.addService({ Metadata: brokerApi().Broker.service.Metadata }, {
      Metadata: (call: grpc.ServerUnaryCall<MetadataRequest__Output, MetadataResponse>, callback: grpc.sendUnaryData<MetadataResponse>) => {
        const topics = [...call.request.topics];
        requests.push(topics);
        if (topics.includes('nope')) callback(new SluiceError('UNKNOWN_TOPIC', 'topic "nope" does not exist').toServiceError());
        else callback(null, { brokers: [], controller: -1, topics: [] });
      },
    });
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound))),
    );
    live = `127.0.0.1:${port}`;
    dead = `127.0.0.1:${await freePort()}`;
  });

  afterEach(async () => {
    for (const cluster of clusters.splice(0)) cluster.close();
    await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
  });

  function cluster(bootstrap: string[]): Cluster {
    const created = new Cluster(resolveClientOptions({ bootstrap, requestTimeoutMs: 5_000 }));
    clusters.push(created);
    return created;
  }

  it('rejects with the SluiceError the broker answered, and keeps asking that broker', async () => {
    const c = cluster([live, dead]);
    for (let attempt = 0; attempt < 2; attempt++) {
      const err = await c.topic('nope').catch((e: unknown) => e);
      expect(err).to.be.instanceOf(SluiceError);
      expect((err as SluiceError).code).to.equal('UNKNOWN_TOPIC');
      expect((err as SluiceError).message).to.equal('UNKNOWN_TOPIC: topic "nope" does not exist');
    }
    // It answered: the dead address was never tried.
    expect(requests).to.deep.equal([['nope'], ['nope']]);
  });

  it('asks the next address when one refuses the connection, in the same request, and starts there next time', async () => {
    const c = cluster([dead, live]);
    await c.fetchMetadata([]);
    await c.fetchMetadata([]);
    expect(requests).to.deep.equal([[], []]);
  });

  it('rejects with BROKER_NOT_AVAILABLE when no address answers', async () => {
    const c = cluster([dead]);
    const err = await c.fetchMetadata([]).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(SluiceError);
    expect((err as SluiceError).code).to.equal('BROKER_NOT_AVAILABLE');
  });

  it('asks another broker next when the one asked knows no leader for the partition (it may be the one cut off)', async () => {
    const servers: grpc.Server[] = [];
    const serve = async (leader: number): Promise<string> => {
      const server = new grpc.Server();
      servers.push(server);
      const port = await new Promise<number>((resolve, reject) =>
        server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound))),
      );
      server.addService({ Metadata: brokerApi().Broker.service.Metadata }, {
        Metadata: (_call: grpc.ServerUnaryCall<MetadataRequest__Output, MetadataResponse>, callback: grpc.sendUnaryData<MetadataResponse>) =>
          callback(null, {
            brokers: [{ id: 7, host: '127.0.0.1', port: 7007, alive: true }],
            controller: 7,
            topics: [{ name: 't', partitions: [{ partition: 0, leader, replicas: [7], isr: [7], leaderEpoch: 1 }] }],
          }),
      });
      return `127.0.0.1:${port}`;
    };
    try {
      const c = cluster([await serve(-1), await serve(7)]);
      const err = await c.leaderAddress('t', 0).catch((e: unknown) => e);
      expect((err as SluiceError).code).to.equal('NOT_LEADER');
      expect(await c.leaderAddress('t', 0)).to.equal('127.0.0.1:7007');
    } finally {
      for (const server of servers) server.forceShutdown();
    }
  });

  it('hedges: a broker that accepts the request but never answers costs METADATA_HEDGE_MS, not the request timeout', async () => {
    const silent = new grpc.Server();
    silent.addService({ Metadata: brokerApi().Broker.service.Metadata }, { Metadata: () => undefined });
    const port = await new Promise<number>((resolve, reject) =>
      silent.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound))),
    );
    try {
      const c = cluster([`127.0.0.1:${port}`, live]);
      const startedMs = Date.now();
      await c.fetchMetadata([]);
      expect(Date.now() - startedMs).to.be.below(METADATA_HEDGE_MS + 2_000); // the request timeout is 5 s
      expect(requests).to.deep.equal([[]]);
    } finally {
      silent.forceShutdown();
    }
  });
});
