/** Promise wrappers over the generated gRPC clients, for tests that speak the wire API directly. */
import * as grpc from '@grpc/grpc-js';
import { brokerApi, CHANNEL_OPTIONS, controllerApi } from '../../src/protocol/grpc.js';
import { fromServiceError, type SluiceError } from '../../src/protocol/errors.js';
import type { AdminClient } from '../../src/protocol/generated/sluice/v1/Admin.js';
import type { BrokerClient } from '../../src/protocol/generated/sluice/v1/Broker.js';
import type { BrokerHeartbeatResponse__Output } from '../../src/protocol/generated/sluice/v1/BrokerHeartbeatResponse.js';
import type { ControllerClient } from '../../src/protocol/generated/sluice/v1/Controller.js';
import type { InitProducerIdResponse__Output } from '../../src/protocol/generated/sluice/v1/InitProducerIdResponse.js';
import type { MetadataResponse__Output } from '../../src/protocol/generated/sluice/v1/MetadataResponse.js';
import type { CreateTopicRequest } from '../../src/protocol/generated/sluice/v1/CreateTopicRequest.js';
import type { FetchRequest } from '../../src/protocol/generated/sluice/v1/FetchRequest.js';
import type { FetchResponse__Output } from '../../src/protocol/generated/sluice/v1/FetchResponse.js';
import type { ListOffsetsRequest } from '../../src/protocol/generated/sluice/v1/ListOffsetsRequest.js';
import type { ListOffsetsResponse__Output } from '../../src/protocol/generated/sluice/v1/ListOffsetsResponse.js';
import type { ProduceRequest } from '../../src/protocol/generated/sluice/v1/ProduceRequest.js';
import type { ProduceResponse__Output } from '../../src/protocol/generated/sluice/v1/ProduceResponse.js';
import type { TopicDescription__Output } from '../../src/protocol/generated/sluice/v1/TopicDescription.js';

type Callback<Res> = (err: grpc.ServiceError | null, res?: Res) => void;

function call<Res>(invoke: (callback: Callback<Res>) => unknown): Promise<Res> {
  return new Promise((resolve, reject) => {
    invoke((err, res) => (err ? reject(fromServiceError(err)) : resolve(res as Res)));
  });
}

function streamAll<Req, Res>(stream: grpc.ClientDuplexStream<Req, Res>, requests: Req[]): Promise<Res[]> {
  return new Promise((resolve, reject) => {
    const answers: Res[] = [];
    stream.on('data', (answer: Res) => answers.push(answer));
    stream.on('error', (err) => reject(fromServiceError(err)));
    stream.on('end', () => resolve(answers));
    for (const request of requests) stream.write(request);
    stream.end();
  });
}

export class RawClient {
  readonly broker: BrokerClient;
  readonly admin: AdminClient;
  readonly controller: ControllerClient;

  /**
   * `address`: the client listener; `interBrokerAddress`: the inter-broker listener, where the
   * Controller service lives (default: `address`); `credentials`: TLS (default plaintext).
   */
  constructor(address: string, options: { interBrokerAddress?: string; credentials?: grpc.ChannelCredentials } = {}) {
    const api = brokerApi();
    const credentials = options.credentials ?? grpc.credentials.createInsecure();
    this.broker = new api.Broker(address, credentials, CHANNEL_OPTIONS);
    this.admin = new api.Admin(address, credentials, CHANNEL_OPTIONS);
    this.controller = new (controllerApi().Controller)(options.interBrokerAddress ?? address, credentials, CHANNEL_OPTIONS);
  }

  metadata(topics: string[] = []): Promise<MetadataResponse__Output> {
    return call((cb) => this.broker.Metadata({ topics }, cb));
  }

  initProducerId(): Promise<InitProducerIdResponse__Output> {
    return call((cb) => this.broker.InitProducerId({}, cb));
  }

  brokerHeartbeat(brokerId: number, brokerEpoch: number): Promise<BrokerHeartbeatResponse__Output> {
    return call((cb) => this.controller.BrokerHeartbeat({ brokerId, brokerEpoch, metadataVersion: 0, leaderships: [] }, cb));
  }

  produce(request: ProduceRequest): Promise<ProduceResponse__Output> {
    return call((cb) => this.broker.Produce(request, cb));
  }

  fetch(request: FetchRequest): Promise<FetchResponse__Output> {
    return call((cb) => this.broker.Fetch(request, cb));
  }

  /** Sends `requests` on one ProduceStream, then ends it; resolves with every answer once the broker ends the stream. */
  produceStream(requests: ProduceRequest[]): Promise<ProduceResponse__Output[]> {
    return streamAll(this.broker.ProduceStream(), requests);
  }

  /** Sends `requests` on one FetchStream, then ends it; resolves with every answer once the broker ends the stream. */
  fetchStream(requests: FetchRequest[]): Promise<FetchResponse__Output[]> {
    return streamAll(this.broker.FetchStream(), requests);
  }

  listOffsets(request: ListOffsetsRequest): Promise<ListOffsetsResponse__Output> {
    return call((cb) => this.broker.ListOffsets(request, cb));
  }

  createTopic(request: CreateTopicRequest): Promise<TopicDescription__Output> {
    return call((cb) => this.admin.CreateTopic(request, cb));
  }

  describeTopic(name: string): Promise<TopicDescription__Output> {
    return call((cb) => this.admin.DescribeTopic({ name }, cb));
  }

  deleteTopic(name: string): Promise<unknown> {
    return call((cb) => this.admin.DeleteTopic({ name }, cb));
  }

  close(): void {
    this.broker.close();
    this.admin.close();
    this.controller.close();
  }
}

/** Runs `fn` expecting it to fail with a SluiceError; returns that error. */
export async function expectError(fn: () => Promise<unknown>): Promise<SluiceError> {
  try {
    await fn();
  } catch (err) {
    return err as SluiceError;
  }
  throw new Error('expected the call to fail, but it succeeded');
}
