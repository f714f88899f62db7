/**
 * `sluice partition reassign`: moves partitions' replicas with a plan, as Kafka's
 * kafka-reassign-partitions does. `--generate` proposes a plan that places the given topics on the
 * given brokers (keeping the replicas already there, filling up with the least loaded);
 * `--execute FILE` starts the moves and prints the current assignment to roll back to;
 * `--verify FILE` says per partition whether its move is complete (exit 1 while any is not);
 * `--cancel FILE` sends the plan's partitions back to their replicas. Plan format:
 * `{"version":1,"partitions":[{"topic":"orders","partition":0,"replicas":[1,2,4]}]}`.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { SluiceError, type PartitionReassignment, type TopicDescription } from '../client/index.js';
import { clientFor, globalOptions, type CommandContext } from './context.js';
import { UsageError } from './io.js';
import { formatTable, jsonLine } from './output.js';

export interface PlannedPartition {
  topic: string;
  partition: number;
  replicas: number[];
}

export interface ReassignmentPlan {
  version: 1;
  partitions: PlannedPartition[];
}

/** A plan file's content, checked: version 1, each partition named once, distinct positive broker ids. */
export function parsePlan(text: string): ReassignmentPlan {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`the plan is not JSON: ${(err as Error).message}`);
  }
  const plan = parsed as { version?: unknown; partitions?: unknown };
  if (typeof parsed !== 'object' || parsed === null || plan.version !== 1 || !Array.isArray(plan.partitions)) {
    throw new UsageError('a plan is {"version":1,"partitions":[{"topic":...,"partition":...,"replicas":[...]}]}');
  }
  const seen = new Set<string>();
  const partitions = plan.partitions.map((entry: unknown, i: number): PlannedPartition => {
    const p = entry as { topic?: unknown; partition?: unknown; replicas?: unknown };
    const ids = Array.isArray(p.replicas) ? (p.replicas as unknown[]) : [];
    if (typeof p.topic !== 'string' || p.topic === '' || !Number.isInteger(p.partition) || (p.partition as number) < 0) {
      throw new UsageError(`plan entry ${i}: needs "topic" (a name) and "partition" (an integer >= 0)`);
    }
    if (ids.length === 0 || !ids.every((id) => Number.isInteger(id) && (id as number) > 0) || new Set(ids).size !== ids.length) {
      throw new UsageError(`plan entry ${i} (${p.topic}/${String(p.partition)}): "replicas" must list distinct broker ids`);
    }
    const key = `${p.topic}/${String(p.partition)}`;
    if (seen.has(key)) throw new UsageError(`plan entry ${i}: ${key} is named twice`);
    seen.add(key);
    return { topic: p.topic, partition: p.partition as number, replicas: ids as number[] };
  });
  return { version: 1, partitions };
}

/** The assignment of `topics` as it is now, as a plan (what --execute prints to roll back to). */
export function currentAssignment(topics: readonly TopicDescription[]): ReassignmentPlan {
  return {
    version: 1,
    partitions: topics.flatMap((topic) => topic.partitions.map((p) => ({ topic: topic.name, partition: p.partition, replicas: [...p.replicas] }))),
  };
}

/**
 * A plan placing every partition of `topics` on `brokers` with its replication factor: replicas
 * already on one of `brokers` stay (in their order), the rest go to the least-loaded brokers of the
 * list. Throws UsageError when a topic has more replicas than there are brokers.
 */
export function generatePlan(topics: readonly TopicDescription[], brokers: readonly number[]): ReassignmentPlan {
  const load = new Map(brokers.map((id) => [id, 0]));
  const kept = topics.map((topic) => topic.partitions.map((p) => p.replicas.filter((id) => load.has(id))));
  for (const sets of kept) for (const set of sets) for (const id of set) load.set(id, load.get(id)! + 1);
  const partitions: PlannedPartition[] = [];
  topics.forEach((topic, t) => {
    if (topic.replicationFactor > brokers.length) {
      throw new UsageError(`${topic.name} has ${topic.replicationFactor} replicas per partition: more than the ${brokers.length} broker(s) given`);
    }
    topic.partitions.forEach((p, i) => {
      const replicas = [...kept[t]![i]!];
      while (replicas.length < p.replicas.length) {
        const next = [...load.entries()].filter(([id]) => !replicas.includes(id)).sort((a, b) => a[1] - b[1] || a[0] - b[0])[0]![0];
        replicas.push(next);
        load.set(next, load.get(next)! + 1);
      }
      partitions.push({ topic: topic.name, partition: p.partition, replicas });
    });
  });
  return { version: 1, partitions };
}

export type VerifyStatus = 'complete' | 'in progress' | 'not started';

/** Per planned partition: complete (its replicas are the plan's, no move left), in progress, or not started. */
export function verifyPlan(
  plan: ReassignmentPlan,
  topics: ReadonlyMap<string, TopicDescription>,
  moves: readonly PartitionReassignment[],
): Array<PlannedPartition & { status: VerifyStatus; voters: number[]; learners: number[] }> {
  return plan.partitions.map((entry) => {
    const move = moves.find((m) => m.topic === entry.topic && m.partition === entry.partition);
    const replicas = topics.get(entry.topic)?.partitions.find((p) => p.partition === entry.partition)?.replicas ?? [];
    const same = replicas.length === entry.replicas.length && replicas.every((id, i) => id === entry.replicas[i]);
    const status: VerifyStatus = move !== undefined ? 'in progress' : same ? 'complete' : 'not started';
    return { ...entry, status, voters: move?.voters ?? [], learners: move?.learners ?? [] };
  });
}

