/**
 * A cluster of real broker processes for integration tests: free loopback ports picked up front (the
 * brokers must know each other's addresses), temporary data directories, cleanup even on failure.
 */
import { BrokerProcess, freePort, waitFor } from './broker-process.js';
import { RawClient } from './raw-client.js';

export class TestCluster {
  private constructor(
    readonly brokers: Map<number, BrokerProcess>,
    /** Each broker's Kafka listener port, when started with `{ kafka: true }`. */
    readonly kafkaPorts: Map<number, number>,
  ) {}

  /**
   * `extraArgs`: flags of every broker, or a function of the broker id (e.g. its own certificate).
   * `kafka`: every broker also runs a Kafka listener on a free port (docs/KAFKA.md).
   */
  static async start(size: number, extraArgs: string[] | ((id: number) => string[]) = [], options: { kafka?: boolean } = {}): Promise<TestCluster> {
    const argsOf = typeof extraArgs === 'function' ? extraArgs : (): string[] => extraArgs;
    const ports = new Map<number, { port: number; interBrokerPort: number; httpPort: number }>();
    for (let id = 1; id <= size; id++) ports.set(id, { port: await freePort(), interBrokerPort: await freePort(), httpPort: await freePort() });
    // Brokers reach each other on their inter-broker listeners; clients learn the client ports from Metadata.
    const membership = [...ports].map(([id, p]) => `${id}@127.0.0.1:${p.interBrokerPort}`).join(',');
    const kafkaPorts = new Map<number, number>();
    if (options.kafka) for (let id = 1; id <= size; id++) kafkaPorts.set(id, await freePort());
    // Each broker registers its Kafka listener; Metadata learns the others' from the registrations.
    const kafkaArgs = (id: number): string[] => (options.kafka ? ['--kafka-port', String(kafkaPorts.get(id))] : []);
    const brokers = new Map<number, BrokerProcess>();
    const cluster = new TestCluster(brokers, kafkaPorts);
    try {
      await Promise.all(
        [...ports].map(async ([id, p]) => {
          const broker = await BrokerProcess.start({
            port: p.port,
            interBrokerPort: p.interBrokerPort,
            httpPort: p.httpPort,
            waitReady: false,
            args: ['--broker-id', String(id), '--cluster-brokers', membership, ...kafkaArgs(id), ...argsOf(id)],
          });
          brokers.set(id, broker);
        }),
      );
      await Promise.all([...brokers.values()].map((broker) => broker.waitReady()));
      return cluster;
    } catch (err) {
      await cluster.cleanup();
      throw err;
    }
  }

  broker(id: number): BrokerProcess {
    const broker = this.brokers.get(id);
    if (!broker) throw new Error(`no broker ${id}`);
    return broker;
  }

  get bootstrap(): string[] {
    return [...this.brokers.values()].map((broker) => broker.address);
  }

  /** Every broker's Kafka listener, comma-separated (a Kafka client's bootstrap list). */
  get kafkaBootstrap(): string {
    return [...this.kafkaPorts.values()].map((port) => `127.0.0.1:${port}`).join(',');
  }

  async kill(id: number): Promise<void> {
    await this.broker(id).stop('SIGKILL');
  }

  /**
   * Starts a new broker `id` that knows only the controller quorum (`controller.quorum.voters`: the
   * inter-broker listeners of brokers 1-3, the voters), as `make cluster-add` does: it registers,
   * gets the metadata and takes replicas of new topics. In a cluster started with `{ kafka: true }`
   * it runs a Kafka listener too (in `kafkaPorts`), which it registers. Resolves once it is ready;
   * `stop`/`restart`/`cleanup` treat it as any other broker.
   */
  async addBroker(id: number, extraArgs: string[] = []): Promise<BrokerProcess> {
    if (this.brokers.has(id)) throw new Error(`broker ${id} exists already`);
    const voters = [...this.brokers.keys()].sort((a, b) => a - b).slice(0, 3);
    const quorum = voters.map((voter) => `${voter}@${this.broker(voter).interBrokerAddress}`).join(',');
    const kafkaPort = this.kafkaPorts.size > 0 ? await freePort() : undefined;
    const kafkaArgs = kafkaPort === undefined ? [] : ['--kafka-port', String(kafkaPort)];
    const broker = await BrokerProcess.start({ waitReady: true, args: ['--broker-id', String(id), '--controller-quorum-voters', quorum, ...kafkaArgs, ...extraArgs] });
    if (kafkaPort !== undefined) this.kafkaPorts.set(id, kafkaPort);
    this.brokers.set(id, broker);
    return broker;
  }

  /** Starts a stopped broker again with its data, ports and flags. */
  async restart(id: number, waitReady = true): Promise<BrokerProcess> {
    const broker = await this.broker(id).startAgain(waitReady);
    this.brokers.set(id, broker);
    return broker;
  }

  /** A client for a live broker other than `except`. */
  clientFor(id: number): RawClient {
    const broker = this.broker(id);
    return new RawClient(broker.address, { interBrokerAddress: broker.interBrokerAddress });
  }

  /** Waits until a live broker reports a leader for the partition; returns its id. */
  async leaderOf(topic: string, partition: number, via: number, timeoutMs = 10_000): Promise<number> {
    const client = this.clientFor(via);
    try {
      return await waitFor(`a leader of ${topic}/${partition}`, async () => {
        const leader = (await client.describeTopic(topic)).partitions[partition]?.leader ?? -1;
        const alive = leader > 0 && this.brokers.get(leader)?.child.exitCode === null && this.brokers.get(leader)?.child.signalCode === null;
        return alive ? leader : undefined;
      }, timeoutMs);
    } finally {
      client.close();
    }
  }

  async cleanup(): Promise<void> {
    await Promise.all([...this.brokers.values()].map((broker) => broker.cleanup()));
  }
}
