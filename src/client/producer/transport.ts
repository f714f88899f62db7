/**
 * What the producer needs from the cluster, as one seam: the real one routes through `Cluster`
 * (metadata cache, leader of each partition, one gRPC client per broker); tests pass a fake.
 */
import { fromServiceError, SluiceError } from '../../protocol/errors.js';
import type { InitProducerIdResponse__Output } from '../../protocol/generated/sluice/v1/InitProducerIdResponse.js';
import type { ProduceRequest } from '../../protocol/generated/sluice/v1/ProduceRequest.js';
import { brokerApi } from '../../protocol/grpc.js';
import type { Cancellation } from '../cancellation.js';
import { Cluster, unary } from '../cluster.js';
import type { Acks } from './types.js';

export interface ProduceCall {
  topic: string;
  partition: number;
  acks: Acks;
  /** How long the broker may wait for replication, in ms (0 = broker default). */
  ackTimeoutMs: number;
  /** One encoded batch; a retry passes the same bytes. */
  batch: Buffer;
  /** Writes the ProduceRequest carrying `batch` with a correlation id (produce-request.ts); else the generated encoder is used. */
  request?: (correlationId: number) => Buffer;
  /** Stops waiting for the answer (the request fails; the broker may still store the batch). */
  cancellation?: Cancellation;
}

let requestSerialize: ((request: ProduceRequest) => Buffer) | undefined;

/** ProduceRequest bytes for a call that has no pre-encoded request. */
function serializeProduceRequest(call: ProduceCall, correlationId: number): Buffer {
  requestSerialize ??= brokerApi().Broker.service.Produce.requestSerialize;
  return requestSerialize({ topic: call.topic, partition: call.partition, acks: call.acks, timeoutMs: call.ackTimeoutMs, batch: call.batch, correlationId });
}

export interface ProducerTransport {
  /** Partition count from fresh cached metadata, else undefined. */
  cachedPartitionCount(topic: string): number | undefined;
  /** Partition count, fetching metadata when needed; throws what the request threw. */
  partitionCount(topic: string): Promise<number>;
  /** A new producer id and epoch, from any broker. */
  initProducerId(): Promise<{ producerId: number; producerEpoch: number }>;
  /** One attempt to append `call.batch` on the partition's leader; resolves with its base offset (-1 with acks=0). */
  produce(call: ProduceCall): Promise<{ baseOffset: number }>;
  /** True once another leader than the one last produced to is named for the partition; false when `signal` aborts. */
  leaderMoved(topic: string, partition: number, signal: AbortSignal): Promise<boolean>;
  close(): void;
}

/** The producer's transport over a `Cluster`. */
export class ClusterTransport implements ProducerTransport {
  constructor(private readonly cluster: Cluster) {}

  cachedPartitionCount(topic: string): number | undefined {
    return this.cluster.cachedPartitionCount(topic);
  }

  partitionCount(topic: string): Promise<number> {
    return this.cluster.partitionCount(topic);
  }

  leaderMoved(topic: string, partition: number, signal: AbortSignal): Promise<boolean> {
    return this.cluster.leaderMoved(topic, partition, signal);
  }

  async initProducerId(): Promise<{ producerId: number; producerEpoch: number }> {
    const address = this.cluster.anyAddress();
    try {
      const response = await unary<InitProducerIdResponse__Output>((cb) => this.cluster.broker(address).InitProducerId({}, this.cluster.deadline(), cb));
      return { producerId: response.producerId, producerEpoch: response.producerEpoch };
    } catch (err) {
      if (err instanceof SluiceError) this.cluster.noteAddressError(address, err);
      throw err;
    }
  }

  async produce(call: ProduceCall): Promise<{ baseOffset: number }> {
    let address: string | undefined;
    try {
      address = await this.cluster.leaderAddress(call.topic, call.partition);
      const timeoutMs = this.cluster.options.requestTimeoutMs + call.ackTimeoutMs;
      const response = await this.cluster
        .produceStream(address)
        .request(call.request ?? ((correlationId) => serializeProduceRequest(call, correlationId)), timeoutMs, call.cancellation);
      return { baseOffset: call.acks === 0 ? -1 : response.baseOffset };
    } catch (raw) {
      const err = fromServiceError(raw);
      // NOT_LEADER, an unreachable broker or a timeout: the next attempt refreshes the leader.
      this.cluster.noteError(call.topic, err);
      if (address !== undefined) this.cluster.noteLeaderError(address, err);
      throw err;
    }
  }

  close(): void {
    this.cluster.close();
  }
}
