/**
 * A broker that joins a running cluster (knowing only the controller quorum) registers its Kafka
 * listener: the other brokers' Kafka Metadata names it, so kcat bootstrapped at broker 1 produces
 * to and consumes from a partition broker 4 leads — with no kafka.cluster.brokers anywhere.
 */
import { expect } from 'chai';
import * as grpc from '@grpc/grpc-js';
import { CHANNEL_OPTIONS, controllerApi } from '../../src/protocol/grpc.js';
import { TestCluster } from '../helpers/cluster.js';
import { ensureKcat, kcatMetadata, kcatOk } from '../helpers/kcat.js';
import { waitFor } from '../helpers/broker-process.js';
import { createClient, type Admin } from '../../src/client/index.js';

describe('Kafka listener of a broker that joined the cluster (kcat, real processes)', function () {
  this.timeout(180_000);
  let cluster: TestCluster | undefined;
  let admin: Admin | undefined;

  after(async () => {
    await admin?.close().catch(() => undefined);
    await cluster?.cleanup();
  });

  it("lists the joined broker 4 at its Kafka address in broker 1's Metadata, and kcat through broker 1 reaches the partition it leads", async () => {
    ensureKcat();
    cluster = await TestCluster.start(3, [], { kafka: true });
    await cluster.addBroker(4);
    const kafka4 = `127.0.0.1:${cluster.kafkaPorts.get(4)}`;
    admin = createClient({ bootstrap: cluster.bootstrap.join(','), clientId: 'kcat-join-test' }).admin();
    const topic = `kj-${process.pid}`;
    // One replica per partition over four brokers: each broker leads one of them, broker 4 included.
    await admin.createTopic({ name: topic, partitions: 4, replicationFactor: 1 });
    let partition = -1;
    for (let p = 0; p < 4 && partition < 0; p++) if ((await cluster.leaderOf(topic, p, 1, 30_000)) === 4) partition = p;
    expect(partition, 'a partition led by broker 4').to.be.at.least(0);

    const viaBroker1 = `127.0.0.1:${cluster.kafkaPorts.get(1)}`;
    // Broker 1 learns broker 4's registration, and who leads, from the metadata log.
    const metadata = await waitFor('broker 1 to name broker 4 as a leader', async () => {
      const answer = await kcatMetadata(['-b', viaBroker1, '-t', topic]);
      const led = answer.topics[0]?.partitions.find((p) => p.partition === partition)?.leader;
      return led === 4 && answer.brokers.some((b) => b.id === 4) ? answer : undefined;
    }, 30_000);
    expect(metadata.brokers.find((b) => b.id === 4)?.name).to.equal(kafka4);
    expect(metadata.brokers.map((b) => [b.id, b.name]).sort()).to.deep.equal([1, 2, 3, 4].map((id) => [id, `127.0.0.1:${cluster!.kafkaPorts.get(id)}`]));

    const values = Array.from({ length: 200 }, (_, i) => `joined-${i}`);
    await kcatOk(['-b', viaBroker1, '-t', topic, '-p', String(partition), '-P', '-X', 'acks=all'], values.join('\n') + '\n');
    const consumed = await waitFor('the 200 records back through broker 1', async () => {
      const lines = (await kcatOk(['-b', viaBroker1, '-t', topic, '-p', String(partition), '-C', '-o', 'beginning', '-e', '-f', '%o %s\n'])).split('\n').filter(Boolean);
      return lines.length >= values.length ? lines : undefined;
    }, 30_000);
    expect(consumed).to.deep.equal(values.map((value, offset) => `${offset} ${value}`));
    // They are on broker 4, the partition's only replica, not merely somewhere in the cluster.
    const direct = await kcatOk(['-b', kafka4, '-t', topic, '-p', String(partition), '-C', '-o', 'beginning', '-e', '-c', String(values.length), '-f', '%s\n']);
    expect(direct.split('\n').filter(Boolean)).to.deep.equal(values);

    // A registration whose Kafka address is not host:port is refused, and the broker keeps serving.
    const controller = new (controllerApi().Controller)(cluster.broker(1).interBrokerAddress, grpc.credentials.createInsecure(), CHANNEL_OPTIONS);
    try {
      const refused = await new Promise<grpc.ServiceError>((resolve, reject) =>
        controller.RegisterBroker({ brokerId: 9, host: '127.0.0.1', port: 7109, incarnation: 'bad', kafkaAddress: 'no port here' }, { deadline: Date.now() + 10_000 }, (err) =>
          err ? resolve(err) : reject(new Error('a malformed kafka_address was registered'))),
      );
      expect(refused.code).to.equal(grpc.status.INVALID_ARGUMENT);
      expect(refused.details).to.match(/^INVALID_REQUEST: kafka_address must be host:port/);
    } finally {
      controller.close();
    }
    const after = await kcatMetadata(['-b', viaBroker1, '-t', topic]);
    expect(after.brokers.map((b) => b.id).sort()).to.deep.equal([1, 2, 3, 4]);
  });
});
