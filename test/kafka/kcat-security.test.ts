/**
 * SASL (SCRAM-SHA-256/512) and TLS on the Kafka listener, with the real kcat and `-F` client
 * properties as the secure cluster's brokers run it (TLS on every listener, authentication
 * required, ACLs): the same users, principals and ACLs as the gRPC API.
 */
import { expect } from 'chai';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createClient, type AclBinding } from '../../src/client/index.js';
import { BrokerProcess, freePort, waitFor } from '../helpers/broker-process.js';
import { ensureKcat, kcat, kcatMetadata, kcatOk } from '../helpers/kcat.js';
import { TestCertificates } from '../helpers/tls.js';

const PASSWORDS = { alice: 'alice-secret', bob: 'bob-secret' } as const;

function allow(principal: string, operation: AclBinding['operation'], resourceType: AclBinding['resourceType'], resourceName: string): AclBinding {
  return { principal, permission: 'allow', operation, resourceType, resourceName, patternType: 'literal', host: '*' };
}

describe('Kafka listener with SASL_SSL and SSL (kcat -F) on a secured broker process', function () {
  this.timeout(120_000);
  let broker: BrokerProcess | undefined;
  let certs: TestCertificates | undefined;
  let bootstrap = '';

  /** A librdkafka client properties file in the certificates' directory. */
  function properties(name: string, lines: string[]): string {
    const file = certs!.path(`${name}.properties`);
    writeFileSync(file, [`ssl.ca.location=${certs!.path('ca.pem')}`, ...lines].join('\n') + '\n');
    return file;
  }

  const scram = (user: string, password: string, mechanism = 'SCRAM-SHA-256'): string =>
    properties(`${user}-${mechanism}-${password.length}`, ['security.protocol=SASL_SSL', `sasl.mechanisms=${mechanism}`, `sasl.username=${user}`, `sasl.password=${password}`]);

  before(async () => {
    ensureKcat();
    certs = TestCertificates.make();
    // Users, ACLs and topics are set up while the broker is open, then it restarts secured.
    const open = await BrokerProcess.start();
    try {
      const admin = createClient({ bootstrap: open.address }).admin();
      await admin.upsertUser('alice', PASSWORDS.alice, 'SCRAM-SHA-256', 4096);
      await admin.upsertUser('bob', PASSWORDS.bob, 'SCRAM-SHA-512', 4096);
      for (const name of ['allowed', 'denied']) await admin.createTopic({ name, partitions: 1, replicationFactor: 1 });
      for (const operation of ['write', 'read', 'describe'] as const) await admin.createAcl(allow('alice', operation, 'topic', 'allowed'));
      await admin.createAcl(allow('alice', 'describe', 'topic', 'denied'));
      await admin.createAcl(allow('bob', 'describe', 'topic', 'allowed'));
      await admin.close();
      await open.stop();
      const kafkaPort = await freePort();
      broker = await BrokerProcess.start({
        dataDir: open.dataDir,
        ownsDataDir: true,
        args: [
          ...certs.brokerArgs(1),
          '--kafka-port', String(kafkaPort),
          '--kafka-listener-tls', 'true',
          '--authorization-enabled', 'true',
          '--authentication-required', 'true',
          '--super-users', 'admin',
        ],
      });
      bootstrap = `127.0.0.1:${kafkaPort}`;
    } catch (err) {
      await open.cleanup();
      throw err;
    }
  });

  after(async () => {
    await broker?.cleanup();
    certs?.cleanup();
  });

  it('SCRAM-SHA-256 over TLS: alice produces to and consumes from the topic her ACLs allow', async () => {
    const alice = scram('alice', PASSWORDS.alice);
    const values = Array.from({ length: 100 }, (_, i) => `secure-${i}`);
    await kcatOk(['-F', alice, '-b', bootstrap, '-t', 'allowed', '-P', '-z', 'zstd'], values.join('\n') + '\n');
    const consumed = (await kcatOk(['-F', alice, '-b', bootstrap, '-t', 'allowed', '-C', '-o', 'beginning', '-e', '-q'])).split('\n').filter(Boolean);
    expect(consumed).to.deep.equal(values);
    // Metadata lists only what she may describe.
    const listed = await kcatMetadata(['-F', alice, '-b', bootstrap]);
    expect(listed.topics.map((t) => t.topic).sort()).to.deep.equal(['allowed', 'denied']);
  });

  it('an ACL-denied topic answers TOPIC_AUTHORIZATION_FAILED', async () => {
    const alice = scram('alice', PASSWORDS.alice);
    const produced = await kcat(['-F', alice, '-b', bootstrap, '-t', 'denied', '-P', '-X', 'message.timeout.ms=5000'], 'nope\n');
    expect(produced.code).to.not.equal(0);
    expect(produced.stderr).to.match(/TOPIC_AUTHORIZATION_FAILED|Topic authorization failed/i);
    const consumed = await kcat(['-F', alice, '-b', bootstrap, '-t', 'denied', '-C', '-o', 'beginning', '-e'], '', 20_000);
    expect(consumed.stderr).to.match(/TOPIC_AUTHORIZATION_FAILED|Topic authorization failed/i);
  });

  it('SCRAM-SHA-512: bob may describe but not read; a wrong password and an unknown user are refused', async () => {
    const bob = scram('bob', PASSWORDS.bob, 'SCRAM-SHA-512');
    const listed = await kcatMetadata(['-F', bob, '-b', bootstrap]);
    expect(listed.topics.map((t) => t.topic)).to.deep.equal(['allowed']);
    for (const file of [scram('alice', 'wrong-password'), scram('mallory', 'whatever'), scram('bob', PASSWORDS.bob, 'SCRAM-SHA-256')]) {
      const refused = await kcat(['-F', file, '-b', bootstrap, '-L', '-m', '5']);
      expect(refused.code, file).to.not.equal(0);
      expect(refused.stderr, file).to.match(/Authentication failed|SASL authentication error/i);
    }
    expect(broker!.output).to.match(/SASL: .*authentication failed/);
  });

  it('SSL with the admin certificate: the superuser sees everything; without credentials a client is refused', async () => {
    const admin = join(certs!.dir, 'admin.properties');
    const listed = await kcatMetadata(['-F', admin, '-b', bootstrap]);
    expect(listed.topics.map((t) => t.topic).sort()).to.deep.equal(['allowed', 'denied']);
    const values = (await kcatOk(['-F', admin, '-b', bootstrap, '-t', 'allowed', '-C', '-o', 'beginning', '-e', '-q'])).split('\n').filter(Boolean);
    expect(values.length).to.be.at.least(100);
    const anonymous = properties('anonymous', ['security.protocol=SSL']);
    const refused = await kcat(['-F', anonymous, '-b', bootstrap, '-L', '-m', '5']);
    expect(refused.code).to.not.equal(0);
    await waitFor('the refusal in the broker log', () => (/before authenticating \(authentication.required=true\)/.test(broker!.output) ? true : undefined));
    // A plaintext client cannot talk to the TLS listener at all.
    const plaintext = await kcat(['-b', bootstrap, '-L', '-m', '5']);
    expect(plaintext.code).to.not.equal(0);
  });
});
