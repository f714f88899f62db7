/**
 * SCRAM authentication and ACLs on real broker processes, over a plaintext listener
 * (SASL_PLAINTEXT): every attack of issue 19 on admin calls and groups is refused with a specific
 * error while the broker keeps serving.
 */
import { expect } from 'chai';
import * as grpc from '@grpc/grpc-js';
import { Cluster, createClient, resolveClientOptions, SluiceError, type AclBinding, type ScramMechanism, type Sluice } from '../../src/client/index.js';
import { unary } from '../../src/client/cluster.js';
import { brokerApi, CHANNEL_OPTIONS } from '../../src/protocol/grpc.js';
import { clientFinal, clientFirstBare, parseServerFirst } from '../../src/security/scram.js';
import { BrokerProcess, waitFor } from '../helpers/broker-process.js';
import { runCli } from '../helpers/cli-process.js';

const SECURE_ARGS = [
  '--authorization-enabled', 'true',
  '--authentication-required', 'true',
  '--super-users', 'admin',
  // Short, so that the expiry test need not wait long; the other tests re-authenticate on the way.
  '--sasl-session-lifetime-ms', '3000',
];

const PASSWORDS = { admin: 'admin-secret', alice: 'alice-secret', bob: 'bob-secret', carol: 'carol-secret' } as const;
type User = keyof typeof PASSWORDS;

function allow(principal: string, operation: AclBinding['operation'], resourceType: AclBinding['resourceType'], resourceName: string): AclBinding {
  return { principal, permission: 'allow', operation, resourceType, resourceName, patternType: 'literal', host: '*' };
}

async function refused(promise: Promise<unknown>): Promise<SluiceError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof SluiceError) return err;
    throw err;
  }
  throw new Error('expected the call to be refused');
}

