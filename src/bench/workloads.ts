/**
 * The three benchmark workloads, run through the Sluice client library against a running broker:
 *   produce  N records of S bytes from P producers, at a target rate or as fast as acks come back;
 *            latency = send() to acknowledgement.
 *   consume  read a topic's backlog from its start; latency = record age at delivery.
 *   e2e      produce at a fixed rate and consume at once in the same process; latency = send to
 *            delivery, measured on one monotonic clock (the send time rides in the record value).
 */
import { SluiceError, type Acks, type ProducerCodec, type Producer, type Sluice, type TopicPartition } from '../client/index.js';
import { RateLimiter } from './rate-limiter.js';
import { Meter, recordsWithWarmUp, type BenchResult } from './report.js';

export interface WorkloadOptions {
  topic: string;
  /** Records to produce or consume; consume defaults to the whole backlog. */
  records: number | undefined;
  recordSize: number;
  /** Records per second over all producers; 0 = unlimited. */
  rate: number;
  producers: number;
  /** Partitions of the topic when the bench creates it. */
  partitions: number;
  acks: Acks;
  lingerMs: number;
  batchBytes: number;
  compression: ProducerCodec;
  /** Stop after this long even if records remain (long RSS runs); 0 = no limit. */
  durationSec: number;
  /** e2e: seconds of records sent before the measured `records` and not measured. */
  warmUpSec: number;
  /** Called once a second with the meter, to print progress. */
  onTick(meter: Meter): void;
  signal: AbortSignal;
}

/** Records handed to one send() call: large enough to amortise the call, small enough to pace. */
const SEND_CHUNK_RECORDS = 500;
/** Records sent but not acknowledged per producer; the producer's own buffer bounds bytes as well. */
const OUTSTANDING_RECORDS_MAX = 50_000;
const E2E_TIMESTAMP_BYTES = 8;
const E2E_DRAIN_MS = 5_000;

export async function ensureTopic(client: Sluice, topic: string, partitions: number): Promise<void> {
  const admin = client.admin();
  try {
    await admin.createTopic({ name: topic, partitions, replicationFactor: 1 });
  } catch (err) {
    if (!(err instanceof SluiceError && err.code === 'TOPIC_EXISTS')) throw err;
  } finally {
    await admin.close();
  }
}

/** A value of printable letters: compressible about as much as typical text payloads. */
function makeValue(size: number): Buffer {
  const value = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i++) value[i] = 65 + Math.floor(Math.random() * 26);
  return value;
}

function ticker(meter: Meter, options: WorkloadOptions): () => void {
  const timer = setInterval(() => options.onTick(meter), 1000);
  return () => clearInterval(timer);
}

function deadlineReached(options: WorkloadOptions, startMs: number): boolean {
  return options.signal.aborted || (options.durationSec > 0 && performance.now() - startMs >= options.durationSec * 1000);
}

export async function runProduce(client: Sluice, options: WorkloadOptions): Promise<BenchResult> {
  await ensureTopic(client, options.topic, options.partitions);
  const total = options.records ?? 1_000_000;
  const value = makeValue(options.recordSize);
  const limiter = new RateLimiter(options.rate);
  const meter = new Meter();
  const stopTicker = ticker(meter, options);
  const startMs = performance.now();
  let remaining = total;
  const producers = Array.from({ length: options.producers }, () =>
    client.producer({ acks: options.acks, lingerMs: options.lingerMs, batchBytesMax: options.batchBytes, compression: options.compression }),
  );
  const sendAll = async (producer: Producer): Promise<void> => {
    let outstanding = 0;
    let wakeSender: (() => void) | undefined;
    let failure: unknown;
    while (remaining > 0 && failure === undefined && !deadlineReached(options, startMs)) {
      const n = limiter.take(Math.min(SEND_CHUNK_RECORDS, remaining));
      if (n === 0) {
        await sleepMs(Math.max(1, limiter.waitMs()));
        continue;
      }
      remaining -= n;
      const records = Array.from({ length: n }, () => ({ value }));
      const sentAt = performance.now();
      outstanding += n;
      producer.send({ topic: options.topic, records }).then(
        () => meter.add(n, n * options.recordSize, performance.now() - sentAt),
        (err: unknown) => (failure ??= err),
      ).finally(() => {
        outstanding -= n;
        wakeSender?.();
      });
      if (outstanding >= OUTSTANDING_RECORDS_MAX) await new Promise<void>((resolve) => (wakeSender = resolve));
      wakeSender = undefined;
    }
    await producer.flush();
    if (failure !== undefined) throw failure;
  };
  try {
    await Promise.all(producers.map(sendAll));
  } finally {
    meter.finish();
    stopTicker();
    await Promise.all(producers.map((producer) => producer.close().catch(() => undefined)));
  }
  return meter.result('produce', options.recordSize, 'send() to acknowledgement');
}

async function partitionsOf(client: Sluice, topic: string): Promise<TopicPartition[]> {
  const admin = client.admin();
  try {
    const description = await admin.describeTopic(topic);
    return description.partitions.map(({ partition }) => ({ topic, partition }));
  } finally {
    await admin.close();
  }
}

