/** Users' credentials and ACLs between their wire messages and the metadata log's records (a wire credential is stored with storeCredential). */
import type { AclBinding as WireAcl, AclBinding__Output as WireAclOutput } from '../protocol/generated/sluice/v1/AclBinding.js';
import type { ScramCredential as WireCredential } from '../protocol/generated/sluice/v1/ScramCredential.js';
import { loadCredential, type ScramMechanism, type StoredScramCredential } from './scram.js';
import type { AclBinding, AclOperation, AclPermission, PatternType, ResourceType } from './acl.js';

export function credentialToWire(mechanism: ScramMechanism, stored: StoredScramCredential): WireCredential {
  return { ...loadCredential(mechanism, stored) };
}

/** The fields as sent; the controller validates them (aclProblem) before anything is stored. */
export function aclFromWire(wire: WireAclOutput): AclBinding {
  return {
    principal: wire.principal,
    permission: wire.permission as AclPermission,
    operation: wire.operation as AclOperation,
    resourceType: wire.resourceType as ResourceType,
    resourceName: wire.resourceName,
    patternType: wire.patternType as PatternType,
    host: wire.host,
  };
}

export function aclToWire(acl: AclBinding): WireAcl {
  return { ...acl };
}
