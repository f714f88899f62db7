/**
 * What the coordinator needs from the broker it runs in, in one place: the offsets topic's
 * partitions (which ones this broker leads, produce and read through the partition path, prefix
 * deletion), what it must know of other topics (partition counts, high watermarks) and the clock.
 * The broker implements it (broker/groups-host.ts); src/groups/ never imports the broker, so the
 * broker's shape can change under it, and a test can host a coordinator without one.
 */
import type { Clock } from '../runtime/clock.js';

export interface CoordinatorLocation {
  brokerId: number;
  host: string;
  port: number;
}

/** What the coordinator reads of a partition replica on this broker. */
export interface PartitionReader {
  /** The replica's Raft term (a later term means another leader may have written since). */
  term(): number;
  /** Offsets below it are committed: the only ones read. */
  highWatermark(): number;
  logStartOffset(): number;
  logEndOffset(): number;
  /**
   * Committed batches (as stored, possibly several in one buffer) from the one holding `offset`,
   * about `maxBytes` but at least one; none when `offset` reached the high watermark.
   */
  readCommitted(offset: number, maxBytes: number): Promise<Buffer[]>;
}

export interface GroupsHost {
  readonly brokerId: number;
  /** Sessions, poll intervals, commit timestamps, offset expiry and the coordinator's tick. */
  readonly clock: Clock;
  /** Creates __consumer_offsets if it does not exist yet. */
  ensureOffsetsTopic(): Promise<void>;
  /** The __consumer_offsets partitions this broker leads now (the groups it coordinates). */
  ledOffsetsPartitions(): number[];
  /** Whether this broker leads the offsets partition now (checked on every request, between ticks). */
  leadsOffsetsPartition(offsetsPartition: number): boolean;
  /** Who leads an offsets partition, when known. */
  coordinatorOf(offsetsPartition: number): CoordinatorLocation | undefined;
  /**
   * Appends one batch to an offsets partition (acks=all) and returns its base offset; refused
   * (NOT_LEADER) unless this broker leads it in `leaderTerm` when the batch is proposed.
   */
  produceOffsets(offsetsPartition: number, batch: Buffer, leaderTerm: number): Promise<number>;
  /** Removes everything below `offset` (at most up to the high watermark) from an offsets partition, while led in `leaderTerm`. */
  deleteOffsetsPrefix(offsetsPartition: number, offset: number, leaderTerm: number): Promise<void>;
  /** This broker's replica of a partition, if it has one. */
  localPartition(topic: string, partition: number): PartitionReader | undefined;
  /** 0 when the topic does not exist. */
  partitionCount(topic: string): number;
  /** The topic's id in this broker's metadata; undefined when it does not exist (or is not known here yet). */
  topicId(topic: string): number | undefined;
  /**
   * The version of this broker's metadata: a topic's id is the place of its creation in the
   * metadata log, so a topic whose id is below it was created in what this broker has seen, and
   * one missing from it then was deleted; an id at or above it was created after what it has seen.
   */
  metadataVersion(): number;
}
