/**
 * The record format of __consumer_offsets. Key: JSON `["offset", group, topic, partition]`; value:
 * JSON `{"v":1, offset, metadata, commitTimestampMs, attempts?}`, or a null value (tombstone) when
 * the entry is deleted. JSON keeps the log readable with `sluice consume __consumer_offsets`.
 */
import type { DecodedRecord, RecordInput } from '../protocol/batch.js';
import type { CommittedOffset, OffsetEntry } from './offset-store.js';

const KEY_KIND = 'offset';
const VALUE_VERSION = 1;

interface ValueV1 {
  v: 1;
  offset: number;
  metadata: string;
  commitTimestampMs: number;
  attempts?: { offset: number; count: number; lastError: string };
  topicId?: number;
}

export function encodeOffsetEntry(entry: OffsetEntry): RecordInput {
  const key = Buffer.from(JSON.stringify([KEY_KIND, entry.group, entry.topic, entry.partition]));
  if (entry.value === undefined) return { key, value: null };
  const value: ValueV1 = {
    v: VALUE_VERSION,
    offset: entry.value.offset,
    metadata: entry.value.metadata,
    commitTimestampMs: entry.value.commitTimestampMs,
  };
  if (entry.value.attempts) value.attempts = entry.value.attempts;
  if (entry.value.topicId !== undefined) value.topicId = entry.value.topicId;
  return { key, value: Buffer.from(JSON.stringify(value)), timestamp: entry.value.commitTimestampMs };
}

/** The entry a record holds; undefined for a record this version does not know (skipped, not fatal). */
export function decodeOffsetEntry(record: DecodedRecord): OffsetEntry | undefined {
  if (record.key === null) return undefined;
  const key: unknown = JSON.parse(record.key.toString('utf8'));
  if (!Array.isArray(key) || key[0] !== KEY_KIND || key.length !== 4) return undefined;
  const [, group, topic, partition] = key as [string, string, string, number];
  if (record.value === null) return { group, topic, partition, value: undefined };
  const value = JSON.parse(record.value.toString('utf8')) as ValueV1;
  if (value.v !== VALUE_VERSION) return undefined;
  const committed: CommittedOffset = {
    offset: value.offset,
    metadata: value.metadata,
    commitTimestampMs: value.commitTimestampMs,
    attempts: value.attempts,
  };
  if (value.topicId !== undefined) committed.topicId = value.topicId;
  return { group, topic, partition, value: committed };
}
