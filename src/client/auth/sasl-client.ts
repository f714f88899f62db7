/**
 * The client's side of SCRAM: authenticates once per broker address (SaslHandshake, then
 * SaslAuthenticate, checking the broker's own proof), keeps the session token, and adds it as
 * `authorization: Bearer <token>` metadata to every call through a grpc-js interceptor. A token is
 * renewed before its lifetime ends, and dropped when a broker answers UNAUTHENTICATED (expired,
 * restarted broker), so the retry authenticates again. Producer, Consumer, GroupConsumer, Admin
 * and the CLI get this from the Cluster without knowing of it.
 */
import * as grpc from '@grpc/grpc-js';
import { fromServiceError, SluiceError } from '../../protocol/errors.js';
import type { AuthClient } from '../../protocol/generated/sluice/v1/Auth.js';
import type { SaslHandshakeResponse__Output } from '../../protocol/generated/sluice/v1/SaslHandshakeResponse.js';
import type { SaslAuthenticateResponse__Output } from '../../protocol/generated/sluice/v1/SaslAuthenticateResponse.js';
import type { Clock } from '../../runtime/clock.js';
import {
  SCRAM_ITERATIONS_MIN,
  clientFinal,
  clientFirstBare,
  newNonce,
  parseServerFirst,
  verifyServerFinal,
  type ScramMechanism,
} from '../../security/scram.js';

/** The `sasl` part of the client security settings (librdkafka's sasl.mechanism / username / password). */
export interface SaslCredentials {
  mechanism: ScramMechanism;
  username: string;
  password: string;
}

/** A token is renewed once this share of its lifetime has passed. */
const RENEW_AT_LIFETIME_SHARE = 0.9;

interface Session {
  token: string;
  renewAtMs: number;
}

export interface SaslClientOptions {
  credentials: SaslCredentials;
  clock: Clock;
  requestTimeoutMs: number;
  /** The Auth service stub of a broker address (no interceptor of its own). */
  authClient(address: string): AuthClient;
}

function call<T>(invoke: (callback: grpc.requestCallback<T>) => unknown): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    invoke((err, value) => (err || value === undefined ? reject(err ?? new SluiceError('INTERNAL', 'empty response')) : resolve(value)));
  });
}

export class SaslClient {
  private readonly sessions = new Map<string, Promise<Session>>();

  constructor(private readonly options: SaslClientOptions) {}

  /** The session token for `address`, authenticating first when there is none or it is due for renewal. */
  async token(address: string): Promise<string> {
    let session = this.sessions.get(address);
    if (session !== undefined) {
      const current = await session.catch(() => undefined);
      if (current !== undefined && current.renewAtMs > this.options.clock.nowMs()) return current.token;
      if (this.sessions.get(address) === session) this.sessions.delete(address);
    }
    session = this.sessions.get(address);
    if (session === undefined) {
      session = this.authenticate(address);
      this.sessions.set(address, session);
      // A failed authentication is not kept: the next call tries again.
      session.catch(() => {
        if (this.sessions.get(address) === session) this.sessions.delete(address);
      });
    }
    return (await session).token;
  }

  /** The broker refused `token` (UNAUTHENTICATED): the next call authenticates again. */
  invalidate(address: string, token: string): void {
    const session = this.sessions.get(address);
    void session?.then((current) => {
      if (current.token === token && this.sessions.get(address) === session) this.sessions.delete(address);
    }, () => undefined);
  }

  /** Adds this client's token for `address` to every call made through a stub. */
  interceptor(address: string): grpc.Interceptor {
    return (options, nextCall) => {
      let sentToken: string | undefined;
      return new grpc.InterceptingCall(nextCall(options), {
        start: (metadata, listener, next) => {
          this.token(address).then(
            (token) => {
              sentToken = token;
              metadata.set('authorization', `Bearer ${token}`);
              next(metadata, {
                onReceiveStatus: (status, nextStatus) => {
                  if (status.code === grpc.status.UNAUTHENTICATED && sentToken !== undefined) this.invalidate(address, sentToken);
                  nextStatus(status);
                },
              });
            },
            (err: unknown) => {
              // The call never starts: it fails with why authentication did.
              const error = fromServiceError(err);
              const serviceError = error.toServiceError();
              listener.onReceiveStatus({ code: serviceError.code ?? grpc.status.UNAUTHENTICATED, details: serviceError.details ?? error.message, metadata: serviceError.metadata ?? new grpc.Metadata() });
            },
          );
        },
      });
    };
  }

  private async authenticate(address: string): Promise<Session> {
    const { credentials, clock } = this.options;
    const stub = this.options.authClient(address);
    const deadline = (): grpc.CallOptions => ({ deadline: clock.nowMs() + this.options.requestTimeoutMs });
    const clientNonce = newNonce();
    const firstBare = clientFirstBare(credentials.username, clientNonce);
    const handshake = await call<SaslHandshakeResponse__Output>((cb) =>
      stub.SaslHandshake({ mechanism: credentials.mechanism, clientFirstMessage: `n,,${firstBare}` }, deadline(), cb),
    ).catch((err: unknown) => {
      throw fromServiceError(err);
    });
    const serverFirst = parseServerFirst(handshake.serverFirstMessage);
    // A server nonce must extend ours; too few iterations would be a downgrade by whoever answers.
    if (serverFirst === undefined || !serverFirst.nonce.startsWith(clientNonce) || serverFirst.nonce.length === clientNonce.length) {
      throw new SluiceError('SASL_AUTHENTICATION_FAILED', `malformed server-first-message from ${address}`);
    }
    if (serverFirst.iterations < SCRAM_ITERATIONS_MIN) {
      throw new SluiceError('SASL_AUTHENTICATION_FAILED', `${address} asked for ${serverFirst.iterations} iterations, fewer than ${SCRAM_ITERATIONS_MIN}`);
    }
    const final = clientFinal(credentials.mechanism, credentials.password, firstBare, handshake.serverFirstMessage, serverFirst);
    const answer = await call<SaslAuthenticateResponse__Output>((cb) =>
      stub.SaslAuthenticate({ exchangeId: handshake.exchangeId, clientFinalMessage: final.message }, deadline(), cb),
    ).catch((err: unknown) => {
      throw fromServiceError(err);
    });
    if (!verifyServerFinal(answer.serverFinalMessage, final.expectedServerSignature)) {
      throw new SluiceError('SASL_AUTHENTICATION_FAILED', `${address} did not prove it knows the credential`);
    }
    return { token: answer.sessionToken, renewAtMs: clock.nowMs() + answer.sessionLifetimeMs * RENEW_AT_LIFETIME_SHARE };
  }
}
