/**
 * `sluice produce TOPIC`: one record per stdin line, sent as lines arrive (the producer's lingerMs
 * batches a fast pipe; a slow one sends each line after lingerMs). Exits 0 only when every record
 * was acknowledged; stops reading at the first failure. SIGINT/SIGTERM end it at once (exit 130/143),
 * dropping records not yet acknowledged; end of input (Ctrl-D) is the way to send everything.
 * Prints nothing, or with --json a summary of what was stored where (ProduceSummary).
 */
import { createInterface } from 'node:readline';
import { Option, type Command } from 'commander';
import type { Acks, ProducerCodec, ProducerRecord, RecordMetadata } from '../client/index.js';
import { PRODUCER_CODECS } from '../protocol/compression.js';
import { collectKeyValue, parseAcksOption, parseCompression, parseNonNegativeInt, parsePositiveInt } from './args.js';
import { clientFor, globalOptions, type CommandContext } from './context.js';
import { UsageError } from './io.js';
import { jsonLine } from './output.js';

export interface ProduceOptions {
  key?: string;
  keySeparator?: string;
  acks: Acks;
  header?: Array<[string, string]>;
  ttlMs?: number;
  partition?: number;
  compression?: ProducerCodec;
}

/** Records sent but not yet acknowledged before reading pauses; the producer's buffer bounds bytes too. */
const OUTSTANDING_RECORDS_MAX = 50_000;

export function validateProduceOptions(options: ProduceOptions): void {
  if (options.key !== undefined && options.keySeparator !== undefined) {
    throw new UsageError('--key and --key-separator cannot be used together');
  }
  if (options.keySeparator === '') throw new UsageError('--key-separator must not be empty');
}

/** Turns one input line into a record per the options. */
export function lineToRecord(line: string, options: ProduceOptions): ProducerRecord {
  let key: string | null = options.key ?? null;
  let value = line;
  if (options.keySeparator !== undefined) {
    const at = line.indexOf(options.keySeparator);
    if (at >= 0) {
      key = line.slice(0, at);
      value = line.slice(at + options.keySeparator.length);
    }
  }
  const record: ProducerRecord = { key, value };
  if (options.header?.length) record.headers = options.header.map(([headerKey, headerValue]) => ({ key: headerKey, value: headerValue }));
  if (options.ttlMs !== undefined) record.ttlMs = options.ttlMs;
  if (options.partition !== undefined) record.partition = options.partition;
  return record;
}

interface PartitionSummary {
  partition: number;
  records: number;
  /** null with acks=0: the broker does not say where it stored the records. */
  firstOffset: number | null;
  lastOffset: number | null;
}

/** `produce --json`: `{"topic","records","partitions":[{"partition","records","firstOffset","lastOffset"}]}`. */
export class ProduceSummary {
  private readonly partitions = new Map<number, PartitionSummary>();
  private records = 0;

  constructor(private readonly topic: string) {}

  add({ partition, offset }: RecordMetadata): void {
    this.records++;
    const known = offset >= 0 ? offset : null;
    const summary = this.partitions.get(partition);
    if (!summary) {
      this.partitions.set(partition, { partition, records: 1, firstOffset: known, lastOffset: known });
      return;
    }
    summary.records++;
    // Acknowledgements of pipelined requests may arrive out of order.
    if (known !== null) {
      summary.firstOffset = Math.min(summary.firstOffset ?? known, known);
      summary.lastOffset = Math.max(summary.lastOffset ?? known, known);
    }
  }

  toJson(): object {
    return { topic: this.topic, records: this.records, partitions: [...this.partitions.values()].sort((a, b) => a.partition - b.partition) };
  }
}

export function registerProduceCommand(program: Command, context: CommandContext): void {
  program
    .command('produce')
    .description('send one record per stdin line')
    .argument('<topic>', 'topic to write to')
    .option('--key <key>', 'key of every record')
    .option('--key-separator <sep>', 'split each line at the first SEP into key and value')
    .addOption(new Option('--acks <acks>', 'acknowledgement: 0, 1 or all').argParser(parseAcksOption).default(-1 as Acks, 'all'))
    .option('--header <key=value>', 'header on every record (repeatable)', collectKeyValue)
    .option('--ttl-ms <ms>', 'time to live of every record, in ms', parsePositiveInt)
    .option('--partition <p>', 'send every record to this partition', parseNonNegativeInt)
    .option('--compression <codec>', `batch compression: ${PRODUCER_CODECS.join(', ')}`, parseCompression, 'none' as ProducerCodec)
    .action(async (topic: string, options: ProduceOptions, command: Command) => {
      validateProduceOptions(options);
      await produceLines(topic, options, command, context);
    });
}

async function produceLines(topic: string, options: ProduceOptions, command: Command, { io, onStop }: CommandContext): Promise<void> {
  const globals = globalOptions(command);
  const producer = clientFor(globals).producer({ acks: options.acks, compression: options.compression });
  const summary = new ProduceSummary(topic);
  const lines = createInterface({ input: io.stdin, crlfDelay: Infinity });
  // Ctrl-C ends the input as Ctrl-D would: what was read is still sent (as Kafka's console producer
  // flushes on close); a second Ctrl-C abandons it. An 'end' rather than close(): readline then
  // also emits a last line that has no newline yet, which close() drops.
  const release = onStop(() => io.stdin.emit('end'));
  let firstError: unknown;
  let outstanding = 0;
  let onSettled: (() => void) | undefined;
  const settled = (): void => {
    outstanding--;
    onSettled?.();
  };
  try {
    for await (const line of lines) {
      producer.send({ topic, records: [lineToRecord(line, options)] }).then((metadata) => {
        for (const record of metadata) summary.add(record);
        settled();
      }, (err: unknown) => {
        firstError ??= err;
        settled();
      });
      outstanding++;
      if (outstanding >= OUTSTANDING_RECORDS_MAX) await waitUntil(() => outstanding < OUTSTANDING_RECORDS_MAX / 2 || firstError !== undefined);
      if (firstError !== undefined) break;
    }
    await producer.flush();
    await waitUntil(() => outstanding === 0);
  } finally {
    release();
    lines.close();
    await producer.close();
  }
  if (firstError !== undefined) throw firstError;
  if (globals.json) io.stdout.write(jsonLine(summary.toJson()));

  function waitUntil(condition: () => boolean): Promise<void> {
    if (condition()) return Promise.resolve();
    return new Promise((resolve) => {
      onSettled = () => {
        if (!condition()) return;
        onSettled = undefined;
        resolve();
      };
    });
  }
}
