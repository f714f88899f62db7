import { expect } from 'chai';
import * as grpc from '@grpc/grpc-js';
import { ACCESS_RULES } from '../../src/broker/access-rules.js';
import { SecurityGate, type SecuritySettings } from '../../src/broker/security-gate.js';
import { SluiceError } from '../../src/protocol/errors.js';
import { brokerApi, groupsApi } from '../../src/protocol/grpc.js';
import { VirtualClock } from '../../src/runtime/virtual-clock.js';
import type { AclBinding } from '../../src/security/acl.js';
import { bindSessionPrincipal, principalOf } from '../../src/security/principal.js';

const SETTINGS: SecuritySettings = {
  authorizationEnabled: true,
  authenticationRequired: false,
  superUsers: new Set(['root']),
  allowEveryoneIfNoAclFound: false,
  saslMechanisms: new Set(['SCRAM-SHA-256']),
  sessionLifetimeMs: 60_000,
  failedAuthenticationDelayMs: 0,
};

function gate(acls: AclBinding[], settings: SecuritySettings = SETTINGS): SecurityGate {
  return new SecurityGate(settings, { acls: () => acls, credential: () => undefined }, new VirtualClock());
}

/** A unary server call as the gate sees it, for a principal bound the way a session binds it. */
function unaryCall(request: unknown, principal?: string): grpc.ServerUnaryCall<unknown, unknown> {
  const call = { request, metadata: new grpc.Metadata() } as unknown as grpc.ServerUnaryCall<unknown, unknown>;
  if (principal !== undefined) bindSessionPrincipal(call, { name: principal });
  return call;
}

describe('broker/access-rules and the security gate', () => {
  it('has a rule for every method of every service on the client listener', () => {
    const services = [brokerApi().Broker.service, brokerApi().Admin.service, groupsApi().Groups.service];
    const paths = services.flatMap((service) => Object.values(service).map((method) => method.path));
    expect(paths.filter((path) => ACCESS_RULES[path] === undefined)).to.deep.equal([]);
  });

  it('filters a topic listing and refuses a named topic the caller may not describe', () => {
    const acls: AclBinding[] = [{ principal: 'alice', permission: 'allow', operation: 'write', resourceType: 'topic', resourceName: 'orders', patternType: 'literal', host: '*' }];
    const access = gate(acls).access({ name: 'alice' });
    const rule = ACCESS_RULES['/sluice.v1.Broker/Metadata']!;
    rule.check({ topics: ['orders'] }, access);
    expect(() => rule.check({ topics: ['orders', 'secret'] }, access)).to.throw(SluiceError, 'UNAUTHORIZED: not authorized to describe topic "secret"');
    expect(rule.filter!({ brokers: [], topics: [{ name: 'orders' }, { name: 'secret' }] }, access)).to.deep.equal({ brokers: [], topics: [{ name: 'orders' }] });
    expect(() => ACCESS_RULES['/sluice.v1.Broker/InitProducerId']!.check({}, gate([]).access({ name: 'alice' }))).to.throw(SluiceError, /idempotent-write cluster/);
    ACCESS_RULES['/sluice.v1.Broker/InitProducerId']!.check({}, access);
  });

  it('truncates long resource names in refusals', () => {
    const name = 'x'.repeat(10_000);
    expect(() => ACCESS_RULES['/sluice.v1.Broker/Produce']!.check({ topic: name }, gate([]).access({ name: 'alice' })))
      .to.throw(SluiceError)
      .with.property('message')
      .that.has.length.below(150);
  });

  it('wraps handlers: refuses before the handler runs, filters answers, lets superusers through', () => {
    const registered: Record<string, grpc.UntypedHandleCall> = {};
    let ran = 0;
    const implementation: grpc.UntypedServiceImplementation = {
      ListTopics: ((_call: unknown, callback: grpc.sendUnaryData<unknown>) => {
        ran++;
        callback(null, { topics: [{ name: 'orders' }, { name: 'secret' }] });
      }) as grpc.UntypedHandleCall,
      DeleteTopic: ((_call: unknown, callback: grpc.sendUnaryData<unknown>) => {
        ran++;
        callback(null, {});
      }) as grpc.UntypedHandleCall,
    };
    const acls: AclBinding[] = [{ principal: 'alice', permission: 'allow', operation: 'read', resourceType: 'topic', resourceName: 'orders', patternType: 'literal', host: '*' }];
    const refusals: string[] = [];
    gate(acls)
      .wrap({ addService: (_service, impl) => Object.assign(registered, impl) }, (method, error) => refusals.push(`${method} ${error.code}`))
      .addService(brokerApi().Admin.service, implementation);
    const invoke = (method: string, request: unknown, principal?: string): Promise<{ err: Partial<grpc.ServiceError> | null; value: unknown }> =>
      new Promise((resolve) => (registered[method] as grpc.handleUnaryCall<unknown, unknown>)(unaryCall(request, principal), (err, value) => resolve({ err: err as Partial<grpc.ServiceError> | null, value })));
    return (async () => {
      const denied = await invoke('DeleteTopic', { name: 'orders' }, 'alice');
      expect([denied.err?.code, denied.err?.details]).to.deep.equal([grpc.status.PERMISSION_DENIED, 'UNAUTHORIZED: not authorized to delete topic "orders"']);
      expect(ran).to.equal(0);
      expect((await invoke('ListTopics', {}, 'alice')).value).to.deep.equal({ topics: [{ name: 'orders' }] });
      expect((await invoke('ListTopics', {})).value).to.deep.equal({ topics: [] });
      expect((await invoke('DeleteTopic', { name: 'orders' }, 'root')).err).to.equal(null);
      expect(ran).to.equal(3);
      expect(refusals).to.deep.equal(['DeleteTopic UNAUTHORIZED']);
    })();
  });

  it('binds a session principal to its call only', () => {
    const call = unaryCall({}, 'alice');
    expect(principalOf(call).name).to.equal('alice');
    expect(principalOf(unaryCall({})).name).to.equal('ANONYMOUS');
  });
});
