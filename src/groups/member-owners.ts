/**
 * Which principal each group member belongs to, so that a member id (or a static instance id) is
 * not a capability: the principal whose heartbeat joined a member owns it, and a heartbeat, leave
 * or commit for it from another principal is answered as if the member did not exist. In memory:
 * after a coordinator moves, the first principal to heartbeat a restored member owns it again.
 */
import { SluiceError } from '../protocol/errors.js';

export interface MemberIdentity {
  memberId: string;
  instanceId?: string | undefined;
}

function keysOf(member: MemberIdentity): string[] {
  return member.instanceId === undefined ? [`m\0${member.memberId}`] : [`m\0${member.memberId}`, `i\0${member.instanceId}`];
}

export class MemberOwners {
  /** groupId -> member or instance key -> principal name. */
  private readonly owners = new Map<string, Map<string, string>>();

  /** Throws UNKNOWN_MEMBER when `member` (or its instance id) belongs to another principal. */
  check(groupId: string, member: MemberIdentity, principal: string): void {
    const owners = this.owners.get(groupId);
    if (owners === undefined) return;
    for (const key of keysOf(member)) {
      const owner = owners.get(key);
      if (owner !== undefined && owner !== principal) {
        throw new SluiceError('UNKNOWN_MEMBER', `group ${groupId} has no member ${member.memberId}; join first`);
      }
    }
  }

  claim(groupId: string, member: MemberIdentity, principal: string): void {
    let owners = this.owners.get(groupId);
    if (owners === undefined) this.owners.set(groupId, (owners = new Map()));
    for (const key of keysOf(member)) owners.set(key, principal);
  }

  /** Forgets members no longer in the group (all of them when `members` is empty). */
  retain(groupId: string, members: readonly MemberIdentity[]): void {
    const owners = this.owners.get(groupId);
    if (owners === undefined) return;
    const live = new Set(members.flatMap(keysOf));
    for (const key of owners.keys()) if (!live.has(key)) owners.delete(key);
    if (owners.size === 0) this.owners.delete(groupId);
  }
}
