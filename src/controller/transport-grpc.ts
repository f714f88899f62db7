/** ControllerTransport over gRPC: one client per peer broker, created on first use. */
import * as grpc from '@grpc/grpc-js';
import { fromServiceError, SluiceError } from '../protocol/errors.js';
import { CHANNEL_OPTIONS, controllerApi } from '../protocol/grpc.js';
import type { ControllerClient } from '../protocol/generated/sluice/v1/Controller.js';
import type { BrokerHeartbeatResponse__Output } from '../protocol/generated/sluice/v1/BrokerHeartbeatResponse.js';
import { aclToWire, credentialToWire } from '../security/wire.js';
import type { ControllerRpc, ControllerTransport } from './rpc.js';
import { reassignmentsToWire } from './reassignment-wire.js';

type Callback<T> = (err: grpc.ServiceError | null, value?: T) => void;

function call<T>(invoke: (callback: Callback<T>) => unknown): Promise<T> {
  return new Promise((resolve, reject) => invoke((err, value) => (err ? reject(fromServiceError(err)) : resolve(value as T))));
}

export class GrpcControllerTransport implements ControllerTransport {
  private readonly clients = new Map<number, ControllerClient>();

  /**
   * `addresses`: every broker's inter-broker listener `host:port` (from the static cluster config);
   * `credentials`: how to dial broker `id` (mutual TLS between brokers, or plaintext by default).
   */
  constructor(
    private readonly addresses: ReadonlyMap<number, string>,
    private readonly credentials: (brokerId: number) => grpc.ChannelCredentials = () => grpc.credentials.createInsecure(),
  ) {}

  private client(brokerId: number): ControllerClient {
    let client = this.clients.get(brokerId);
    if (!client) {
      const address = this.addresses.get(brokerId);
      if (!address) throw new SluiceError('BROKER_NOT_AVAILABLE', `no address for broker ${brokerId}`);
      client = new (controllerApi().Controller)(address, this.credentials(brokerId), CHANNEL_OPTIONS);
      this.clients.set(brokerId, client);
    }
    return client;
  }

  to(target: number, deadlineMs: number): ControllerRpc {
    const client = this.client(target);
    const options: grpc.CallOptions = { deadline: deadlineMs };
    return {
      registerBroker: async (request) => (await call<{ brokerEpoch: number }>((cb) => client.RegisterBroker(request, options, cb))).brokerEpoch,
      brokerHeartbeat: (request) => call<BrokerHeartbeatResponse__Output>((cb) => client.BrokerHeartbeat(request, options, cb)),
      createTopic: async (spec) =>
        (await call<{ metadataVersion: number }>((cb) =>
          client.CreateTopic({ name: spec.name, partitions: spec.partitions, replicationFactor: spec.replicationFactor, configs: spec.configs }, options, cb),
        )).metadataVersion,
      deleteTopic: async (name) => (await call<{ metadataVersion: number }>((cb) => client.DeleteTopic({ name }, options, cb))).metadataVersion,
      alterTopicConfig: async (name, set, reset) =>
        (await call<{ metadataVersion: number }>((cb) => client.AlterTopicConfig({ name, set, delete: reset }, options, cb))).metadataVersion,
      allocateProducerIds: (brokerId, count) => call<{ firstId: number; count: number }>((cb) => client.AllocateProducerIds({ brokerId, count }, options, cb)),
      upsertScramCredential: async (name, mechanism, credential) =>
        (await call<{ metadataVersion: number }>((cb) => client.UpsertUser({ name, credential: credentialToWire(mechanism, credential) }, options, cb))).metadataVersion,
      deleteUser: async (name) => (await call<{ metadataVersion: number }>((cb) => client.DeleteUser({ name }, options, cb))).metadataVersion,
      createAcl: async (acl) => (await call<{ metadataVersion: number }>((cb) => client.CreateAcl(aclToWire(acl), options, cb))).metadataVersion,
      deleteAcl: async (acl) => (await call<{ metadataVersion: number }>((cb) => client.DeleteAcl(aclToWire(acl), options, cb))).metadataVersion,
      alterClientQuotas: async (principal, set, remove) =>
        (await call<{ metadataVersion: number }>((cb) => client.AlterClientQuotas({ principal, set, remove }, options, cb))).metadataVersion,
      alterReassignments: async (spec) => {
        const answer = await call<{ metadataVersion: number; movesStarted: number }>((cb) => client.AlterReassignments(reassignmentsToWire(spec), options, cb));
        return { metadataVersion: answer.metadataVersion, movesStarted: answer.movesStarted };
      },
      createPartitions: async (name, count) =>
        (await call<{ metadataVersion: number }>((cb) => client.CreatePartitions({ name, count }, options, cb))).metadataVersion,
      unregisterBroker: async (brokerId) =>
        (await call<{ metadataVersion: number }>((cb) => client.UnregisterBroker({ brokerId }, options, cb))).metadataVersion,
    };
  }

  close(): void {
    for (const client of this.clients.values()) client.close();
  }
}
