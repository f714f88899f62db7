/**
 * Chooses a partition for a record: the explicit one, else Kafka's murmur2 of the key, else a sticky
 * partition that keyless records share until its batch is sent or `stickyBytesMax` of them went
 * there (Kafka's KIP-794: fuller batches than round robin, yet keyless load still spreads).
 */
import { SluiceError } from '../protocol/errors.js';
import { murmur2, toPositive } from './murmur2.js';

/** Kafka's default partitioner for keyed records: `toPositive(murmur2(key)) % numPartitions`. */
export function partitionForKey(key: Uint8Array, numPartitions: number): number {
  if (!(numPartitions > 0)) throw new RangeError(`numPartitions must be > 0, got ${numPartitions}`);
  return toPositive(murmur2(key)) % numPartitions;
}

export interface PartitionerInput {
  topic: string;
  key: Buffer | null;
  partition: number | undefined;
  numPartitions: number;
  /** Encoded size of the record, for the sticky partition's byte budget. */
  sizeBytes: number;
}

/** Keyless bytes that go to one sticky partition before the next is picked (Kafka's batch.size default). */
export const STICKY_BYTES_MAX_DEFAULT = 16 * 1024;

export interface Partitioner {
  partition(input: PartitionerInput): number;
  /** The producer closed a batch of `topic`/`partition`; a sticky choice moves on. */
  onBatchClosed(topic: string, partition: number): void;
}

export class DefaultPartitioner implements Partitioner {
  /** Topic → the partition keyless records currently stick to. */
  private readonly sticky = new Map<string, number>();
  /** Topic → bytes sent to its sticky partition since it was picked. */
  private readonly stickyBytes = new Map<string, number>();
  /** Topic → the partition whose batch closed last, avoided by the next pick so load spreads. */
  private readonly previous = new Map<string, number>();

  /** `random` returns [0, 1); injectable so tests are deterministic. */
  constructor(
    private readonly random: () => number = Math.random,
    private readonly stickyBytesMax = STICKY_BYTES_MAX_DEFAULT,
  ) {}

  partition(input: PartitionerInput): number {
    if (input.partition !== undefined) {
      // As in the consumer: a malformed number is a RangeError, one the topic lacks UNKNOWN_PARTITION.
      if (!Number.isInteger(input.partition) || input.partition < 0) throw new RangeError(`invalid partition ${input.partition}`);
      if (input.partition >= input.numPartitions) {
        throw new SluiceError('UNKNOWN_PARTITION', `topic ${input.topic} has no partition ${input.partition} (it has ${input.numPartitions})`);
      }
      return input.partition;
    }
    if (input.key !== null) return partitionForKey(input.key, input.numPartitions);
    const current = this.sticky.get(input.topic);
    const used = this.stickyBytes.get(input.topic) ?? 0;
    if (current !== undefined && current < input.numPartitions && used < this.stickyBytesMax) {
      this.stickyBytes.set(input.topic, used + input.sizeBytes);
      return current;
    }
    const chosen = this.pick(input.numPartitions, current ?? this.previous.get(input.topic));
    this.sticky.set(input.topic, chosen);
    this.stickyBytes.set(input.topic, input.sizeBytes);
    return chosen;
  }

  onBatchClosed(topic: string, partition: number): void {
    if (this.sticky.get(topic) !== partition) return;
    this.sticky.delete(topic);
    this.previous.set(topic, partition);
  }

  private pick(numPartitions: number, avoid: number | undefined): number {
    if (numPartitions === 1) return 0;
    const chosen = Math.min(numPartitions - 1, Math.floor(this.random() * numPartitions));
    return chosen === avoid ? (chosen + 1) % numPartitions : chosen;
  }
}
