/** Partition keys used by the group state: one string per topic/partition, and the wire's grouped form. */

export interface TopicPartition {
  topic: string;
  partition: number;
}

/** Topic names cannot contain NUL, so the key is unambiguous. */
export function tpKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

export function parseTpKey(key: string): TopicPartition {
  const at = key.lastIndexOf('\u0000');
  return { topic: key.slice(0, at), partition: Number(key.slice(at + 1)) };
}

/** The wire's `repeated TopicPartitions`: partitions grouped by topic, both sorted. */
export interface TopicPartitionsWire {
  topic: string;
  partitions: number[];
}

export function toWire(keys: Iterable<string>): TopicPartitionsWire[] {
  const byTopic = new Map<string, number[]>();
  for (const key of keys) {
    const { topic, partition } = parseTpKey(key);
    const list = byTopic.get(topic) ?? [];
    list.push(partition);
    byTopic.set(topic, list);
  }
  return [...byTopic.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([topic, partitions]) => ({ topic, partitions: partitions.sort((a, b) => a - b) }));
}

export function fromWire(wire: readonly TopicPartitionsWire[]): string[] {
  return wire.flatMap((entry) => entry.partitions.map((partition) => tpKey(entry.topic, partition)));
}
