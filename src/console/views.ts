/**
 * The JSON shapes of the console's API (`/api/v1/...`, docs/CONSOLE.md): the server builds them,
 * the browser code (console/) imports these types, so both sides read one definition. Where a view
 * is what the client library returns, it is the client's type (import-free modules, so the browser
 * type-check can follow them).
 */
import type { TopicDescription } from '../client/admin/types.js';
import type { GroupMemberDescription, GroupPartitionLag, ResetTarget } from '../client/group/admin-types.js';

export interface SessionView {
  /** The principal console calls act as: a logged-in SCRAM user, or ANONYMOUS. */
  principal: string;
  /** The broker refuses ANONYMOUS or checks ACLs: log in to act as a principal of your own. */
  loginSuggested: boolean;
  /** SCRAM mechanisms the broker accepts for login. */
  mechanisms: string[];
  readOnly: boolean;
  /** The broker serving this console. */
  brokerId: number;
  version: string;
}

export interface BrokerView {
  id: number;
  address: string;
  alive: boolean;
  controller: boolean;
  /** Partitions this broker leads. */
  partitionsLed: number;
  /** Partition replicas placed on this broker. */
  replicas: number;
  /** Bytes of the partitions it holds, as far as the serving broker knows their size (it holds a copy). */
  logBytes: number;
  /** The cause of the write its storage refused; empty when healthy. */
  storageFault: string;
  /** The serving broker's version; '' for the others (not exchanged between brokers). */
  version: string;
}

export interface ClusterView {
  brokers: BrokerView[];
  /** Broker id of the controller leader, -1 when unknown. */
  controller: number;
  servedBy: number;
  topics: number;
  partitions: number;
  underReplicatedPartitions: number;
  offlinePartitions: number;
  /** Records per second over the last sample interval (0 until two samples exist). */
  produceRecordsPerSec: number;
  consumeRecordsPerSec: number;
}

export interface TopicSummaryView {
  name: string;
  partitions: number;
  replicationFactor: number;
  /** Records between log start and high watermark, summed over partitions. */
  records: number;
  sizeBytes: number;
  produceRecordsPerSec: number;
  underReplicated: number;
  internal: boolean;
  deadLetter: boolean;
}

export interface TopicView extends TopicDescription {
  produceRecordsPerSec: number;
}

export interface HeaderView {
  key: string;
  value: string;
}

export interface MessageView {
  partition: number;
  offset: number;
  timestamp: number;
  /** UTF-8 text, or null for a null key / value. */
  key: string | null;
  value: string | null;
  /** The value, indented, when it parses as JSON. */
  valueJson: string | null;
  headers: HeaderView[];
  /** The record's TTL, or the topic's message.ttl.ms; 0: never expires. */
  ttlMs: number;
  /** When it expires (timestamp + TTL), ms since the epoch; 0: never. */
  expiresAt: number;
}

export interface BrowseView {
  topic: string;
  records: MessageView[];
  /** Records read to find these (filters skip some). */
  scanned: number;
  /** Per partition, where a "next page" continues. */
  next: Array<{ partition: number; offset: number; highWatermark: number }>;
}

export interface ProducedView {
  partition: number;
  offset: number;
  timestamp: number;
}

export interface GroupSummaryView {
  groupId: string;
  state: string;
  members: number;
  /** Records not yet consumed, summed over partitions (-1 when unknown). */
  lag: number;
  /** Age of the oldest unconsumed record over partitions, ms. */
  lagMs: number;
}

export interface GroupView {
  groupId: string;
  state: string;
  groupEpoch: number;
  members: GroupMemberDescription[];
  partitions: GroupPartitionLag[];
  lag: number;
}

/** How a reset picks the new offsets (as `sluice group reset-offsets`). */
export type ResetTargetView = ResetTarget;

export interface ResetRequestView {
  topic: string;
  target: ResetTargetView;
  /** true: compute and return the changes, write nothing. */
  dryRun: boolean;
}

export interface ResetView {
  applied: boolean;
  changes: Array<{ topic: string; partition: number; currentOffset: number; newOffset: number; logEndOffset: number; lagAfter: number }>;
}

export interface DeadLetterTopicView {
  topic: string;
  /** The topic its records came from (the name without `.dlq`). */
  origin: string;
  /** Records not redriven yet. */
  pending: number;
  records: number;
}

export interface DeadLetterView {
  partition: number;
  offset: number;
  timestamp: number;
  key: string | null;
  value: string | null;
  headers: HeaderView[];
  originTopic: string;
  originPartition: number;
  originOffset: number;
  attempts: number;
  error: string;
  group: string;
  /** Already redriven (and so acknowledged in the console's redrive group). */
  redriven: boolean;
}

export interface DeadLettersView {
  topic: string;
  records: DeadLetterView[];
}

export interface RedriveRequestView {
  /** Records to redrive; with `all`, every pending one (up to the request's bound). */
  records?: Array<{ partition: number; offset: number }>;
  all?: boolean;
}

export interface RedriveView {
  redriven: Array<{ partition: number; offset: number; to: { topic: string; partition: number; offset: number } }>;
}

/** One history point; rates in records/s, latency in ms (null when nothing was measured). */
export interface HistoryPoint {
  timeMs: number;
  produceRecordsPerSec: number;
  consumeRecordsPerSec: number;
  produceLatencyP50Ms: number | null;
  produceLatencyP99Ms: number | null;
  endToEndLatencyP50Ms: number | null;
  endToEndLatencyP99Ms: number | null;
}

export interface HistoryView {
  intervalMs: number;
  points: HistoryPoint[];
  /** Per group, its total lag at each point's time (null: not known then). */
  groupLag: Record<string, Array<number | null>>;
  /** Per topic, records produced per second at each point. */
  topicRates: Record<string, Array<number | null>>;
}

export interface ErrorView {
  /** Sluice's error code (UNKNOWN_TOPIC, UNAUTHORIZED, ...) or a console one (READ_ONLY, NOT_FOUND, ...). */
  code: string;
  message: string;
}
