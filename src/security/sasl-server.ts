/**
 * The broker's side of SCRAM authentication and the sessions it grants. Exchanges (between the two
 * steps) and sessions live in memory, bounded in number and time: a token is valid on the broker
 * that issued it only, until its lifetime ends or the user is deleted.
 *
 * An unknown user is not told apart from a wrong password: the handshake answers with a salt
 * derived from the name and a server secret (stable per name, as a real one would be) and the
 * exchange fails at its second step like a wrong proof, after the same failed-attempt delay.
 */
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { SluiceError } from '../protocol/errors.js';
import { sleep, type Clock } from '../runtime/clock.js';
import {
  SCRAM_ITERATIONS_DEFAULT,
  loadCredential,
  newNonce,
  parseClientFirst,
  serverFirstMessage,
  verifyClientFinal,
  type ScramCredential,
  type ScramMechanism,
  type StoredScramCredential,
} from './scram.js';
import type { Principal } from './principal.js';

/** Pending exchanges (first step done, second not yet) one broker keeps at most. */
export const SASL_EXCHANGES_MAX = 10_000;
/** How long the second step may come after the first. */
export const SASL_EXCHANGE_TTL_MS = 10_000;
/** Sessions one broker keeps at most; the oldest go first. */
export const SASL_SESSIONS_MAX = 100_000;

export interface SaslServerOptions {
  clock: Clock;
  /** Enabled mechanisms (`sasl.enabled.mechanisms`). */
  mechanisms: ReadonlySet<ScramMechanism>;
  sessionLifetimeMs: number;
  /** Added before a refused exchange is answered (`connection.failed.authentication.delay.ms`). */
  failedAttemptDelayMs: number;
  /** The credential of `user` for `mechanism` in the current metadata image. */
  credential(user: string, mechanism: ScramMechanism): StoredScramCredential | undefined;
}

interface Exchange {
  user: string;
  mechanism: ScramMechanism;
  credential: ScramCredential | undefined;
  clientFirstBare: string;
  serverFirst: string;
  nonce: string;
  expiresAtMs: number;
}

interface Session {
  principal: Principal;
  mechanism: ScramMechanism;
  expiresAtMs: number;
}

const failed = (): SluiceError => new SluiceError('SASL_AUTHENTICATION_FAILED', 'authentication failed');

export class SaslServer {
  private readonly exchanges = new Map<string, Exchange>();
  private readonly sessions = new Map<string, Session>();
  /** Salts of users that do not exist come from this, so they look like real ones. */
  private readonly fakeSaltKey = randomBytes(32);

  constructor(private readonly options: SaslServerOptions) {}

  /** Step one: client-first-message in, server-first-message out. */
  handshake(mechanismName: string, clientFirstMessage: string): { exchangeId: string; serverFirstMessage: string } {
    const mechanism = [...this.options.mechanisms].find((m) => m === mechanismName);
    if (mechanism === undefined) {
      throw new SluiceError('SASL_AUTHENTICATION_FAILED', `mechanism not enabled; enabled: ${[...this.options.mechanisms].join(', ') || 'none'}`);
    }
    const first = parseClientFirst(clientFirstMessage);
    if (first === undefined) throw new SluiceError('SASL_AUTHENTICATION_FAILED', 'malformed client-first-message');
    const nowMs = this.options.clock.nowMs();
    this.expire(nowMs);
    if (this.exchanges.size >= SASL_EXCHANGES_MAX) throw new SluiceError('UNAUTHENTICATED', 'too many authentications in progress; retry');
    const stored = this.options.credential(first.username, mechanism);
    const credential = stored === undefined ? undefined : loadCredential(mechanism, stored);
    const salt = credential?.salt ?? createHmac('sha256', this.fakeSaltKey).update(`${mechanism}\0${first.username}`).digest().subarray(0, 24);
    const nonce = first.clientNonce + newNonce();
    const serverFirst = serverFirstMessage(nonce, salt, credential?.iterations ?? SCRAM_ITERATIONS_DEFAULT);
    const exchangeId = randomUUID();
    this.exchanges.set(exchangeId, {
      user: first.username,
      mechanism,
      credential,
      clientFirstBare: first.bare,
      serverFirst,
      nonce,
      expiresAtMs: nowMs + SASL_EXCHANGE_TTL_MS,
    });
    return { exchangeId, serverFirstMessage: serverFirst };
  }

  /** Step two: client-final-message in; the server's proof and a session token out, or a generic refusal after the delay. */
  async authenticate(exchangeId: string, clientFinalMessage: string): Promise<{ serverFinalMessage: string; sessionToken: string; sessionLifetimeMs: number }> {
    const exchange = this.exchanges.get(exchangeId);
    // One attempt per exchange: a second try must start over (and pay the delay again).
    this.exchanges.delete(exchangeId);
    const nowMs = this.options.clock.nowMs();
    const serverFinal =
      exchange !== undefined && exchange.credential !== undefined && exchange.expiresAtMs >= nowMs
        ? verifyClientFinal(exchange.credential, exchange.clientFirstBare, exchange.serverFirst, exchange.nonce, clientFinalMessage)
        : undefined;
    if (exchange === undefined || serverFinal === undefined) {
      await sleep(this.options.clock, this.options.failedAttemptDelayMs);
      throw failed();
    }
    this.expire(nowMs);
    while (this.sessions.size >= SASL_SESSIONS_MAX) this.sessions.delete(this.sessions.keys().next().value!);
    const sessionToken = randomBytes(32).toString('base64url');
    this.sessions.set(sessionToken, { principal: { name: exchange.user }, mechanism: exchange.mechanism, expiresAtMs: nowMs + this.options.sessionLifetimeMs });
    return { serverFinalMessage: serverFinal, sessionToken, sessionLifetimeMs: this.options.sessionLifetimeMs };
  }

  /**
   * The principal a bearer token stands for. UNAUTHENTICATED when the token is unknown here
   * (another broker's, or from before a restart), expired, or its user's credential is gone.
   */
  principalOf(token: string): Principal {
    const session = this.sessions.get(token);
    if (session === undefined) throw new SluiceError('UNAUTHENTICATED', 'unknown session; authenticate again');
    if (session.expiresAtMs < this.options.clock.nowMs() || this.options.credential(session.principal.name, session.mechanism) === undefined) {
      this.sessions.delete(token);
      throw new SluiceError('UNAUTHENTICATED', 'session expired; authenticate again');
    }
    return session.principal;
  }

  private expire(nowMs: number): void {
    for (const [id, exchange] of this.exchanges) if (exchange.expiresAtMs < nowMs) this.exchanges.delete(id);
    // Sessions are in issue order with one lifetime, so the expired ones are at the front.
    for (const [token, session] of this.sessions) {
      if (session.expiresAtMs >= nowMs) break;
      this.sessions.delete(token);
    }
  }
}
