/**
 * A broker's line to the controller: registration (which yields the broker epoch), the heartbeat
 * loop (liveness out; cluster view and, for non-voters, the metadata image back), and forwarding
 * of metadata changes. When this broker is the controller leader, calls stay in-process.
 */
import { randomUUID } from 'node:crypto';
import { fromServiceError, SluiceError } from '../protocol/errors.js';
import { sleep, systemClock, withTimeout, type Clock, type TimerHandle } from '../runtime/clock.js';
import {
  HEALTHY_STORAGE,
  leaderKey,
  type BrokerStorageReport,
  type Controller,
  type CreateTopicSpec,
  type PartitionLeaderReport,
  type PartitionReport,
  type ReassignmentSpec,
} from './controller.js';
import type { AclBinding } from '../security/acl.js';
import type { ScramMechanism, StoredScramCredential } from '../security/scram.js';
import type { MetadataImage } from './metadata-image.js';
import { localControllerRpc, type BrokerHeartbeatResponse, type ControllerRpc, type ControllerTransport } from './rpc.js';
import { logger } from '../observability/log.js';

const log = logger('controller');

export interface ControllerLinkOptions {
  selfId: number;
  host: string;
  port: number;
  /** This broker's inter-broker listener `host:port`, registered for peers to dial (default: none). */
  interBrokerAddress?: string;
  /**
   * This broker's advertised Kafka listener `host:port`, registered for other brokers' Kafka Metadata
   * (default: none). Read at each registration: the listener binds after the broker opens.
   */
  kafkaAddress?(): string;
  controller: Controller;
  /** Controller voter ids (from the static cluster config). */
  voters: readonly number[];
  /** How calls reach the other brokers' controller services. */
  transport: ControllerTransport;
  heartbeatIntervalMs: number;
  /** What this broker leads right now, reported with each heartbeat. */
  leaderships(): PartitionReport[];
  /** This broker's storage fault and damaged replicas, reported with each heartbeat (default: healthy). */
  storage?(): BrokerStorageReport;
  /** Longest one forwarded metadata change may take, including finding the controller. */
  requestTimeoutMs: number;
  /**
   * How long the cluster view from the last answered heartbeat stands: past it (the controller's
   * session timeout for this broker) the view is empty rather than stale.
   */
  viewTtlMs: number;
  /** Called after each successful registration. */
  onRegistered?(): void;
  /** Heartbeat timing, deadlines and the view's age (default: Node's clock). */
  clock?: Clock;
  /** Identifies this start of the broker (default: a random UUID). */
  incarnation?: string;
}

export interface ClusterView {
  controller: number;
  aliveBrokers: number[];
  leaders: Map<string, PartitionLeaderReport>;
  /** Each live broker's storage, as it last reported it to the controller. */
  storage: Map<number, BrokerStorageReport>;
}

const NO_VIEW: ClusterView = { controller: 0, aliveBrokers: [], leaders: new Map(), storage: new Map() };

const RETRY_BACKOFF_MS = 100;
const RETRY_LOG_INTERVAL_MS = 5_000;

export class ControllerLink {
  private readonly clock: Clock;
  private readonly incarnation: string;
  /** This broker's own controller, called in-process when it leads. */
  private readonly local: ControllerRpc;
  private epoch = -1;
  private knownLeader = 0;
  private voterCursor = 0;
  private timer: TimerHandle | undefined;
  private stopped = false;
  private beating = false;
  private lastView: ClusterView = NO_VIEW;
  private lastViewAtMs = 0;
  private retryLoggedAtMs = -Infinity;
  private retriesUnlogged = 0;

  constructor(private readonly options: ControllerLinkOptions) {
    this.clock = options.clock ?? systemClock;
    this.incarnation = options.incarnation ?? randomUUID();
    this.local = localControllerRpc(options.controller);
  }

  get brokerEpoch(): number {
    return this.epoch;
  }

  get registered(): boolean {
    return this.epoch >= 0;
  }

