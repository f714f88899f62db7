/**
 * The broker's core, independent of gRPC: topics, their partitions on this broker, and the
 * operations the services expose. Handlers in service.ts translate wire messages to these calls.
 */
import { validateBatch } from '../protocol/batch.js';
import { SluiceError } from '../protocol/errors.js';
import type { LogStore } from '../storage/types.js';
import { topicConfigToStrings } from '../config/topic-config.js';
import { Partition, type Acks, type FetchResult, type PartitionHooks } from './partition.js';
import { TopicRegistry, type CreateTopicSpec, type TopicRecord } from './topic-registry.js';

export interface BrokerIdentity {
  brokerId: number;
  advertisedHost: string;
  port: number;
}

export interface PartitionView {
  partition: number;
  leader: number;
  replicas: number[];
  isr: number[];
  logStartOffset: number;
  logEndOffset: number;
  highWatermark: number;
  sizeBytes: number;
}

export interface TopicView {
  name: string;
  replicationFactor: number;
  configs: Record<string, string>;
  partitions: PartitionView[];
}

/** The leader epoch a single-replica partition stamps; Raft terms replace it with replication. */
const SINGLE_REPLICA_EPOCH = 1;

export class Broker {
  private readonly partitions = new Map<string, Partition[]>();
  private readonly fetchAborts = new AbortController();

  private constructor(
    readonly identity: BrokerIdentity,
    readonly store: LogStore,
    readonly registry: TopicRegistry,
    private readonly hooks: (topic: string, partition: number) => PartitionHooks,
  ) {}

  static async open(
    identity: BrokerIdentity,
    store: LogStore,
    hooks: (topic: string, partition: number) => PartitionHooks = () => ({}),
  ): Promise<Broker> {
    const broker = new Broker(identity, store, await TopicRegistry.open(store), hooks);
    for (const topic of broker.registry.list()) await broker.openPartitions(topic);
    return broker;
  }

  private async openPartitions(topic: TopicRecord): Promise<void> {
    const partitions = await Promise.all(
      topic.logIds.map(async (logId, index) => {
        const log = await this.store.openLog(logId);
        const config = () => this.registry.require(topic.name).config;
        return new Partition(topic.name, index, log, config, SINGLE_REPLICA_EPOCH, this.hooks(topic.name, index));
      }),
    );
    this.partitions.set(topic.name, partitions);
  }

  /** The partition, or UNKNOWN_TOPIC / UNKNOWN_PARTITION. */
  partition(topic: string, index: number): Partition {
    const partitions = this.partitions.get(topic);
    if (!partitions) throw new SluiceError('UNKNOWN_TOPIC', `topic "${topic}" does not exist`);
    const partition = partitions[index];
    if (!partition) {
      throw new SluiceError('UNKNOWN_PARTITION', `topic "${topic}" has partitions 0-${partitions.length - 1}, not ${index}`);
    }
    return partition;
  }

  allPartitions(): Partition[] {
    return [...this.partitions.values()].flat();
  }

  async produce(topic: string, index: number, batch: Buffer, acks: Acks) {
    const partition = this.partition(topic, index);
    const header = validateBatch(batch);
    return partition.produce(batch, header, acks);
  }

  fetch(topic: string, index: number, offset: number, maxBytes: number, maxWaitMs: number, minBytes: number, signal?: AbortSignal): Promise<FetchResult> {
    const partition = this.partition(topic, index);
    const signals = signal ? AbortSignal.any([signal, this.fetchAborts.signal]) : this.fetchAborts.signal;
    return partition.fetch({ offset, maxBytes, maxWaitMs, minBytes, signal: signals });
  }

  async createTopic(spec: CreateTopicSpec): Promise<TopicView> {
    const record = await this.registry.create(spec, 1);
    await this.openPartitions(record);
    return this.describeTopic(spec.name);
  }

  async deleteTopic(name: string): Promise<void> {
    const record = this.registry.require(name);
    if (record.internal) throw new SluiceError('INVALID_TOPIC', `internal topic "${name}" cannot be deleted`);
    const partitions = this.partitions.get(name) ?? [];
    await this.registry.delete(name);
    this.partitions.delete(name);
    for (const partition of partitions) partition.wakeFetchers();
    await Promise.all(partitions.map((partition) => partition.drain()));
    await Promise.all(record.logIds.map((logId) => this.store.dropLog(logId)));
  }

  async alterTopicConfig(name: string, set: Record<string, string>, reset: string[]): Promise<TopicView> {
    await this.registry.alterConfig(name, set, reset);
    return this.describeTopic(name);
  }

  describeTopic(name: string): TopicView {
    const record = this.registry.require(name);
    const self = this.identity.brokerId;
    return {
      name,
      replicationFactor: record.replicationFactor,
      configs: topicConfigToStrings(record.config),
      partitions: (this.partitions.get(name) ?? []).map((partition) => ({
        partition: partition.index,
        leader: self,
        replicas: [self],
        isr: [self],
        logStartOffset: partition.log.logStartOffset(),
        logEndOffset: partition.log.logEndOffset(),
        highWatermark: partition.hw,
        sizeBytes: partition.log.sizeBytes(),
      })),
    };
  }

  /** Wakes long-polls so in-flight fetches answer now; later fetches answer without waiting. */
  stopWaiting(): void {
    this.fetchAborts.abort();
    for (const partition of this.allPartitions()) partition.wakeFetchers();
  }

  async close(): Promise<void> {
    this.stopWaiting();
    await Promise.all(this.allPartitions().map((partition) => partition.drain()));
    await this.store.close();
  }
}