function readPlan(file: string): ReassignmentPlan {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as Error).message}`);
  }
  return parsePlan(text);
}

function parseBrokerList(value: string): number[] {
  const ids = value.split(',').map((part) => Number(part.trim()));
  if (ids.length === 0 || !ids.every((id) => Number.isInteger(id) && id > 0)) throw new UsageError(`--brokers: expected broker ids like 1,2,3, got "${value}"`);
  return [...new Set(ids)];
}

interface ReassignOptions {
  generate?: boolean;
  topics?: string;
  brokers?: string;
  execute?: string;
  verify?: string;
  cancel?: string;
}

export function registerPartitionCommands(program: Command, context: CommandContext): void {
  const { io } = context;
  const partition = program.command('partition').description('move partition replicas between brokers');

  partition
    .command('reassign')
    .description('generate, execute, verify or cancel a replica reassignment plan (JSON, as kafka-reassign-partitions)')
    .option('--generate', 'propose a plan placing --topics on --brokers')
    .option('--topics <a,b>', 'topics to place (with --generate)')
    .option('--brokers <1,2,3>', 'brokers to place them on (with --generate)')
    .option('--execute <file>', 'start the moves of a plan; prints the current assignment to roll back to')
    .option('--verify <file>', "whether each partition of a plan reached its replicas (exit 1 while any has not)")
    .option('--cancel <file>', "send the plan's partitions back to their current replicas")
    .action(async (options: ReassignOptions, command: Command) => {
      const json = globalOptions(command).json;
      const chosen = [options.generate, options.execute, options.verify, options.cancel].filter((o) => o !== undefined && o !== false);
      if (chosen.length !== 1) throw new UsageError('give exactly one of --generate, --execute FILE, --verify FILE, --cancel FILE');
      const admin = clientFor(globalOptions(command)).admin();
      try {
        if (options.generate) {
          if (options.topics === undefined || options.brokers === undefined) throw new UsageError('--generate needs --topics and --brokers');
          const names = options.topics.split(',').map((name) => name.trim()).filter((name) => name !== '');
          const topics = await Promise.all(names.map((name) => admin.describeTopic(name)));
          const current = currentAssignment(topics);
          const proposed = generatePlan(topics, parseBrokerList(options.brokers));
          io.stdout.write(
            json
              ? jsonLine({ current, proposed })
              : `Current partition replica assignment\n${JSON.stringify(current)}\n\nProposed partition reassignment configuration\n${JSON.stringify(proposed)}\n`,
          );
          return;
        }
        if (options.execute !== undefined) {
          const plan = readPlan(options.execute);
          const topics = await Promise.all([...new Set(plan.partitions.map((p) => p.topic))].map((name) => admin.describeTopic(name)));
          const planned = new Set(plan.partitions.map((p) => `${p.topic}/${p.partition}`));
          const current = currentAssignment(topics);
          current.partitions = current.partitions.filter((p) => planned.has(`${p.topic}/${p.partition}`));
          const answer = await admin.alterReassignments({ moves: plan.partitions });
          io.stdout.write(
            json
              ? jsonLine({ movesStarted: answer.movesStarted, current })
              : `Current partition replica assignment (save it to roll back)\n${JSON.stringify(current)}\n\nStarted moving ${answer.movesStarted} partition(s); --verify ${options.execute} shows progress\n`,
          );
          return;
        }
        if (options.cancel !== undefined) {
          const plan = readPlan(options.cancel);
          const answer = await admin.alterReassignments({ moves: plan.partitions.map((p) => ({ topic: p.topic, partition: p.partition, replicas: [] })) });
          io.stdout.write(json ? jsonLine({ movesCancelled: answer.movesStarted }) : `Cancelled the moves of ${answer.movesStarted} partition(s): they return to their replicas\n`);
          return;
        }
        const plan = readPlan(options.verify!);
        const names = [...new Set(plan.partitions.map((p) => p.topic))];
        const topics = new Map((await Promise.all(names.map((name) => admin.describeTopic(name)))).map((t) => [t.name, t] as const));
        const rows = verifyPlan(plan, topics, (await admin.listReassignments()).reassignments);
        const complete = rows.every((row) => row.status === 'complete');
        io.stdout.write(
          json
            ? jsonLine({ complete, partitions: rows })
            : formatTable(
                ['TOPIC', 'PARTITION', 'TARGET', 'STATUS', 'VOTERS', 'LEARNERS'],
                rows.map((r) => [r.topic, String(r.partition), r.replicas.join(','), r.status, r.voters.join(',') || '-', r.learners.join(',') || '-']),
              ),
        );
        if (!complete) throw new SluiceError('REASSIGNMENT_IN_PROGRESS', `${rows.filter((r) => r.status !== 'complete').length} of ${rows.length} partition(s) have not reached their replicas yet`);
      } finally {
        await admin.close();
      }
    });
}
