/**
 * Partition reassignment in the metadata (pure): records that set a partition's target replica set
 * and complete it, the decommissioned brokers, and the plans the controller derives from the image
 * (decommission, rebalance). The partition's leader moves its Raft group to the target one
 * membership step at a time (broker/reassignment.ts); the controller completes the reassignment
 * once the leader reports its configuration equal to the target. docs/CLUSTER.md, "Moving replicas".
 */
import { SluiceError } from '../protocol/errors.js';
import type { MetadataImage } from './metadata-image.js';

/** A partition moving to `target` (its new replica list, the preferred leader first). */
export interface Reassignment {
  topic: string;
  topicId: number;
  partition: number;
  target: number[];
}

export interface PartitionMove {
  name: string;
  partition: number;
  target: number[];
}

export type ReassignmentRecord =
  /** Sets the target of each partition (a target equal to its replicas cancels a move under way). */
  | { type: 'reassignPartitions'; moves: PartitionMove[] }
  /** The partition's Raft group reached the target: it becomes the partition's replica list. */
  | { type: 'completeReassignment'; name: string; partition: number; replicas: number[] }
  | { type: 'decommissionBroker'; id: number; decommissioned: boolean }
  /** The controller quorum moves to these voters (the metadata group's leader steps its Raft group there). */
  | { type: 'moveControllerVoters'; target: number[] }
  /** The metadata group's committed configuration reached the target: these are its voters now. */
  | { type: 'completeControllerMove'; voters: number[] };

export function reassignmentKey(topic: string, partition: number): string {
  return `${topic}/${partition}`;
}

/** The image after one reassignment record (`next` is the image being built by applyRecord). */
export function applyReassignmentRecord(image: MetadataImage, next: MetadataImage, record: ReassignmentRecord): MetadataImage {
  switch (record.type) {
    case 'reassignPartitions': {
      const reassignments = { ...image.reassignments };
      for (const move of record.moves) {
        const topic = image.topics[move.name];
        if (topic === undefined || move.partition >= topic.replicas.length) continue;
        reassignments[reassignmentKey(move.name, move.partition)] = { topic: move.name, topicId: topic.topicId, partition: move.partition, target: move.target };
      }
      next.reassignments = reassignments;
      return next;
    }
    case 'completeReassignment': {
      const key = reassignmentKey(record.name, record.partition);
      const topic = image.topics[record.name];
      const current = image.reassignments?.[key];
      // Only the move still under way completes (a newer target for the partition waits its turn).
      if (topic === undefined || current === undefined || current.topicId !== topic.topicId || !sameList(current.target, record.replicas)) return next;
      const { [key]: _done, ...rest } = image.reassignments ?? {};
      next.reassignments = rest;
      const replicas = topic.replicas.map((set, index) => (index === record.partition ? record.replicas : set));
      next.topics = { ...image.topics, [record.name]: { ...topic, replicas } };
      return next;
    }
    case 'decommissionBroker': {
      const others = (image.decommissioned ?? []).filter((id) => id !== record.id);
      next.decommissioned = record.decommissioned ? [...others, record.id].sort((a, b) => a - b) : others;
      return next;
    }
    case 'moveControllerVoters':
      next.controllerMove = { target: record.target };
      return next;
    case 'completeControllerMove':
      if (image.controllerMove === undefined || !sameList(image.controllerMove.target, record.voters)) return next;
      next.controllerMove = undefined;
      next.controllerVoters = record.voters;
      return next;
  }
}

/**
 * The brokers that hold or will hold a copy of the metadata log: its voters (the image's, once a
 * move completed, else the static `controller.voters`) and the voters it moves to.
 */
export function controllerHosts(image: MetadataImage, staticVoters: readonly number[]): number[] {
  return [...new Set([...(image.controllerVoters ?? staticVoters), ...(image.controllerMove?.target ?? [])])];
}

