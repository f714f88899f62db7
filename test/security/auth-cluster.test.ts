/**
 * SCRAM across a 3-broker cluster: a user created through one broker can log in at every broker
 * (credentials travel in the metadata log), the client authenticates with each broker it talks to,
 * and a session token is worth nothing at another broker.
 */
import { expect } from 'chai';
import * as grpc from '@grpc/grpc-js';
import { createClient, SluiceError } from '../../src/client/index.js';
import { unary } from '../../src/client/cluster.js';
import { brokerApi, CHANNEL_OPTIONS } from '../../src/protocol/grpc.js';
import { clientFinal, clientFirstBare, parseServerFirst } from '../../src/security/scram.js';
import { waitFor } from '../helpers/broker-process.js';
import { TestCluster } from '../helpers/cluster.js';

/** A raw SCRAM exchange with one broker; resolves with its session token. */
async function login(address: string, username: string, password: string): Promise<string> {
  const auth = new (brokerApi().Auth)(address, grpc.credentials.createInsecure(), CHANNEL_OPTIONS);
  try {
    const firstBare = clientFirstBare(username, 'cluster-test-nonce');
    const handshake = await unary<{ exchangeId: string; serverFirstMessage: string }>((cb) =>
      auth.SaslHandshake({ mechanism: 'SCRAM-SHA-512', clientFirstMessage: `n,,${firstBare}` }, cb),
    );
    const final = clientFinal('SCRAM-SHA-512', password, firstBare, handshake.serverFirstMessage, parseServerFirst(handshake.serverFirstMessage)!);
    const session = await unary<{ sessionToken: string }>((cb) => auth.SaslAuthenticate({ exchangeId: handshake.exchangeId, clientFinalMessage: final.message }, cb));
    return session.sessionToken;
  } finally {
    auth.close();
  }
}

describe('security: SCRAM on a 3-broker cluster', function () {
  this.timeout(180_000);
  let cluster: TestCluster;

  before(async () => {
    cluster = await TestCluster.start(3);
  });

  after(async () => {
    await cluster?.cleanup();
  });

  it('authenticates with every broker, and a token is bound to the broker that issued it', async () => {
    const addresses = cluster.bootstrap;
    const operator = createClient({ bootstrap: addresses[0]! }).admin();
    try {
      await operator.upsertUser('alice', 'alice-secret', 'SCRAM-SHA-512', 4096);
      await operator.createTopic({ name: 'spread', partitions: 3, replicationFactor: 3 });
    } finally {
      await operator.close();
    }
    // The credential reaches every broker's image; each grants alice a session of its own.
    const tokens = await Promise.all(addresses.map((address) => waitFor(`alice to log in at ${address}`, () => login(address, 'alice', 'alice-secret').catch(() => undefined), 30_000)));
    expect(new Set(tokens).size).to.equal(3);

    const listWith = (address: string, token: string): Promise<unknown> => {
      const admin = new (brokerApi().Admin)(address, grpc.credentials.createInsecure(), CHANNEL_OPTIONS);
      const metadata = new grpc.Metadata();
      metadata.set('authorization', `Bearer ${token}`);
      return unary((cb) => admin.ListTopics({}, metadata, cb)).finally(() => admin.close());
    };
    await listWith(addresses[0]!, tokens[0]!);
    const elsewhere = await listWith(addresses[1]!, tokens[0]!).then(() => undefined, (err: SluiceError) => err);
    expect(elsewhere?.code).to.equal('UNAUTHENTICATED');

    // A producer writing to partitions led by different brokers authenticates with each of them.
    const producer = createClient({ bootstrap: addresses, security: { sasl: { mechanism: 'SCRAM-SHA-512', username: 'alice', password: 'alice-secret' } } }).producer({ lingerMs: 0 });
    try {
      const sent = await Promise.all([0, 1, 2].map((partition) => producer.send({ topic: 'spread', records: [{ value: `p${partition}`, partition }] })));
      expect(sent.map((records) => records[0]!.partition).sort()).to.deep.equal([0, 1, 2]);
    } finally {
      await producer.close();
    }
  });
});
