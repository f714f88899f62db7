/**
 * Topic configuration: Kafka's key names, validated on create and alter. Values are kept as the
 * typed record below; the wire carries them as strings.
 */
import { SluiceError } from '../protocol/errors.js';
import { MAX_MESSAGE_BYTES } from '../protocol/grpc.js';
import { BATCH_HEADER_BYTES } from '../protocol/batch.js';

export interface TopicConfig {
  /** Batches whose newest record is older than this are deleted; -1 keeps them forever. */
  'retention.ms': number;
  /** Oldest batches are deleted while a partition holds more than this; -1 means no limit. */
  'retention.bytes': number;
  /** Largest batch a producer may send, in bytes. */
  'max.message.bytes': number;
  /** Default time to live of a record without its own TTL, in ms; 0 means records never expire. */
  'message.ttl.ms': number;
  'cleanup.policy': 'delete';
}

export type TopicConfigKey = keyof TopicConfig;

export const TOPIC_CONFIG_DEFAULTS: Readonly<TopicConfig> = {
  'retention.ms': 7 * 24 * 60 * 60 * 1000,
  'retention.bytes': -1,
  'max.message.bytes': 4 * 1024 * 1024,
  'message.ttl.ms': 0,
  'cleanup.policy': 'delete',
};

const TOPIC_CONFIG_KEYS = Object.keys(TOPIC_CONFIG_DEFAULTS) as TopicConfigKey[];

function invalid(message: string): never {
  throw new SluiceError('INVALID_CONFIG', message);
}

function parseInteger(key: string, text: string, min: number, max: number, extra?: number): number {
  if (!/^-?\d+$/.test(text.trim())) invalid(`${key} must be an integer, got "${text}"`);
  const value = Number(text);
  if (value === extra) return value;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    const also = extra === undefined ? '' : ` (or ${extra})`;
    invalid(`${key} must be between ${min} and ${max}${also}, got ${text}`);
  }
  return value;
}

function parseValue(key: TopicConfigKey, text: string): TopicConfig[TopicConfigKey] {
  switch (key) {
    case 'retention.ms':
      return parseInteger(key, text, 0, Number.MAX_SAFE_INTEGER, -1);
    case 'retention.bytes':
      return parseInteger(key, text, 1, Number.MAX_SAFE_INTEGER, -1);
    case 'max.message.bytes':
      return parseInteger(key, text, BATCH_HEADER_BYTES + 8, MAX_MESSAGE_BYTES - 1024);
    case 'message.ttl.ms':
      return parseInteger(key, text, 0, Number.MAX_SAFE_INTEGER);
    case 'cleanup.policy':
      if (text === 'delete') return text;
      if (text === 'compact') invalid('cleanup.policy=compact is not supported yet; use delete');
      return invalid(`cleanup.policy must be delete, got "${text}"`);
  }
}

function isTopicConfigKey(key: string): key is TopicConfigKey {
  return (TOPIC_CONFIG_KEYS as string[]).includes(key);
}

/** Applies string overrides (from the wire) on top of `base`; throws INVALID_CONFIG on any bad key or value. */
export function applyTopicConfig(
  base: Readonly<TopicConfig>,
  set: Readonly<Record<string, string>>,
  reset: readonly string[] = [],
): TopicConfig {
  const config: TopicConfig = { ...base };
  const writable = config as unknown as Record<TopicConfigKey, TopicConfig[TopicConfigKey]>;
  for (const key of reset) {
    if (!isTopicConfigKey(key)) invalid(`unknown topic config key "${key}"; known: ${TOPIC_CONFIG_KEYS.join(', ')}`);
    writable[key] = TOPIC_CONFIG_DEFAULTS[key];
  }
  for (const [key, text] of Object.entries(set)) {
    if (!isTopicConfigKey(key)) invalid(`unknown topic config key "${key}"; known: ${TOPIC_CONFIG_KEYS.join(', ')}`);
    writable[key] = parseValue(key, text);
  }
  return config;
}

export function topicConfigToStrings(config: Readonly<TopicConfig>): Record<string, string> {
  return Object.fromEntries(TOPIC_CONFIG_KEYS.map((key) => [key, String(config[key])]));
}
