/**
 * Dead letters: the records a GroupConsumer gave up on, in `<topic>.dlq` with headers naming their
 * origin (client/group/dead-letter.ts). A redrive produces a record back to the origin topic (a new
 * record with the original key, value and headers, in the origin partition) and acknowledges the
 * dead-letter copy:
 *
 * - the console's group REDRIVE_GROUP holds, per dead-letter partition, a committed offset below
 *   which every dead letter was redriven;
 * - a record redriven above that offset (a selection with gaps) is acknowledged by a marker record
 *   in the same dead-letter partition (null key and value, header REDRIVEN_HEADER naming its
 *   offset); once the records below it are redriven too, the committed offset passes them all.
 *
 * So every broker's console sees the same state, and it survives restarts. A marker is not a dead
 * letter and is never redriven. Redrives of one dead-letter topic are serialized in this process;
 * two consoles redriving the same record at once may both send it (at least once).
 */
import { DLQ_HEADERS, type ConsumedRecord } from '../client/index.js';
import { SluiceError } from '../protocol/errors.js';
import { ApiError } from './api-error.js';
import type { ConsoleConnection } from './connection.js';
import { badRequest } from './http-io.js';
import { headerViews } from './messages.js';
import type { DeadLetterTopicView, DeadLettersView, DeadLetterView, RedriveRequestView, RedriveView } from './views.js';

export const DLQ_SUFFIX = '.dlq';
/** The group whose committed offsets mark what the console redrove. */
export const REDRIVE_GROUP = 'sluice-console-redrive';
/** Header of a marker record: the offset (in its own partition) of the dead letter it acknowledges. */
export const REDRIVEN_HEADER = 'sluice-dlq-redriven';
/** Header of a redriven record: where its dead-letter copy is (`topic/partition/offset`). */
export const REDRIVEN_FROM_HEADER = 'sluice-redriven-from';
/** Most records one dead-letter view or redrive reads per partition. */
export const DLQ_SCAN_MAX = 5_000;
const READ_TIME_MAX_MS = 5_000;
const DLQ_HEADER_KEYS: ReadonlySet<string> = new Set(Object.values(DLQ_HEADERS));

export function isDeadLetterTopic(name: string): boolean {
  return name.endsWith(DLQ_SUFFIX) && name.length > DLQ_SUFFIX.length;
}

function header(record: ConsumedRecord, key: string): string | undefined {
  const found = record.headers.find((h) => h.key === key);
  return found?.value === undefined ? undefined : found.value.toString('utf8');
}

/** The records of [start, end) of one partition (at most DLQ_SCAN_MAX). */
async function readRange(connection: ConsoleConnection, topic: string, partition: number, start: number, end: number): Promise<ConsumedRecord[]> {
  const stop = Math.min(end, start + DLQ_SCAN_MAX);
  if (start >= stop) return [];
  const consumer = connection.client.consumer({ autoOffsetReset: 'none', maxWaitMs: 200 });
  const records: ConsumedRecord[] = [];
  try {
    const tp = { topic, partition };
    consumer.assign([tp]);
    consumer.seek(tp, start);
    const deadline = Date.now() + READ_TIME_MAX_MS;
    while (Date.now() < deadline) {
      for (const record of await consumer.poll({ maxRecords: 1000, timeoutMs: Math.max(1, deadline - Date.now()) })) if (record.offset < stop) records.push(record);
      const seen = consumer.unseenFrom(tp);
      if (seen !== undefined && seen >= stop) break;
    }
  } finally {
    await consumer.close();
  }
  return records;
}

interface PartitionState {
  partition: number;
  /** Offsets below this are acknowledged (the redrive group's committed offset, at least the log start). */
  acknowledgedBelow: number;
  highWatermark: number;
  /** Offsets below this were read (a partition holds more than DLQ_SCAN_MAX beyond acknowledgedBelow). */
  readEnd: number;
  /** Dead letters from acknowledgedBelow on (markers left out). */
  letters: ConsumedRecord[];
  /** Dead-letter offsets above acknowledgedBelow that markers acknowledge. */
  redriven: Set<number>;
}

