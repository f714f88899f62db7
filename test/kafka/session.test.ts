/**
 * A Kafka connection's SASL state (KafkaSession) over a real SaslServer on a virtual clock: the
 * order Kafka requires, the principal a SCRAM exchange yields, and what closes the connection.
 */
import { expect } from 'chai';
import { VirtualClock } from '../../src/runtime/virtual-clock.js';
import { SaslServer } from '../../src/security/sasl-server.js';
import { clientFinal, clientFirstBare, makeCredential, parseServerFirst, storeCredential, type ScramMechanism } from '../../src/security/scram.js';
import { ANONYMOUS, type Principal } from '../../src/security/principal.js';
import { KafkaSession } from '../../src/kafka/session.js';
import { KafkaError } from '../../src/kafka/errors.js';
import type { Access } from '../../src/broker/access-rules.js';

const credential = storeCredential(makeCredential('SCRAM-SHA-256', 'alice-secret', 4096));

function session(options: { authenticationRequired?: boolean; certificateName?: string } = {}) {
  const clock = new VirtualClock(0);
  let userExists = true;
  const sasl = new SaslServer({
    clock,
    mechanisms: new Set<ScramMechanism>(['SCRAM-SHA-256']),
    sessionLifetimeMs: 60_000,
    failedAttemptDelayMs: 100,
    credential: (user, mechanism) => (userExists && user === 'alice' && mechanism === 'SCRAM-SHA-256' ? credential : undefined),
  });
  const granted: Principal[] = [];
  const access = (principal: Principal): Access => {
    granted.push(principal);
    const allowed = (): boolean => principal.name === 'alice';
    return { allowed, require: () => undefined, holdsAny: allowed };
  };
  const kafka = new KafkaSession({ sasl, mechanisms: ['SCRAM-SHA-256'], access, authenticationRequired: options.authenticationRequired ?? false, certificateName: options.certificateName });
  return { kafka, clock, granted, deleteUser: () => (userExists = false) };
}

/** Both SaslAuthenticate rounds as a client; resolves with the second answer. */
async function scram(kafka: KafkaSession, clock: VirtualClock, password: string) {
  const firstBare = clientFirstBare('alice', 'clientnonce');
  const first = await kafka.authenticate(Buffer.from(`n,,${firstBare}`));
  expect(first.errorCode).to.equal(KafkaError.NONE);
  const serverFirst = first.authBytes.toString();
  const final = clientFinal('SCRAM-SHA-256', password, firstBare, serverFirst, parseServerFirst(serverFirst)!);
  const [answer] = await Promise.all([kafka.authenticate(Buffer.from(final.message)), clock.run(clock.nowMs() + 1_000)]);
  return answer;
}

describe('kafka session (SASL on one connection)', () => {
  it('starts as ANONYMOUS, or as the verified certificate\'s CN', () => {
    expect(session().kafka.principal).to.equal(ANONYMOUS);
    expect(session({ certificateName: 'admin' }).kafka.principal).to.deep.equal({ name: 'admin' });
  });

  it('a SCRAM exchange makes the connection the user\'s, and access follows', async () => {
    const { kafka, clock } = session({ authenticationRequired: true });
    expect(() => kafka.admit('Metadata')).to.throw(/before authenticating/);
    expect(kafka.access.allowed('read', { type: 'topic', name: 't' })).to.equal(false);
    expect(kafka.handshake('SCRAM-SHA-256')).to.deep.equal({ errorCode: KafkaError.NONE, mechanisms: ['SCRAM-SHA-256'] });
    const answer = await scram(kafka, clock, 'alice-secret');
    expect(answer.errorCode).to.equal(KafkaError.NONE);
    expect(answer.authBytes.toString()).to.match(/^v=/);
    expect(answer.sessionLifetimeMs).to.equal(60_000);
    expect(kafka.principal).to.deep.equal({ name: 'alice' });
    expect(kafka.access.allowed('read', { type: 'topic', name: 't' })).to.equal(true);
    kafka.admit('Metadata');
    expect(kafka.closeReason).to.equal(undefined);
  });

  it('a wrong password is answered SASL_AUTHENTICATION_FAILED and closes the connection', async () => {
    const { kafka, clock } = session();
    kafka.handshake('SCRAM-SHA-256');
    const answer = await scram(kafka, clock, 'wrong');
    expect(answer.errorCode).to.equal(KafkaError.SASL_AUTHENTICATION_FAILED);
    expect(kafka.closeReason).to.match(/authentication failed/);
    expect(kafka.principal).to.equal(ANONYMOUS);
  });

  it('refuses what Kafka refuses: an unknown mechanism, SaslAuthenticate without a handshake, other requests mid-exchange', async () => {
    const { kafka } = session();
    expect(kafka.handshake('PLAIN')).to.deep.equal({ errorCode: KafkaError.UNSUPPORTED_SASL_MECHANISM, mechanisms: ['SCRAM-SHA-256'] });
    const early = await kafka.authenticate(Buffer.from('n,,n=alice,r=x'));
    expect(early.errorCode).to.equal(KafkaError.ILLEGAL_SASL_STATE);
    expect(kafka.closeReason).to.match(/without a SaslHandshake/);
    const other = session().kafka;
    other.handshake('SCRAM-SHA-256');
    expect(() => other.admit('Produce')).to.throw(/in the middle of a SASL exchange/);
  });

  it('a deleted user\'s connection is closed at its next request', async () => {
    const { kafka, clock, deleteUser } = session();
    kafka.handshake('SCRAM-SHA-256');
    expect((await scram(kafka, clock, 'alice-secret')).errorCode).to.equal(KafkaError.NONE);
    deleteUser();
    expect(() => kafka.admit('Fetch')).to.throw(/session expired/);
  });
});