describe('security: SCRAM users and ACLs on a broker process', function () {
  this.timeout(120_000);
  let broker: BrokerProcess;
  const closers: Array<() => Promise<void> | void> = [];

  function client(user?: User, mechanism: ScramMechanism = 'SCRAM-SHA-256', password?: string): Sluice {
    return createClient({
      bootstrap: broker.address,
      retry: { retries: 3, maxBackoffMs: 200 },
      security: user === undefined ? undefined : { sasl: { mechanism, username: user, password: password ?? PASSWORDS[user] } },
    });
  }

  async function admin<T>(sluice: Sluice, use: (admin: ReturnType<Sluice['admin']>) => Promise<T>): Promise<T> {
    const handle = sluice.admin();
    try {
      return await use(handle);
    } finally {
      await handle.close();
    }
  }

  before(async () => {
    // Users and ACLs are set up while the broker is open (as an operator bootstraps them), then it restarts secured.
    const open = await BrokerProcess.start();
    try {
      const sluice = createClient({ bootstrap: open.address });
      await admin(sluice, async (a) => {
        await a.upsertUser('admin', PASSWORDS.admin, 'SCRAM-SHA-256', 4096);
        await a.upsertUser('alice', PASSWORDS.alice, 'SCRAM-SHA-256', 4096);
        await a.upsertUser('bob', PASSWORDS.bob, 'SCRAM-SHA-512', 4096);
        await a.upsertUser('carol', PASSWORDS.carol, 'SCRAM-SHA-256', 4096);
        await a.createTopic({ name: 'orders', partitions: 1, replicationFactor: 1 });
        await a.createTopic({ name: 'secret', partitions: 1, replicationFactor: 1 });
        await a.createAcl(allow('alice', 'write', 'topic', 'orders'));
        for (const user of ['bob', 'carol']) await a.createAcl(allow(user, 'read', 'topic', 'orders'));
        for (const user of ['bob', 'carol']) await a.createAcl(allow(user, 'read', 'group', 'shared'));
      });
      await open.stop();
      broker = await BrokerProcess.start({ dataDir: open.dataDir, ownsDataDir: true, args: SECURE_ARGS });
    } catch (err) {
      await open.cleanup();
      throw err;
    }
  });

  after(async () => {
    for (const close of closers) await close();
    await broker?.cleanup();
  });

  it('gives a client without credentials nothing', async () => {
    const anonymous = client();
    expect((await refused(admin(anonymous, (a) => a.listTopics()))).code).to.equal('UNAUTHENTICATED');
    expect((await refused(admin(anonymous, (a) => a.metadata()))).code).to.equal('UNAUTHENTICATED');
    const producer = anonymous.producer({ lingerMs: 0 });
    closers.push(() => producer.close());
    expect((await refused(producer.send({ topic: 'orders', records: [{ value: 'x' }] }))).code).to.equal('UNAUTHENTICATED');
  });

  it('authenticates with SCRAM-SHA-256 and SCRAM-SHA-512: alice writes orders, bob reads them', async () => {
    const producer = client('alice').producer({ lingerMs: 0 });
    closers.push(() => producer.close());
    const [sent] = await producer.send({ topic: 'orders', records: [{ value: 'from-alice' }] });
    expect(sent!.offset).to.be.a('number');
    const consumer = client('bob', 'SCRAM-SHA-512').consumer({ autoOffsetReset: 'earliest', maxWaitMs: 100 });
    closers.push(() => consumer.close());
    consumer.assign([{ topic: 'orders', partition: 0 }]);
    const values = await waitFor('bob to read alice\'s record', async () => {
      const records = await consumer.poll({ timeoutMs: 500 });
      const found = records.map((r) => r.value?.toString());
      return found.includes('from-alice') ? found : undefined;
    }, 30_000);
    expect(values).to.include('from-alice');
  });

  it('refuses a wrong password and an unknown user with the same generic error', async () => {
    const wrong = await refused(admin(client('alice', 'SCRAM-SHA-256', 'not-her-password'), (a) => a.listTopics()));
    const unknown = await refused(admin(createClientFor(broker.address, 'mallory', 'whatever'), (a) => a.listTopics()));
    expect([wrong.code, wrong.message]).to.deep.equal(['SASL_AUTHENTICATION_FAILED', 'SASL_AUTHENTICATION_FAILED: authentication failed']);
    expect([unknown.code, unknown.message]).to.deep.equal(['SASL_AUTHENTICATION_FAILED', 'SASL_AUTHENTICATION_FAILED: authentication failed']);
    // A mechanism the user has no credential for fails the same way.
    const otherMechanism = await refused(admin(client('alice', 'SCRAM-SHA-512'), (a) => a.listTopics()));
    expect(otherMechanism.code).to.equal('SASL_AUTHENTICATION_FAILED');
  });

  it('lets alice (write on orders) produce but not consume, create topics, touch groups or run admin calls', async () => {
    const alice = client('alice');
    const consumer = alice.consumer({ autoOffsetReset: 'earliest', maxWaitMs: 100 });
    closers.push(() => consumer.close());
    consumer.assign([{ topic: 'orders', partition: 0 }]);
    // poll() rejects with the partition's error once its fetch was refused.
    const readError = await refused(
      (async () => {
        for (;;) await consumer.poll({ timeoutMs: 500 });
      })(),
    );
    expect(readError.message).to.equal('UNAUTHORIZED: not authorized to read topic "orders"');

    await admin(alice, async (a) => {
      expect((await refused(a.createTopic({ name: 'mine', partitions: 1, replicationFactor: 1 }))).message).to.equal('UNAUTHORIZED: not authorized to create topic "mine"');
      expect((await refused(a.deleteTopic('orders'))).message).to.equal('UNAUTHORIZED: not authorized to delete topic "orders"');
      expect((await refused(a.alterTopicConfig({ name: '__consumer_offsets', set: { 'retention.ms': '1' } }))).message).to.equal(
        'UNAUTHORIZED: not authorized to alter-configs topic "__consumer_offsets"',
      );
      expect((await refused(a.upsertUser('alice', 'new-password'))).code).to.equal('UNAUTHORIZED');
      expect((await refused(a.createAcl(allow('alice', 'all', 'topic', '*')))).code).to.equal('UNAUTHORIZED');
      expect((await refused(a.listAcls())).code).to.equal('UNAUTHORIZED');
      // Listings show only what alice may describe (write implies describe).
      expect((await a.listTopics()).map((t) => t.name)).to.deep.equal(['orders']);
      expect((await a.metadata()).topics.map((t) => t.name)).to.deep.equal(['orders']);
      expect((await refused(a.describeTopic('secret'))).code).to.equal('UNAUTHORIZED');
    });

    const groups = alice.groupAdmin();
    closers.push(() => groups.close());
    expect((await refused(groups.describeGroup('shared'))).code).to.equal('UNAUTHORIZED');
    expect(await groups.listGroups()).to.deep.equal([]);
    // The broker kept serving throughout.
    expect((await admin(client('admin'), (a) => a.listTopics())).map((t) => t.name)).to.deep.equal(['orders', 'secret']);
  });

  it('lets the superuser (admin) do what alice may not', async () => {
    await admin(client('admin'), async (a) => {
      await a.createTopic({ name: 'admins-topic', partitions: 1, replicationFactor: 1 });
      await a.deleteTopic('admins-topic');
      expect((await a.listUsers()).map((u) => `${u.name}:${u.mechanisms.join('+')}`)).to.deep.equal([
        'admin:SCRAM-SHA-256',
        'alice:SCRAM-SHA-256',
        'bob:SCRAM-SHA-512',
        'carol:SCRAM-SHA-256',
      ]);
    });
  });

  it('runs a consumer group for a principal with read on the group and the topic', async () => {
    const errors: unknown[] = [];
    const member = client('bob', 'SCRAM-SHA-512').groupConsumer({ groupId: 'shared', sessionTimeoutMs: 10_000, autoCommitIntervalMs: 100 }, (err) => errors.push(err));
    closers.push(() => member.close());
    member.subscribe(['orders']);
    const seen: string[] = [];
    void member.run({ eachMessage: (message) => void seen.push(message.value?.toString() ?? '') });
    await waitFor('the group to deliver alice\'s record', () => (seen.includes('from-alice') ? true : undefined), 30_000);
    const groupsAdmin = client('admin').groupAdmin();
    closers.push(() => groupsAdmin.close());
    await waitFor('a commit', async () => ((await groupsAdmin.describeGroup('shared')).partitions.some((p) => p.committedOffset > 0) ? true : undefined), 30_000);
    await member.close();
    expect(errors).to.deep.equal([]);
  });

  it('refuses a heartbeat or commit for another principal\'s group member', async () => {
    const bobCluster = new Cluster(resolveClientOptions({ bootstrap: broker.address, security: { sasl: { mechanism: 'SCRAM-SHA-512', username: 'bob', password: PASSWORDS.bob } } }));
    const carolCluster = new Cluster(resolveClientOptions({ bootstrap: broker.address, security: { sasl: { mechanism: 'SCRAM-SHA-256', username: 'carol', password: PASSWORDS.carol } } }));
    closers.push(() => bobCluster.close(), () => carolCluster.close());
    const heartbeat = (cluster: Cluster, memberEpoch: number) =>
      unary<{ memberId: string; memberEpoch: number }>((cb) =>
        cluster.groups(broker.address).Heartbeat(
          { groupId: 'shared', memberId: 'member-of-bob', memberEpoch, subscribedTopics: ['orders'], sessionTimeoutMs: 30_000, maxPollIntervalMs: 300_000, clientId: 't' },
          cluster.deadline(),
          cb,
        ),
      );
    // The offsets topic may still be getting its leader: retry until the coordinator answers.
    const joined = await waitFor('bob to join', () => heartbeat(bobCluster, 0).catch((err: SluiceError) => (err.retriable ? undefined : Promise.reject(err))), 30_000);
    expect(joined.memberId).to.equal('member-of-bob');
    // carol may read the group, but not act as bob's member: leaving (epoch -1) or re-joining under its id.
    for (const epoch of [-1, 0, joined.memberEpoch]) {
      const error = await refused(heartbeat(carolCluster, epoch));
      expect([error.code, error.message]).to.deep.equal(['UNKNOWN_MEMBER', 'UNKNOWN_MEMBER: group shared has no member member-of-bob; join first']);
    }
    const commit = await refused(
      unary((cb) => carolCluster.groups(broker.address).CommitOffsets({ groupId: 'shared', memberId: 'member-of-bob', memberEpoch: joined.memberEpoch, offsets: [] }, carolCluster.deadline(), cb)),
    );
    expect(commit.code).to.equal('UNKNOWN_MEMBER');
    const groupsAdmin = client('admin').groupAdmin();
    closers.push(() => groupsAdmin.close());
    const members = await groupsAdmin.describeGroup('shared');
    expect(members.members.map((m) => m.memberId)).to.deep.equal(['member-of-bob']);
  });

  it('ends a session at its lifetime; the client authenticates again and carries on', async () => {
    // A token from a raw exchange stops working after the lifetime (3 s).
    const auth = new (brokerApi().Auth)(broker.address, grpc.credentials.createInsecure(), CHANNEL_OPTIONS);
    const rawAdmin = new (brokerApi().Admin)(broker.address, grpc.credentials.createInsecure(), CHANNEL_OPTIONS);
    closers.push(() => auth.close(), () => rawAdmin.close());
    const firstBare = clientFirstBare('admin', 'raw-nonce');
    const handshake = await unary<{ exchangeId: string; serverFirstMessage: string }>((cb) =>
      auth.SaslHandshake({ mechanism: 'SCRAM-SHA-256', clientFirstMessage: `n,,${firstBare}` }, cb),
    );
    const final = clientFinal('SCRAM-SHA-256', PASSWORDS.admin, firstBare, handshake.serverFirstMessage, parseServerFirst(handshake.serverFirstMessage)!);
    const session = await unary<{ sessionToken: string; sessionLifetimeMs: number }>((cb) =>
      auth.SaslAuthenticate({ exchangeId: handshake.exchangeId, clientFinalMessage: final.message }, cb),
    );
    expect(session.sessionLifetimeMs).to.equal(3000);
    const withToken = (): grpc.Metadata => {
      const metadata = new grpc.Metadata();
      metadata.set('authorization', `Bearer ${session.sessionToken}`);
      return metadata;
    };
    await unary((cb) => rawAdmin.ListTopics({}, withToken(), cb));
    const producer = client('alice').producer({ lingerMs: 0 });
    closers.push(() => producer.close());
    await producer.send({ topic: 'orders', records: [{ value: 'before-expiry' }] });
    const expired = await waitFor('the raw session to expire', () => unary((cb) => rawAdmin.ListTopics({}, withToken(), cb)).then(() => undefined, (err: SluiceError) => err), 15_000);
    expect(expired.code).to.equal('UNAUTHENTICATED');
    // The producer's stream was opened with a token that has expired too: it re-authenticates and its send succeeds.
    const [sent] = await producer.send({ topic: 'orders', records: [{ value: 'after-expiry' }] });
    expect(sent!.offset).to.be.a('number');
  });

  it('answers UNAUTHENTICATED to a forged token', async () => {
    const rawAdmin = new (brokerApi().Admin)(broker.address, grpc.credentials.createInsecure(), CHANNEL_OPTIONS);
    closers.push(() => rawAdmin.close());
    const metadata = new grpc.Metadata();
    metadata.set('authorization', 'Bearer forged');
    expect((await refused(unary((cb) => rawAdmin.ListTopics({}, metadata, cb)))).code).to.equal('UNAUTHENTICATED');
  });
});

