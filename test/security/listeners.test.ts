/**
 * The two listeners and TLS against real broker processes, with real certificates made by
 * scripts/tls-certs.sh: what a client may reach, what only a broker may, and that forged or broken
 * Raft frames are dropped and counted while the broker keeps serving.
 */
import { expect } from 'chai';
import * as grpc from '@grpc/grpc-js';
import { writeFileSync } from 'node:fs';
import { createClient, SluiceError, type Sluice } from '../../src/client/index.js';
import { encodeBatch } from '../../src/protocol/batch.js';
import { CHANNEL_OPTIONS, controllerApi, raftApi } from '../../src/protocol/grpc.js';
import type { RaftFrame, RaftFrame__Output } from '../../src/protocol/generated/sluice/v1/RaftFrame.js';
import type { RaftMessage } from '../../src/protocol/generated/sluice/v1/RaftMessage.js';
import { METADATA_GROUP } from '../../src/controller/controller.js';
import { BrokerProcess, waitFor } from '../helpers/broker-process.js';
import { runCli } from '../helpers/cli-process.js';
import { TestCluster } from '../helpers/cluster.js';
import { RawClient } from '../helpers/raw-client.js';
import { TestCertificates } from '../helpers/tls.js';

type FrameStream = grpc.ClientDuplexStream<RaftFrame, RaftFrame__Output>;

/** A Raft stream opened by a test posing as a peer; collects what the broker sends and how the stream ends. */
class RaftStreamProbe {
  readonly received: RaftFrame__Output[] = [];
  status: grpc.StatusObject | undefined;
  private readonly client: grpc.Client;
  readonly stream: FrameStream;

  constructor(address: string, credentials = grpc.credentials.createInsecure()) {
    const client = new (raftApi().Raft)(address, credentials, CHANNEL_OPTIONS);
    this.client = client;
    this.stream = client.Stream();
    this.stream.on('data', (frame: RaftFrame__Output) => this.received.push(frame));
    this.stream.on('status', (status: grpc.StatusObject) => (this.status = status));
    this.stream.on('error', () => undefined); // reported through 'status'
  }

  send(fromBroker: number, messages: Array<{ group: string; message: RaftMessage }> = []): void {
    this.stream.write({ fromBroker, fromBrokerEpoch: 0, messages });
  }

  close(): void {
    this.stream.cancel();
    this.client.close();
  }
}

