/**
 * The authorization decision, as Kafka's StandardAuthorizer makes it: superusers may do anything;
 * otherwise the ACLs whose pattern matches the resource decide. A matching deny wins over any
 * allow; an operation is allowed by an allow of itself, of `all`, or of an operation that implies
 * it (read, write, delete and alter imply describe; alter-configs implies describe-configs). When
 * no ACL at all matches the resource, the answer is `allowEveryoneIfNoAclFound`. Pure.
 */
import { WILDCARD, type AclBinding, type AclOperation, type Resource, type ResourceType } from './acl.js';

export interface AuthorizerSettings {
  superUsers: ReadonlySet<string>;
  allowEveryoneIfNoAclFound: boolean;
}

const IMPLIED_BY: Partial<Record<AclOperation, readonly AclOperation[]>> = {
  describe: ['describe', 'read', 'write', 'delete', 'alter'],
  'describe-configs': ['describe-configs', 'alter-configs'],
};

function patternMatches(acl: AclBinding, resource: Resource): boolean {
  if (acl.resourceType !== resource.type) return false;
  if (acl.patternType === 'prefixed') return resource.name.startsWith(acl.resourceName);
  return acl.resourceName === WILDCARD || acl.resourceName === resource.name;
}

function principalMatches(acl: AclBinding, principal: string): boolean {
  return acl.principal === WILDCARD || acl.principal === principal;
}

export function authorize(acls: readonly AclBinding[], settings: AuthorizerSettings, principal: string, operation: AclOperation, resource: Resource): boolean {
  if (settings.superUsers.has(principal)) return true;
  const matching = acls.filter((acl) => patternMatches(acl, resource));
  if (matching.length === 0) return settings.allowEveryoneIfNoAclFound;
  const mine = matching.filter((acl) => principalMatches(acl, principal));
  if (mine.some((acl) => acl.permission === 'deny' && (acl.operation === operation || acl.operation === 'all'))) return false;
  const allowing = IMPLIED_BY[operation] ?? [operation];
  return mine.some((acl) => acl.permission === 'allow' && (acl.operation === 'all' || allowing.includes(acl.operation)));
}

/**
 * Whether `principal` holds an allow of `operation` on some resource of `type` (Kafka lets an
 * idempotent producer in with write on any topic, not only with idempotent-write on the cluster).
 * Denies are not weighed here: each produce is still checked against its own topic.
 */
export function holdsAnyAllow(acls: readonly AclBinding[], settings: AuthorizerSettings, principal: string, operation: AclOperation, type: ResourceType): boolean {
  if (settings.superUsers.has(principal)) return true;
  return acls.some(
    (acl) => acl.resourceType === type && acl.permission === 'allow' && principalMatches(acl, principal) && (acl.operation === operation || acl.operation === 'all'),
  );
}
