/**
 * `sluice cluster status [--json] [--internal]`: brokers (id, address, alive, storage), the controller
 * leader, the leader of every partition, which partitions are under-replicated, and which replicas
 * repair their copy or hold damaged offsets, from one Metadata call.
 */
import type { Command } from 'commander';
import type { ClusterMetadata, OffsetRange, PartitionMetadata, PartitionReassignment, Reassignments } from '../client/index.js';
import { movesTable } from './cluster-moves.js';
import { clientFor, globalOptions, type CommandContext } from './context.js';
import { formatTable, jsonLine } from './output.js';
import { registerBrokerMembershipCommands } from './cluster-brokers.js';

/**
 * Where a broker stands with the controller: `unfenced` (registered and heartbeating: it serves and
 * takes new replicas), `fenced` (registered, but its heartbeats stopped: down, or cut off), or
 * `unregistered` (configured, never registered since the cluster began, or removed).
 */
export type BrokerState = 'unfenced' | 'fenced' | 'unregistered';

export interface BrokerStatus {
  id: number;
  address: string;
  alive: boolean;
  state: BrokerState;
  /** Partitions this broker leads now. */
  leaderOf: number;
  /** Why its storage refuses writes (it serves reads meanwhile), null when it takes writes. */
  storageFault: string | null;
  /** Its replicas that lost entries and catch up from their leader. */
  repairingReplicas: Array<{ topic: string; partition: number }>;
  /** Its single copies (replication 1) holding damaged offsets, never served (`topic repair --skip-damaged`). */
  damagedReplicas: Array<{ topic: string; partition: number; lostOffsets: OffsetRange[] }>;
}

export interface PartitionStatus {
  topic: string;
  partition: number;
  /** Broker id of the leader, -1 when there is none. */
  leader: number;
  replicas: number[];
  isr: number[];
  leaderEpoch: number;
  /** No leader, or the leader is a broker the controller does not see alive. */
  offline: boolean;
  underReplicated: boolean;
}

/** `cluster status --json`: the contract keys `brokers`, `controller`, `underReplicatedPartitions`, plus extras. */
export interface ClusterStatus {
  brokers: BrokerStatus[];
  /** Broker id of the controller leader, -1 when unknown. */
  controller: number;
  /** How many partitions are under-replicated (see isUnderReplicated). */
  underReplicatedPartitions: number;
  underReplicated: Array<{ topic: string; partition: number }>;
  offlinePartitions: number;
  /** Brokers whose storage refuses writes. */
  storageFaults: number;
  topics: number;
  partitions: PartitionStatus[];
  /** Partitions moving to a new replica set (partition reassign, decommission, rebalance), with their Raft configuration now. */
  reassignments: PartitionReassignment[];
  /** Brokers being emptied of replicas. */
  decommissioned: number[];
  /** The controller quorum's voters, and the voters it moves to (empty: none under way). */
  controllerVoters: number[];
  controllerTarget: number[];
}

/**
 * A partition is under-replicated when it has no leader (or its leader is not alive), or when some
 * replica is not both in the ISR and alive: the ISR is smaller than the replica set, or it still
 * lists a broker the controller has declared dead.
 */
export function isUnderReplicated(partition: PartitionMetadata, alive: ReadonlySet<number>): boolean {
  if (partition.leader < 0 || !alive.has(partition.leader)) return true;
  const isr = new Set(partition.isr);
  return partition.replicas.some((replica) => !isr.has(replica) || !alive.has(replica));
}

export function isInternalTopic(name: string): boolean {
  return name.startsWith('__');
}

const NO_MOVES: Reassignments = { reassignments: [], decommissioned: [], movesStarted: 0, controllerVoters: [], controllerTarget: [] };

export function clusterStatus(metadata: ClusterMetadata, moves: Reassignments = NO_MOVES): ClusterStatus {
  const alive = new Set(metadata.brokers.filter((broker) => broker.alive).map((broker) => broker.id));
  const partitions: PartitionStatus[] = [];
  const topics = [...metadata.topics].sort((a, b) => a.name.localeCompare(b.name));
  for (const topic of topics) {
    for (const partition of [...topic.partitions].sort((a, b) => a.partition - b.partition)) {
      partitions.push({
        topic: topic.name,
        partition: partition.partition,
        leader: partition.leader,
        replicas: [...partition.replicas],
        isr: [...partition.isr],
        leaderEpoch: partition.leaderEpoch,
        offline: partition.leader < 0 || !alive.has(partition.leader),
        underReplicated: isUnderReplicated(partition, alive),
      });
    }
  }
  const leaderOf = new Map<number, number>();
  for (const partition of partitions) {
    if (partition.leader >= 0) leaderOf.set(partition.leader, (leaderOf.get(partition.leader) ?? 0) + 1);
  }
  const brokers = [...metadata.brokers]
    .sort((a, b) => a.id - b.id)
    .map((broker) => ({
      id: broker.id,
      address: broker.address,
      alive: broker.alive,
      state: broker.alive ? ('unfenced' as const) : broker.epoch >= 0 ? ('fenced' as const) : ('unregistered' as const),
      leaderOf: leaderOf.get(broker.id) ?? 0,
      storageFault: broker.storageFault === '' ? null : broker.storageFault,
      repairingReplicas: broker.damagedReplicas.filter((r) => r.repairing).map((r) => ({ topic: r.topic, partition: r.partition })),
      damagedReplicas: broker.damagedReplicas
        .filter((r) => r.lost.length > 0)
        .map((r) => ({ topic: r.topic, partition: r.partition, lostOffsets: r.lost.map((range) => ({ from: range.from, to: range.to })) })),
    }));
  const underReplicated = partitions.filter((p) => p.underReplicated).map((p) => ({ topic: p.topic, partition: p.partition }));
  return {
    brokers,
    controller: metadata.controller,
    underReplicatedPartitions: underReplicated.length,
    underReplicated,
    offlinePartitions: partitions.filter((p) => p.offline).length,
    storageFaults: brokers.filter((broker) => broker.storageFault !== null).length,
    topics: topics.length,
    partitions,
    reassignments: moves.reassignments,
    decommissioned: moves.decommissioned,
    controllerVoters: moves.controllerVoters,
    controllerTarget: moves.controllerTarget,
  };
}

