import { expect } from 'chai';
import { createHash, createHmac, pbkdf2Sync } from 'node:crypto';
import { SluiceError } from '../../src/protocol/errors.js';
import { VirtualClock } from '../../src/runtime/virtual-clock.js';
import { SaslServer } from '../../src/security/sasl-server.js';
import {
  clientFinal,
  clientFirstBare,
  makeCredential,
  parseClientFirst,
  parseServerFirst,
  storeCredential,
  verifyClientFinal,
  verifyServerFinal,
  type ScramMechanism,
  type StoredScramCredential,
} from '../../src/security/scram.js';

/** One whole exchange against a SaslServer, as the client does it; resolves with the token. */
async function login(server: SaslServer, clock: VirtualClock, mechanism: ScramMechanism, user: string, password: string): Promise<string> {
  const nonce = 'fyko+d2lbbFgONRv9qkxdawL';
  const firstBare = clientFirstBare(user, nonce);
  const { exchangeId, serverFirstMessage } = server.handshake(mechanism, `n,,${firstBare}`);
  const serverFirst = parseServerFirst(serverFirstMessage)!;
  expect(serverFirst.nonce.startsWith(nonce)).to.equal(true);
  const final = clientFinal(mechanism, password, firstBare, serverFirstMessage, serverFirst);
  // A refusal waits out the failed-attempt delay on the clock.
  const [result] = await Promise.all([server.authenticate(exchangeId, final.message), clock.run(clock.nowMs() + 1_000)]);
  expect(verifyServerFinal(result.serverFinalMessage, final.expectedServerSignature)).to.equal(true);
  return result.sessionToken;
}

async function refusal(promise: Promise<unknown>, clock: VirtualClock): Promise<SluiceError> {
  const [error] = await Promise.all([
    promise.then(
      () => {
        throw new Error('expected a refusal');
      },
      (err: unknown) => err as SluiceError,
    ),
    clock.run(clock.nowMs() + 1_000),
  ]);
  return error;
}