  /**
   * The controller, live brokers and partition leaders as of the last answered heartbeat; empty once
   * that is older than viewTtlMs (no controller reachable: say nothing rather than something stale).
   */
  get view(): ClusterView {
    return this.hasFreshView ? this.lastView : NO_VIEW;
  }

  /** A heartbeat was answered within viewTtlMs: this broker's metadata is at most that old. */
  get hasFreshView(): boolean {
    return this.clock.nowMs() - this.lastViewAtMs <= this.options.viewTtlMs;
  }

  /** The broker to ask: the local controller's leader, the last one we heard of, or the next voter. */
  private target(): number {
    const local = this.options.controller.leaderId;
    if (local) return local;
    if (this.knownLeader) return this.knownLeader;
    const voters = this.options.voters;
    return voters[this.voterCursor++ % voters.length]!;
  }

  /**
   * Runs `operation` against the controller leader's service (in-process when this broker leads),
   * following NOT_COORDINATOR hints and retrying unavailable voters until `requestTimeoutMs`, which
   * also bounds each attempt (a controller that lost its quorum never commits).
   */
  private async request<T>(operation: (controller: ControllerRpc) => Promise<T>): Promise<T> {
    const { requestTimeoutMs } = this.options;
    const deadline = this.clock.nowMs() + requestTimeoutMs;
    const timedOut = (): SluiceError => new SluiceError('REQUEST_TIMED_OUT', `the controller did not answer within ${requestTimeoutMs} ms`);
    for (;;) {
      const target = this.target();
      try {
        if (target === this.options.selfId) return await withTimeout(this.clock, operation(this.local), deadline - this.clock.nowMs(), timedOut);
        return await operation(this.options.transport.to(target, deadline));
      } catch (err) {
        const error = err instanceof SluiceError ? err : fromServiceError(err);
        if (!error.retriable) throw error;
        if (this.clock.nowMs() >= deadline) {
          throw new SluiceError(
            'REQUEST_TIMED_OUT',
            `no controller leader answered within ${requestTimeoutMs} ms; a majority of controller voters (${this.options.voters.join(', ')}) may be down (last: ${error.code}: ${error.message})`,
          );
        }
        this.noteRetry(target, error);
        const hinted = error.code === 'NOT_COORDINATOR' && error.leaderHint ? Number(error.leaderHint) : 0;
        this.knownLeader = hinted === target ? 0 : hinted;
        // Follow a hint to another broker at once; otherwise (no leader yet, or it is still
        // settling in) wait, so a retry loop never spins.
        if (!this.knownLeader) await sleep(this.clock, RETRY_BACKOFF_MS);
      }
    }
  }

  /**
   * Logs retried controller requests at warn, at most once per RETRY_LOG_INTERVAL_MS (an election
   * retries every 100 ms); not before the first registration, while the quorum is still forming.
   */
  private noteRetry(target: number, error: SluiceError): void {
    if (!this.registered) return;
    this.retriesUnlogged++;
    const nowMs = this.clock.nowMs();
    if (nowMs - this.retryLoggedAtMs < RETRY_LOG_INTERVAL_MS) return;
    log.warn({ target, code: error.code, retries: this.retriesUnlogged }, `controller request to broker ${target} retried (${error.code}: ${error.message}); ${this.retriesUnlogged} retr${this.retriesUnlogged === 1 ? 'y' : 'ies'} since the last such line`);
    this.retryLoggedAtMs = nowMs;
    this.retriesUnlogged = 0;
  }

  start(): void {
    const loop = (): void => {
      if (this.stopped) return;
      this.timer = this.clock.setTimeout(() => {
        void this.beat().finally(loop);
      }, this.options.heartbeatIntervalMs);
    };
    void this.beat().finally(loop);
  }

  private async register(): Promise<void> {
    const { selfId, host, port, interBrokerAddress = '' } = this.options;
    const kafkaAddress = this.options.kafkaAddress?.() ?? '';
    this.epoch = await this.request((controller) =>
      controller.registerBroker({ brokerId: selfId, host, port, incarnation: this.incarnation, interBrokerAddress, kafkaAddress }),
    );
    log.info({ epoch: this.epoch }, `registered with the controller as broker ${selfId} (epoch ${this.epoch})`);
    this.options.onRegistered?.();
  }

