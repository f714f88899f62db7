/**
 * Attempts charged for a member's session timeout, withdrawn when that same member comes back.
 *
 * A member that stops heartbeating may have been killed by the record it was handling, so the
 * coordinator charges an attempt to the record at each of its partitions' committed offsets, and
 * the next owner works through them carefully (docs/GROUPS.md, "Attempt counts"). But a member that
 * rejoins under its old member id is the same process, alive: it was cut off, not killed, and the
 * charge blames a healthy record (careful mode then commits record by record for nothing). Member
 * ids are random per consumer instance, so a restarted process never matches. Soft state: a
 * coordinator that took over does not know the charges and leaves them (only slower, never wrong).
 */
import type { OffsetView } from './offset-partition.js';
import type { OffsetEntry } from './offset-store.js';
import { parseTpKey } from './topic-partition.js';

/** Members whose charges are remembered at most; the oldest are forgotten first. */
export const SESSION_CHARGES_MAX = 10_000;

interface Charge {
  key: string;
  offset: number;
  /** The count right after this charge: withdrawn only if nobody counted since. */
  count: number;
}

export class SessionCharges {
  private readonly byMember = new Map<string, Charge[]>();

  /** Remembers that `memberId`'s session timeout raised the attempts at `key` to `count` at `offset`. */
  charged(groupId: string, memberId: string, key: string, offset: number, count: number): void {
    const member = memberKey(groupId, memberId);
    const charges = this.byMember.get(member) ?? [];
    charges.push({ key, offset, count });
    this.byMember.delete(member);
    this.byMember.set(member, charges);
    while (this.byMember.size > SESSION_CHARGES_MAX) this.byMember.delete(this.byMember.keys().next().value!);
  }

  /** The entries that take back `memberId`'s charges still standing (each exactly as it left them). */
  withdraw(groupId: string, memberId: string, view: OffsetView): OffsetEntry[] {
    const member = memberKey(groupId, memberId);
    const charges = this.byMember.get(member);
    if (charges === undefined) return [];
    this.byMember.delete(member);
    const entries: OffsetEntry[] = [];
    for (const charge of charges) {
      const committed = view(groupId, charge.key);
      const attempts = committed?.attempts;
      if (committed === undefined || attempts === undefined || attempts.offset !== charge.offset || attempts.count !== charge.count) continue;
      const { topic, partition } = parseTpKey(charge.key);
      const rest = attempts.count - 1;
      entries.push({ kind: 'offset', group: groupId, topic, partition, value: { ...committed, attempts: rest > 0 ? { ...attempts, count: rest } : undefined } });
    }
    return entries;
  }
}

function memberKey(groupId: string, memberId: string): string {
  return `${groupId}\u0000${memberId}`;
}
