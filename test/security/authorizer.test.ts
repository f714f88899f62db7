import { expect } from 'chai';
import fc from 'fast-check';
import { ACL_OPERATIONS, CLUSTER_RESOURCE, aclProblem, type AclBinding, type AclOperation, type Resource } from '../../src/security/acl.js';
import { authorize, holdsAnyAllow, type AuthorizerSettings } from '../../src/security/authorizer.js';

const SEED = Number(process.env.SEED ?? Date.now() % 1_000_000);
const RUNS = { seed: SEED, numRuns: 300 };

const open: AuthorizerSettings = { superUsers: new Set(), allowEveryoneIfNoAclFound: false };

function acl(partial: Partial<AclBinding>): AclBinding {
  return { principal: 'alice', permission: 'allow', operation: 'read', resourceType: 'topic', resourceName: 'orders', patternType: 'literal', host: '*', ...partial };
}

const topic = (name: string): Resource => ({ type: 'topic', name });

const principals = fc.constantFrom('alice', 'bob', '*');
const names = fc.constantFrom('orders', 'ord', 'orders-eu', 'payments', '*', 'o');
const arbitraryAcl = fc.record<AclBinding>({
  principal: principals,
  permission: fc.constantFrom('allow', 'deny'),
  operation: fc.constantFrom(...ACL_OPERATIONS),
  resourceType: fc.constantFrom('topic', 'group'),
  resourceName: names,
  patternType: fc.constantFrom('literal', 'prefixed'),
  host: fc.constant('*'),
});
const operation = fc.constantFrom<AclOperation>(...ACL_OPERATIONS);
const resource = fc.record<Resource>({ type: fc.constantFrom('topic', 'group'), name: fc.constantFrom('orders', 'orders-eu', 'payments', 'ord', 'x') });

