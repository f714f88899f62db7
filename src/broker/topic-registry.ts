/**
 * The broker's topics: names, partition counts, configs and the storage log id of each partition,
 * persisted as metadata values in the broker's LogStore. (With the controller, this image is fed
 * from the metadata log instead; the rest of the broker reads it the same way.)
 */
import { SluiceError } from '../protocol/errors.js';
import type { LogStore } from '../storage/types.js';
import { applyTopicConfig, TOPIC_CONFIG_DEFAULTS, type TopicConfig } from '../config/topic-config.js';

export interface TopicRecord {
  name: string;
  /** Storage log id of each partition, by partition index. */
  logIds: number[];
  replicationFactor: number;
  config: TopicConfig;
  createdAtMs: number;
  internal: boolean;
}

const TOPIC_KEY_PREFIX = 'topic/';
const NEXT_LOG_ID_KEY = 'next-log-id';
export const TOPIC_NAME_BYTES_MAX = 249;
export const PARTITIONS_MAX = 10_000;
const TOPIC_NAME_PATTERN = /^[a-zA-Z0-9._-]+$/;

/** Kafka's rules: 1-249 of [a-zA-Z0-9._-], not "." or "..". Names starting "__" are internal. */
export function validateTopicName(name: string, allowInternal = false): void {
  const bad = (why: string): never => {
    throw new SluiceError('INVALID_TOPIC', `invalid topic name "${name}": ${why}`);
  };
  if (name.length === 0) bad('it is empty');
  if (name.length > TOPIC_NAME_BYTES_MAX) bad(`longer than ${TOPIC_NAME_BYTES_MAX} characters`);
  if (name === '.' || name === '..') bad('"." and ".." are not allowed');
  if (!TOPIC_NAME_PATTERN.test(name)) bad('use only letters, digits, ".", "_" and "-"');
  if (name.startsWith('__') && !allowInternal) bad('names starting with "__" are reserved for internal topics');
}

export interface CreateTopicSpec {
  name: string;
  partitions: number;
  replicationFactor: number;
  configs: Record<string, string>;
  internal?: boolean;
}

export class TopicRegistry {
  private readonly topics = new Map<string, TopicRecord>();
  private nextLogId = 1;

  private constructor(private readonly store: LogStore) {}

  static async open(store: LogStore): Promise<TopicRegistry> {
    const registry = new TopicRegistry(store);
    for (const [, value] of await store.listMeta(TOPIC_KEY_PREFIX)) {
      const record = JSON.parse(value.toString('utf8')) as TopicRecord;
      registry.topics.set(record.name, { ...record, config: { ...TOPIC_CONFIG_DEFAULTS, ...record.config } });
    }
    const next = await store.getMeta(NEXT_LOG_ID_KEY);
    if (next) registry.nextLogId = Number(next.toString('utf8'));
    return registry;
  }

  get(name: string): TopicRecord | undefined {
    return this.topics.get(name);
  }

  /** The topic, or UNKNOWN_TOPIC. */
  require(name: string): TopicRecord {
    const topic = this.topics.get(name);
    if (!topic) throw new SluiceError('UNKNOWN_TOPIC', `topic "${name}" does not exist`);
    return topic;
  }

  list(): TopicRecord[] {
    return [...this.topics.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Validates and persists a new topic; the caller opens its partition logs. */
  async create(spec: CreateTopicSpec, availableBrokers: number): Promise<TopicRecord> {
    validateTopicName(spec.name, spec.internal);
    if (!Number.isInteger(spec.partitions) || spec.partitions < 1 || spec.partitions > PARTITIONS_MAX) {
      throw new SluiceError('INVALID_CONFIG', `partitions must be between 1 and ${PARTITIONS_MAX}, got ${spec.partitions}`);
    }
    if (!Number.isInteger(spec.replicationFactor) || spec.replicationFactor < 1) {
      throw new SluiceError('INVALID_CONFIG', `replication factor must be >= 1, got ${spec.replicationFactor}`);
    }
    if (spec.replicationFactor > availableBrokers) {
      throw new SluiceError(
        'INVALID_CONFIG',
        `replication factor ${spec.replicationFactor} is larger than the ${availableBrokers} available broker(s)`,
      );
    }
    const config = applyTopicConfig(TOPIC_CONFIG_DEFAULTS, spec.configs);
    if (this.topics.has(spec.name)) throw new SluiceError('TOPIC_EXISTS', `topic "${spec.name}" already exists`);
    const logIds = Array.from({ length: spec.partitions }, () => this.nextLogId++);
    const record: TopicRecord = {
      name: spec.name,
      logIds,
      replicationFactor: spec.replicationFactor,
      config,
      createdAtMs: Date.now(),
      internal: spec.internal ?? false,
    };
    // The id counter is saved first so a crash between the two writes never reuses a log id.
    await this.store.putMeta(NEXT_LOG_ID_KEY, Buffer.from(String(this.nextLogId)));
    await this.store.putMeta(TOPIC_KEY_PREFIX + spec.name, Buffer.from(JSON.stringify(record)));
    this.topics.set(spec.name, record);
    return record;
  }

  async alterConfig(name: string, set: Record<string, string>, reset: readonly string[]): Promise<TopicRecord> {
    const topic = this.require(name);
    const updated = { ...topic, config: applyTopicConfig(topic.config, set, reset) };
    await this.store.putMeta(TOPIC_KEY_PREFIX + name, Buffer.from(JSON.stringify(updated)));
    this.topics.set(name, updated);
    return updated;
  }

  async delete(name: string): Promise<TopicRecord> {
    const topic = this.require(name);
    await this.store.deleteMeta(TOPIC_KEY_PREFIX + name);
    this.topics.delete(name);
    return topic;
  }
}
