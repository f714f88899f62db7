/**
 * The broker's Prometheus metrics (every one is described in docs/OPERATIONS.md). Labels are
 * bounded: topic and partition (one series per partition this broker holds or leads), group (the
 * groups this broker coordinates, bounded by max.groups), method (a fixed set of RPC names), code
 * (the fixed error table). The output passes `promtool check metrics`
 * (test/metrics/promtool.test.ts).
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { GroupLagEntry } from './group-lag.js';

export interface PartitionOffsets {
  topic: string;
  partition: number;
  logStartOffset: number;
  logEndOffset: number;
  highWatermark: number;
}

export interface ReplicaSize {
  topic: string;
  partition: number;
  sizeBytes: number;
}

/**
 * prom-client's default collectors that promtool refuses: gauges named `_total` (a counter's
 * suffix). Each has a twin without the suffix, by type, whose sum is the same number.
 */
const DEFAULT_METRICS_REFUSED = ['sluice_nodejs_active_handles_total', 'sluice_nodejs_active_requests_total', 'sluice_nodejs_active_resources_total'];
/** Within this, the lag gauges share one computation (a scrape collects them together). */
const GROUP_LAG_REUSE_MS = 1_000;

/** Longest label value: group ids are bounded at input (255), this also bounds ones stored before that. */
const LABEL_VALUE_LENGTH_MAX = 255;
/** Where the gauges read their values at scrape time. */
export interface MetricSources {
  /** Whether the topic exists now: the series of a deleted topic are dropped at the next scrape. */
  topicExists(topic: string): boolean;
  partitionOffsets(): PartitionOffsets[];
  inflightRequests(): Array<[string, number]>;
  /** Partitions this broker leads, and how many of them have fewer in-sync replicas than replicas. */
  leadership(): { led: number; underReplicated: number };
  /** Lag of every partition of every group coordinated here, wherever its leader is (group-lag.ts). */
  groupLag(): Promise<GroupLagEntry[]>;
  /** Every replica this broker holds (leader or follower) and its stored bytes. */
  replicaSizes(): ReplicaSize[];
  /** Whether this broker leads the controller quorum, and then the partitions without a live leader. */
  controller(): { active: boolean; offlinePartitions: number };
  /** The errno name of the storage fault while the store refuses writes, and the replicas it stopped. */
  storage(): { faultCause: string | undefined; failedReplicas: number };
  /** Open client and peer connections to the gRPC port, and refused ones so far (max.connections). */
  connections(): { open: number; refused: number };
  /** Raft messages from peers dropped since start, by reason (a fixed set: src/replication/inbound-check.ts). */
  raftMessagesDropped?(): Readonly<Record<string, number>>;
  /** Partition moves under way in the cluster, and the moving partitions this broker leads (docs/CLUSTER.md "Moving replicas"). */
  reassignments?(): { cluster: number; led: number };
}

/**
 * A per-topic counter (optionally with one more label, e.g. a reason) for the produce and fetch
 * paths: adding is a map update, and the sums reach the Prometheus counter when it is scraped.
 * prom-client's `inc()` builds a label key and an array of every series on each call, four times
 * per produce/fetch cycle here. A deleted topic's series are dropped at the next scrape, so the
 * series stay bounded by the topics that exist.
 */
export class TopicCounter {
  /** Label values (topic, then the extra label's) → amount added since the last scrape. */
  private readonly pending = new Map<string, { labels: Record<string, string>; amount: number }>();
  private readonly extraLabel: string | undefined;

  constructor(options: { name: string; help: string; registers: Registry[]; extraLabel?: string; topicExists: (topic: string) => boolean }) {
    const { pending } = this;
    const series = new Map<string, Record<string, string>>();
    new Counter({
      name: options.name,
      help: options.help,
      labelNames: options.extraLabel ? ['topic', options.extraLabel] : ['topic'],
      registers: options.registers,
      collect() {
        for (const [key, { labels, amount }] of pending) {
          if (amount > 0) this.inc(labels, amount);
          series.set(key, labels);
        }
        pending.clear();
        for (const [key, labels] of series) {
          if (options.topicExists(labels['topic']!)) continue;
          this.remove(labels);
          series.delete(key);
        }
      },
    });
    this.extraLabel = options.extraLabel;
  }

