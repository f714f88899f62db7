/**
 * Browsing a topic's records and producing a test record, through the console's client: a plain
 * Consumer assigned to the partitions (no group, nothing committed), read between the log start
 * and the high watermark, bounded in records scanned and in time.
 */
import type { ConsumedRecord, RecordHeader } from '../client/index.js';
import { badRequest } from './http-io.js';
import type { ConsoleConnection } from './connection.js';
import type { BrowseView, HeaderView, MessageView, ProducedView } from './views.js';

/** Most records one browse returns. */
export const BROWSE_LIMIT_MAX = 500;
/** Most records one browse reads per partition to find matches. */
export const BROWSE_SCAN_MAX = 10_000;
/** Longest one browse reads. */
const BROWSE_TIME_MAX_MS = 5_000;
/** Longest text of a key, value or header shown; longer ones are cut (the API says how long they were). */
const TEXT_CHARS_MAX = 64 * 1024;

export type BrowseFrom = { kind: 'beginning' } | { kind: 'end' } | { kind: 'offset'; offset: number } | { kind: 'timestamp'; timestampMs: number };

export interface BrowseRequest {
  topic: string;
  /** One partition, or every one. */
  partition: number | undefined;
  from: BrowseFrom;
  limit: number;
  /** Case-insensitive text the key / value must contain. */
  keyFilter: string;
  valueFilter: string;
}

function text(buffer: Buffer | null): string | null {
  if (buffer === null) return null;
  const whole = buffer.toString('utf8');
  return whole.length <= TEXT_CHARS_MAX ? whole : `${whole.slice(0, TEXT_CHARS_MAX)}… (${buffer.length} bytes)`;
}

