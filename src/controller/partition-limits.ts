/** Partition counts the controller bounds when it creates a topic (pure). */
import { SluiceError } from '../protocol/errors.js';
import type { MetadataImage } from './metadata-image.js';

export interface PartitionLimits {
  /** Partitions in the cluster (max.partitions). */
  maxPartitions: number;
  /** Partition replicas on one broker (max.partitions.per.broker). */
  maxPartitionsPerBroker: number;
}

/** Throws LIMIT_EXCEEDED when adding `replicas` (one list of broker ids per new partition) passes a limit. */
export function checkPartitionLimits(image: MetadataImage, replicas: readonly number[][], limits: PartitionLimits): void {
  const perBroker = new Map<number, number>();
  let partitions = replicas.length;
  const count = (assignment: readonly number[][]): void => {
    for (const set of assignment) for (const broker of set) perBroker.set(broker, (perBroker.get(broker) ?? 0) + 1);
  };
  for (const topic of Object.values(image.topics)) {
    partitions += topic.replicas.length;
    count(topic.replicas);
  }
  if (partitions > limits.maxPartitions) {
    throw new SluiceError('LIMIT_EXCEEDED', `the cluster would have ${partitions} partitions, over max.partitions=${limits.maxPartitions}`);
  }
  count(replicas);
  for (const [broker, held] of perBroker) {
    if (held > limits.maxPartitionsPerBroker) {
      throw new SluiceError('LIMIT_EXCEEDED', `broker ${broker} would hold ${held} partition replicas, over max.partitions.per.broker=${limits.maxPartitionsPerBroker}`);
    }
  }
}