  add(topic: string, amount: number, extra?: string): void {
    const key = extra === undefined ? topic : `${topic}\u0000${extra}`;
    const entry = this.pending.get(key);
    if (entry) entry.amount += amount;
    else this.pending.set(key, { labels: this.extraLabel && extra !== undefined ? { topic, [this.extraLabel]: extra } : { topic }, amount });
  }
}

export class BrokerMetrics {
  readonly registry = new Registry();
  readonly recordsIn: TopicCounter;
  readonly bytesIn: TopicCounter;
  readonly recordsOut: TopicCounter;
  readonly bytesOut: TopicCounter;
  readonly expiredRecords: TopicCounter;
  readonly retentionDeletedRecords: TopicCounter;
  readonly requestSeconds: Histogram<'method'>;
  readonly requestErrors: Counter<'method' | 'code'>;
  readonly deliveryLatencySeconds: Histogram;
  readonly leaderChanges: Counter;
  readonly commitLatencySeconds: Histogram;
  readonly storageCorruptions: Counter<'topic' | 'partition'>;
  readonly scrubLastPassCompleted: Gauge;
  readonly scrubBytes: Counter;
  readonly leaderElections: Counter;
  readonly isrShrinks: Counter;
  readonly isrExpands: Counter;
  readonly controllerChanges: Counter;
  readonly storageSyncSeconds: Histogram;
  readonly slowRequests: Counter<'method'>;