/** The value indented when it is a JSON object or array; null otherwise. */
export function prettyJson(value: string | null): string | null {
  if (value === null || !/^\s*[[{]/.test(value)) return null;
  try {
    return JSON.stringify(JSON.parse(value), null, 2);
  } catch {
    return null;
  }
}

export function headerViews(headers: readonly RecordHeader[]): HeaderView[] {
  return headers.map((header) => ({ key: header.key, value: text(header.value) ?? '' }));
}

export function messageView(record: ConsumedRecord, topicTtlMs: number): MessageView {
  const value = text(record.value);
  const ttlMs = record.ttlMs ?? topicTtlMs;
  return {
    partition: record.partition,
    offset: record.offset,
    timestamp: record.timestamp,
    key: text(record.key),
    value,
    valueJson: prettyJson(value),
    headers: headerViews(record.headers),
    ttlMs: ttlMs > 0 ? ttlMs : 0,
    expiresAt: ttlMs > 0 ? record.timestamp + ttlMs : 0,
  };
}

function matches(view: MessageView, keyFilter: string, valueFilter: string): boolean {
  const has = (field: string | null, needle: string): boolean => needle === '' || (field !== null && field.toLowerCase().includes(needle.toLowerCase()));
  return has(view.key, keyFilter) && has(view.value, valueFilter);
}

interface Range {
  partition: number;
  start: number;
  end: number;
  highWatermark: number;
}

/** Where each partition's read starts and ends. */
async function ranges(connection: ConsoleConnection, request: BrowseRequest, partitions: number[]): Promise<Range[]> {
  const { admin } = connection;
  const filtered = request.keyFilter !== '' || request.valueFilter !== '';
  return Promise.all(
    partitions.map(async (partition) => {
      const { logStartOffset, highWatermark } = await admin.listOffsets(request.topic, partition, 'earliest');
      const clamp = (offset: number): number => Math.min(Math.max(offset, logStartOffset), highWatermark);
      let start: number;
      switch (request.from.kind) {
        case 'beginning':
          start = logStartOffset;
          break;
        case 'end':
          start = clamp(highWatermark - (filtered ? BROWSE_SCAN_MAX : request.limit));
          break;
        case 'offset':
          start = clamp(request.from.offset);
          break;
        case 'timestamp':
          start = clamp((await admin.listOffsets(request.topic, partition, { timestamp: request.from.timestampMs })).offset);
          break;
      }
      return { partition, start, end: Math.min(highWatermark, start + BROWSE_SCAN_MAX), highWatermark };
    }),
  );
}

export async function browse(connection: ConsoleConnection, request: BrowseRequest): Promise<BrowseView> {
  const description = await connection.admin.describeTopic(request.topic);
  const count = description.partitions.length;
  if (request.partition !== undefined && request.partition >= count) badRequest(`partition ${request.partition} does not exist (the topic has ${count})`);
  const topicTtlMs = Number(description.configs['message.ttl.ms'] ?? 0) || 0;
  const wanted = request.partition === undefined ? description.partitions.map((p) => p.partition) : [request.partition];
  const plan = await ranges(connection, request, wanted);
  const fromEnd = request.from.kind === 'end';
  const found = new Map<number, MessageView[]>(plan.map((range) => [range.partition, []]));
  const next = new Map<number, number>(plan.map((range) => [range.partition, range.start]));
  let scanned = 0;
  const open = plan.filter((range) => range.start < range.end);
  if (open.length > 0) {
    const consumer = connection.client.consumer({ autoOffsetReset: 'none', maxWaitMs: 200 });
    try {
      consumer.assign(open.map((range) => ({ topic: request.topic, partition: range.partition })));
      for (const range of open) consumer.seek({ topic: request.topic, partition: range.partition }, range.start);
      const deadline = Date.now() + BROWSE_TIME_MAX_MS;
      const pending = new Set(open.map((range) => range.partition));
      const ends = new Map(open.map((range) => [range.partition, range.end]));
      while (pending.size > 0 && Date.now() < deadline) {
        const records = await consumer.poll({ maxRecords: 1000, timeoutMs: Math.max(1, deadline - Date.now()) });
        for (const record of records) {
          if (!pending.has(record.partition) || record.offset >= ends.get(record.partition)!) continue;
          scanned++;
          next.set(record.partition, record.offset + 1);
          const view = messageView(record, topicTtlMs);
          if (!matches(view, request.keyFilter, request.valueFilter)) continue;
          const list = found.get(record.partition)!;
          list.push(view);
          // From the end the newest `limit` are kept; otherwise the first `limit` end this partition.
          if (fromEnd && list.length > request.limit) list.shift();
          if (!fromEnd && list.length >= request.limit) pending.delete(record.partition);
        }
        for (const partition of pending) {
          const seen = consumer.unseenFrom({ topic: request.topic, partition });
          if (seen !== undefined && seen >= ends.get(partition)!) {
            pending.delete(partition);
            next.set(partition, Math.max(next.get(partition)!, ends.get(partition)!));
          }
        }
      }
    } finally {
      await consumer.close();
    }
  }
  const all = [...found.values()].flat();
  // Across partitions: the oldest first from an offset or time, the newest `limit` from the end.
  all.sort((a, b) => a.timestamp - b.timestamp || a.partition - b.partition || a.offset - b.offset);
  const records = fromEnd ? all.slice(-request.limit) : all.slice(0, request.limit);
  return {
    topic: request.topic,
    records,
    scanned,
    next: plan.map((range) => ({ partition: range.partition, offset: next.get(range.partition)!, highWatermark: range.highWatermark })),
  };
}

export interface ProduceRequest {
  topic: string;
  partition: number | undefined;
  key: string | null;
  value: string | null;
  headers: Array<{ key: string; value: string }>;
  ttlMs: number | undefined;
}

export async function produce(connection: ConsoleConnection, request: ProduceRequest): Promise<ProducedView> {
  const [metadata] = await connection.producer.send({
    topic: request.topic,
    records: [
      {
        key: request.key,
        value: request.value,
        headers: request.headers,
        ...(request.partition === undefined ? {} : { partition: request.partition }),
        ...(request.ttlMs === undefined ? {} : { ttlMs: request.ttlMs }),
      },
    ],
  });
  return { partition: metadata!.partition, offset: metadata!.offset, timestamp: metadata!.timestamp };
}
