/**
 * The entry point: `createClient({ bootstrap })` holds the shared settings and makes producers,
 * consumers and admins. Each of those owns its connections and metadata cache and releases them
 * on `close()` (as in KafkaJS: `kafka.producer()` … `producer.disconnect()`).
 */
import { Admin } from './admin/admin.js';
import { Cluster, resolveClientOptions, type ResolvedClientOptions } from './cluster.js';
import { Consumer } from './consumer/consumer.js';
import type { ConsumerOptions } from './consumer/options.js';
import { GroupAdmin } from './group/admin.js';
import { GroupConsumer } from './group/consumer.js';
import type { GroupConsumerOptions } from './group/options.js';
import { Producer, type ProducerInternals } from './producer/producer.js';
import type { ProducerOptions } from './producer/options.js';
import type { ClientOptions } from './types.js';

export class Sluice {
  readonly options: ResolvedClientOptions;

  constructor(options: ClientOptions) {
    this.options = resolveClientOptions(options);
  }

  producer(options: ProducerOptions = {}, internals: ProducerInternals = {}): Producer {
    return new Producer(new Cluster(this.options), options, internals);
  }

  consumer(options: ConsumerOptions = {}): Consumer {
    return new Consumer(new Cluster(this.options), options);
  }

  /** A consumer-group member: subscribe, then run a handler; acks commit, failures rewind and retry. */
  groupConsumer(options: GroupConsumerOptions, onError?: (err: unknown) => void): GroupConsumer {
    return new GroupConsumer(this.options, options, onError);
  }

  admin(): Admin {
    return new Admin(new Cluster(this.options));
  }

  groupAdmin(): GroupAdmin {
    return new GroupAdmin(this.options);
  }
}

export function createClient(options: ClientOptions): Sluice {
  return new Sluice(options);
}
