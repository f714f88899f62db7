/** `sluice group list | describe G | reset-offsets G --topic T (--to-earliest|--to-latest|--to-offset O|--to-timestamp MS|--shift-by N)`. */
import type { Command } from 'commander';
import { GroupAdmin, type GroupDescription, type ResetTarget } from '../client/index.js';
import { parseIntInRange, parseNonNegativeInt } from './args.js';
import { clientFor, globalOptions, type CommandContext } from './context.js';
import { UsageError } from './io.js';
import { formatTable, jsonLine } from './output.js';

async function withGroupAdmin<T>(command: Command, use: (admin: GroupAdmin) => Promise<T>): Promise<T> {
  const admin = new GroupAdmin(clientFor(globalOptions(command)).options);
  try {
    return await use(admin);
  } finally {
    await admin.close();
  }
}

/** `group describe --json`: `{"group","state","members":[..],"partitions":[{"topic","partition","committedOffset","logEndOffset","lag","owner"}]}` plus extras. */
export function groupDescriptionJson(description: GroupDescription): object {
  return description;
}

export function groupDescriptionTable(description: GroupDescription): string {
  const clientOf = new Map(description.members.map((member) => [member.memberId, member.groupInstanceId || member.clientId]));
  const summary = `Group: ${description.group}  State: ${description.state}  Epoch: ${description.groupEpoch}  Members: ${description.members.length}\n`;
  const rows = description.partitions.map((p) => [
    p.topic,
    String(p.partition),
    p.committedOffset < 0 ? '-' : String(p.committedOffset),
    String(p.logEndOffset),
    String(p.lag),
    p.lag > 0 && p.lagMs >= 0 ? `${(p.lagMs / 1000).toFixed(1)}s` : '0s',
    p.owner ? `${p.owner} (${clientOf.get(p.owner) ?? ''})` : '-',
  ]);
  return summary + formatTable(['TOPIC', 'PARTITION', 'COMMITTED', 'LOG-END', 'LAG', 'LAG-TIME', 'OWNER'], rows);
}

interface ResetOptions {
  topic: string;
  toEarliest?: boolean;
  toLatest?: boolean;
  toOffset?: number;
  toTimestamp?: number;
  shiftBy?: number;
}

export function resetTarget(options: ResetOptions): ResetTarget {
  const targets: ResetTarget[] = [];
  if (options.toEarliest) targets.push({ kind: 'earliest' });
  if (options.toLatest) targets.push({ kind: 'latest' });
  if (options.toOffset !== undefined) targets.push({ kind: 'offset', offset: options.toOffset });
  if (options.toTimestamp !== undefined) targets.push({ kind: 'timestamp', timestampMs: options.toTimestamp });
  if (options.shiftBy !== undefined) targets.push({ kind: 'shift', by: options.shiftBy });
  if (targets.length !== 1) throw new UsageError('group reset-offsets needs exactly one of --to-earliest, --to-latest, --to-offset, --to-timestamp, --shift-by');
  return targets[0]!;
}

export function registerGroupCommands(program: Command, context: CommandContext): void {
  const { io } = context;
  const group = program.command('group').description('list, describe and reset consumer groups');

  group
    .command('list')
    .description('list consumer groups')
    .action(async (_options: object, command: Command) => {
      const groups = await withGroupAdmin(command, (admin) => admin.listGroups());
      io.stdout.write(
        globalOptions(command).json
          ? jsonLine({ groups })
          : formatTable(['GROUP', 'STATE', 'MEMBERS'], groups.map((g) => [g.groupId, g.state, String(g.members)])),
      );
    });

  group
    .command('describe')
    .description('members, and per partition: committed offset, log end, lag (records and time), owner')
    .argument('<group>', 'group id')
    .action(async (groupId: string, _options: object, command: Command) => {
      const description = await withGroupAdmin(command, (admin) => admin.describeGroup(groupId));
      io.stdout.write(globalOptions(command).json ? jsonLine(groupDescriptionJson(description)) : groupDescriptionTable(description));
    });

  group
    .command('reset-offsets')
    .description('set the committed offsets of a group without live members')
    .argument('<group>', 'group id')
    .requiredOption('--topic <topic>', 'topic whose partitions to reset')
    .option('--to-earliest', 'the first stored offset')
    .option('--to-latest', 'the end of the log (skip everything)')
    .option('--to-offset <offset>', 'this offset in every partition', parseNonNegativeInt)
    .option('--to-timestamp <ms>', 'the first offset at or after this time (ms since the epoch)', parseNonNegativeInt)
    .option('--shift-by <n>', 'move the committed offsets by n (negative: back)', parseIntInRange(Number.MIN_SAFE_INTEGER))
    .action(async (groupId: string, options: ResetOptions, command: Command) => {
      const target = resetTarget(options);
      const offsets = await withGroupAdmin(command, (admin) => admin.resetOffsets(groupId, options.topic, target));
      io.stdout.write(
        globalOptions(command).json
          ? jsonLine({ group: groupId, offsets })
          : `Reset group ${groupId}:\n${formatTable(['TOPIC', 'PARTITION', 'OFFSET'], offsets.map((o) => [o.topic, String(o.partition), String(o.offset)]))}`,
      );
    });
}
