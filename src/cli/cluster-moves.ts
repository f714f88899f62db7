/**
 * `sluice cluster decommission N | recommission N | rebalance [--max-moves N]`: where replicas live,
 * through the controller (docs/CLUSTER.md "Moving replicas"). Decommission moves every replica, and
 * so every leadership, off a broker (it can be stopped once `cluster status` shows no move left);
 * recommission takes it back and cancels the moves off it still under way; rebalance spreads
 * replicas and preferred leaders evenly over the live brokers, a bounded number of partitions at a
 * time. Registered under the `cluster` command of cluster.ts.
 */
import type { Command } from 'commander';
import type { Reassignments, ReassignmentRequest } from '../client/index.js';
import { parsePositiveInt } from './args.js';
import { clientFor, globalOptions, type CommandContext } from './context.js';
import { UsageError } from './io.js';
import { formatTable, jsonLine } from './output.js';

/** The moves under way, one row each: where a partition is, where it goes, its Raft configuration now. */
export function movesTable(moves: Pick<Reassignments, 'reassignments'>): string {
  if (moves.reassignments.length === 0) return 'No partition is moving.\n';
  return formatTable(
    ['TOPIC', 'PARTITION', 'REPLICAS', 'TARGET', 'VOTERS', 'LEARNERS'],
    moves.reassignments.map((m) => [m.topic, String(m.partition), m.replicas.join(','), m.target.join(','), m.voters.join(',') || '?', m.learners.join(',') || '-']),
  );
}

async function alter(command: Command, request: ReassignmentRequest): Promise<Reassignments> {
  const admin = clientFor(globalOptions(command)).admin();
  try {
    return await admin.alterReassignments(request);
  } finally {
    await admin.close();
  }
}

export function registerClusterMoveCommands(program: Command, context: CommandContext): void {
  const { io } = context;
  const cluster = program.commands.find((command) => command.name() === 'cluster') ?? program.command('cluster');
  const report = (command: Command, what: string, answer: Reassignments): void => {
    io.stdout.write(globalOptions(command).json ? jsonLine(answer) : `${what}: ${answer.movesStarted} partition(s) moving.\n${movesTable(answer)}`);
  };

  cluster
    .command('decommission')
    .description('move every replica and leadership off a broker; new topics avoid it (then it can be stopped)')
    .argument('<broker>', 'broker id', parsePositiveInt)
    .action(async (broker: number, _options: unknown, command: Command) => {
      report(command, `Decommissioning broker ${broker}`, await alter(command, { decommission: broker }));
    });

  cluster
    .command('recommission')
    .description('take a decommissioned broker back; moves off it still under way are cancelled')
    .argument('<broker>', 'broker id', parsePositiveInt)
    .action(async (broker: number, _options: unknown, command: Command) => {
      report(command, `Recommissioned broker ${broker} (moves off it cancelled)`, await alter(command, { recommission: broker }));
    });

  cluster
    .command('controller-voters')
    .description('replace controller brokers: the controller quorum moves to these voters, one Raft step at a time')
    .argument('<ids>', 'the new voters, comma-separated (e.g. 1,2,4)')
    .action(async (ids: string, _options: unknown, command: Command) => {
      const voters = ids.split(',').map((id) => Number(id.trim()));
      if (voters.length === 0 || !voters.every((id) => Number.isInteger(id) && id > 0)) throw new UsageError(`expected broker ids like 1,2,4, got "${ids}"`);
      const answer = await alter(command, { controllerVoters: voters });
      io.stdout.write(
        globalOptions(command).json ? jsonLine(answer) : `Controller quorum: voters ${answer.controllerVoters.join(',')}, moving to ${answer.controllerTarget.join(',') || '(done)'}\n`,
      );
    });

  cluster
    .command('rebalance')
    .description('spread replicas and preferred leaders evenly over the live brokers')
    .option('--max-moves <n>', 'partitions moved at most by this call (default 10; run again for more)', parsePositiveInt)
    .action(async (options: { maxMoves?: number }, command: Command) => {
      report(command, 'Rebalancing', await alter(command, { rebalance: { maxMoves: options.maxMoves } }));
    });
}
