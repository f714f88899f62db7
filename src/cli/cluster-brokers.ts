/**
 * `sluice cluster remove-broker ID`: removes a broker that is gone for good (its machine or disk is
 * lost) from the cluster's metadata. The controller refuses while the broker is alive, is a
 * controller voter, or still holds replicas (it names them: move them off first).
 */
import type { Command } from 'commander';
import { parsePositiveInt } from './args.js';
import { globalOptions, type CommandContext } from './context.js';
import { jsonLine } from './output.js';
import { withAdmin } from './topic.js';

export function registerBrokerMembershipCommands(cluster: Command, context: CommandContext): void {
  const { io } = context;
  cluster
    .command('remove-broker')
    .description('remove a broker that is gone for good (stopped, holding no replicas, not a controller voter) from the cluster')
    .argument('<id>', 'broker id', parsePositiveInt)
    .action(async (id: number, _options: object, command: Command) => {
      await withAdmin(command, (admin) => admin.unregisterBroker(id));
      io.stdout.write(globalOptions(command).json ? jsonLine({ removed: id }) : `Removed broker ${id} from the cluster.\n`);
    });
}
