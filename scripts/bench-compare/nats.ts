/**
 * NATS JetStream as a peer: file-storage streams, async publish (a window of outstanding
 * js.publish() acks) to produce, a pull consumer (fetch batches, ack the last of each with
 * AckPolicy.All) to consume, and a pull consumer's consume() loop for end-to-end latency.
 */
import { AckPolicy, connect, StorageType, type JetStreamClient, type JetStreamManager, type NatsConnection } from 'nats';
import { RateLimiter } from '../../src/bench/rate-limiter.js';
import { Meter, recordsWithWarmUp, type BenchResult } from '../../src/bench/report.js';
import { sentAtOf, sleepMs, stampedValue, STEP_RECORDS, WINDOW_RECORDS, type Workloads } from './peer.js';

const BACKLOG_STREAM = 'bench100';

export class NatsWorkloads implements Workloads {
  private constructor(
    private readonly connection: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
  ) {}

  static async connect(address: string): Promise<NatsWorkloads> {
    const connection = await connect({ servers: address });
    return new NatsWorkloads(connection, connection.jetstream(), await connection.jetstreamManager());
  }

  private async stream(name: string): Promise<string> {
    await this.jsm.streams.add({ name, subjects: [`${name}.>`], storage: StorageType.File });
    return `${name}.data`;
  }

  async produce(size: number, count: number): Promise<BenchResult> {
    const subject = await this.stream(size === 100 ? BACKLOG_STREAM : `bench${size}`);
    const value = Buffer.alloc(size, 0x61);
    const meter = new Meter();
    let inFlight = 0;
    let wake: (() => void) | undefined;
    for (let sent = 0; sent < count; sent++) {
      const startedAt = performance.now();
      inFlight++;
      void this.js.publish(subject, value).then(() => {
        meter.add(1, size, performance.now() - startedAt);
        inFlight--;
        if (inFlight <= WINDOW_RECORDS - STEP_RECORDS) wake?.();
      });
      if (inFlight >= WINDOW_RECORDS) await new Promise<void>((resolve) => (wake = resolve));
    }
    while (inFlight > 0) await sleepMs(1);
    meter.finish();
    return meter.result('produce', size, 'publish to PubAck');
  }

  async consumeBacklog(count: number): Promise<BenchResult> {
    await this.jsm.consumers.add(BACKLOG_STREAM, { durable_name: 'bench', ack_policy: AckPolicy.All });
    const consumer = await this.js.consumers.get(BACKLOG_STREAM, 'bench');
    const meter = new Meter();
    while (meter.recordCount < count) {
      const startedAt = performance.now();
      const batch = await consumer.fetch({ max_messages: STEP_RECORDS, expires: 1000 });
      let last;
      let n = 0;
      let bytes = 0;
      for await (const message of batch) {
        last = message;
        n++;
        bytes += message.data.length;
      }
      if (!last) break;
      last.ack();
      meter.add(n, bytes, performance.now() - startedAt);
    }
    meter.finish();
    return meter.result('consume', 100, 'pull fetch of a batch');
  }

  async endToEnd(rate: number, count: number, warmUpSec: number): Promise<BenchResult> {
    const subject = await this.stream('benche2e');
    await this.jsm.consumers.add('benche2e', { durable_name: 'e2e', ack_policy: AckPolicy.None });
    const messages = await (await this.js.consumers.get('benche2e', 'e2e')).consume({ max_messages: STEP_RECORDS });
    const meter = new Meter({ warmUpMs: warmUpSec * 1000 });
    const limiter = new RateLimiter(rate);
    const toSend = recordsWithWarmUp(count, rate, warmUpSec);
    let delivered = 0;
    const produceLoop = async (): Promise<void> => {
      for (let sent = 0; sent < toSend; ) {
        const n = limiter.take(toSend - sent);
        if (n === 0) {
          await sleepMs(Math.max(1, limiter.waitMs()));
          continue;
        }
        for (let i = 0; i < n; i++) void this.js.publish(subject, stampedValue(100));
        sent += n;
      }
    };
    const consumeLoop = async (): Promise<void> => {
      // Leaving the loop stops the pull subscription (awaiting messages.close() after it never settles).
      for await (const message of messages) {
        meter.addDelivered(sentAtOf(message.data), message.data.length);
        if (++delivered >= toSend) break;
      }
    };
    await Promise.all([produceLoop(), consumeLoop()]);
    meter.finish();
    return meter.result('e2e', 100, 'publish to pull-consumer delivery');
  }

  async close(): Promise<void> {
    await this.connection.drain();
  }
}
