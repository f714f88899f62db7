/**
 * Redis Streams as a peer: XADD in pipelines of STEP_RECORDS (several pipelines in flight) to
 * produce, XREADGROUP + XACK to consume, a blocking XREADGROUP reader for end-to-end latency.
 * Redis runs with appendonly yes / appendfsync everysec (started by bench-compare.sh).
 */
import { Redis } from 'ioredis';
import { RateLimiter } from '../../src/bench/rate-limiter.js';
import { Meter, recordsWithWarmUp, type BenchResult } from '../../src/bench/report.js';
import { sentAtOf, sleepMs, stampedValue, STEP_RECORDS, WINDOW_RECORDS, type Workloads } from './peer.js';

const BACKLOG_STREAM = 'bench-100';
const GROUP = 'bench';

type StreamReply = Array<[string, Array<[string, Buffer[]]>]> | null;

export class RedisWorkloads implements Workloads {
  private readonly producer: Redis;
  private readonly consumer: Redis;

  constructor(address: string) {
    const [host, port] = address.split(':');
    this.producer = new Redis({ host, port: Number(port), lazyConnect: false, enableAutoPipelining: false });
    this.consumer = new Redis({ host, port: Number(port) });
  }

  async produce(size: number, count: number): Promise<BenchResult> {
    const stream = size === 100 ? BACKLOG_STREAM : `bench-${size}`;
    const value = Buffer.alloc(size, 0x61);
    const meter = new Meter();
    let inFlight = 0;
    let wake: (() => void) | undefined;
    for (let sent = 0; sent < count; ) {
      const n = Math.min(STEP_RECORDS, count - sent);
      const pipeline = this.producer.pipeline();
      for (let i = 0; i < n; i++) pipeline.xaddBuffer(stream, '*', 'v', value);
      const startedAt = performance.now();
      inFlight += n;
      sent += n;
      void pipeline.exec().then(() => {
        meter.add(n, n * size, performance.now() - startedAt);
        inFlight -= n;
        wake?.();
      });
      while (inFlight >= WINDOW_RECORDS) await new Promise<void>((resolve) => (wake = resolve));
    }
    while (inFlight > 0) await new Promise<void>((resolve) => (wake = resolve));
    meter.finish();
    return meter.result('produce', size, 'pipeline sent to reply');
  }

  async consumeBacklog(count: number): Promise<BenchResult> {
    await this.consumer.xgroup('CREATE', BACKLOG_STREAM, GROUP, '0');
    const meter = new Meter();
    while (meter.recordCount < count) {
      const startedAt = performance.now();
      const reply = (await this.consumer.xreadgroupBuffer('GROUP', GROUP, 'c1', 'COUNT', STEP_RECORDS, 'STREAMS', BACKLOG_STREAM, '>')) as StreamReply;
      const entries = reply?.[0]?.[1] ?? [];
      if (entries.length === 0) break;
      await this.consumer.xack(BACKLOG_STREAM, GROUP, ...entries.map(([id]) => id));
      meter.add(entries.length, entries.reduce((sum, [, fields]) => sum + (fields[1]?.length ?? 0), 0), performance.now() - startedAt);
    }
    meter.finish();
    return meter.result('consume', 100, 'XREADGROUP + XACK round trip');
  }

  async endToEnd(rate: number, count: number, warmUpSec: number): Promise<BenchResult> {
    const stream = 'bench-e2e';
    await this.consumer.xgroup('CREATE', stream, GROUP, '$', 'MKSTREAM');
    const meter = new Meter({ warmUpMs: warmUpSec * 1000 });
    const limiter = new RateLimiter(rate);
    const toSend = recordsWithWarmUp(count, rate, warmUpSec);
    let delivered = 0;
    let produced = false;
    const produceLoop = async (): Promise<void> => {
      for (let sent = 0; sent < toSend; ) {
        const n = limiter.take(toSend - sent);
        if (n === 0) {
          await sleepMs(Math.max(1, limiter.waitMs()));
          continue;
        }
        const pipeline = this.producer.pipeline();
        for (let i = 0; i < n; i++) pipeline.xaddBuffer(stream, '*', 'v', stampedValue(100));
        void pipeline.exec();
        sent += n;
      }
      produced = true;
    };
    const consumeLoop = async (): Promise<void> => {
      while (delivered < toSend) {
        const reply = (await this.consumer.xreadgroupBuffer('GROUP', GROUP, 'c1', 'COUNT', STEP_RECORDS, 'BLOCK', 1000, 'STREAMS', stream, '>')) as StreamReply;
        const entries = reply?.[0]?.[1] ?? [];
        if (entries.length === 0 && produced) break;
        delivered += entries.length;
        for (const [, fields] of entries) meter.addDelivered(sentAtOf(fields[1]!), 100);
        if (entries.length > 0) await this.consumer.xack(stream, GROUP, ...entries.map(([id]) => id));
      }
    };
    await Promise.all([produceLoop(), consumeLoop()]);
    meter.finish();
    return meter.result('e2e', 100, 'XADD to XREADGROUP delivery');
  }

  async close(): Promise<void> {
    this.producer.disconnect();
    this.consumer.disconnect();
  }
}
