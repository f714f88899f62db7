/**
 * Authentication and authorization around every handler of the client listener. `wrap` turns a
 * ServiceRegistry into one that registers each handler behind the gate: the call's principal is
 * established first (a SCRAM session token in `authorization: Bearer <token>` metadata, else a
 * verified client certificate, else ANONYMOUS), then ACCESS_RULES decides; unary calls once,
 * request streams (ProduceStream, FetchStream) once per message. With both authentication and
 * authorization off (`make run`, the simulator) nothing is wrapped.
 */
import type * as grpc from '@grpc/grpc-js';
import { SluiceError } from '../protocol/errors.js';
import type { AuthHandlers } from '../protocol/generated/sluice/v1/Auth.js';
import type { Clock } from '../runtime/clock.js';
import type { AclBinding, AclOperation, Resource, ResourceType } from '../security/acl.js';
import { authorize, holdsAnyAllow, type AuthorizerSettings } from '../security/authorizer.js';
import { ANONYMOUS, bindSessionPrincipal, principalOf, type Principal } from '../security/principal.js';
import { SaslServer } from '../security/sasl-server.js';
import type { ScramMechanism, StoredScramCredential } from '../security/scram.js';
import { ACCESS_RULES, unauthorized, type Access, type MethodRule } from './access-rules.js';
import type { ServiceRegistry } from './services.js';
import { unary, type ServiceOptions } from './service.js';

export interface SecuritySettings {
  authorizationEnabled: boolean;
  /** Calls without a session or a verified certificate (ANONYMOUS) are refused UNAUTHENTICATED. */
  authenticationRequired: boolean;
  superUsers: ReadonlySet<string>;
  allowEveryoneIfNoAclFound: boolean;
  saslMechanisms: ReadonlySet<ScramMechanism>;
  sessionLifetimeMs: number;
  failedAuthenticationDelayMs: number;
}

/** What the gate reads of the cluster metadata (the current image's users and ACLs). */
export interface SecurityMetadata {
  acls(): readonly AclBinding[];
  credential(user: string, mechanism: ScramMechanism): StoredScramCredential | undefined;
}

const BEARER = 'Bearer ';
/** Cached authorization decisions at most; the cache starts over when full. */
const DECISIONS_MAX = 10_000;

function bearerToken(call: GatedCall): string | undefined {
  const header = call.metadata.get('authorization')[0];
  return typeof header === 'string' && header.startsWith(BEARER) ? header.slice(BEARER.length) : undefined;
}

/** A server call as the gate sees it: grpc-js's, or the simulator's. */
interface GatedCall {
  metadata: grpc.Metadata;
  getAuthContext?: grpc.ServerUnaryCall<unknown, unknown>['getAuthContext'];
}

export class SecurityGate {
  readonly sasl: SaslServer;
  private readonly authorizer: AuthorizerSettings;
  private readonly decisions = new Map<string, boolean>();
  private decisionsFor: readonly AclBinding[] | undefined;

  constructor(
    private readonly settings: SecuritySettings,
    private readonly metadata: SecurityMetadata,
    clock: Clock,
  ) {
    this.authorizer = { superUsers: settings.superUsers, allowEveryoneIfNoAclFound: settings.allowEveryoneIfNoAclFound };
    this.sasl = new SaslServer({
      clock,
      mechanisms: settings.saslMechanisms,
      sessionLifetimeMs: settings.sessionLifetimeMs,
      failedAttemptDelayMs: settings.failedAuthenticationDelayMs,
      credential: (user, mechanism) => metadata.credential(user, mechanism),
    });
  }

  /** Whether anything is checked at all; when not, services are registered unwrapped. */
  get active(): boolean {
    return this.settings.authorizationEnabled || this.settings.authenticationRequired || this.settings.saslMechanisms.size > 0;
  }

  /**
   * The registry every client service goes through: each handler behind authentication and its
   * rule. `onRefused`: a call or stream message the gate answered itself (for the request metrics).
   */
  wrap(registry: ServiceRegistry, onRefused?: (method: string, error: SluiceError) => void): ServiceRegistry {
    const refused = onRefused ?? (() => undefined);
    return {
      addService: (service, implementation) => {
        const wrapped: grpc.UntypedServiceImplementation = {};
        for (const [name, method] of Object.entries(service)) {
          const handler = implementation[name];
          if (handler === undefined) continue;
          const rule = ACCESS_RULES[method.path];
          const onRefusal = (error: SluiceError): void => refused(name, error);
          if (!method.requestStream && !method.responseStream) {
            wrapped[name] = this.unary(method.path, rule, handler as grpc.handleUnaryCall<unknown, unknown>, onRefusal);
          } else if (method.requestStream && method.responseStream) {
            wrapped[name] = this.bidi(method.path, rule, handler as grpc.handleBidiStreamingCall<{ correlationId: number }, unknown>, onRefusal);
          } else {
            throw new Error(`security gate: no wrapping for the streaming kind of ${method.path}`);
          }
        }
        registry.addService(service, wrapped);
      },
    };
  }

  /** The Auth service: SCRAM in two steps, open to everyone (it is how one stops being ANONYMOUS). */
  authHandlers(options: ServiceOptions): AuthHandlers {
    return {
      SaslHandshake: unary('SaslHandshake', options, (request) => this.sasl.handshake(request.mechanism, request.clientFirstMessage)),
      SaslAuthenticate: unary('SaslAuthenticate', options, (request) => this.sasl.authenticate(request.exchangeId, request.clientFinalMessage)),
    };
  }