function createClientFor(address: string, username: string, password: string): Sluice {
  return createClient({ bootstrap: address, retry: { retries: 1, maxBackoffMs: 100 }, security: { sasl: { mechanism: 'SCRAM-SHA-256', username, password } } });
}

describe('security: sluice user and acl commands', function () {
  this.timeout(120_000);
  let broker: BrokerProcess;

  before(async () => {
    broker = await BrokerProcess.start();
  });

  after(async () => {
    await broker?.cleanup();
  });

  it('creates, lists and deletes users and ACLs with --json, never printing a secret', async () => {
    const create = await runCli(['--json', 'user', 'create', 'alice', '--password', 'pw-alice', '--iterations', '4096'], broker.address);
    expect(create.code, create.stderr).to.equal(0);
    expect(JSON.parse(create.stdout)).to.deep.equal({ user: 'alice', mechanism: 'SCRAM-SHA-256' });
    const fromStdin = await runCli(['user', 'create', 'bob', '--mechanism', 'SCRAM-SHA-512', '--iterations', '4096'], broker.address, (stdin) => void stdin.end('pw-bob\n'));
    expect(fromStdin.code, fromStdin.stderr).to.equal(0);
    const list = await runCli(['--json', 'user', 'list'], broker.address);
    expect(JSON.parse(list.stdout)).to.deep.equal({ users: [{ name: 'alice', mechanisms: ['SCRAM-SHA-256'] }, { name: 'bob', mechanisms: ['SCRAM-SHA-512'] }] });
    expect(list.stdout).not.to.match(/pw-|salt|storedKey|serverKey/i);

    const add = await runCli(['--json', 'acl', 'add', '--allow', 'alice', '--operation', 'write', '--topic', 'orders-', '--prefixed'], broker.address);
    expect(add.code, add.stderr).to.equal(0);
    const expected = { principal: 'alice', permission: 'allow', operation: 'write', resourceType: 'topic', resourceName: 'orders-', patternType: 'prefixed', host: '*' };
    expect(JSON.parse(add.stdout)).to.deep.equal({ added: expected });
    const acls = await runCli(['--json', 'acl', 'list'], broker.address);
    expect(JSON.parse(acls.stdout)).to.deep.equal({ acls: [expected] });
    const remove = await runCli(['acl', 'remove', '--allow', 'alice', '--operation', 'write', '--topic', 'orders-', '--prefixed'], broker.address);
    expect(remove.code, remove.stderr).to.equal(0);
    expect(JSON.parse((await runCli(['--json', 'acl', 'list'], broker.address)).stdout)).to.deep.equal({ acls: [] });
    const again = await runCli(['acl', 'remove', '--allow', 'alice', '--operation', 'write', '--topic', 'orders-', '--prefixed'], broker.address);
    expect([again.code, again.stderr]).to.deep.equal([1, 'sluice: INVALID_REQUEST: no such ACL\n']);

    const usage = await runCli(['acl', 'add', '--allow', 'alice', '--operation', 'write', '--topic', 't', '--group', 'g'], broker.address);
    expect(usage.code).to.equal(2);
    const badOperation = await runCli(['acl', 'add', '--allow', 'alice', '--operation', 'fly', '--topic', 't'], broker.address);
    expect(badOperation.code).to.equal(2);

    const deleted = await runCli(['user', 'delete', 'alice'], broker.address);
    expect(deleted.code, deleted.stderr).to.equal(0);
    const gone = await runCli(['user', 'delete', 'alice'], broker.address);
    expect([gone.code, gone.stderr]).to.deep.equal([1, 'sluice: UNKNOWN_USER: user "alice" does not exist\n']);
    expect(JSON.parse((await runCli(['--json', 'user', 'list'], broker.address)).stdout).users.map((u: { name: string }) => u.name)).to.deep.equal(['bob']);
  });
});