/** Reassignments of a deleted topic go with it. */
export function withoutTopicReassignments(image: MetadataImage, name: string): MetadataImage['reassignments'] {
  if (image.reassignments === undefined) return undefined;
  return Object.fromEntries(Object.entries(image.reassignments).filter(([, r]) => r.topic !== name));
}

/** Reassignments under way whose topic still exists (same id). */
export function activeReassignments(image: MetadataImage): Reassignment[] {
  return Object.values(image.reassignments ?? {}).filter((r) => image.topics[r.topic]?.topicId === r.topicId);
}

/** The brokers that hold or will hold a replica of the partition: its replicas and its target. */
export function hostsOf(image: MetadataImage, topic: string, partition: number): number[] {
  const replicas = image.topics[topic]?.replicas[partition] ?? [];
  const target = image.reassignments?.[reassignmentKey(topic, partition)]?.target ?? [];
  return [...new Set([...replicas, ...target])];
}

/**
 * Checks a requested move: the topic and partition exist, the target names distinct registered
 * brokers, at least one, none decommissioned unless it already holds the partition. Throws
 * UNKNOWN_TOPIC, UNKNOWN_PARTITION or INVALID_REQUEST.
 */
export function validateMove(image: MetadataImage, move: PartitionMove): void {
  const topic = image.topics[move.name];
  if (topic === undefined) throw new SluiceError('UNKNOWN_TOPIC', `topic "${move.name}" does not exist`);
  if (!Number.isInteger(move.partition) || move.partition < 0 || move.partition >= topic.replicas.length) {
    throw new SluiceError('UNKNOWN_PARTITION', `topic "${move.name}" has partitions 0-${topic.replicas.length - 1}, not ${move.partition}`);
  }
  if (move.target.length === 0) throw new SluiceError('INVALID_REQUEST', `${move.name}/${move.partition}: the target names no broker`);
  if (new Set(move.target).size !== move.target.length) throw new SluiceError('INVALID_REQUEST', `${move.name}/${move.partition}: a broker is named twice`);
  const current = topic.replicas[move.partition]!;
  for (const id of move.target) {
    if (image.brokers[id] === undefined) throw new SluiceError('INVALID_REQUEST', `${move.name}/${move.partition}: broker ${id} is not registered`);
    if ((image.decommissioned ?? []).includes(id) && !current.includes(id)) {
      throw new SluiceError('INVALID_REQUEST', `${move.name}/${move.partition}: broker ${id} is decommissioned`);
    }
  }
}

/** Replica counts per broker over `brokers`, counting targets of moves under way. */
function loads(image: MetadataImage, brokers: readonly number[]): Map<number, number> {
  const load = new Map(brokers.map((id) => [id, 0]));
  for (const topic of Object.values(image.topics)) {
    topic.replicas.forEach((_, p) => {
      for (const id of hostsOf(image, topic.name, p)) if (load.has(id)) load.set(id, load.get(id)! + 1);
    });
  }
  return load;
}

function leastLoaded(load: Map<number, number>, exclude: readonly number[]): number | undefined {
  let best: number | undefined;
  for (const [id, n] of load) {
    if (exclude.includes(id)) continue;
    if (best === undefined || n < load.get(best)! || (n === load.get(best)! && id < best)) best = id;
  }
  return best;
}

/**
 * Moves every replica off `broker`: each partition holding it gets a target with `broker` replaced
 * by the least-loaded of `brokers` (alive, not decommissioned) that does not hold the partition; a
 * preferred leader's place goes to the next replica. Throws INVALID_REQUEST when no broker can
 * take a replica.
 */
