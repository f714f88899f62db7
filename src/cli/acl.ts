/** `sluice acl add|remove|list`: Kafka-style ACLs (see docs/SECURITY.md). */
import { InvalidArgumentError, type Command } from 'commander';
import { ACL_OPERATIONS, CLUSTER_RESOURCE, WILDCARD, isAclOperation, type AclBinding, type AclOperation } from '../client/index.js';
import { globalOptions, type CommandContext } from './context.js';
import { UsageError } from './io.js';
import { formatTable, jsonLine } from './output.js';
import { withAdmin } from './topic.js';

interface AclOptions {
  allow?: string;
  deny?: string;
  operation: AclOperation;
  topic?: string;
  group?: string;
  cluster?: boolean;
  prefixed?: boolean;
}

function parseOperation(value: string): AclOperation {
  if (!isAclOperation(value)) throw new InvalidArgumentError(`expected one of ${ACL_OPERATIONS.join(', ')}`);
  return value;
}

/** The binding the options describe; exactly one principal and one resource. */
function bindingOf(options: AclOptions): AclBinding {
  if ((options.allow === undefined) === (options.deny === undefined)) throw new UsageError('give exactly one of --allow PRINCIPAL or --deny PRINCIPAL');
  const resources = [options.topic, options.group, options.cluster ? CLUSTER_RESOURCE : undefined].filter((r) => r !== undefined);
  if (resources.length !== 1) throw new UsageError('give exactly one of --topic T, --group G or --cluster');
  if (options.cluster && options.prefixed) throw new UsageError('--prefixed applies to --topic and --group only');
  return {
    principal: (options.allow ?? options.deny)!,
    permission: options.allow !== undefined ? 'allow' : 'deny',
    operation: options.operation,
    resourceType: options.topic !== undefined ? 'topic' : options.group !== undefined ? 'group' : 'cluster',
    resourceName: resources[0]!,
    patternType: options.prefixed ? 'prefixed' : 'literal',
    host: WILDCARD,
  };
}

function describe(acl: AclBinding): string {
  return `${acl.permission} ${acl.principal} ${acl.operation} on ${acl.resourceType} ${acl.resourceName}${acl.patternType === 'prefixed' ? '*' : ''}`;
}

function withBindingOptions(command: Command): Command {
  return command
    .option('--allow <principal>', 'allow this principal (a user name, a certificate CN, or *)')
    .option('--deny <principal>', 'deny this principal (deny wins over allow)')
    .requiredOption('--operation <op>', ACL_OPERATIONS.join(' | '), parseOperation)
    .option('--topic <name>', 'a topic (* for all)')
    .option('--group <id>', 'a consumer group (* for all)')
    .option('--cluster', 'the cluster (user and ACL admin, creating topics, idempotent writes)')
    .option('--prefixed', 'the name is a prefix: every topic or group that starts with it');
}

export function registerAclCommands(program: Command, context: CommandContext): void {
  const { io } = context;
  const acl = program.command('acl').description('add, remove and list access control entries');

  withBindingOptions(acl.command('add').description('add an ACL')).action(async (options: AclOptions, command: Command) => {
    const binding = bindingOf(options);
    await withAdmin(command, (admin) => admin.createAcl(binding));
    io.stdout.write(globalOptions(command).json ? jsonLine({ added: binding }) : `added: ${describe(binding)}\n`);
  });

  withBindingOptions(acl.command('remove').description('remove exactly this ACL')).action(async (options: AclOptions, command: Command) => {
    const binding = bindingOf(options);
    await withAdmin(command, (admin) => admin.deleteAcl(binding));
    io.stdout.write(globalOptions(command).json ? jsonLine({ removed: binding }) : `removed: ${describe(binding)}\n`);
  });

  acl
    .command('list')
    .description('every ACL')
    .action(async (_options: object, command: Command) => {
      const acls = await withAdmin(command, (admin) => admin.listAcls());
      io.stdout.write(
        globalOptions(command).json
          ? jsonLine({ acls })
          : formatTable(
              ['PRINCIPAL', 'PERMISSION', 'OPERATION', 'RESOURCE', 'NAME', 'PATTERN'],
              acls.map((a) => [a.principal, a.permission, a.operation, a.resourceType, a.resourceName, a.patternType]),
            ),
      );
    });
}
