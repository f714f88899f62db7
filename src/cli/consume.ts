/**
 * `sluice consume TOPIC`: prints records from all partitions (or one), starting at the latest offset
 * unless told otherwise. Runs until --max-messages, --timeout-ms without a new record, or SIGINT/SIGTERM.
 */
import type { Command } from 'commander';
import { SluiceError, type Consumer, type OffsetSpec, type TopicPartition } from '../client/index.js';
import { parseFormat, parseNonNegativeInt, parseOffsetOption, parsePositiveInt } from './args.js';
import { clientFor, globalOptions, type CommandContext } from './context.js';
import { UsageError } from './io.js';
import { ChunkedWriter, recordFormatter } from './output.js';
import { consumeWithGroup } from './group-consume.js';

export interface ConsumeOptions {
  group?: string;
  fromBeginning?: boolean;
  partition?: number;
  offset?: number | 'earliest' | 'latest';
  maxMessages?: number;
  timeoutMs?: number;
  sessionTimeoutMs?: number;
  format: 'value' | 'json';
}

export function validateConsumeOptions(options: ConsumeOptions): void {
  if (options.group === '') throw new UsageError('--group must not be empty');
  if (options.group !== undefined && options.partition !== undefined) throw new UsageError('--group and --partition cannot be used together');
  if (options.offset !== undefined && options.partition === undefined) throw new UsageError('--offset needs --partition');
  if (options.offset !== undefined && options.fromBeginning) throw new UsageError('--offset and --from-beginning cannot be used together');
}

/** Where consumption starts: --offset, else earliest with --from-beginning, else latest. */
export function startPosition(options: ConsumeOptions): number | OffsetSpec {
  if (options.offset !== undefined) return options.offset;
  return options.fromBeginning ? 'earliest' : 'latest';
}

export function registerConsumeCommand(program: Command, context: CommandContext): void {
  program
    .command('consume')
    .description('print records of a topic, one per line')
    .argument('<topic>', 'topic to read')
    .option('--group <group>', 'consume as a member of this group (commits; resumes where the group left off; a new group starts at the earliest offset)')
    .option('--from-beginning', 'without --group: start at the earliest offset instead of the latest')
    .option('--partition <p>', 'read only this partition', parseNonNegativeInt)
    .option('--offset <o>', 'start offset in --partition (or earliest/latest)', parseOffsetOption)
    .option('--max-messages <n>', 'exit after this many records', parsePositiveInt)
    .option('--timeout-ms <ms>', 'exit after this long without a new record', parsePositiveInt)
    .option('--session-timeout-ms <ms>', 'with --group: how soon the group moves this member\'s partitions if it dies', parsePositiveInt)
    .option('--format <format>', 'value or json (the global --json also selects json)', parseFormat, 'value' as const)
    .action(async (topic: string, options: ConsumeOptions, command: Command) => {
      validateConsumeOptions(options);
      if (options.group !== undefined) {
        // The group consumer would wait for a missing topic forever: fail as the plain path does.
        await partitionsToRead(topic, options, command);
        await consumeWithGroup(topic, options.group, options, command, context);
      } else {
        await consume(topic, options, command, context);
      }
    });
}

async function partitionsToRead(topic: string, options: ConsumeOptions, command: Command): Promise<TopicPartition[]> {
  const admin = clientFor(globalOptions(command)).admin();
  try {
    const metadata = await admin.metadata([topic]);
    const found = metadata.topics.find((candidate) => candidate.name === topic);
    if (!found || found.partitions.length === 0) throw new SluiceError('UNKNOWN_TOPIC', `topic ${topic} does not exist`);
    if (options.partition === undefined) return found.partitions.map(({ partition }) => ({ topic, partition }));
    if (!found.partitions.some(({ partition }) => partition === options.partition)) {
      throw new SluiceError('UNKNOWN_PARTITION', `topic ${topic} has no partition ${options.partition}`);
    }
    return [{ topic, partition: options.partition }];
  } finally {
    await admin.close();
  }
}

async function consume(topic: string, options: ConsumeOptions, command: Command, { io, onStop }: CommandContext): Promise<void> {
  const assignment = await partitionsToRead(topic, options, command);
  const consumer: Consumer = clientFor(globalOptions(command)).consumer({
    // An explicit --offset outside the log fails with OFFSET_OUT_OF_RANGE (the broker's message
    // names the valid range) instead of silently jumping to another position.
    autoOffsetReset: typeof options.offset === 'number' ? 'none' : options.fromBeginning ? 'earliest' : 'latest',
  });
  let stopped = false;
  const release = onStop(() => {
    stopped = true;
    void consumer.close();
  });
  const writer = new ChunkedWriter(io.stdout);
  const format = recordFormatter(options.format, globalOptions(command).json);
  const maxMessages = options.maxMessages ?? Number.POSITIVE_INFINITY;
  try {
    consumer.assign(assignment);
    const start = startPosition(options);
    for (const tp of assignment) consumer.seek(tp, start);
    let printed = 0;
    let lastRecordAtMs = Date.now();
    while (!stopped && printed < maxMessages) {
      let waitMs = 1_000;
      if (options.timeoutMs !== undefined) {
        const leftMs = lastRecordAtMs + options.timeoutMs - Date.now();
        if (leftMs <= 0) break;
        waitMs = Math.min(waitMs, leftMs);
      }
      const records = await consumer.poll({ maxRecords: Math.min(maxMessages - printed, 10_000), timeoutMs: waitMs });
      if (records.length === 0) continue;
      lastRecordAtMs = Date.now();
      for (const record of records) {
        const pending = writer.write(format(record));
        if (pending) await pending;
      }
      printed += records.length;
      await writer.flush();
    }
    await writer.flush();
  } finally {
    release();
    await consumer.close();
  }
}