  constructor(sources: MetricSources) {
    collectDefaultMetrics({ register: this.registry, prefix: 'sluice_' });
    for (const name of DEFAULT_METRICS_REFUSED) this.registry.removeSingleMetric(name);
    const registers = [this.registry];
    const topicCounter = (name: string, help: string, extraLabel?: string): TopicCounter =>
      new TopicCounter({ name, help, registers, extraLabel, topicExists: (topic) => sources.topicExists(topic) });
    this.recordsIn = topicCounter('sluice_records_in_total', 'Records appended, by topic');
    this.bytesIn = topicCounter('sluice_bytes_in_total', 'Batch bytes appended, by topic');
    this.recordsOut = topicCounter('sluice_records_out_total', 'Records served to fetches (whole batches), by topic');
    this.bytesOut = topicCounter('sluice_bytes_out_total', 'Batch bytes served to fetches, by topic');
    this.expiredRecords = topicCounter('sluice_expired_records_total', 'Records skipped by fetches because their TTL had passed');
    this.retentionDeletedRecords = topicCounter('sluice_retention_deleted_records_total', 'Records deleted by retention (time, size) or TTL expiry', 'reason');
    this.requestSeconds = new Histogram({
      name: 'sluice_request_duration_seconds',
      help: 'gRPC request handling time, by method (Fetch includes its long-poll wait)',
      labelNames: ['method'],
      buckets: [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5, 30],
      registers,
    });
    this.deliveryLatencySeconds = new Histogram({
      name: 'sluice_delivery_latency_seconds',
      help: 'End-to-end latency at the broker: batch append to the first fetch that serves it (ms resolution)',
      buckets: [0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5, 30],
      registers,
    });
    this.requestErrors = new Counter({ name: 'sluice_request_errors_total', help: 'Failed requests, by method and error code', labelNames: ['method', 'code'], registers });
    new Gauge({
      name: 'sluice_requests_in_flight',
      help: 'gRPC requests being served (parked fetches included), by method',
      labelNames: ['method'],
      registers,
      collect() {
        this.reset();
        for (const [method, count] of sources.inflightRequests()) this.set({ method }, count);
      },
    });
    const offsetGauge = (name: string, help: string, pick: (p: PartitionOffsets) => number): void => {
      new Gauge({
        name,
        help,
        labelNames: ['topic', 'partition'],
        registers,
        collect() {
          this.reset();
          for (const p of sources.partitionOffsets()) this.set({ topic: p.topic, partition: String(p.partition) }, pick(p));
        },
      });
    };
    offsetGauge('sluice_partition_log_start_offset', 'First offset still stored', (p) => p.logStartOffset);
    offsetGauge('sluice_partition_log_end_offset', 'Offset the next record gets', (p) => p.logEndOffset);
    offsetGauge('sluice_partition_high_watermark', 'Offsets below this are committed and visible to consumers', (p) => p.highWatermark);
    this.leaderChanges = new Counter({
      name: 'sluice_raft_leader_changes_total',
      help: 'Leader or term changes seen by the Raft groups on this broker (elections and transfers)',
      registers,
    });
    this.leaderElections = new Counter({
      name: 'sluice_leader_elections_total',
      help: 'Times this broker became the leader of a partition (elections and transfers it won)',
      registers,
    });
    this.isrShrinks = new Counter({ name: 'sluice_isr_shrinks_total', help: 'Replicas dropped from the in-sync set of partitions led here', registers });
    this.isrExpands = new Counter({ name: 'sluice_isr_expands_total', help: 'Replicas that rejoined the in-sync set of partitions led here', registers });
    this.controllerChanges = new Counter({
      name: 'sluice_controller_changes_total',
      help: 'Times the controller quorum leader changed as this broker saw it (failovers; includes losing sight of it)',
      registers,
    });
    new Gauge({
      name: 'sluice_controller_active',
      help: '1 on the broker that leads the controller quorum, 0 elsewhere (the sum over a healthy cluster is 1)',
      registers,
      collect() {
        this.set(sources.controller().active ? 1 : 0);
      },
    });
    new Gauge({
      name: 'sluice_offline_partitions',
      help: 'Partitions without a live leader, as the active controller sees them (0 on other brokers)',
      registers,
      collect() {
        this.set(sources.controller().offlinePartitions);
      },
    });
    this.storageSyncSeconds = new Histogram({
      name: 'sluice_storage_sync_duration_seconds',
      help: 'One durable group write of the log store: LevelDB write plus fsync (flush=always; periodic syncs under interval)',
      buckets: [0.0001, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
      registers,
    });
    this.slowRequests = new Counter({
      name: 'sluice_slow_requests_total',
      help: 'Requests slower than slow.request.threshold.ms (each is logged at warn with where its time went), by method',
      labelNames: ['method'],
      registers,
    });
    new Gauge({
      name: 'sluice_partition_size_bytes',
      help: 'Bytes stored for each partition replica on this broker (leader or follower)',
      labelNames: ['topic', 'partition'],
      registers,
      collect() {
        this.reset();
        for (const replica of sources.replicaSizes()) this.set({ topic: replica.topic, partition: String(replica.partition) }, replica.sizeBytes);
      },
    });
    this.commitLatencySeconds = new Histogram({
      name: 'sluice_replication_commit_latency_seconds',
      help: 'Leader append to majority commit of a produced batch',
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
      registers,
    });
    this.scrubLastPassCompleted = new Gauge({
      name: 'sluice_storage_scrub_last_pass_completed_timestamp_seconds',
      help: 'When the background scrub last finished re-reading and verifying every stored batch (0: not yet)',
      registers,
    });
    this.scrubBytes = new Counter({ name: 'sluice_storage_scrub_bytes_total', help: 'Bytes of stored batches the background scrub re-read and verified', registers });
    this.storageCorruptions = new Counter({
      name: 'sluice_storage_corruptions_total',
      help: 'Stored batches found damaged when read back (CRC32C mismatch, header unlike the index, data missing); each is counted once and never served',
      labelNames: ['topic', 'partition'],
      registers,
    });
    new Gauge({
      name: 'sluice_leader_partitions',
      help: 'Partitions this broker leads',
      registers,
      collect() {
        this.set(sources.leadership().led);
      },
    });
    new Gauge({
      name: 'sluice_storage_fault',
      help: '1 while the broker\'s storage refuses writes after a failed write (label: errno name of the cause: ENOSPC, EIO, EMFILE...)',
      labelNames: ['cause'],
      registers,
      collect() {
        this.reset();
        const cause = sources.storage().faultCause;
        if (cause !== undefined) this.set({ cause }, 1);
      },
    });
    new Gauge({
      name: 'sluice_storage_failed_replicas',
      help: 'Replicas (partitions, metadata log) stopped by a failed write, reopened once the storage takes writes again',
      registers,
      collect() {
        this.set(sources.storage().failedReplicas);
      },
    });
    new Gauge({
      name: 'sluice_connections',
      help: 'Open connections to the gRPC listeners (clients and peer brokers)',
      registers,
      collect() {
        this.set(sources.connections().open);
      },
    });
    new Gauge({
      name: 'sluice_connections_refused',
      help: 'Connections refused since start because max.connections were open',
      registers,
      collect() {
        this.set(sources.connections().refused);
      },
    });
    const raftDropped = sources.raftMessagesDropped;
    if (raftDropped !== undefined) {
      new Counter({
        name: 'sluice_raft_messages_dropped_total',
        help: 'Raft messages from the inter-broker listener dropped before reaching Raft, by reason (forged_from, wrong_to, malformed, bad_batch, ...)',
        labelNames: ['reason'],
        registers,
        collect() {
          this.reset();
          for (const [reason, count] of Object.entries(raftDropped())) this.inc({ reason }, count);
        },
      });
    }
    const reassignments = sources.reassignments;
    if (reassignments !== undefined) {
      new Gauge({
        name: 'sluice_partition_reassignments',
        help: 'Partitions moving to a new replica set: in the cluster (scope="cluster", as this broker\'s metadata holds it), and among those this broker leads (scope="led")',
        labelNames: ['scope'],
        registers,
        collect() {
          const now = reassignments();
          this.set({ scope: 'cluster' }, now.cluster);
          this.set({ scope: 'led' }, now.led);
        },
      });
    }
    new Gauge({
      name: 'sluice_under_replicated_partitions',
      help: 'Partitions led here whose in-sync replicas are fewer than their replicas',
      registers,
      collect() {
        this.set(sources.leadership().underReplicated);
      },
    });
    let lag: { atMs: number; entries: Promise<GroupLagEntry[]> } | undefined;
    const groupLag = (): Promise<GroupLagEntry[]> => {
      const nowMs = Date.now();
      if (lag === undefined || nowMs - lag.atMs > GROUP_LAG_REUSE_MS) lag = { atMs: nowMs, entries: sources.groupLag() };
      return lag.entries;
    };
    const lagGauge = (name: string, help: string, pick: (entry: GroupLagEntry) => number): void => {
      new Gauge({
        name,
        help,
        labelNames: ['group', 'topic', 'partition'],
        registers,
        async collect() {
          const entries = await groupLag();
          this.reset();
          for (const entry of entries) {
            this.set({ group: entry.group.slice(0, LABEL_VALUE_LENGTH_MAX), topic: entry.topic, partition: String(entry.partition) }, pick(entry));
          }
        },
      });
    };
    lagGauge('sluice_group_committed_offset', 'Committed offset per consumer group and partition (groups coordinated here, every partition wherever its leader is)', (e) => e.committedOffset);
    lagGauge('sluice_group_lag', 'Queue length: high watermark minus committed offset, per group and partition (groups coordinated here)', (e) => e.lag);
    lagGauge('sluice_group_lag_seconds', 'Age of the oldest unconsumed record, per group and partition (groups coordinated here; estimated from high watermark history where no local replica is current)', (e) => e.lagSeconds);
  }
}