describe('security/authorizer', () => {
  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.error(`authorizer properties seed: SEED=${SEED}`);
  });

  it('allows what a literal allow names, and nothing else', () => {
    const acls = [acl({})];
    expect(authorize(acls, open, 'alice', 'read', topic('orders'))).to.equal(true);
    expect(authorize(acls, open, 'alice', 'write', topic('orders'))).to.equal(false);
    expect(authorize(acls, open, 'bob', 'read', topic('orders'))).to.equal(false);
    // An ACL exists for orders, so allow.everyone.if.no.acl.found does not apply to it.
    expect(authorize(acls, { ...open, allowEveryoneIfNoAclFound: true }, 'bob', 'read', topic('orders'))).to.equal(false);
  });

  it('decides a resource without any ACL by allow.everyone.if.no.acl.found', () => {
    const acls = [acl({})];
    expect(authorize(acls, open, 'alice', 'read', topic('payments'))).to.equal(false);
    expect(authorize(acls, { ...open, allowEveryoneIfNoAclFound: true }, 'alice', 'read', topic('payments'))).to.equal(true);
  });

  it('implies describe from read, write, delete and alter, and describe-configs from alter-configs', () => {
    for (const op of ['read', 'write', 'delete', 'alter'] as const) {
      expect(authorize([acl({ operation: op })], open, 'alice', 'describe', topic('orders')), op).to.equal(true);
    }
    expect(authorize([acl({ operation: 'create' })], open, 'alice', 'describe', topic('orders'))).to.equal(false);
    expect(authorize([acl({ operation: 'alter-configs' })], open, 'alice', 'describe-configs', topic('orders'))).to.equal(true);
    // Implication works for allows only: a deny of write does not deny describe.
    expect(authorize([acl({ operation: 'read' }), acl({ operation: 'write', permission: 'deny' })], open, 'alice', 'describe', topic('orders'))).to.equal(true);
  });

  it('matches prefixed patterns by name prefix and * literally to every name', () => {
    const acls = [acl({ resourceName: 'orders-', patternType: 'prefixed' }), acl({ principal: 'bob', resourceName: '*' })];
    expect(authorize(acls, open, 'alice', 'read', topic('orders-eu'))).to.equal(true);
    expect(authorize(acls, open, 'alice', 'read', topic('orders'))).to.equal(false);
    expect(authorize(acls, open, 'bob', 'read', topic('anything'))).to.equal(true);
  });

  it('property: a matching deny wins over any allow', () => {
    fc.assert(
      fc.property(fc.array(arbitraryAcl, { maxLength: 12 }), principals.filter((p) => p !== '*'), operation, resource, (acls, who, op, res) => {
        const deny = acl({ principal: who, permission: 'deny', operation: op, resourceType: res.type, resourceName: res.name });
        expect(authorize([...acls, deny], { ...open, allowEveryoneIfNoAclFound: true }, who, op, res)).to.equal(false);
        const denyAll = acl({ principal: '*', permission: 'deny', operation: 'all', resourceType: res.type, resourceName: res.name.slice(0, 1), patternType: 'prefixed' });
        expect(authorize([...acls, denyAll], open, who, op, res)).to.equal(false);
      }),
      RUNS,
    );
  });

  it('property: superusers are allowed everything, whatever the ACLs', () => {
    fc.assert(
      fc.property(fc.array(arbitraryAcl, { maxLength: 12 }), operation, resource, (acls, op, res) => {
        const withDeny = [...acls, acl({ principal: 'root', permission: 'deny', operation: 'all', resourceType: res.type, resourceName: res.name })];
        expect(authorize(withDeny, { ...open, superUsers: new Set(['root']) }, 'root', op, res)).to.equal(true);
      }),
      RUNS,
    );
  });

  it('property: a prefixed allow matches exactly the names that start with it', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 6 }), fc.string({ maxLength: 10 }), (prefix, name) => {
        const allowed = authorize([acl({ resourceName: prefix, patternType: 'prefixed' })], open, 'alice', 'read', topic(name));
        expect(allowed).to.equal(name.startsWith(prefix));
      }),
      RUNS,
    );
  });

  it('property: adding an allow never takes a right away; adding a deny never grants one', () => {
    fc.assert(
      fc.property(fc.array(arbitraryAcl, { maxLength: 10 }), arbitraryAcl, principals.filter((p) => p !== '*'), operation, resource, (acls, extra, who, op, res) => {
        const before = authorize(acls, open, who, op, res);
        const after = authorize([...acls, extra], open, who, op, res);
        if (extra.permission === 'allow' && before) expect(after).to.equal(true);
        if (extra.permission === 'deny' && !before) expect(after).to.equal(false);
      }),
      RUNS,
    );
  });

  it('holdsAnyAllow finds a write allow on some topic (idempotent producers)', () => {
    expect(holdsAnyAllow([acl({ operation: 'write' })], open, 'alice', 'write', 'topic')).to.equal(true);
    expect(holdsAnyAllow([acl({ operation: 'read' })], open, 'alice', 'write', 'topic')).to.equal(false);
    expect(holdsAnyAllow([acl({ operation: 'write', resourceType: 'group' })], open, 'alice', 'write', 'topic')).to.equal(false);
  });

  it('validates bindings before they are stored', () => {
    expect(aclProblem(acl({}))).to.equal(undefined);
    expect(aclProblem(acl({ operation: 'fly' as AclOperation }))).to.match(/unknown operation/);
    expect(aclProblem(acl({ host: '10.0.0.1' }))).to.match(/host/);
    expect(aclProblem(acl({ resourceType: 'cluster', resourceName: 'other' }))).to.match(/cluster/);
    expect(aclProblem(acl({ resourceType: 'cluster', resourceName: CLUSTER_RESOURCE }))).to.equal(undefined);
    expect(aclProblem(acl({ resourceName: 'x'.repeat(256) }))).to.match(/resource name/);
    expect(aclProblem(acl({ resourceName: '*', patternType: 'prefixed' }))).to.match(/prefixed/);
  });
});
