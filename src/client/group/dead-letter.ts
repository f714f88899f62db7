/**
 * Writes a record that kept failing to its dead-letter topic (created on first use with the source
 * topic's partition count and replication), with headers naming its origin and the last error.
 */
import { SluiceError } from '../../protocol/errors.js';
import { Admin } from '../admin/admin.js';
import { Cluster, type ResolvedClientOptions } from '../cluster.js';
import type { ConsumedRecord } from '../consumer/types.js';
import { Producer } from '../producer/producer.js';
import { DLQ_HEADERS } from './types.js';

/** Longest error text carried in a header. */
const ERROR_HEADER_CHARS_MAX = 1_000;

export class DeadLetters {
  private producer: Producer | undefined;
  private readonly ensured = new Set<string>();

  constructor(
    private readonly clientOptions: ResolvedClientOptions,
    private readonly groupId: string,
    private readonly topicFor: (topic: string) => string,
  ) {}

  /** Resolves once the record is stored (acks=all) in the dead-letter topic. */
  async send(record: ConsumedRecord, attempts: number, error: string): Promise<void> {
    const topic = this.topicFor(record.topic);
    await this.ensureTopic(record.topic, topic);
    this.producer ??= new Producer(new Cluster(this.clientOptions), { lingerMs: 0 });
    const headers = [
      ...record.headers,
      { key: DLQ_HEADERS.topic, value: record.topic },
      { key: DLQ_HEADERS.partition, value: String(record.partition) },
      { key: DLQ_HEADERS.offset, value: String(record.offset) },
      { key: DLQ_HEADERS.attempts, value: String(attempts) },
      { key: DLQ_HEADERS.error, value: error.slice(0, ERROR_HEADER_CHARS_MAX) },
      { key: DLQ_HEADERS.group, value: this.groupId },
    ];
    await this.producer.send({ topic, acks: -1, records: [{ key: record.key, value: record.value, headers, timestamp: record.timestamp }] });
  }

  async close(): Promise<void> {
    await this.producer?.close();
  }

  private async ensureTopic(source: string, topic: string): Promise<void> {
    if (this.ensured.has(topic)) return;
    const admin = new Admin(new Cluster(this.clientOptions));
    try {
      const metadata = await admin.metadata([source]);
      const partitions = metadata.topics.find((candidate) => candidate.name === source)?.partitions ?? [];
      const replicationFactor = Math.max(1, partitions[0]?.replicas.length ?? 1);
      await admin.createTopic({ name: topic, partitions: Math.max(1, partitions.length), replicationFactor }).catch((err: unknown) => {
        if (!(err instanceof SluiceError && err.code === 'TOPIC_EXISTS')) throw err;
      });
      this.ensured.add(topic);
    } finally {
      await admin.close();
    }
  }
}