async function committedOffsets(connection: ConsoleConnection, topic: string): Promise<Map<number, number>> {
  const description = await connection.groupAdmin.describeGroup(REDRIVE_GROUP).catch((err: unknown) => {
    if (err instanceof SluiceError && err.code === 'UNKNOWN_GROUP') return undefined;
    throw err;
  });
  const committed = new Map<number, number>();
  for (const p of description?.partitions ?? []) if (p.topic === topic && p.committedOffset >= 0) committed.set(p.partition, p.committedOffset);
  return committed;
}

async function partitionStates(connection: ConsoleConnection, topic: string, fromBeginning: boolean): Promise<PartitionState[]> {
  const description = await connection.admin.describeTopic(topic);
  const committed = await committedOffsets(connection, topic);
  return Promise.all(
    description.partitions.map(async ({ partition }) => {
      const { logStartOffset, highWatermark } = await connection.admin.listOffsets(topic, partition, 'earliest');
      const acknowledgedBelow = Math.min(highWatermark, Math.max(logStartOffset, committed.get(partition) ?? 0));
      const start = fromBeginning ? logStartOffset : acknowledgedBelow;
      const records = await readRange(connection, topic, partition, start, highWatermark);
      const readEnd = Math.min(highWatermark, start + DLQ_SCAN_MAX);
      const redriven = new Set<number>();
      const letters: ConsumedRecord[] = [];
      for (const record of records) {
        const marked = header(record, REDRIVEN_HEADER);
        if (marked === undefined) letters.push(record);
        else redriven.add(Number(marked));
      }
      return { partition, acknowledgedBelow, highWatermark, readEnd, letters, redriven };
    }),
  );
}

function letterView(record: ConsumedRecord, state: PartitionState, dlqTopic: string): DeadLetterView {
  const originOffset = Number(header(record, DLQ_HEADERS.offset) ?? -1);
  const originPartition = Number(header(record, DLQ_HEADERS.partition) ?? -1);
  return {
    partition: record.partition,
    offset: record.offset,
    timestamp: record.timestamp,
    key: record.key?.toString('utf8') ?? null,
    value: record.value?.toString('utf8') ?? null,
    headers: headerViews(record.headers),
    originTopic: header(record, DLQ_HEADERS.topic) ?? dlqTopic.slice(0, -DLQ_SUFFIX.length),
    originPartition: Number.isInteger(originPartition) ? originPartition : -1,
    originOffset: Number.isInteger(originOffset) ? originOffset : -1,
    attempts: Number(header(record, DLQ_HEADERS.attempts) ?? 0) || 0,
    error: header(record, DLQ_HEADERS.error) ?? '',
    group: header(record, DLQ_HEADERS.group) ?? '',
    redriven: record.offset < state.acknowledgedBelow || state.redriven.has(record.offset),
  };
}

export async function listDeadLetterTopics(connection: ConsoleConnection): Promise<DeadLetterTopicView[]> {
  const topics = (await connection.admin.listTopics()).filter((topic) => isDeadLetterTopic(topic.name));
  return Promise.all(
    topics.map(async (topic) => {
      const states = await partitionStates(connection, topic.name, false);
      const description = await connection.admin.describeTopic(topic.name);
      const records = description.partitions.reduce((sum, p) => sum + (p.highWatermark - p.logStartOffset), 0);
      const pending = states.reduce((sum, s) => sum + s.letters.filter((r) => !s.redriven.has(r.offset)).length, 0);
      return { topic: topic.name, origin: topic.name.slice(0, -DLQ_SUFFIX.length), pending, records };
    }),
  );
}

