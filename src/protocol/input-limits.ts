/**
 * Bounds on the strings and lists a request may carry, and their checks (pure). Kafka's bounds where
 * it has them: topic names 249 characters (controller/topic-names.ts), group, member, instance and
 * client ids 255, commit metadata 4 KiB (offset.metadata.max.bytes). A value over its bound is
 * refused with FIELD_TOO_LONG before anything is stored, counted or echoed.
 */
import { clip, SluiceError } from './errors.js';

export const ID_LENGTH_MAX = 255;
/** Kafka's offset.metadata.max.bytes. */
export const COMMIT_METADATA_BYTES_MAX = 4096;
/** A topic config key and value, and how many one request may set. */
export const CONFIG_KEY_LENGTH_MAX = 255;
export const CONFIG_VALUE_LENGTH_MAX = 4096;
export const CONFIG_ENTRIES_MAX = 100;
/** A retry's last error kept with an offset's attempt count. */
export const LAST_ERROR_LENGTH_MAX = 1024;
/** Host names (broker registration). */
export const HOST_LENGTH_MAX = 255;
/** Entries of a list field: topics of a Metadata request or subscription, partitions of a commit. */
export const LIST_ENTRIES_MAX = 10_000;

/** Throws FIELD_TOO_LONG when `value` has more than `max` characters (UTF-16 units: what the heap holds). */
export function requireLength(value: string, what: string, max: number): string {
  if (value.length > max) throw new SluiceError('FIELD_TOO_LONG', `${what} has ${value.length} characters, over the ${max} allowed: "${clip(value)}"`);
  return value;
}

/** A required id (group, member...): non-empty and at most ID_LENGTH_MAX. */
export function requireId(value: string, what: string): string {
  if (typeof value !== 'string' || value.length === 0) throw new SluiceError('INVALID_REQUEST', `${what} is required`);
  return requireLength(value, what, ID_LENGTH_MAX);
}

/** An optional id ('' when absent). */
export function optionalId(value: string, what: string): string {
  return requireLength(value, what, ID_LENGTH_MAX);
}

/** Throws LIMIT_EXCEEDED when a list field has more than `max` entries. */
export function requireCount<T>(items: readonly T[], what: string, max = LIST_ENTRIES_MAX): readonly T[] {
  if (items.length > max) throw new SluiceError('LIMIT_EXCEEDED', `${what}: ${items.length} entries, over the ${max} allowed`);
  return items;
}

/** Commit metadata: at most COMMIT_METADATA_BYTES_MAX bytes of UTF-8. */
export function requireCommitMetadata(metadata: string): string {
  const bytes = Buffer.byteLength(metadata, 'utf8');
  if (bytes > COMMIT_METADATA_BYTES_MAX) throw new SluiceError('FIELD_TOO_LONG', `commit metadata of ${bytes} bytes is over the ${COMMIT_METADATA_BYTES_MAX} allowed`);
  return metadata;
}

/** Topic config overrides and keys to reset of one request. */
export function requireConfigEntries(set: Readonly<Record<string, string>>, reset: readonly string[] = []): void {
  const keys = Object.keys(set);
  requireCount([...keys, ...reset], 'topic configs', CONFIG_ENTRIES_MAX);
  for (const key of [...keys, ...reset]) requireLength(key, 'config key', CONFIG_KEY_LENGTH_MAX);
  for (const key of keys) requireLength(set[key]!, `config value of ${clip(key)}`, CONFIG_VALUE_LENGTH_MAX);
}

