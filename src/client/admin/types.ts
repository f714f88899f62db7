/** Shapes the admin client returns; plain objects, independent of the generated wire types. */

export interface CreateTopicRequest {
  name: string;
  partitions: number;
  replicationFactor: number;
  /** Topic config keys: retention.ms, retention.bytes, max.message.bytes, message.ttl.ms, cleanup.policy. */
  configs?: Record<string, string>;
}

export interface PartitionDescription {
  partition: number;
  leader: number;
  replicas: number[];
  isr: number[];
  logStartOffset: number;
  logEndOffset: number;
  highWatermark: number;
  sizeBytes: number;
}

export interface TopicDescription {
  name: string;
  partitions: PartitionDescription[];
  /** Every config key with its effective value. */
  configs: Record<string, string>;
  replicationFactor: number;
}

export interface TopicSummary {
  name: string;
  partitions: number;
  replicationFactor: number;
}

export interface AlterTopicConfigRequest {
  name: string;
  /** Keys to set to these values. */
  set?: Record<string, string>;
  /** Keys to reset to the broker default. */
  delete?: string[];
}

/** A principal's own quotas by Kafka's names: producer_byte_rate, consumer_byte_rate (bytes/s), request_percentage. */
export interface ClientQuotaEntry {
  principal: string;
  quotas: Record<string, number>;
}

export interface ClientQuotas {
  /** Principals with quotas of their own. */
  entries: ClientQuotaEntry[];
  /** The answering broker's defaults for every other principal (absent: unlimited). */
  defaults: Record<string, number>;
}

export interface UserSummary {
  name: string;
  /** SCRAM mechanisms the user has a credential for. */
  mechanisms: string[];
}

/** A partition moving to a new replica list (docs/CLUSTER.md "Moving replicas"). */
export interface PartitionReassignment {
  topic: string;
  partition: number;
  /** Its replica list now, and the one it moves to (the preferred leader first). */
  replicas: number[];
  target: number[];
  /** Its Raft configuration as its leader last reported it (empty when unknown). */
  voters: number[];
  learners: number[];
}

export interface Reassignments {
  reassignments: PartitionReassignment[];
  /** Brokers being emptied of replicas. */
  decommissioned: number[];
  /** Partitions the request moved (or whose move it cancelled). */
  movesStarted: number;
  /** The controller quorum's voters, and the voters it moves to (empty: none under way). */
  controllerVoters: number[];
  controllerTarget: number[];
}

/** One kind of change: moves (an empty `replicas` cancels that partition's move), a decommission, a recommission, or a rebalance. */
export type ReassignmentRequest =
  | { moves: Array<{ topic: string; partition: number; replicas: number[] }> }
  | { decommission: number }
  | { recommission: number }
  | { rebalance: { maxMoves?: number } }
  | { controllerVoters: number[] };