  /** The caller's principal; throws UNAUTHENTICATED for a bad or expired token, or when authentication is required and none was given. */
  authenticate(call: GatedCall): Principal {
    const token = bearerToken(call);
    if (token !== undefined) {
      const principal = this.sasl.principalOf(token);
      bindSessionPrincipal(call, principal);
      return principal;
    }
    const principal = principalOf(call);
    if (this.settings.authenticationRequired && principal === ANONYMOUS) {
      throw new SluiceError('UNAUTHENTICATED', 'authentication required: SASL/SCRAM or a client certificate');
    }
    return principal;
  }

  /** The caller's rights; everything is allowed while authorization is off. */
  access(principal: Principal): Access {
    const enabled = this.settings.authorizationEnabled;
    const allowed = (operation: AclOperation, resource: Resource): boolean => !enabled || this.decide(principal.name, operation, resource);
    return {
      allowed,
      require: (operation, resource) => {
        if (!allowed(operation, resource)) throw unauthorized(operation, resource);
      },
      holdsAny: (operation: AclOperation, type: ResourceType) => !enabled || holdsAnyAllow(this.metadata.acls(), this.authorizer, principal.name, operation, type),
    };
  }

  /** authorize(), remembered per principal, operation and resource until the ACLs change (produce and fetch ask per message). */
  private decide(principal: string, operation: AclOperation, resource: Resource): boolean {
    const acls = this.metadata.acls();
    if (acls !== this.decisionsFor || this.decisions.size >= DECISIONS_MAX) {
      this.decisions.clear();
      this.decisionsFor = acls;
    }
    const key = `${principal}\0${operation}\0${resource.type}\0${resource.name}`;
    let decision = this.decisions.get(key);
    if (decision === undefined) {
      decision = authorize(acls, this.authorizer, principal, operation, resource);
      this.decisions.set(key, decision);
    }
    return decision;
  }

  /** Checks `request` against the method's rule; nothing to check while authorization is off. */
  private check(path: string, rule: MethodRule | undefined, access: Access, request: unknown): void {
    if (!this.settings.authorizationEnabled) return;
    if (rule === undefined) throw new SluiceError('UNAUTHORIZED', `no access rule for ${path}`);
    rule.check(request, access);
  }

  private unary(
    path: string,
    rule: MethodRule | undefined,
    handler: grpc.handleUnaryCall<unknown, unknown>,
    onRefusal: (error: SluiceError) => void,
  ): grpc.handleUnaryCall<unknown, unknown> {
    return (call, callback) => {
      let access: Access;
      try {
        access = this.access(this.authenticate(call));
        this.check(path, rule, access, call.request);
      } catch (err) {
        const error = asSluiceError(err);
        onRefusal(error);
        return callback(error.toServiceError());
      }
      const filter = rule?.filter;
      if (filter === undefined || !this.settings.authorizationEnabled) return handler(call, callback);
      handler(call, (err, value, trailer, flags) => (err ? callback(err, value, trailer, flags) : callback(null, filter(value, access), trailer, flags)));
    };
  }

  /**
   * A request stream: authenticated when it opens, and every message is authorized (and its
   * session checked) before the handler sees it. A refused message is answered with its error on
   * the stream, which stays open; an expired session ends the stream UNAUTHENTICATED, so the
   * client opens a new one after authenticating again.
   */
  private bidi(
    path: string,
    rule: MethodRule | undefined,
    handler: grpc.handleBidiStreamingCall<{ correlationId: number }, unknown>,
    onRefusal: (error: SluiceError) => void,
  ): grpc.handleBidiStreamingCall<{ correlationId: number }, unknown> {
    return (call) => {
      // The principal is established once per stream (a certificate does not change on it); a
      // session token is looked up again per message, since the session may end meanwhile. Nothing
      // is allocated per message.
      let access: Access;
      const token = bearerToken(call);
      try {
        access = this.access(this.authenticate(call));
      } catch (err) {
        const error = asSluiceError(err);
        onRefusal(error);
        call.emit('error', error.toServiceError());
        return;
      }
      // The handler registers its 'data' listener through `on`; every message passes the check first.
      const on = call.on.bind(call) as (event: string, listener: (...args: unknown[]) => void) => typeof call;
      const gatedOn = (event: string, listener: (...args: unknown[]) => void): typeof call => {
        if (event !== 'data') return on(event, listener);
        return on('data', (request) => {
          const message = request as { correlationId: number };
          try {
            if (token !== undefined) this.sasl.principalOf(token);
            this.check(path, rule, access, message);
          } catch (err) {
            const error = asSluiceError(err);
            onRefusal(error);
            if (error.code === 'UNAUTHENTICATED') call.emit('error', error.toServiceError());
            else call.write({ correlationId: message.correlationId, error: error.toResponseError() });
            return;
          }
          listener(request);
        });
      };
      call.on = gatedOn as typeof call.on;
      handler(call);
    };
  }
}

function asSluiceError(err: unknown): SluiceError {
  return err instanceof SluiceError ? err : new SluiceError('INTERNAL', err instanceof Error ? err.message : String(err));
}