async function droppedCount(broker: BrokerProcess, reason: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${broker.httpPort}/metrics`)).text();
  const match = new RegExp(`^sluice_raft_messages_dropped_total\\{reason="${reason}"\\} (\\d+)`, 'm').exec(text);
  return match ? Number(match[1]) : 0;
}

function unaryCall<T>(invoke: (callback: (err: grpc.ServiceError | null, value?: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => invoke((err, value) => (err ? reject(err) : resolve(value as T))));
}

/**
 * Produces `count` records with acks=all to `topic` (2 partitions, created first unless `create` is
 * false) and reads the topic from the start until they are all there.
 */
async function roundTrip(client: Sluice, topic: string, options: { replication: number; count?: number; round?: string; create?: boolean }): Promise<void> {
  const { replication, count = 20, round = 'r0', create = true } = options;
  const admin = client.admin();
  const producer = client.producer({ acks: 'all', lingerMs: 0 });
  const consumer = client.consumer({ maxWaitMs: 100, autoOffsetReset: 'earliest' });
  try {
    if (create) await admin.createTopic({ name: topic, partitions: 2, replicationFactor: replication });
    const values = Array.from({ length: count }, (_, i) => `${round}-v${i}`);
    await producer.send({ topic, records: values.map((value, i) => ({ key: `k${i}`, value })) });
    consumer.assign([{ topic, partition: 0 }, { topic, partition: 1 }]);
    const seen = new Set<string>();
    await waitFor(`${count} records of ${topic} (${round})`, async () => {
      for (const record of await consumer.poll({ timeoutMs: 200 })) seen.add(record.value?.toString() ?? '');
      return values.every((value) => seen.has(value)) ? true : undefined;
    }, 30_000);
  } finally {
    await producer.close();
    await consumer.close();
    await admin.close();
  }
}

describe('security/listeners: two listeners, TLS, Raft frame checks', function () {
  this.timeout(120_000);
  let certs: TestCertificates;
  before(() => (certs = TestCertificates.make()));
  after(() => certs.cleanup());

  describe('plaintext broker 2 of a cluster of its own', () => {
    let broker: BrokerProcess;
    let client: Sluice;
    before(async () => {
      // Broker 2: a stream from "broker 1" is one it would accept, the lowest bar an attacker faces.
      broker = await BrokerProcess.start({ args: ['--broker-id', '2'] });
      client = createClient({ bootstrap: broker.address, clientId: 'listeners-test' });
    });
    after(async () => {
      await broker?.cleanup();
    });

    it('serves no Raft or Controller service on the client listener (UNIMPLEMENTED)', async () => {
      const controller = new (controllerApi().Controller)(broker.address, grpc.credentials.createInsecure(), CHANNEL_OPTIONS);
      try {
        const err = await unaryCall((cb) => controller.RegisterBroker({ brokerId: 1, host: 'attacker.example', port: 6666, incarnation: 'x' }, cb)).then(
          () => expect.fail('RegisterBroker answered on the client listener'),
          (e: grpc.ServiceError) => e,
        );
        expect(err.code).to.equal(grpc.status.UNIMPLEMENTED);
      } finally {
        controller.close();
      }
      const probe = new RaftStreamProbe(broker.address);
      try {
        probe.send(1);
        await waitFor('the Raft stream on the client listener to fail', () => probe.status);
        expect(probe.status!.code).to.equal(grpc.status.UNIMPLEMENTED);
        expect(probe.received).to.have.length(0);
      } finally {
        probe.close();
      }
    });

    it('drops and counts frames with a forged from, a foreign to, an unstamped APPEND or an unknown group, and keeps serving', async () => {
      const topic = `attacked-${process.pid}`;
      await roundTrip(client, topic, { replication: 1, round: 'before' });
      const probe = new RaftStreamProbe(broker.interBrokerAddress);
      try {
        probe.send(1);
        await waitFor('the broker to answer the hello', () => (probe.received.length > 0 ? true : undefined));
        expect(probe.received[0]!.fromBroker).to.equal(2);
        const term = 1_000;
        const unstamped = encodeBatch([{ value: Buffer.from('forged metadata') }]);
        probe.send(1, [
          // The crash: HEARTBEAT to=99 reached Raft's invariant on broker 2.
          { group: METADATA_GROUP, message: { type: 'HEARTBEAT', from: 1, to: 99, term, commit: 0 } },
          // Posing as broker 3 on broker 1's stream.
          { group: METADATA_GROUP, message: { type: 'VOTE', from: 3, to: 2, term, lastLogIndex: 1e6, lastLogTerm: term } },
          // A producer's batch forged into an APPEND: it stopped the group before.
          { group: METADATA_GROUP, message: { type: 'APPEND', from: 1, to: 2, term, prevIndex: 0, prevTerm: 0, commit: 1, entries: [{ index: 1, term, data: unstamped }] } },
          { group: 'no-such-group', message: { type: 'HEARTBEAT', from: 1, to: 2, term, commit: 0 } },
          { group: METADATA_GROUP, message: { type: 'RAFT_MESSAGE_TYPE_UNSPECIFIED', from: 1, to: 2, term } },
        ]);
        await waitFor('every forged message to be counted', async () => {
          const counts = await Promise.all(['wrong_to', 'forged_from', 'bad_batch', 'unknown_group', 'malformed'].map((r) => droppedCount(broker, r)));
          return counts.every((c) => c >= 1) ? counts : undefined;
        }, 15_000);
        // The frame envelope is checked too: a frame claiming another sender on this stream.
        probe.send(3, [{ group: METADATA_GROUP, message: { type: 'HEARTBEAT', from: 3, to: 2, term, commit: 0 } }]);
        await waitFor('the forged frame to be counted', async () => ((await droppedCount(broker, 'forged_from')) >= 2 ? true : undefined));
        expect(probe.status, 'the stream stays open').to.equal(undefined);
      } finally {
        probe.close();
      }
      expect(broker.child.exitCode).to.equal(null);
      await broker.waitReady();
      // The metadata group kept its term (a forged term would have unseated its leader), and the
      // partitions and the controller take writes.
      await roundTrip(client, topic, { replication: 1, round: 'after', create: false });
      await roundTrip(client, `${topic}-new`, { replication: 1 });
      expect(broker.output).not.to.match(/RaftInvariantError|replication of .* stopped/);
    });
  });

  describe('broker 3 alone with TLS on both listeners', () => {
    let broker: BrokerProcess;
    before(async () => {
      broker = await BrokerProcess.start({ args: ['--broker-id', '3', ...certs.brokerArgs(3)] });
    });
    after(async () => {
      await broker?.cleanup();
    });

    it('refuses a plaintext client and serves one that trusts the CA', async () => {
      const plaintext = new RawClient(broker.address);
      try {
        const err = await plaintext.metadata().then(() => expect.fail('plaintext Metadata answered'), (e: unknown) => e);
        expect(err).to.be.instanceOf(SluiceError);
        expect((err as SluiceError).code).to.equal('BROKER_NOT_AVAILABLE');
      } finally {
        plaintext.close();
      }
      const secure = new RawClient(broker.address, { credentials: certs.credentials() });
      try {
        const metadata = await secure.metadata();
        expect(metadata.brokers.map((b) => b.id)).to.deep.equal([3]);
      } finally {
        secure.close();
      }
    });

    it('refuses RegisterBroker and heartbeats from a caller without that broker\'s certificate (UNAUTHORIZED)', async () => {
      const attempt = async (identity: string | undefined, brokerId: number): Promise<grpc.ServiceError> => {
        const controller = new (controllerApi().Controller)(broker.interBrokerAddress, certs.credentials(identity), CHANNEL_OPTIONS);
        try {
          return await unaryCall((cb) =>
            controller.RegisterBroker({ brokerId, host: 'attacker.example', port: 6666, incarnation: 'forged' }, { deadline: Date.now() + 10_000 }, cb),
          ).then(() => expect.fail(`RegisterBroker(${brokerId}) as ${identity ?? 'no certificate'} succeeded`), (e: grpc.ServiceError) => e);
        } finally {
          controller.close();
        }
      };
      // No client certificate: the mutual TLS handshake itself fails.
      expect((await attempt(undefined, 3)).code).to.equal(grpc.status.UNAVAILABLE);
      // A certificate from the CA, but a client's: no broker.
      const asAdmin = await attempt('admin', 3);
      expect(asAdmin.code).to.equal(grpc.status.PERMISSION_DENIED);
      expect(asAdmin.details).to.match(/^UNAUTHORIZED: /);
      // Broker 1's certificate acting for broker 3.
      const asOther = await attempt('broker-1', 3);
      expect(asOther.code).to.equal(grpc.status.PERMISSION_DENIED);
      expect(asOther.details).to.match(/UNAUTHORIZED: broker 1 may not act for broker 3/);
      const heartbeat = new (controllerApi().Controller)(broker.interBrokerAddress, certs.credentials('admin'), CHANNEL_OPTIONS);
      try {
        const err = await unaryCall((cb) => heartbeat.BrokerHeartbeat({ brokerId: 3, brokerEpoch: 0, metadataVersion: 0, leaderships: [] }, cb)).then(
          () => expect.fail('heartbeat as admin succeeded'),
          (e: grpc.ServiceError) => e,
        );
        expect(err.code).to.equal(grpc.status.PERMISSION_DENIED);
      } finally {
        heartbeat.close();
      }
      // The real registration is untouched.
      const secure = new RawClient(broker.address, { credentials: certs.credentials() });
      try {
        const [self] = (await secure.metadata()).brokers;
        expect(self!.host).to.equal('127.0.0.1');
        expect(self!.port).to.equal(broker.port);
      } finally {
        secure.close();
      }
    });

    it('takes a Raft stream only from the broker its certificate names', async () => {
      const rejected = async (identity: string, fromBroker: number): Promise<grpc.StatusObject> => {
        const probe = new RaftStreamProbe(broker.interBrokerAddress, certs.credentials(identity));
        try {
          probe.send(fromBroker);
          return await waitFor(`the stream of ${identity} as ${fromBroker} to end`, () => probe.status);
        } finally {
          probe.close();
        }
      };
      expect((await rejected('admin', 1)).code).to.equal(grpc.status.PERMISSION_DENIED);
      expect((await rejected('broker-1', 2)).code).to.equal(grpc.status.PERMISSION_DENIED);
      const genuine = new RaftStreamProbe(broker.interBrokerAddress, certs.credentials('broker-1'));
      try {
        genuine.send(1);
        const hello = await waitFor('the hello of broker 3', () => genuine.received[0]);
        expect(hello.fromBroker).to.equal(3);
      } finally {
        genuine.close();
      }
    });

    it('serves the CLI with --client-config (SSL with the admin certificate), and not without', async () => {
      const withConfig = await runCli(['--client-config', certs.path('admin.properties'), '--json', 'cluster', 'status'], broker.address);
      expect(withConfig.code, withConfig.stderr).to.equal(0);
      expect(JSON.parse(withConfig.stdout).brokers.map((b: { id: number }) => b.id)).to.deep.equal([3]);
      const without = await runCli(['cluster', 'status'], broker.address);
      expect(without.code).to.equal(1);
    });
  });

  describe('a broker set up as SECURE=1: TLS, admin by certificate, SCRAM users over SASL_SSL, ACLs', () => {
    let broker: BrokerProcess;
    before(async () => {
      broker = await BrokerProcess.start({
        args: ['--broker-id', '1', ...certs.brokerArgs(1), '--authorization-enabled', 'true', '--super-users', 'admin', '--authentication-required', 'true'],
      });
    });
    after(async () => {
      await broker?.cleanup();
    });

    it('lets admin (client certificate) create a user and an ACL, and alice (SCRAM over TLS) only what the ACL allows', async () => {
      const admin = ['--client-config', certs.path('admin.properties')];
      const topic = `orders-${process.pid}`;
      for (const args of [
        ['topic', 'create', topic, '--partitions', '1', '--replication', '1'],
        ['user', 'create', 'alice', '--password', 'alice-secret'],
        ['acl', 'add', '--allow', 'alice', '--operation', 'write', '--topic', topic],
      ]) {
        const result = await runCli([...admin, ...args], broker.address);
        expect(result.code, `${args.join(' ')}: ${result.stderr}`).to.equal(0);
      }
      const aliceConfig = certs.path('alice.properties');
      writeFileSync(
        aliceConfig,
        `security.protocol=SASL_SSL\nssl.ca.location=ca.pem\nsasl.mechanism=SCRAM-SHA-256\nsasl.username=alice\nsasl.password=alice-secret\n`,
      );
      const alice = ['--client-config', aliceConfig];
      const produced = await runCli([...alice, 'produce', topic, '--acks', 'all'], broker.address, (stdin) => void stdin.end('hello\n'));
      expect(produced.code, produced.stderr).to.equal(0);
      const read = await runCli([...alice, 'consume', topic, '--from-beginning', '--max-messages', '1', '--timeout-ms', '2000'], broker.address);
      expect(read.code).to.equal(1);
      expect(read.stderr).to.match(/UNAUTHORIZED: not authorized to read topic/);
      // TLS with the CA but no credentials: ANONYMOUS, refused.
      const anonymousConfig = certs.path('anonymous.properties');
      writeFileSync(anonymousConfig, 'security.protocol=SSL\nssl.ca.location=ca.pem\n');
      const anonymous = await runCli(['--client-config', anonymousConfig, 'topic', 'list'], broker.address);
      expect(anonymous.code).to.equal(1);
      expect(anonymous.stderr).to.match(/UNAUTHENTICATED/);
      const consumed = await runCli([...admin, 'consume', topic, '--from-beginning', '--max-messages', '1', '--timeout-ms', '10000'], broker.address);
      expect(consumed.stdout.trim()).to.equal('hello');
    });
  });

  describe('a 3-broker cluster with TLS everywhere and mutual TLS between brokers', () => {
    let cluster: TestCluster | undefined;
    after(async () => {
      await cluster?.cleanup();
    });

    it('elects a controller, replicates and serves produce/consume with acks=all', async () => {
      cluster = await TestCluster.start(3, (id) => certs.brokerArgs(id));
      const client = createClient({
        bootstrap: cluster.bootstrap,
        clientId: 'tls-cluster-test',
        security: { tls: { ca: certs.read('ca.pem'), cert: certs.read('admin.pem'), key: certs.read('admin.key') } },
      });
      const admin = client.admin();
      try {
        const status = await waitFor('three live brokers and a controller', async () => {
          const s = await admin.metadata();
          return s.controller > 0 && s.brokers.filter((b) => b.alive).length === 3 ? s : undefined;
        }, 30_000);
        expect(status.brokers.map((b) => b.address).sort()).to.deep.equal(cluster.bootstrap.slice().sort());
      } finally {
        await admin.close();
      }
      await roundTrip(client, `tls-orders-${process.pid}`, { replication: 3, count: 50 });
      for (const broker of cluster.brokers.values()) {
        expect(broker.output).to.match(/listening: gRPC [^ ]+ \(TLS\), inter-broker [^ ]+ \(mutual TLS\)/);
      }
    });
  });
});
