/** Users' credentials and ACLs between their wire messages and the metadata log's records. */
import type { AclBinding as WireAcl, AclBinding__Output as WireAclOutput } from '../protocol/generated/sluice/v1/AclBinding.js';
import type { ScramCredential as WireCredential, ScramCredential__Output as WireCredentialOutput } from '../protocol/generated/sluice/v1/ScramCredential.js';
import type { StoredScramCredential } from './scram.js';
import type { AclBinding, AclOperation, AclPermission, PatternType, ResourceType } from './acl.js';

export function credentialFromWire(wire: WireCredentialOutput): StoredScramCredential {
  return {
    salt: wire.salt.toString('base64'),
    iterations: wire.iterations,
    storedKey: wire.storedKey.toString('base64'),
    serverKey: wire.serverKey.toString('base64'),
  };
}

export function credentialToWire(mechanism: string, stored: StoredScramCredential): WireCredential {
  return {
    mechanism,
    iterations: stored.iterations,
    salt: Buffer.from(stored.salt, 'base64'),
    storedKey: Buffer.from(stored.storedKey, 'base64'),
    serverKey: Buffer.from(stored.serverKey, 'base64'),
  };
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
