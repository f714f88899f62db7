/**
 * One Kafka connection's identity: who it acts for, and its SASL exchange. A connection starts as
 * the name of its verified TLS client certificate, or ANONYMOUS; SaslHandshake and two
 * SaslAuthenticate rounds of SCRAM (the broker's SaslServer, shared with gRPC's Auth service: the
 * same users, sessions and failed-attempt delay) make it the user's. Kafka's rules:
 * - while an exchange is under way, only ApiVersions and SaslAuthenticate may come;
 * - with authentication.required, an ANONYMOUS connection may send nothing but ApiVersions and SASL;
 * - a failed exchange is answered, then the connection is closed;
 * - an authenticated connection may authenticate again (KIP-368); once its session expires or its
 *   user is deleted, its next request closes it (the client reconnects and authenticates again).
 */
import type { Access } from '../broker/access-rules.js';
import { SluiceError } from '../protocol/errors.js';
import { ANONYMOUS, type Principal } from '../security/principal.js';
import type { SaslServer } from '../security/sasl-server.js';
import { KafkaError } from './errors.js';
import type { SaslAuthenticateResponse } from './api/sasl-authenticate.js';
import type { SaslHandshakeResponse } from './api/sasl-handshake.js';

export class KafkaAuthenticationError extends Error {
  override name = 'KafkaAuthenticationError';
}

export interface KafkaSessionOptions {
  /** The broker's SCRAM exchanges and sessions; absent: SASL is not served. */
  sasl?: SaslServer;
  /** Enabled mechanisms, as SaslHandshake lists them. */
  mechanisms: readonly string[];
  /** A principal's rights (the security gate's). */
  access(principal: Principal): Access;
  authenticationRequired: boolean;
  /** The CN of the connection's CA-verified TLS client certificate. */
  certificateName?: string;
}

type SaslStage = { step: 'idle' } | { step: 'handshaken'; mechanism: string } | { step: 'first-sent'; exchangeId: string };

const NO_BYTES = Buffer.alloc(0);

export class KafkaSession {
  principal: Principal;
  /** Set when the connection must close once the current answer is written. */
  closeReason: string | undefined;
  /** The connection's rights, following its principal as it authenticates. */
  readonly access: Access;
  private stage: SaslStage = { step: 'idle' };
  private token: string | undefined;
  private principalAccess: Access;

  constructor(private readonly options: KafkaSessionOptions) {
    this.principal = options.certificateName !== undefined ? { name: options.certificateName } : ANONYMOUS;
    this.principalAccess = options.access(this.principal);
    this.access = {
      allowed: (operation, resource) => this.principalAccess.allowed(operation, resource),
      require: (operation, resource) => this.principalAccess.require(operation, resource),
      holdsAny: (operation, type) => this.principalAccess.holdsAny(operation, type),
    };
  }

  /** Before any request but ApiVersions and the SASL ones; throws KafkaAuthenticationError (the connection closes). */
  admit(apiName: string): void {
    if (this.stage.step !== 'idle') throw new KafkaAuthenticationError(`${apiName} in the middle of a SASL exchange`);
    if (this.token !== undefined) {
      try {
        this.options.sasl!.principalOf(this.token);
      } catch (err) {
        throw new KafkaAuthenticationError(err instanceof Error ? err.message : String(err));
      }
    }
    if (this.options.authenticationRequired && this.principal === ANONYMOUS) {
      throw new KafkaAuthenticationError(`${apiName} before authenticating (authentication.required=true): use SASL (SCRAM) or a client certificate`);
    }
  }

  /** SaslAuthenticate must come next, for `mechanism`. */
  handshake(mechanism: string): SaslHandshakeResponse {
    const mechanisms = this.options.sasl === undefined ? [] : this.options.mechanisms;
    if (this.stage.step === 'first-sent') {
      this.closeReason = 'SaslHandshake in the middle of a SASL exchange';
      return { errorCode: KafkaError.ILLEGAL_SASL_STATE, mechanisms };
    }
    if (!mechanisms.includes(mechanism)) {
      this.stage = { step: 'idle' };
      return { errorCode: KafkaError.UNSUPPORTED_SASL_MECHANISM, mechanisms };
    }
    this.stage = { step: 'handshaken', mechanism };
    return { errorCode: KafkaError.NONE, mechanisms };
  }

  /** One SCRAM round: client-first → server-first, then client-final → server-final (and the principal). */
  async authenticate(authBytes: Buffer): Promise<SaslAuthenticateResponse> {
    const sasl = this.options.sasl;
    const stage = this.stage;
    const refuse = (errorCode: number, message: string): SaslAuthenticateResponse => {
      this.stage = { step: 'idle' };
      this.closeReason = `SASL: ${message}`;
      return { errorCode, errorMessage: message, authBytes: NO_BYTES, sessionLifetimeMs: 0 };
    };
    if (sasl === undefined || stage.step === 'idle') return refuse(KafkaError.ILLEGAL_SASL_STATE, 'SaslAuthenticate without a SaslHandshake first');
    try {
      if (stage.step === 'handshaken') {
        const { exchangeId, serverFirstMessage } = sasl.handshake(stage.mechanism, authBytes.toString('utf8'));
        this.stage = { step: 'first-sent', exchangeId };
        return { errorCode: KafkaError.NONE, errorMessage: null, authBytes: Buffer.from(serverFirstMessage, 'utf8'), sessionLifetimeMs: 0 };
      }
      const done = await sasl.authenticate(stage.exchangeId, authBytes.toString('utf8'));
      this.stage = { step: 'idle' };
      this.token = done.sessionToken;
      this.principal = sasl.principalOf(done.sessionToken);
      this.principalAccess = this.options.access(this.principal);
      return { errorCode: KafkaError.NONE, errorMessage: null, authBytes: Buffer.from(done.serverFinalMessage, 'utf8'), sessionLifetimeMs: done.sessionLifetimeMs };
    } catch (err) {
      if (!(err instanceof SluiceError)) throw err;
      return refuse(KafkaError.SASL_AUTHENTICATION_FAILED, err.message);
    }
  }
}
