/**
 * A broker's line to the controller: registration (which yields the broker epoch), the heartbeat
 * loop (liveness out; cluster view and, for non-voters, the metadata image back), and forwarding
 * of metadata changes. When this broker is the controller leader, calls stay in-process.
 */
import * as grpc from '@grpc/grpc-js';
import { randomUUID } from 'node:crypto';
import { fromServiceError, SluiceError } from '../protocol/errors.js';
import { CHANNEL_OPTIONS, controllerApi } from '../protocol/grpc.js';
import type { ControllerClient } from '../protocol/generated/sluice/v1/Controller.js';
import type { BrokerHeartbeatResponse__Output } from '../protocol/generated/sluice/v1/BrokerHeartbeatResponse.js';
import { leaderKey, type Controller, type CreateTopicSpec, type PartitionLeaderReport, type PartitionReport } from './controller.js';
import type { MetadataImage } from './metadata-image.js';
import { withTimeout } from '../replication/with-timeout.js';

export interface ControllerLinkOptions {
  selfId: number;
  host: string;
  port: number;
  controller: Controller;
  /** Controller voter ids and every broker's address (from the static cluster config). */
  voters: readonly number[];
  addresses: ReadonlyMap<number, string>;
  heartbeatIntervalMs: number;
  /** What this broker leads right now, reported with each heartbeat. */
  leaderships(): PartitionReport[];
  /** Longest one forwarded metadata change may take, including finding the controller. */
  requestTimeoutMs: number;
  /**
   * How long the cluster view from the last answered heartbeat stands: past it (the controller's
   * session timeout for this broker) the view is empty rather than stale.
   */
  viewTtlMs: number;
  /** Called after each successful registration. */
  onRegistered?(): void;
}

export interface ClusterView {
  controller: number;
  aliveBrokers: number[];
  leaders: Map<string, PartitionLeaderReport>;
}

type Callback<T> = (err: grpc.ServiceError | null, value?: T) => void;

function call<T>(invoke: (callback: Callback<T>) => unknown): Promise<T> {
  return new Promise((resolve, reject) => invoke((err, value) => (err ? reject(fromServiceError(err)) : resolve(value as T))));
}

const NO_VIEW: ClusterView = { controller: 0, aliveBrokers: [], leaders: new Map() };

const RETRY_BACKOFF_MS = 100;

export class ControllerLink {
  private readonly clients = new Map<number, ControllerClient>();
  private readonly incarnation = randomUUID();
  private epoch = -1;
  private knownLeader = 0;
  private voterCursor = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private beating = false;
  private lastView: ClusterView = NO_VIEW;
  private lastViewAtMs = 0;