describe('security/scram', () => {
  it('derives RFC 7677 test vector keys (SCRAM-SHA-256, user/pencil)', () => {
    // RFC 7677 section 3: salt W22ZaJ0SNY7soEsUEjb6gQ==, 4096 iterations; the example's proof and server signature.
    const salt = Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64');
    const credential = makeCredential('SCRAM-SHA-256', 'pencil', 4096, salt);
    const firstBare = 'n=user,r=rOprNGfwEbeRWgbNEkqO';
    const serverFirstText = 'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096';
    const final = clientFinal('SCRAM-SHA-256', 'pencil', firstBare, serverFirstText, parseServerFirst(serverFirstText)!);
    expect(final.message).to.equal('c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=');
    const serverFinal = verifyClientFinal(credential, firstBare, serverFirstText, 'rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0', final.message);
    expect(serverFinal).to.equal('v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=');
  });

  it("accepts librdkafka's final nonce (its own nonce in front of ours), as Kafka does, and no nonce that does not end with ours", () => {
    const credential = makeCredential('SCRAM-SHA-256', 'pencil', 4096, Buffer.alloc(16, 1));
    const firstBare = 'n=user,r=client';
    const serverFirstText = `r=clientSERVER,s=${Buffer.alloc(16, 1).toString('base64')},i=4096`;
    const asLibrdkafka = clientFinal('SCRAM-SHA-256', 'pencil', firstBare, serverFirstText, { ...parseServerFirst(serverFirstText)!, nonce: 'clientclientSERVER' });
    expect(verifyClientFinal(credential, firstBare, serverFirstText, 'clientSERVER', asLibrdkafka.message)).to.match(/^v=/);
    const otherNonce = clientFinal('SCRAM-SHA-256', 'pencil', firstBare, serverFirstText, { ...parseServerFirst(serverFirstText)!, nonce: 'clientSERVERx' });
    expect(verifyClientFinal(credential, firstBare, serverFirstText, 'clientSERVER', otherNonce.message)).to.equal(undefined);
  });

  it('stores no password-equivalent: StoredKey is H(ClientKey), not the salted password', () => {
    const salt = Buffer.alloc(24, 7);
    const credential = makeCredential('SCRAM-SHA-512', 'secret', 4096, salt);
    const salted = pbkdf2Sync('secret', salt, 4096, 64, 'sha512');
    const clientKey = createHmac('sha512', salted).update('Client Key').digest();
    expect(credential.storedKey.equals(createHash('sha512').update(clientKey).digest())).to.equal(true);
    expect(credential.storedKey.equals(salted)).to.equal(false);
    expect(JSON.stringify(storeCredential(credential))).not.to.contain('secret');
  });

  it('refuses fewer than 4096 iterations', () => {
    expect(() => makeCredential('SCRAM-SHA-256', 'x', 4095)).to.throw(RangeError);
  });

  it('parses and rejects client-first messages', () => {
    expect(parseClientFirst('n,,n=us=2Cer,r=abc')).to.deep.equal({ username: 'us,er', clientNonce: 'abc', bare: 'n=us=2Cer,r=abc' });
    for (const bad of ['y,,n=u,r=a', 'n,a=x,n=u,r=a', 'n,,n=u', 'n,,r=a,n=u,n=v', 'n,,n=u=ZZ,r=a', 'n,,n=u,r=a,b', 'n,,n=,r=a', '']) {
      expect(parseClientFirst(bad), bad).to.equal(undefined);
    }
  });

  describe('SaslServer', () => {
    let clock: VirtualClock;
    let users: Record<string, Partial<Record<ScramMechanism, StoredScramCredential>>>;
    let server: SaslServer;

    beforeEach(() => {
      clock = new VirtualClock();
      users = {
        alice: {
          'SCRAM-SHA-256': storeCredential(makeCredential('SCRAM-SHA-256', 'alice-secret', 4096)),
          'SCRAM-SHA-512': storeCredential(makeCredential('SCRAM-SHA-512', 'alice-512', 4096)),
        },
      };
      server = new SaslServer({
        clock,
        mechanisms: new Set<ScramMechanism>(['SCRAM-SHA-256', 'SCRAM-SHA-512']),
        sessionLifetimeMs: 60_000,
        failedAttemptDelayMs: 100,
        credential: (user, mechanism) => users[user]?.[mechanism],
      });
    });

    it('grants a session for the right password with either mechanism', async () => {
      for (const [mechanism, password] of [['SCRAM-SHA-256', 'alice-secret'], ['SCRAM-SHA-512', 'alice-512']] as const) {
        const token = await login(server, clock, mechanism, 'alice', password);
        expect(server.principalOf(token)).to.deep.equal({ name: 'alice' });
      }
    });

    it('refuses a wrong password and an unknown user alike, after the delay', async () => {
      const failures: SluiceError[] = [];
      for (const [user, password] of [['alice', 'wrong'], ['mallory', 'anything']]) {
        const startedAt = clock.nowMs();
        failures.push(await login(server, clock, 'SCRAM-SHA-256', user, password).then(() => expect.fail('logged in'), (err: SluiceError) => err));
        expect(clock.nowMs() - startedAt).to.be.at.least(100);
      }
      expect(failures.map((e) => [e.code, e.message])).to.deep.equal([
        ['SASL_AUTHENTICATION_FAILED', 'SASL_AUTHENTICATION_FAILED: authentication failed'],
        ['SASL_AUTHENTICATION_FAILED', 'SASL_AUTHENTICATION_FAILED: authentication failed'],
      ]);
    });

    it('answers an unknown user with a stable salt, as for a real user', () => {
      const salt = (): string => parseServerFirst(server.handshake('SCRAM-SHA-256', 'n,,n=mallory,r=abc').serverFirstMessage)!.salt.toString('base64');
      expect(salt()).to.equal(salt());
    });

    it('allows one attempt per exchange and refuses a replayed final message', async () => {
      const firstBare = clientFirstBare('alice', 'nonce1');
      const { exchangeId, serverFirstMessage } = server.handshake('SCRAM-SHA-256', `n,,${firstBare}`);
      const final = clientFinal('SCRAM-SHA-256', 'alice-secret', firstBare, serverFirstMessage, parseServerFirst(serverFirstMessage)!);
      const first = server.authenticate(exchangeId, final.message);
      await clock.run(clock.nowMs() + 10);
      await first;
      const replay = await refusal(server.authenticate(exchangeId, final.message), clock);
      expect(replay.code).to.equal('SASL_AUTHENTICATION_FAILED');
    });

    it('ends sessions at their lifetime and when the user is deleted', async () => {
      const token = await login(server, clock, 'SCRAM-SHA-256', 'alice', 'alice-secret');
      await clock.run(clock.nowMs() + 59_000);
      expect(server.principalOf(token).name).to.equal('alice');
      await clock.run(clock.nowMs() + 2_000);
      expect(() => server.principalOf(token)).to.throw(SluiceError, /UNAUTHENTICATED/);
      const again = await login(server, clock, 'SCRAM-SHA-256', 'alice', 'alice-secret');
      delete users.alice;
      expect(() => server.principalOf(again)).to.throw(SluiceError, /UNAUTHENTICATED/);
      expect(() => server.principalOf('forged')).to.throw(SluiceError, /UNAUTHENTICATED/);
    });

    it('refuses a mechanism that is not enabled and a malformed first message', () => {
      const only256 = new SaslServer({ clock, mechanisms: new Set<ScramMechanism>(['SCRAM-SHA-256']), sessionLifetimeMs: 1000, failedAttemptDelayMs: 0, credential: () => undefined });
      expect(() => only256.handshake('SCRAM-SHA-512', 'n,,n=a,r=b')).to.throw(SluiceError, /SASL_AUTHENTICATION_FAILED: mechanism not enabled/);
      expect(() => only256.handshake('PLAIN', 'n,,n=a,r=b')).to.throw(SluiceError, /mechanism not enabled/);
      expect(() => only256.handshake('SCRAM-SHA-256', 'garbage')).to.throw(SluiceError, /malformed/);
    });
  });
});
