/**
 * The console on a broker that requires authentication and checks ACLs: a login runs SCRAM with
 * the user's credentials and the console then acts as that principal, so it shows and does only
 * what the user's ACLs allow; ANONYMOUS gets nothing.
 */
import { expect } from 'chai';
import { createClient, type AclBinding } from '../../src/client/index.js';
import type { BrowseView, HistoryView, SessionView, TopicSummaryView } from '../../src/console/views.js';
import { BrokerProcess } from '../helpers/broker-process.js';
import { ConsoleApi } from '../helpers/console-api.js';
import { TestCertificates } from '../helpers/tls.js';

function allow(principal: string, operation: AclBinding['operation'], resourceType: AclBinding['resourceType'], resourceName: string): AclBinding {
  return { principal, permission: 'allow', operation, resourceType, resourceName, patternType: 'literal', host: '*' };
}

describe('console with SCRAM logins and ACLs', function () {
  this.timeout(120_000);
  let broker: BrokerProcess;
  let api: ConsoleApi;

  /** Logs in and returns an API handle carrying the session cookie. */
  async function login(username: string, password: string): Promise<ConsoleApi> {
    const answer = await api.call<{ principal: string }>('POST', '/session', { username, password, mechanism: 'SCRAM-SHA-256' });
    expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
    const cookie = answer.headers.get('set-cookie')!;
    expect(cookie).to.match(/HttpOnly/).and.to.match(/SameSite=Strict/);
    return new ConsoleApi(broker.httpPort, { cookie: cookie.split(';')[0]! });
  }

  before(async () => {
    // Users, topics and ACLs are set up while the broker is open, then it restarts secured.
    const open = await BrokerProcess.start();
    try {
      const admin = createClient({ bootstrap: open.address }).admin();
      await admin.upsertUser('admin', 'admin-secret', 'SCRAM-SHA-256', 4096);
      await admin.upsertUser('alice', 'alice-secret', 'SCRAM-SHA-256', 4096);
      await admin.createTopic({ name: 'visible', partitions: 1, replicationFactor: 1 });
      await admin.createTopic({ name: 'secret', partitions: 1, replicationFactor: 1 });
      await admin.createAcl(allow('alice', 'read', 'topic', 'visible'));
      await admin.close();
      await open.stop();
      broker = await BrokerProcess.start({
        dataDir: open.dataDir,
        ownsDataDir: true,
        args: ['--authorization-enabled', 'true', '--authentication-required', 'true', '--super-users', 'admin', '--console-history-interval-ms', '200'],
      });
    } catch (err) {
      await open.cleanup();
      throw err;
    }
    api = new ConsoleApi(broker.httpPort);
  });

  after(async () => {
    await broker?.cleanup();
  });

  it('suggests a login and refuses ANONYMOUS as the broker does', async () => {
    const session = await api.ok<SessionView>('GET', '/session');
    expect(session).to.include({ principal: 'ANONYMOUS', loginSuggested: true });
    const topics = await api.call<{ code: string }>('GET', '/topics');
    expect([topics.status, topics.body.code]).to.deep.equal([401, 'UNAUTHENTICATED']);
    const wrong = await api.call<{ code: string }>('POST', '/session', { username: 'alice', password: 'guess' });
    expect([wrong.status, wrong.body.code]).to.deep.equal([401, 'SASL_AUTHENTICATION_FAILED']);
  });

  it('acts as the logged-in user: alice sees and reads only what her ACLs allow', async () => {
    const alice = await login('alice', 'alice-secret');
    expect((await alice.ok<SessionView>('GET', '/session')).principal).to.equal('alice');
    expect((await alice.ok<TopicSummaryView[]>('GET', '/topics')).map((t) => t.name)).to.deep.equal(['visible']);
    expect((await alice.ok<BrowseView>('GET', '/topics/visible/messages')).records).to.deep.equal([]);
    const secret = await alice.call<{ code: string }>('GET', '/topics/secret/messages');
    expect([secret.status, secret.body.code]).to.deep.equal([403, 'UNAUTHORIZED']);
    const create = await alice.call<{ code: string }>('POST', '/topics', { name: 'mine', partitions: 1 });
    expect([create.status, create.body.code]).to.deep.equal([403, 'UNAUTHORIZED']);
    const write = await alice.call<{ code: string }>('POST', '/topics/visible/messages', { value: 'x' });
    expect(write.status).to.equal(403);
    // The history holds only what alice may describe, and no cluster-wide totals.
    const history = await alice.ok<HistoryView>('GET', '/history');
    expect(Object.keys(history.topicRates).every((name) => name === 'visible')).to.equal(true);
    expect(history.points).to.deep.equal([]);
    await alice.ok('DELETE', '/session');
    expect((await alice.ok<SessionView>('GET', '/session')).principal).to.equal('ANONYMOUS');
  });

  it('lets a superuser do everything', async () => {
    const admin = await login('admin', 'admin-secret');
    expect((await admin.ok<TopicSummaryView[]>('GET', '/topics')).map((t) => t.name)).to.include.members(['secret', 'visible']);
    await admin.ok('POST', '/topics', { name: 'made-by-admin', partitions: 1, replicationFactor: 1 }, 201);
    await admin.ok('POST', '/topics/secret/messages', { key: 'k', value: 'classified' }, 201);
    expect((await admin.ok<BrowseView>('GET', '/topics/secret/messages')).records.map((r) => r.value)).to.deep.equal(['classified']);
  });
});

describe('console on a broker whose client listener runs TLS', function () {
  this.timeout(60_000);
  let certificates: TestCertificates;
  let broker: BrokerProcess;

  before(async () => {
    certificates = TestCertificates.make();
    broker = await BrokerProcess.start({ args: certificates.brokerArgs(1) });
  });

  after(async () => {
    await broker?.cleanup();
    certificates?.cleanup();
  });

  it('connects with the broker\'s CA and works as on a plaintext listener', async () => {
    const api = new ConsoleApi(broker.httpPort);
    await api.ok('POST', '/topics', { name: 'over-tls', partitions: 1, replicationFactor: 1 }, 201);
    await api.ok('POST', '/topics/over-tls/messages', { key: 'k', value: 'sealed' }, 201);
    expect((await api.ok<BrowseView>('GET', '/topics/over-tls/messages')).records.map((r) => r.value)).to.deep.equal(['sealed']);
  });
});