  constructor(private readonly options: ControllerLinkOptions) {}

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
    return Date.now() - this.lastViewAtMs <= this.options.viewTtlMs ? this.lastView : NO_VIEW;
  }

  private client(brokerId: number): ControllerClient {
    let client = this.clients.get(brokerId);
    if (!client) {
      const address = this.options.addresses.get(brokerId);
      if (!address) throw new SluiceError('BROKER_NOT_AVAILABLE', `no address for broker ${brokerId}`);
      client = new (controllerApi().Controller)(address, grpc.credentials.createInsecure(), CHANNEL_OPTIONS);
      this.clients.set(brokerId, client);
    }
    return client;
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
   * Runs `local` if this broker leads the controller, else `remote` against the controller leader,
   * following NOT_COORDINATOR hints and retrying unavailable voters until `requestTimeoutMs`, which
   * also bounds each attempt (a controller that lost its quorum never commits).
   */
  async request<T>(local: () => Promise<T>, remote: (client: ControllerClient, options: grpc.CallOptions) => Promise<T>): Promise<T> {
    const { requestTimeoutMs } = this.options;
    const deadline = Date.now() + requestTimeoutMs;
    const timedOut = (): SluiceError => new SluiceError('REQUEST_TIMED_OUT', `the controller did not answer within ${requestTimeoutMs} ms`);
    for (;;) {
      const target = this.target();
      try {
        if (target === this.options.selfId) return await withTimeout(local(), deadline - Date.now(), timedOut);
        return await remote(this.client(target), { deadline });
      } catch (err) {
        const error = err instanceof SluiceError ? err : fromServiceError(err);
        if (!error.retriable) throw error;
        if (Date.now() >= deadline) {
          throw new SluiceError(
            'REQUEST_TIMED_OUT',
            `no controller leader answered within ${requestTimeoutMs} ms; a majority of controller voters (${this.options.voters.join(', ')}) may be down (last: ${error.code}: ${error.message})`,
          );
        }
        const hinted = error.code === 'NOT_COORDINATOR' && error.leaderHint ? Number(error.leaderHint) : 0;
        this.knownLeader = hinted === target ? 0 : hinted;
        // Follow a hint to another broker at once; otherwise (no leader yet, or it is still
        // settling in) wait, so a retry loop never spins.
        if (!this.knownLeader) await new Promise((r) => setTimeout(r, RETRY_BACKOFF_MS));
      }
    }
  }

  start(): void {
    const loop = (): void => {
      if (this.stopped) return;
      this.timer = setTimeout(() => {
        void this.beat().finally(loop);
      }, this.options.heartbeatIntervalMs);
    };
    void this.beat().finally(loop);
  }

  private async register(): Promise<void> {
    const { selfId, host, port, controller } = this.options;
    this.epoch = await this.request(
      () => controller.registerBroker(selfId, host, port, this.incarnation),
      async (client, options) => (await call<{ brokerEpoch: number }>((cb) => client.RegisterBroker({ brokerId: selfId, host, port, incarnation: this.incarnation }, options, cb))).brokerEpoch,
    );
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
        this.epoch = -1;
        return;
      }
      if (response.metadataImage) this.options.controller.adoptImage(JSON.parse(response.metadataImage) as MetadataImage);
      this.knownLeader = response.controller;
      this.lastView = {
        controller: response.controller,
        aliveBrokers: response.aliveBrokers,
        leaders: new Map(response.leaders.map((l) => [leaderKey(l.topic, l.partition, l.topicId), { ...l, term: 0 }])),
      };
      this.lastViewAtMs = Date.now();
    } catch (err) {
      if (!this.stopped && !(err instanceof SluiceError && err.retriable)) console.error('controller heartbeat failed:', err);
    } finally {
      this.beating = false;
    }
  }

  private heartbeat(): Promise<BrokerHeartbeatResponse__Output> {
    const { selfId, controller } = this.options;
    const leaderships = this.options.leaderships();
    const version = controller.metadata.version;
    return this.request(
      async () => heartbeatResponse(controller, selfId, this.epoch, version, leaderships),
      (client, options) =>
        call<BrokerHeartbeatResponse__Output>((cb) =>
          client.BrokerHeartbeat({ brokerId: selfId, brokerEpoch: this.epoch, metadataVersion: version, leaderships }, options, cb),
        ),
    );
  }

  forwardCreateTopic(spec: CreateTopicSpec): Promise<number> {
    return this.request(
      () => this.options.controller.createTopic(spec),
      async (client, options) =>
        (await call<{ metadataVersion: number }>((cb) =>
          client.CreateTopic({ name: spec.name, partitions: spec.partitions, replicationFactor: spec.replicationFactor, configs: spec.configs }, options, cb),
        )).metadataVersion,
    );
  }

  forwardDeleteTopic(name: string): Promise<number> {
    return this.request(
      () => this.options.controller.deleteTopic(name),
      async (client, options) => (await call<{ metadataVersion: number }>((cb) => client.DeleteTopic({ name }, options, cb))).metadataVersion,
    );
  }

  forwardAlterTopicConfig(name: string, set: Record<string, string>, reset: string[]): Promise<number> {
    return this.request(
      () => this.options.controller.alterTopicConfig(name, set, reset),
      async (client, options) => (await call<{ metadataVersion: number }>((cb) => client.AlterTopicConfig({ name, set, delete: reset }, options, cb))).metadataVersion,
    );
  }

  forwardAllocateProducerIds(count: number): Promise<{ firstId: number; count: number }> {
    const selfId = this.options.selfId;
    return this.request(
      () => this.options.controller.allocateProducerIds(selfId, count),
      (client, options) => call<{ firstId: number; count: number }>((cb) => client.AllocateProducerIds({ brokerId: selfId, count }, options, cb)),
    );
  }

  close(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    for (const client of this.clients.values()) client.close();
  }
}

/** The controller leader's answer to a heartbeat (shared by the gRPC handler and in-process calls). */
export function heartbeatResponse(
  controller: Controller,
  brokerId: number,
  brokerEpoch: number,
  metadataVersion: number,
  leaderships: PartitionReport[],
): BrokerHeartbeatResponse__Output {
  const fenced = !controller.heartbeat(brokerId, brokerEpoch, leaderships);
  const image = controller.metadata;
  return {
    fenced,
    controller: controller.leaderId,
    metadataVersion: image.version,
    metadataImage: metadataVersion < image.version ? JSON.stringify(image) : '',
    aliveBrokers: controller.aliveBrokers(),
    leaders: controller.leaders().map((l) => ({
      topic: l.topic,
      partition: l.partition,
      topicId: l.topicId,
      leader: l.leader,
      isr: l.isr,
      highWatermark: l.highWatermark,
      logEndOffset: l.logEndOffset,
      logStartOffset: l.logStartOffset,
    })),
  };
}