export function planDecommission(image: MetadataImage, broker: number, brokers: readonly number[]): PartitionMove[] {
  const candidates = brokers.filter((id) => id !== broker);
  const load = loads(image, candidates);
  const moves: PartitionMove[] = [];
  for (const topic of Object.values(image.topics)) {
    topic.replicas.forEach((replicas, partition) => {
      const key = reassignmentKey(topic.name, partition);
      const current = image.reassignments?.[key]?.target ?? replicas;
      if (!current.includes(broker)) return;
      const replacement = leastLoaded(load, current);
      if (replacement === undefined) {
        throw new SluiceError('INVALID_REQUEST', `no broker can take ${topic.name}/${partition}'s replica off broker ${broker}: brokers ${candidates.join(', ') || 'none'} hold it already`);
      }
      load.set(replacement, load.get(replacement)! + 1);
      // The replacement joins at the end: the next replica becomes the preferred leader.
      moves.push({ name: topic.name, partition, target: [...current.filter((id) => id !== broker), replacement] });
    });
  }
  return moves;
}

/**
 * Spreads replicas and preferred leaders evenly over `brokers`: while some broker holds more
 * replicas than the ceiling of the mean and another fewer than its floor, one replica moves from
 * the most to the least loaded; then preferred leaders (first replicas) are rotated so each broker
 * is first about as often. At most `maxMoves` partitions change. Partitions already moving are left.
 */
export function planRebalance(image: MetadataImage, brokers: readonly number[], maxMoves: number): PartitionMove[] {
  const load = loads(image, brokers);
  const targets = new Map<string, { name: string; partition: number; target: number[] }>();
  const partitions: Array<{ name: string; partition: number; replicas: number[] }> = [];
  for (const topic of Object.values(image.topics)) {
    topic.replicas.forEach((replicas, partition) => {
      if (image.reassignments?.[reassignmentKey(topic.name, partition)] === undefined) partitions.push({ name: topic.name, partition, replicas });
    });
  }
  const total = [...load.values()].reduce((a, b) => a + b, 0);
  const ceil = Math.ceil(total / Math.max(1, brokers.length));
  const floor = Math.floor(total / Math.max(1, brokers.length));
  const current = (p: { name: string; partition: number; replicas: number[] }) => targets.get(reassignmentKey(p.name, p.partition))?.target ?? p.replicas;
  for (;;) {
    if (targets.size >= maxMoves) break;
    const sorted = [...load.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
    const [most, mostLoad] = sorted[0] ?? [0, 0];
    const [least, leastLoad] = sorted[sorted.length - 1] ?? [0, 0];
    if (mostLoad <= ceil && leastLoad >= floor) break;
    if (mostLoad - leastLoad < 2) break;
    const movable = partitions.find((p) => current(p).includes(most) && !current(p).includes(least));
    if (movable === undefined) break;
    const target = current(movable).map((id) => (id === most ? least : id));
    targets.set(reassignmentKey(movable.name, movable.partition), { name: movable.name, partition: movable.partition, target });
    load.set(most, mostLoad - 1);
    load.set(least, leastLoad + 1);
  }
  // Preferred leaders: make the broker that is first least often first where it is a replica.
  const leads = new Map(brokers.map((id) => [id, 0]));
  for (const p of partitions) {
    const first = current(p)[0]!;
    if (leads.has(first)) leads.set(first, leads.get(first)! + 1);
  }
  for (const p of partitions) {
    if (targets.size >= maxMoves && !targets.has(reassignmentKey(p.name, p.partition))) continue;
    const replicas = current(p);
    const first = replicas[0]!;
    const better = replicas.filter((id) => leads.has(id)).sort((a, b) => leads.get(a)! - leads.get(b)! || a - b)[0];
    if (better === undefined || better === first || leads.get(first)! - leads.get(better)! < 2) continue;
    targets.set(reassignmentKey(p.name, p.partition), { name: p.name, partition: p.partition, target: [better, ...replicas.filter((id) => id !== better)] });
    leads.set(first, leads.get(first)! - 1);
    leads.set(better, leads.get(better)! + 1);
  }
  return [...targets.values()];
}

export function sameList(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((id, i) => id === b[i]);
}