export async function deadLetters(connection: ConsoleConnection, topic: string, includeRedriven: boolean, limit: number): Promise<DeadLettersView> {
  if (!isDeadLetterTopic(topic)) throw new ApiError(404, 'NOT_FOUND', `${topic} is not a dead-letter topic (its name must end in ${DLQ_SUFFIX})`);
  const states = await partitionStates(connection, topic, includeRedriven);
  const records = states
    .flatMap((state) => state.letters.map((record) => letterView(record, state, topic)))
    .filter((view) => includeRedriven || !view.redriven)
    .sort((a, b) => a.timestamp - b.timestamp || a.partition - b.partition || a.offset - b.offset)
    .slice(0, limit);
  return { topic, records };
}

/**
 * Where the committed offset may move: the first offset of what was read that holds a dead letter
 * not redriven (markers and redriven letters are passed).
 */
function acknowledgedPrefixEnd(state: PartitionState, redrivenNow: ReadonlySet<number>): number {
  const open = new Set(state.letters.map((r) => r.offset).filter((offset) => !state.redriven.has(offset) && !redrivenNow.has(offset)));
  let offset = state.acknowledgedBelow;
  while (offset < state.readEnd && !open.has(offset)) offset++;
  return offset;
}

const redriveChains = new Map<string, Promise<unknown>>();

export function redrive(connection: ConsoleConnection, topic: string, request: RedriveRequestView): Promise<RedriveView> {
  if (!isDeadLetterTopic(topic)) throw new ApiError(404, 'NOT_FOUND', `${topic} is not a dead-letter topic (its name must end in ${DLQ_SUFFIX})`);
  if (request.all !== true && !(Array.isArray(request.records) && request.records.length > 0)) badRequest('give records: [{partition, offset}, ...] or all: true');
  // One redrive of a topic at a time here, so a double click cannot send a record twice.
  const previous = redriveChains.get(topic) ?? Promise.resolve();
  const run = previous.catch(() => undefined).then(() => redriveNow(connection, topic, request));
  redriveChains.set(topic, run);
  void run.finally(() => {
    if (redriveChains.get(topic) === run) redriveChains.delete(topic);
  }).catch(() => undefined);
  return run;
}

async function redriveNow(connection: ConsoleConnection, topic: string, request: RedriveRequestView): Promise<RedriveView> {
  const states = await partitionStates(connection, topic, false);
  const wanted = new Set((request.records ?? []).map((r) => `${r.partition}:${r.offset}`));
  const result: RedriveView = { redriven: [] };
  for (const state of states) {
    const chosen = state.letters.filter((r) => !state.redriven.has(r.offset) && (request.all === true || wanted.has(`${r.partition}:${r.offset}`)));
    if (chosen.length === 0) continue;
    const redrivenNow = new Set<number>();
    for (const record of chosen) {
      const view = letterView(record, state, topic);
      const headers = record.headers.filter((h) => !DLQ_HEADER_KEYS.has(h.key)).map((h) => ({ key: h.key, value: h.value }));
      headers.push({ key: REDRIVEN_FROM_HEADER, value: Buffer.from(`${topic}/${record.partition}/${record.offset}`) });
      const originPartitions = (await connection.admin.describeTopic(view.originTopic)).partitions.length;
      const [sent] = await connection.producer.send({
        topic: view.originTopic,
        records: [{ key: record.key, value: record.value, headers, ...(view.originPartition >= 0 && view.originPartition < originPartitions ? { partition: view.originPartition } : {}) }],
      });
      redrivenNow.add(record.offset);
      result.redriven.push({ partition: record.partition, offset: record.offset, to: { topic: view.originTopic, partition: sent!.partition, offset: sent!.offset } });
    }
    const acknowledged = acknowledgedPrefixEnd(state, redrivenNow);
    // Redriven records the committed offset cannot pass yet get a marker each.
    for (const offset of redrivenNow) {
      if (offset < acknowledged) continue;
      await connection.producer.send({
        topic,
        records: [{ key: null, value: null, partition: state.partition, headers: [{ key: REDRIVEN_HEADER, value: String(offset) }] }],
      });
    }
    if (acknowledged > state.acknowledgedBelow) await connection.groupAdmin.writeOffsets(REDRIVE_GROUP, [{ topic, partition: state.partition, offset: acknowledged }]);
  }
  return result;
}
