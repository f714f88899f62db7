/** `sluice topic create|list|describe|delete|alter|alter-config|repair`. */
import type { Command } from 'commander';
import type { Admin, OffsetRange } from '../client/index.js';
import { collectKeyValue, collectString, parseNonNegativeInt, parsePositiveInt, toRecord } from './args.js';
import { clientFor, globalOptions, type CommandContext } from './context.js';
import { UsageError } from './io.js';
import { configTable, createdTopicLine, jsonLine, topicDescriptionJson, topicDescriptionTable, topicListTable } from './output.js';

function describeRanges(ranges: readonly OffsetRange[]): string {
  return ranges.map((range) => `[${range.from}, ${range.to})`).join(', ');
}

export async function withAdmin<T>(command: Command, use: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = clientFor(globalOptions(command)).admin();
  try {
    return await use(admin);
  } finally {
    await admin.close();
  }
}

export function registerTopicCommands(program: Command, context: CommandContext): void {
  const { io } = context;
  const topic = program.command('topic').description('create, list, describe, delete and configure topics');

  topic
    .command('create')
    .description('create a topic')
    .argument('<name>', 'topic name')
    .requiredOption('--partitions <n>', 'number of partitions', parsePositiveInt)
    .requiredOption('--replication <r>', 'replication factor', parsePositiveInt)
    .option('--config <key=value>', 'topic config (repeatable)', collectKeyValue)
    .action(async (name: string, options: { partitions: number; replication: number; config?: Array<[string, string]> }, command: Command) => {
      const description = await withAdmin(command, (admin) =>
        admin.createTopic({ name, partitions: options.partitions, replicationFactor: options.replication, configs: toRecord(options.config) }),
      );
      io.stdout.write(
        globalOptions(command).json
          ? jsonLine(topicDescriptionJson(description))
          : createdTopicLine(description),
      );
    });

  topic
    .command('list')
    .description('list topics')
    .option('--internal', 'include internal topics such as __consumer_offsets')
    .action(async (options: { internal?: boolean }, command: Command) => {
      const topics = await withAdmin(command, (admin) => admin.listTopics({ includeInternal: options.internal === true }));
      io.stdout.write(globalOptions(command).json ? jsonLine({ topics }) : topicListTable(topics));
    });

  topic
    .command('describe')
    .description('leader, replicas, in-sync replicas, log start/end and high watermark per partition')
    .argument('<name>', 'topic name')
    .action(async (name: string, _options: object, command: Command) => {
      const description = await withAdmin(command, (admin) => admin.describeTopic(name));
      io.stdout.write(globalOptions(command).json ? jsonLine(topicDescriptionJson(description)) : topicDescriptionTable(description));
    });

  topic
    .command('delete')
    .description('delete a topic and its records')
    .argument('<name>', 'topic name')
    .action(async (name: string, _options: object, command: Command) => {
      await withAdmin(command, (admin) => admin.deleteTopic(name));
      io.stdout.write(globalOptions(command).json ? jsonLine({ deleted: name }) : `Deleted topic ${name}.\n`);
    });

  topic
    .command('repair')
    .description("skip the damaged offsets of a partition whose only copy is damaged (replication 1); they are never served or reused")
    .argument('<name>', 'topic name')
    .requiredOption('--partition <p>', 'partition', parseNonNegativeInt)
    .option('--skip-damaged', 'skip the damaged offsets on purpose, so consumers continue past them')
    .action(async (name: string, options: { partition: number; skipDamaged?: boolean }, command: Command) => {
      // Skipping loses records for good: the operator says so explicitly.
      if (options.skipDamaged !== true) throw new UsageError('topic repair needs --skip-damaged: skipping the damaged offsets is the only repair of a single copy');
      const skipped = await withAdmin(command, (admin) => admin.skipDamagedOffsets(name, options.partition));
      const records = skipped.reduce((sum, range) => sum + range.to - range.from, 0);
      io.stdout.write(
        globalOptions(command).json
          ? jsonLine({ topic: name, partition: options.partition, skipped })
          : `Skipped ${records} damaged offset(s) of ${name}/${options.partition}: ${describeRanges(skipped)}. Consumers continue past them.\n`,
      );
    });

  topic
    .command('alter')
    .description('add partitions to a topic (never fewer); keyed records whose key now maps to a new partition go there from then on')
    .argument('<name>', 'topic name')
    .requiredOption('--partitions <n>', 'the partition count afterwards (larger than now)', parsePositiveInt)
    .action(async (name: string, options: { partitions: number }, command: Command) => {
      const description = await withAdmin(command, (admin) => admin.createPartitions(name, options.partitions));
      io.stdout.write(
        globalOptions(command).json
          ? jsonLine(topicDescriptionJson(description))
          : `Topic ${description.name} now has ${description.partitions.length} partitions.\n${topicDescriptionTable(description)}`,
      );
    });

  topic
    .command('alter-config')
    .description('set or reset topic config keys')
    .argument('<name>', 'topic name')
    .option('--config <key=value>', 'config to set (repeatable)', collectKeyValue)
    .option('--delete-config <key>', 'config to reset to the broker default (repeatable)', collectString)
    .action(async (name: string, options: { config?: Array<[string, string]>; deleteConfig?: string[] }, command: Command) => {
      if (!options.config?.length && !options.deleteConfig?.length) {
        throw new UsageError('topic alter-config needs at least one --config or --delete-config');
      }
      const description = await withAdmin(command, (admin) =>
        admin.alterTopicConfig({ name, set: toRecord(options.config), delete: options.deleteConfig ?? [] }),
      );
      io.stdout.write(
        globalOptions(command).json
          ? jsonLine({ name: description.name, configs: description.configs })
          : `Updated config of topic ${description.name}.\n${configTable(description.configs)}`,
      );
    });
}
