/** `sluice user create|delete|list`: SCRAM users (the password is salted here and never sent). */
import { readFileSync } from 'node:fs';
import { InvalidArgumentError, type Command } from 'commander';
import { SCRAM_ITERATIONS_DEFAULT, SCRAM_ITERATIONS_MAX, SCRAM_ITERATIONS_MIN, SCRAM_MECHANISMS, isScramMechanism, type ScramMechanism } from '../client/index.js';
import { parseIntInRange } from './args.js';
import { globalOptions, type CommandContext } from './context.js';
import { UsageError, type CliIo } from './io.js';
import { formatTable, jsonLine } from './output.js';
import { withAdmin } from './topic.js';

function parseMechanism(value: string): ScramMechanism {
  if (!isScramMechanism(value)) throw new InvalidArgumentError(`expected one of ${SCRAM_MECHANISMS.join(', ')}`);
  return value;
}

/** The text without one trailing line break (what `echo` and editors add). */
function withoutFinalNewline(text: string): string {
  return text.replace(/\r?\n$/, '');
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

/** --password, else --password-file, else stdin (so it stays out of the process list and shell history). */
async function passwordFrom(options: { password?: string; passwordFile?: string }, io: CliIo): Promise<string> {
  if (options.password !== undefined && options.passwordFile !== undefined) throw new UsageError('give --password or --password-file, not both');
  let password: string;
  if (options.password !== undefined) password = options.password;
  else if (options.passwordFile !== undefined) {
    try {
      password = withoutFinalNewline(readFileSync(options.passwordFile, 'utf8'));
    } catch (err) {
      throw new UsageError(`--password-file: ${(err as Error).message}`);
    }
  } else password = withoutFinalNewline(await readAll(io.stdin));
  if (password.length === 0) throw new UsageError('the password is empty');
  return password;
}

export function registerUserCommands(program: Command, context: CommandContext): void {
  const { io } = context;
  const user = program.command('user').description('create, delete and list SCRAM users');

  user
    .command('create')
    .description('create a user, or set its password for a mechanism (password from --password, --password-file or stdin)')
    .argument('<name>', 'user name')
    .option('--password <password>', 'the password (visible in the process list: prefer --password-file or stdin)')
    .option('--password-file <file>', 'read the password from this file (one trailing newline is dropped)')
    .option('--mechanism <mechanism>', `${SCRAM_MECHANISMS.join(' | ')}`, parseMechanism, 'SCRAM-SHA-256' as ScramMechanism)
    .option('--iterations <n>', `PBKDF2 iterations (${SCRAM_ITERATIONS_MIN}-${SCRAM_ITERATIONS_MAX})`, parseIntInRange(SCRAM_ITERATIONS_MIN, SCRAM_ITERATIONS_MAX), SCRAM_ITERATIONS_DEFAULT)
    .action(async (name: string, options: { password?: string; passwordFile?: string; mechanism: ScramMechanism; iterations: number }, command: Command) => {
      const password = await passwordFrom(options, io);
      await withAdmin(command, (admin) => admin.upsertUser(name, password, options.mechanism, options.iterations));
      io.stdout.write(globalOptions(command).json ? jsonLine({ user: name, mechanism: options.mechanism }) : `user ${name}: ${options.mechanism} credential set\n`);
    });

  user
    .command('delete')
    .description('delete a user (its sessions end)')
    .argument('<name>', 'user name')
    .action(async (name: string, _options: object, command: Command) => {
      await withAdmin(command, (admin) => admin.deleteUser(name));
      io.stdout.write(globalOptions(command).json ? jsonLine({ user: name, deleted: true }) : `user ${name} deleted\n`);
    });

  user
    .command('list')
    .description('user names and their mechanisms (never credentials)')
    .action(async (_options: object, command: Command) => {
      const users = await withAdmin(command, (admin) => admin.listUsers());
      io.stdout.write(
        globalOptions(command).json ? jsonLine({ users }) : formatTable(['NAME', 'MECHANISMS'], users.map((u) => [u.name, u.mechanisms.join(',')])),
      );
    });
}