async function backlogOf(client: Sluice, topic: string): Promise<number> {
  const admin = client.admin();
  try {
    const description = await admin.describeTopic(topic);
    return description.partitions.reduce((sum, p) => sum + p.highWatermark - p.logStartOffset, 0);
  } finally {
    await admin.close();
  }
}

export async function runConsume(client: Sluice, options: WorkloadOptions): Promise<BenchResult> {
  const total = options.records ?? (await backlogOf(client, options.topic));
  const consumer = client.consumer({ autoOffsetReset: 'earliest', maxBytes: options.batchBytes, maxPollRecords: 100_000 });
  consumer.assign(await partitionsOf(client, options.topic));
  const meter = new Meter();
  const stopTicker = ticker(meter, options);
  const startMs = performance.now();
  let recordSize = 0;
  try {
    while (meter.recordCount < total && !deadlineReached(options, startMs)) {
      const records = await consumer.poll({ maxRecords: total - meter.recordCount, timeoutMs: 1000 });
      const nowMs = Date.now();
      // Every record's age is recorded; a run of records with the same timestamp (a producer stamps
      // all records of one send() alike) goes into the histogram as one value with a count, since
      // one histogram update per record was a sixth of this process's time.
      let runAgeMs = NaN;
      let runRecords = 0;
      let runBytes = 0;
      for (const record of records) {
        const size = record.value?.length ?? 0;
        recordSize = size;
        const ageMs = nowMs - record.timestamp;
        if (ageMs !== runAgeMs) {
          if (runRecords > 0) meter.add(runRecords, runBytes, runAgeMs);
          runAgeMs = ageMs;
          runRecords = 0;
          runBytes = 0;
        }
        runRecords++;
        runBytes += size;
      }
      if (runRecords > 0) meter.add(runRecords, runBytes, runAgeMs);
    }
  } finally {
    meter.finish();
    stopTicker();
    await consumer.close();
  }
  return meter.result('consume', recordSize, 'record age at delivery (producer timestamp to poll)');
}

export async function runEndToEnd(client: Sluice, options: WorkloadOptions): Promise<BenchResult> {
  if (options.recordSize < E2E_TIMESTAMP_BYTES) throw new RangeError(`e2e needs --record-size >= ${E2E_TIMESTAMP_BYTES}`);
  if (options.rate <= 0) throw new RangeError('e2e needs a target --rate (records/s)');
  await ensureTopic(client, options.topic, options.partitions);
  const total = options.records ?? options.rate * 30;
  const partitions = await partitionsOf(client, options.topic);
  const consumer = client.consumer({ autoOffsetReset: 'latest', maxWaitMs: 500, maxPollRecords: 10_000 });
  const admin = client.admin();
  try {
    consumer.assign(partitions);
    // Start at the current end, known before the first record is sent.
    for (const tp of partitions) consumer.seek(tp, (await admin.listOffsets(tp.topic, tp.partition, 'latest')).offset);
  } finally {
    await admin.close();
  }
  const producer = client.producer({ acks: options.acks, lingerMs: options.lingerMs, batchBytesMax: options.batchBytes, compression: options.compression });
  const meter = new Meter({ warmUpMs: options.warmUpSec * 1000 });
  const stopTicker = ticker(meter, options);
  const startMs = performance.now();
  const limiter = new RateLimiter(options.rate);
  const toSend = recordsWithWarmUp(total, options.rate, options.warmUpSec);
  let sent = 0;
  let delivered = 0;
  let failure: unknown;
  let producedAtMs: number | undefined;
  const produceLoop = async (): Promise<void> => {
    while (sent < toSend && failure === undefined && !deadlineReached(options, startMs)) {
      const n = limiter.take(toSend - sent);
      if (n === 0) {
        await sleepMs(Math.max(1, limiter.waitMs()));
        continue;
      }
      const records = Array.from({ length: n }, () => {
        const value = Buffer.allocUnsafe(options.recordSize).fill(0x61);
        value.writeDoubleLE(performance.now(), 0);
        return { value };
      });
      sent += n;
      producer.send({ topic: options.topic, records }).catch((err: unknown) => (failure ??= err));
    }
    await producer.flush();
    producedAtMs = performance.now();
  };
  // After the last send, records still on their way get a grace period; lost ones must not hang the run.
  const waitingForStragglers = (): boolean => producedAtMs === undefined || performance.now() - producedAtMs < E2E_DRAIN_MS;
  const consumeLoop = async (): Promise<void> => {
    while (failure === undefined && (producedAtMs === undefined || (delivered < sent && waitingForStragglers()))) {
      for (const record of await consumer.poll({ timeoutMs: 200 })) {
        if (record.value && record.value.length >= E2E_TIMESTAMP_BYTES) {
          delivered++;
          meter.addDelivered(record.value.readDoubleLE(0), record.value.length);
        }
      }
    }
  };
  try {
    await Promise.all([produceLoop(), consumeLoop()]);
    if (failure !== undefined) throw failure;
  } finally {
    meter.finish();
    stopTicker();
    await producer.close().catch(() => undefined);
    await consumer.close();
  }
  return meter.result('e2e', options.recordSize, 'send() to delivery by the consumer');
}

function sleepMs(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
