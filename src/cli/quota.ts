/**
 * `sluice quota set|list|delete`: quotas of principals, as Kafka's `kafka-configs --entity-type
 * users` sets them (producer_byte_rate, consumer_byte_rate, request_percentage). Principals without
 * their own quotas get the brokers' `quota.*.default` settings.
 */
import { InvalidArgumentError, type Command } from 'commander';
import type { Admin, ClientQuotaEntry } from '../client/index.js';
import { parsePositiveInt } from './args.js';
import { clientFor, globalOptions, type CommandContext } from './context.js';
import { UsageError } from './io.js';
import { formatTable, jsonLine } from './output.js';

const QUOTA_NAMES = ['producer_byte_rate', 'consumer_byte_rate', 'request_percentage'] as const;

interface QuotaFlags {
  principal: string;
  producerByteRate?: number | boolean;
  consumerByteRate?: number | boolean;
  requestPercentage?: number | boolean;
}

function parsePercentage(value: string): number {
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed) || parsed <= 0 || parsed > 100) throw new InvalidArgumentError(`expected a percentage in (0, 100], got "${value}"`);
  return parsed;
}

/** The flags given, by quota name. */
function flagged(options: QuotaFlags): Array<[(typeof QUOTA_NAMES)[number], number | boolean]> {
  const values = [options.producerByteRate, options.consumerByteRate, options.requestPercentage];
  return QUOTA_NAMES.flatMap((name, i) => (values[i] === undefined ? [] : [[name, values[i]!] as [(typeof QUOTA_NAMES)[number], number | boolean]]));
}

async function withAdmin<T>(command: Command, use: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = clientFor(globalOptions(command)).admin();
  try {
    return await use(admin);
  } finally {
    await admin.close();
  }
}

/** One row per principal, then the defaults; a principal's '-' is the default, the defaults' '-' is unlimited. */
function quotaTable(entries: readonly ClientQuotaEntry[], defaults: Readonly<Record<string, number>>): string {
  const row = (principal: string, quotas: Readonly<Record<string, number>>, missing: string): string[] => [
    principal,
    ...QUOTA_NAMES.map((name) => (quotas[name] === undefined ? missing : String(quotas[name]))),
  ];
  const rows = [...entries.map((entry) => row(entry.principal, entry.quotas, 'default')), row('(default)', defaults, 'unlimited')];
  return formatTable(['PRINCIPAL', ...QUOTA_NAMES.map((name) => name.toUpperCase())], rows);
}

function quotaLine(entry: ClientQuotaEntry): string {
  const set = Object.entries(entry.quotas).map(([name, value]) => `${name}=${value}`);
  return set.length === 0 ? 'none of its own (the defaults apply)' : set.join(', ');
}

export function registerQuotaCommands(program: Command, context: CommandContext): void {
  const { io } = context;
  const quota = program.command('quota').description("set, list and delete principals' quotas (throttled above them)");

  quota
    .command('set')
    .description("set a principal's own quotas (others keep theirs)")
    .requiredOption('--principal <name>', 'principal (user name or certificate CN; ANONYMOUS for unauthenticated clients)')
    .option('--producer-byte-rate <n>', 'produce bytes per second', parsePositiveInt)
    .option('--consumer-byte-rate <n>', 'fetched bytes per second', parsePositiveInt)
    .option('--request-percentage <p>', "share of the broker's request-handling time, (0, 100]", parsePercentage)
    .action(async (options: QuotaFlags, command: Command) => {
      const set = Object.fromEntries(flagged(options)) as Record<string, number>;
      if (Object.keys(set).length === 0) throw new UsageError('quota set needs at least one of --producer-byte-rate, --consumer-byte-rate, --request-percentage');
      const entry = await withAdmin(command, (admin) => admin.alterClientQuotas(options.principal, { set }));
      io.stdout.write(globalOptions(command).json ? jsonLine(entry) : `Quotas of ${entry.principal}: ${quotaLine(entry)}.\n`);
    });

  quota
    .command('list')
    .description('principals with quotas of their own, and the defaults')
    .option('--principal <name>', 'only this principal')
    .action(async (options: { principal?: string }, command: Command) => {
      const quotas = await withAdmin(command, (admin) => admin.describeClientQuotas(options.principal));
      io.stdout.write(globalOptions(command).json ? jsonLine({ quotas: quotas.entries, defaults: quotas.defaults }) : quotaTable(quotas.entries, quotas.defaults));
    });

  quota
    .command('delete')
    .description("remove a principal's own quotas (the named ones, or all): the defaults apply again")
    .requiredOption('--principal <name>', 'principal')
    .option('--producer-byte-rate', 'remove only this quota')
    .option('--consumer-byte-rate', 'remove only this quota')
    .option('--request-percentage', 'remove only this quota')
    .action(async (options: QuotaFlags, command: Command) => {
      const remove = flagged(options).map(([name]) => name);
      const entry = await withAdmin(command, (admin) => admin.alterClientQuotas(options.principal, { remove }));
      io.stdout.write(
        globalOptions(command).json
          ? jsonLine(entry)
          : `Removed ${remove.length === 0 ? 'all quotas' : remove.join(', ')} of ${entry.principal}; now ${quotaLine(entry)}.\n`,
      );
    });
}
