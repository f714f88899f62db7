/** Topic naming rules, as in Kafka. */
import { clip, SluiceError } from '../protocol/errors.js';

export const TOPIC_NAME_LENGTH_MAX = 249;
/** Topics the brokers create for themselves; only these may start with "__". */
export const INTERNAL_TOPICS: ReadonlySet<string> = new Set(['__consumer_offsets']);
const TOPIC_NAME_PATTERN = /^[a-zA-Z0-9._-]+$/;

/** 1-249 of [a-zA-Z0-9._-], not "." or "..". Names starting "__" are reserved for internal topics. */
export function validateTopicName(name: string): void {
  const bad = (why: string): never => {
    throw new SluiceError('INVALID_TOPIC', `invalid topic name "${clip(name)}": ${why}`);
  };
  if (name.length === 0) bad('it is empty');
  if (name.length > TOPIC_NAME_LENGTH_MAX) bad(`longer than ${TOPIC_NAME_LENGTH_MAX} characters`);
  if (name === '.' || name === '..') bad('"." and ".." are not allowed');
  if (!TOPIC_NAME_PATTERN.test(name)) bad('use only letters, digits, ".", "_" and "-"');
  if (name.startsWith('__') && !INTERNAL_TOPICS.has(name)) bad('names starting with "__" are reserved for internal topics');
}

/**
 * Clients never write internal topics: the coordinator writes __consumer_offsets itself, and a
 * client's records there stopped it loading the partition (found by make fuzz).
 */
export function refuseClientWrite(topic: string): void {
  if (INTERNAL_TOPICS.has(topic)) throw new SluiceError('INVALID_TOPIC', `internal topic ${topic} is written by the broker only`);
}
