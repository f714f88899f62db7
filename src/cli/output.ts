/** Text tables, the JSON shapes scripts rely on (design brief section 2), and buffered stdout writes. */
import { once } from 'node:events';
import type { ConsumedRecord, TopicDescription, TopicSummary } from '../client/index.js';

/** Left-aligned columns separated by two spaces; no trailing spaces. */
export function formatTable(headers: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]!)))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n') + '\n';
}

/** `topic describe --json`: `{"name","partitions":[{"partition","leader","replicas","isr","logStartOffset","logEndOffset","highWatermark"}]}` plus extras. */
export function topicDescriptionJson(description: TopicDescription): object {
  return {
    name: description.name,
    replicationFactor: description.replicationFactor,
    configs: description.configs,
    partitions: description.partitions.map((partition) => ({
      partition: partition.partition,
      leader: partition.leader,
      replicas: partition.replicas,
      isr: partition.isr,
      logStartOffset: partition.logStartOffset,
      logEndOffset: partition.logEndOffset,
      highWatermark: partition.highWatermark,
      sizeBytes: partition.sizeBytes,
    })),
  };
}

export function topicDescriptionTable(description: TopicDescription): string {
  const configs = Object.entries(description.configs)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
  const summary = `Topic: ${description.name}  Partitions: ${description.partitions.length}  Replication: ${description.replicationFactor}${configs ? `  Configs: ${configs}` : ''}\n`;
  const rows = description.partitions.map((partition) => [
    String(partition.partition),
    partition.leader < 0 ? 'none' : String(partition.leader),
    partition.replicas.join(','),
    partition.isr.join(','),
    String(partition.logStartOffset),
    String(partition.logEndOffset),
    String(partition.highWatermark),
  ]);
  return summary + formatTable(['PARTITION', 'LEADER', 'REPLICAS', 'ISR', 'LOG-START', 'LOG-END', 'HW'], rows);
}

export function createdTopicLine(description: TopicDescription): string {
  const count = description.partitions.length;
  return `Created topic ${description.name} with ${count} ${count === 1 ? 'partition' : 'partitions'}, replication ${description.replicationFactor}.\n`;
}

export function topicListTable(topics: readonly TopicSummary[]): string {
  return formatTable(
    ['NAME', 'PARTITIONS', 'REPLICATION'],
    topics.map((topic) => [topic.name, String(topic.partitions), String(topic.replicationFactor)]),
  );
}

export function configTable(configs: Readonly<Record<string, string>>): string {
  const rows = Object.entries(configs).sort(([a], [b]) => a.localeCompare(b));
  return formatTable(['KEY', 'VALUE'], rows);
}

/** `consume --format json`: one object per line; key/value as UTF-8 or null, headers as an object (last wins). */
export function recordJsonLine(record: ConsumedRecord): string {
  const headers: Record<string, string> = {};
  for (const header of record.headers) headers[header.key] = header.value.toString('utf8');
  return (
    JSON.stringify({
      topic: record.topic,
      partition: record.partition,
      offset: record.offset,
      timestamp: record.timestamp,
      key: record.key === null ? null : record.key.toString('utf8'),
      value: record.value === null ? null : record.value.toString('utf8'),
      headers,
    }) + '\n'
  );
}

/** `consume --format value`: the value as UTF-8, `null` for a null value. */
export function recordValueLine(record: ConsumedRecord): string {
  return (record.value === null ? 'null' : record.value.toString('utf8')) + '\n';
}

/** consume's line format: JSON with `--format json` or the global `--json`, else the value. */
export function recordFormatter(format: 'value' | 'json', json: boolean): (record: ConsumedRecord) => string {
  return format === 'json' || json ? recordJsonLine : recordValueLine;
}

export function jsonLine(value: unknown): string {
  return JSON.stringify(value) + '\n';
}

/**
 * Collects small writes into chunks of about `chunkBytes` and waits for 'drain' when the stream
 * pushes back, so printing many records neither issues a syscall per line nor buffers without bound.
 */
export class ChunkedWriter {
  private parts: string[] = [];
  private pendingChars = 0;

  constructor(
    private readonly stream: NodeJS.WritableStream,
    private readonly chunkChars = 64 * 1024,
  ) {}

  /** Returns a promise only when a chunk went out and the stream asked to wait. */
  write(text: string): Promise<void> | undefined {
    this.parts.push(text);
    this.pendingChars += text.length;
    return this.pendingChars >= this.chunkChars ? this.flush() : undefined;
  }

  async flush(): Promise<void> {
    if (this.parts.length === 0) return;
    const chunk = this.parts.join('');
    this.parts = [];
    this.pendingChars = 0;
    if (!this.stream.write(chunk)) await once(this.stream, 'drain');
  }
}
