/**
 * The sticky assignor: every partition of a subscribed topic goes to one member subscribed to it;
 * partitions stay where the previous target put them unless balance needs them elsewhere; loads
 * differ by at most one wherever subscriptions allow. Pure and deterministic (ties by member id).
 */
import { parseTpKey, tpKey } from './topic-partition.js';

export interface AssignorMember {
  memberId: string;
  topics: readonly string[];
}

export type Assignment = Map<string, Set<string>>;

export function assignSticky(
  members: readonly AssignorMember[],
  partitionCount: (topic: string) => number,
  previous: ReadonlyMap<string, ReadonlySet<string>>,
): Assignment {
  const sorted = [...members].sort((a, b) => a.memberId.localeCompare(b.memberId));
  const subscribers = new Map<string, string[]>();
  for (const member of sorted) {
    for (const topic of new Set(member.topics)) {
      const list = subscribers.get(topic) ?? [];
      list.push(member.memberId);
      subscribers.set(topic, list);
    }
  }
  const result: Assignment = new Map(sorted.map((member) => [member.memberId, new Set<string>()]));
  const taken = new Set<string>();
  const exists = (key: string): boolean => {
    const { topic, partition } = parseTpKey(key);
    return partition < partitionCount(topic) && (subscribers.get(topic) ?? []).length > 0;
  };
  for (const member of sorted) {
    const topics = new Set(member.topics);
    for (const key of previous.get(member.memberId) ?? []) {
      if (!taken.has(key) && exists(key) && topics.has(parseTpKey(key).topic)) {
        result.get(member.memberId)!.add(key);
        taken.add(key);
      }
    }
  }
  const load = (memberId: string): number => result.get(memberId)!.size;
  const leastLoaded = (candidates: readonly string[]): string =>
    candidates.reduce((best, candidate) => (load(candidate) < load(best) ? candidate : best));
  for (const topic of [...subscribers.keys()].sort()) {
    for (let partition = 0; partition < partitionCount(topic); partition++) {
      const key = tpKey(topic, partition);
      if (taken.has(key)) continue;
      result.get(leastLoaded(subscribers.get(topic)!))!.add(key);
      taken.add(key);
    }
  }
  balance(result, subscribers);
  return result;
}

/** Moves one partition at a time from a member to one with at least two fewer, while any such move exists. */
function balance(result: Assignment, subscribers: ReadonlyMap<string, readonly string[]>): void {
  const totalPartitions = [...result.values()].reduce((sum, set) => sum + set.size, 0);
  // Every move lowers the sum of squared loads, so this bound is never the reason the loop ends.
  for (let moves = 0; moves < totalPartitions * totalPartitions + 1; moves++) {
    if (!moveOne(result, subscribers)) return;
  }
}

function moveOne(result: Assignment, subscribers: ReadonlyMap<string, readonly string[]>): boolean {
  const byLoadDesc = [...result.entries()].sort(([a, x], [b, y]) => y.size - x.size || a.localeCompare(b));
  for (const [, owned] of byLoadDesc) {
    for (const key of [...owned].sort()) {
      const candidates = subscribers.get(parseTpKey(key).topic) ?? [];
      let receiver: string | undefined;
      for (const candidate of candidates) {
        const size = result.get(candidate)!.size;
        if (size < owned.size - 1 && (receiver === undefined || size < result.get(receiver)!.size)) receiver = candidate;
      }
      if (receiver !== undefined) {
        owned.delete(key);
        result.get(receiver)!.add(key);
        return true;
      }
    }
  }
  return false;
}
