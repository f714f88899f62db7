/** ACL checks of the Kafka handlers on topics; no `access` (no gate) allows everything. */
import type { Access } from '../broker/access-rules.js';
import type { AclOperation } from '../security/acl.js';

export function topicAllowed(access: Access | undefined, operation: AclOperation, topic: string): boolean {
  return access?.allowed(operation, { type: 'topic', name: topic }) ?? true;
}

/** Throws UNAUTHORIZED (TOPIC_AUTHORIZATION_FAILED to the client). */
export function requireOnTopic(access: Access | undefined, operation: AclOperation, topic: string): void {
  access?.require(operation, { type: 'topic', name: topic });
}