/**
 * Human view: a summary line, the brokers, then one row per partition (internal topics such as
 * __consumer_offsets only where under-replicated, unless `showInternal`).
 */
export function clusterStatusTable(status: ClusterStatus, options: { showInternal?: boolean } = {}): string {
  const aliveCount = status.brokers.filter((broker) => broker.alive).length;
  const summary =
    `Controller: ${status.controller < 0 ? 'none' : status.controller}` +
    `  Brokers: ${status.brokers.length} (${aliveCount} alive)` +
    `  Topics: ${status.topics}  Partitions: ${status.partitions.length}` +
    `  Under-replicated: ${status.underReplicatedPartitions}  Offline: ${status.offlinePartitions}` +
    `  Storage faults: ${status.storageFaults}` +
    `  Moving: ${status.reassignments.length}` +
    (status.decommissioned.length > 0 ? `  Decommissioned: ${status.decommissioned.join(',')}` : '') +
    (status.controllerTarget.length > 0 ? `  Controller voters: ${status.controllerVoters.join(',')} -> ${status.controllerTarget.join(',')}` : '') +
    '\n\n';
  const brokers = formatTable(
    ['BROKER', 'ADDRESS', 'ALIVE', 'STATE', 'CONTROLLER', 'LEADER-OF', 'STORAGE'],
    status.brokers.map((broker) => [
      String(broker.id),
      broker.address,
      broker.alive ? 'yes' : 'NO',
      broker.state,
      broker.id === status.controller ? 'leader' : '',
      String(broker.leaderOf),
      // A broker that is not alive has not reported its storage lately.
      broker.alive ? (broker.storageFault ?? 'ok') : '-',
    ]),
  );
  const damagedRows = status.brokers.flatMap((broker) => [
    ...broker.repairingReplicas.map((r) => [String(broker.id), r.topic, String(r.partition), 'REPAIRING (catching up from the leader)']),
    ...broker.damagedReplicas.map((r) => [
      String(broker.id),
      r.topic,
      String(r.partition),
      `DAMAGED: lost offsets ${r.lostOffsets.map((range) => `[${range.from}, ${range.to})`).join(', ')}`,
    ]),
  ]);
  const damaged = damagedRows.length === 0 ? '' : '\n' + formatTable(['BROKER', 'TOPIC', 'PARTITION', 'REPLICA'], damagedRows);
  const shown = status.partitions.filter((p) => options.showInternal || !isInternalTopic(p.topic) || p.underReplicated);
  const hidden = status.partitions.length - shown.length;
  let partitions = '';
  if (shown.length > 0) {
    partitions =
      '\n' +
      formatTable(
        ['TOPIC', 'PARTITION', 'LEADER', 'REPLICAS', 'ISR', 'STATUS'],
        shown.map((p) => [
          p.topic,
          String(p.partition),
          p.leader < 0 ? 'none' : String(p.leader),
          p.replicas.join(','),
          p.isr.length === 0 ? '-' : p.isr.join(','),
          p.offline ? 'OFFLINE' : p.underReplicated ? 'UNDER-REPLICATED' : 'ok',
        ]),
      );
  }
  const note = hidden > 0 ? `(${hidden} healthy partitions of internal topics not shown; --internal shows them)\n` : '';
  const moving = status.reassignments.length === 0 ? '' : '\n' + movesTable({ reassignments: status.reassignments });
  return summary + brokers + damaged + partitions + note + moving;
}

export function registerClusterCommands(program: Command, context: CommandContext): void {
  const { io } = context;
  const cluster = program.command('cluster').description('cluster-wide state');

  cluster
    .command('status')
    .description('brokers (alive or not, storage), controller leader, partition leaders, under-replicated partitions, damaged or repairing replicas')
    .option('--internal', 'also list healthy partitions of internal topics such as __consumer_offsets')
    .action(async (options: { internal?: boolean }, command: Command) => {
      const admin = clientFor(globalOptions(command)).admin();
      let metadata: ClusterMetadata;
      let moves: Reassignments;
      try {
        metadata = await admin.metadata();
        moves = await admin.listReassignments();
      } finally {
        await admin.close();
      }
      const status = clusterStatus(metadata, moves);
      io.stdout.write(globalOptions(command).json ? jsonLine(status) : clusterStatusTable(status, { showInternal: options.internal === true }));
    });
  registerBrokerMembershipCommands(cluster, context);
}
