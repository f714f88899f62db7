/**
 * Builds the `sluice` command tree and runs it to an exit code (0 ok, 1 a request failed, 2 usage).
 * One module per command group; later groups (`group`, `cluster status`, `bench`) register here.
 */
import { Command, CommanderError } from 'commander';
import { SluiceError } from '../client/index.js';
import { registerAclCommands } from './acl.js';
import { registerBenchCommands } from './bench.js';
import { registerClusterCommands } from './cluster.js';
import { registerConsumeCommand } from './consume.js';
import type { CommandContext } from './context.js';
import { registerGroupCommands } from './group.js';
import { DEFAULT_BOOTSTRAP, EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError, type CliIo } from './io.js';
import { registerProduceCommand } from './produce.js';
import { registerQuotaCommands } from './quota.js';
import { signalExitCode, type StopSignal } from './signals.js';
import { registerTopicCommands } from './topic.js';
import { registerUserCommands } from './user.js';
import { registerPartitionCommands } from './partition.js';
import { registerClusterMoveCommands } from './cluster-moves.js';

export function buildProgram(context: CommandContext): Command {
  const { io } = context;
  const program = new Command('sluice')
    .description('Sluice: a partitioned, replicated log')
    .option('--bootstrap <host:port[,host:port]>', 'brokers to connect to (env SLUICE_BOOTSTRAP)', io.env.SLUICE_BOOTSTRAP || DEFAULT_BOOTSTRAP)
    .option('--json', 'machine-readable output')
    .option(
      '--client-config <file>',
      'TLS and credentials, librdkafka keys as for kcat -F: security.protocol, ssl.ca.location, ssl.certificate.location, ssl.key.location, sasl.* (env SLUICE_CLIENT_CONFIG)',
      io.env.SLUICE_CLIENT_CONFIG || undefined,
    )
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    })
    .showSuggestionAfterError(true)
    // Subcommand help lists the global options (--bootstrap, --json, --client-config) too.
    .configureHelp({ showGlobalOptions: true });
  registerTopicCommands(program, context);
  registerProduceCommand(program, context);
  registerConsumeCommand(program, context);
  registerGroupCommands(program, context);
  registerClusterCommands(program, context);
  registerBenchCommands(program, context);
  registerQuotaCommands(program, context);
  registerUserCommands(program, context);
  registerAclCommands(program, context);
  registerPartitionCommands(program, context);
  registerClusterMoveCommands(program, context);
  // Subcommands created above inherited exitOverride and configureOutput from the root.
  return program;
}

/**
 * Parses `argv` (without node and script) and runs the command; never throws. When `io.signal`
 * aborts, a command that registered a graceful stop (CommandContext.onStop) is asked to stop;
 * any other command is abandoned and the result is the signal's exit code (130, 143), for the
 * caller to exit with.
 */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const stops = new Set<() => void>();
  const onStop = (stop: () => void): (() => void) => {
    stops.add(stop);
    return () => void stops.delete(stop);
  };
  const program = buildProgram({ io, onStop });
  let onAbort: (() => void) | undefined;
  const interrupted = new Promise<number>((resolve) => {
    onAbort = () => {
      if (stops.size === 0) resolve(signalExitCode(io.signal.reason as StopSignal));
      else for (const stop of stops) stop();
    };
    io.signal.addEventListener('abort', onAbort, { once: true });
  });
  const completed = program.parseAsync([...argv], { from: 'user' }).then(
    () => EXIT_OK,
    (err: unknown) => exitCodeFor(err, io),
  );
  try {
    return await Promise.race([completed, interrupted]);
  } finally {
    io.signal.removeEventListener('abort', onAbort!);
  }
}

function exitCodeFor(err: unknown, io: CliIo): number {
  if (err instanceof CommanderError) {
    // Commander already printed its message (or the help text).
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return EXIT_OK;
    return EXIT_USAGE;
  }
  if (err instanceof UsageError) {
    io.stderr.write(`sluice: ${err.message}\n`);
    return EXIT_USAGE;
  }
  if (err instanceof SluiceError) {
    io.stderr.write(`sluice: ${oneLine(err.message)}\n`);
    return EXIT_FAILED;
  }
  const message = err instanceof Error ? err.message : String(err);
  io.stderr.write(`sluice: ERROR: ${oneLine(message)}\n`);
  return EXIT_FAILED;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
