/**
 * Reads what Kafka consumers put in a classic group's opaque bytes (protocol type "consumer",
 * Kafka's ConsumerProtocol), only to show members' topics and partitions in `sluice group
 * describe`; the coordinator never needs them to run the group.
 *
 *   subscription := version int16, topics [string], user_data nullable bytes, (v1+) owned partitions...
 *   assignment   := version int16, partitions [topic string, partitions [int32]], user_data nullable bytes
 *
 * Anything that does not read as such (another protocol type, a client's own format) yields
 * nothing rather than an error.
 */
import { tpKey } from './topic-partition.js';

export const CONSUMER_PROTOCOL_TYPE = 'consumer';

/** Bounds-checked reads; any overrun throws, and the callers turn that into "nothing". */
class Cursor {
  private pos = 0;
  constructor(private readonly buf: Buffer) {}

  int16(): number {
    if (this.pos + 2 > this.buf.length) throw new RangeError('short');
    const value = this.buf.readInt16BE(this.pos);
    this.pos += 2;
    return value;
  }

  int32(): number {
    if (this.pos + 4 > this.buf.length) throw new RangeError('short');
    const value = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return value;
  }

  string(): string {
    const length = this.int16();
    if (length < 0 || this.pos + length > this.buf.length) throw new RangeError('bad string');
    const value = this.buf.toString('utf8', this.pos, this.pos + length);
    this.pos += length;
    return value;
  }

  array<T>(item: () => T): T[] {
    const count = this.int32();
    if (count < 0 || count > this.buf.length) throw new RangeError('bad array');
    const items: T[] = [];
    for (let i = 0; i < count; i++) items.push(item());
    return items;
  }
}

/** The topics a consumer's subscription metadata names; [] when it does not read as one. */
export function subscribedTopics(metadata: Buffer): string[] {
  try {
    const cursor = new Cursor(metadata);
    cursor.int16();
    return cursor.array(() => cursor.string());
  } catch {
    return [];
  }
}

/** The partition keys (topic/partition) a consumer assignment gives; [] when it does not read as one. */
export function assignedPartitions(assignment: Buffer): string[] {
  if (assignment.length === 0) return [];
  try {
    const cursor = new Cursor(assignment);
    cursor.int16();
    return cursor.array(() => {
      const topic = cursor.string();
      return cursor.array(() => tpKey(topic, cursor.int32()));
    }).flat();
  } catch {
    return [];
  }
}
