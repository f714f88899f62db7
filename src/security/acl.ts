/**
 * Kafka-style access control entries: who (principal or `*`), allow or deny, which operation, on
 * which resources (a topic, a group or the cluster; a literal name, `*`, or a name prefix), from
 * which host (`*` only: hosts are not checked). Pure values and their validation.
 */
export const ACL_OPERATIONS = [
  'all',
  'read',
  'write',
  'create',
  'delete',
  'alter',
  'describe',
  'describe-configs',
  'alter-configs',
  'idempotent-write',
  // Inter-broker calls (the controller service); brokers hold it, clients never need it.
  'cluster-action',
] as const;
export type AclOperation = (typeof ACL_OPERATIONS)[number];

export const RESOURCE_TYPES = ['topic', 'group', 'cluster'] as const;
export type ResourceType = (typeof RESOURCE_TYPES)[number];

export const PATTERN_TYPES = ['literal', 'prefixed'] as const;
export type PatternType = (typeof PATTERN_TYPES)[number];

export type AclPermission = 'allow' | 'deny';

/** The one name the cluster resource has (as Kafka's `kafka-cluster`). */
export const CLUSTER_RESOURCE = 'sluice-cluster';
/** A literal resource name or principal that matches every one. */
export const WILDCARD = '*';

export interface AclBinding {
  /** A user name, or `*` for every principal (ANONYMOUS included). */
  principal: string;
  permission: AclPermission;
  operation: AclOperation;
  resourceType: ResourceType;
  resourceName: string;
  patternType: PatternType;
  host: string;
}

export interface Resource {
  type: ResourceType;
  name: string;
}

export function isAclOperation(value: string): value is AclOperation {
  return (ACL_OPERATIONS as readonly string[]).includes(value);
}

/** Longest principal or resource name an ACL may hold (a topic name is at most 249). */
export const ACL_NAME_MAX = 255;

/** Why `binding` cannot be stored, or undefined when it can. */
export function aclProblem(binding: AclBinding): string | undefined {
  if (binding.permission !== 'allow' && binding.permission !== 'deny') return 'permission must be allow or deny';
  if (!isAclOperation(binding.operation)) return `unknown operation; one of ${ACL_OPERATIONS.join(', ')}`;
  if (!(RESOURCE_TYPES as readonly string[]).includes(binding.resourceType)) return `unknown resource type; one of ${RESOURCE_TYPES.join(', ')}`;
  if (!(PATTERN_TYPES as readonly string[]).includes(binding.patternType)) return 'pattern type must be literal or prefixed';
  if (binding.principal.length === 0 || binding.principal.length > ACL_NAME_MAX) return `principal must be 1-${ACL_NAME_MAX} characters`;
  if (binding.resourceName.length === 0 || binding.resourceName.length > ACL_NAME_MAX) return `resource name must be 1-${ACL_NAME_MAX} characters`;
  if (binding.host !== WILDCARD) return 'host must be * (hosts are not checked)';
  if (binding.resourceType === 'cluster' && (binding.resourceName !== CLUSTER_RESOURCE || binding.patternType !== 'literal')) {
    return `the cluster resource is the literal ${CLUSTER_RESOURCE}`;
  }
  if (binding.patternType === 'prefixed' && binding.resourceName === WILDCARD) return 'a prefixed pattern cannot be *';
  return undefined;
}

export function sameAcl(a: AclBinding, b: AclBinding): boolean {
  return (
    a.principal === b.principal &&
    a.permission === b.permission &&
    a.operation === b.operation &&
    a.resourceType === b.resourceType &&
    a.resourceName === b.resourceName &&
    a.patternType === b.patternType &&
    a.host === b.host
  );
}
