/** The internal offsets topic and how groups map onto its partitions. */

export const OFFSETS_TOPIC = '__consumer_offsets';
/** Fixed at creation: changing it would move every group to another coordinator partition. */
export const OFFSETS_TOPIC_PARTITIONS = 16;

/** Java's String.hashCode, as Kafka uses for `abs(groupId.hashCode()) % partitions`. */
function javaStringHash(text: string): number {
  let hash = 0;
  for (let i = 0; i < text.length; i++) hash = (Math.imul(hash, 31) + text.charCodeAt(i)) | 0;
  return hash;
}

/** The __consumer_offsets partition holding this group's offsets; its leader is the group's coordinator. */
export function groupPartition(groupId: string, partitions = OFFSETS_TOPIC_PARTITIONS): number {
  return (javaStringHash(groupId) & 0x7fffffff) % partitions;
}