  /** One registration-or-heartbeat round; failures are retried by the next round. */
  private async beat(): Promise<void> {
    if (this.beating) return;
    this.beating = true;
    try {
      if (!this.registered) await this.register();
      const response = await this.heartbeat();
      if (response.fenced) {
        log.warn({ epoch: this.epoch }, `fenced by the controller (epoch ${this.epoch} is not this broker's latest registration): registering again`);
        this.epoch = -1;
        return;
      }
      if (response.metadataImage) this.options.controller.adoptImage(JSON.parse(response.metadataImage) as MetadataImage);
      this.knownLeader = response.controller;
      this.lastView = {
        controller: response.controller,
        aliveBrokers: response.aliveBrokers,
        leaders: new Map(response.leaders.map((l) => [leaderKey(l.topic, l.partition, l.topicId), { ...l, term: 0 }])),
        storage: new Map(response.brokerStorage.map((b) => [b.brokerId, { storageFault: b.storageFault, damagedReplicas: b.damagedReplicas }])),
      };
      this.lastViewAtMs = this.clock.nowMs();
    } catch (err) {
      if (!this.stopped && !(err instanceof SluiceError && err.retriable)) log.warn({ err }, 'controller heartbeat failed');
    } finally {
      this.beating = false;
    }
  }

  private heartbeat(): Promise<BrokerHeartbeatResponse> {
    const request = {
      brokerId: this.options.selfId,
      brokerEpoch: this.epoch,
      metadataVersion: this.options.controller.metadata.version,
      leaderships: this.options.leaderships(),
      ...(this.options.storage?.() ?? HEALTHY_STORAGE),
    };
    return this.request((controller) => controller.brokerHeartbeat(request));
  }

  forwardCreateTopic(spec: CreateTopicSpec): Promise<number> {
    return this.request((controller) => controller.createTopic(spec));
  }

  forwardDeleteTopic(name: string): Promise<number> {
    return this.request((controller) => controller.deleteTopic(name));
  }

  forwardAlterTopicConfig(name: string, set: Record<string, string>, reset: string[]): Promise<number> {
    return this.request((controller) => controller.alterTopicConfig(name, set, reset));
  }

  forwardUpsertScramCredential(user: string, mechanism: ScramMechanism, credential: StoredScramCredential): Promise<number> {
    return this.request((controller) => controller.upsertScramCredential(user, mechanism, credential));
  }

  forwardDeleteUser(user: string): Promise<number> {
    return this.request((controller) => controller.deleteUser(user));
  }

  forwardCreateAcl(acl: AclBinding): Promise<number> {
    return this.request((controller) => controller.createAcl(acl));
  }

  forwardDeleteAcl(acl: AclBinding): Promise<number> {
    return this.request((controller) => controller.deleteAcl(acl));
  }

  forwardAllocateProducerIds(count: number): Promise<{ firstId: number; count: number }> {
    const selfId = this.options.selfId;
    return this.request((controller) => controller.allocateProducerIds(selfId, count));
  }

  forwardAlterClientQuotas(principal: string, set: Record<string, number>, remove: string[]): Promise<number> {
    return this.request((controller) => controller.alterClientQuotas(principal, set, remove));
  }

  forwardAlterReassignments(spec: ReassignmentSpec): Promise<{ metadataVersion: number; movesStarted: number }> {
    return this.request((controller) => controller.alterReassignments(spec));
  }

  forwardCreatePartitions(name: string, count: number): Promise<number> {
    return this.request((controller) => controller.createPartitions(name, count));
  }

  forwardUnregisterBroker(brokerId: number): Promise<number> {
    return this.request((controller) => controller.unregisterBroker(brokerId));
  }

  close(): void {
    this.stopped = true;
    this.clock.clearTimer(this.timer);
    this.options.transport.close();
  }
}
