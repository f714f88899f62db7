/**
 * `sluice bench produce|consume|e2e`: load generators in the spirit of Kafka's perf-test tools.
 * Progress goes to stderr once a second; the summary (or `--json`) to stdout.
 */
import type { Command } from 'commander';
import { PRODUCER_CODECS } from '../protocol/compression.js';
import type { Acks, ProducerCodec } from '../client/index.js';
import { metricsRss, RssSampler } from '../bench/broker-rss.js';
import { formatSummary, type BenchMode, type BenchResult, type Meter } from '../bench/report.js';
import { runConsume, runEndToEnd, runProduce, type WorkloadOptions } from '../bench/workloads.js';
import { parseAcksOption, parseCompression, parseNonNegativeInt, parsePositiveInt } from './args.js';
import { clientFor, globalOptions, type CommandContext } from './context.js';

interface BenchCliOptions {
  topic: string;
  records?: number;
  recordSize: number;
  rate?: number;
  producers: number;
  partitions: number;
  acks: Acks;
  lingerMs?: number;
  batchBytes: number;
  compression: ProducerCodec;
  durationSec: number;
  warmUpSec?: number;
  brokerMetrics?: string;
}

const RUNNERS = { produce: runProduce, consume: runConsume, e2e: runEndToEnd } as const;

/** e2e measures latency at a moderate rate, so it neither lingers nor runs unpaced by default. */
const E2E_DEFAULT_RATE = 10_000;
/** Long enough for both sides' hot paths to be compiled at 10,000 records/s (docs/PERFORMANCE.md). */
const E2E_DEFAULT_WARM_UP_SEC = 2;

export function registerBenchCommands(program: Command, context: CommandContext): void {
  const bench = program.command('bench').description('measure throughput and latency against a running broker');
  for (const mode of Object.keys(RUNNERS) as BenchMode[]) {
    const command = bench
      .command(mode)
      .description(
        mode === 'produce' ? 'produce records as fast as acknowledged (or at --rate)' : mode === 'consume' ? "read a topic's backlog from its start" : 'produce at --rate and consume at once; latency send → delivery',
      )
      .option('--topic <name>', 'topic (created with --partitions if missing)', 'bench')
      .option('--records <n>', 'records to send or read (consume: the backlog)', parsePositiveInt)
      .option('--record-size <bytes>', 'value size of each record', parsePositiveInt, 100)
      .option('--rate <records/s>', `target rate over all producers, 0 = unlimited (e2e: ${E2E_DEFAULT_RATE})`, parseNonNegativeInt)
      .option('--producers <n>', 'producer instances (each its own connection)', parsePositiveInt, 1)
      .option('--partitions <n>', 'partitions when the topic is created', parsePositiveInt, 1)
      .option('--acks <acks>', '0, 1 or all', parseAcksOption, 1 as Acks)
      .option('--linger-ms <ms>', 'producer linger (default 5; e2e 0)', parseNonNegativeInt)
      .option('--batch-bytes <bytes>', 'producer batch size / consumer fetch size', parsePositiveInt, 1024 * 1024)
      .option('--compression <codec>', `batch compression: ${PRODUCER_CODECS.join(', ')}`, parseCompression, 'none' as ProducerCodec)
      .option('--duration-sec <s>', 'stop after this long even if records remain (0 = no limit)', parseNonNegativeInt, 0)
      .option('--broker-metrics <url>', "broker's /metrics URL, to report its peak RSS (e.g. http://127.0.0.1:8001/metrics)");
    if (mode === 'e2e') {
      command.option('--warm-up-sec <s>', 'send records this long before the measured --records, and do not measure them', parseNonNegativeInt, E2E_DEFAULT_WARM_UP_SEC);
    }
    command.action(async (options: BenchCliOptions, cmd: Command) => {
      await runBench(mode, options, cmd, context);
    });
  }
}

async function runBench(mode: BenchMode, options: BenchCliOptions, command: Command, { io, onStop }: CommandContext): Promise<void> {
  const globals = globalOptions(command);
  const client = clientFor(globals);
  const stopped = new AbortController();
  const rss = options.brokerMetrics ? new RssSampler(metricsRss(options.brokerMetrics)) : undefined;
  const workload: WorkloadOptions = {
    topic: options.topic,
    records: options.records,
    recordSize: options.recordSize,
    rate: options.rate ?? (mode === 'e2e' ? E2E_DEFAULT_RATE : 0),
    producers: options.producers,
    partitions: options.partitions,
    acks: options.acks,
    lingerMs: options.lingerMs ?? (mode === 'e2e' ? 0 : 5),
    batchBytes: options.batchBytes,
    compression: options.compression,
    durationSec: options.durationSec,
    warmUpSec: options.warmUpSec ?? 0,
    onTick: (meter: Meter) => {
      const rssMb = rss?.lastMb;
      io.stderr.write(`${meter.progressLine(rssMb === undefined ? '' : `  broker RSS ${rssMb.toFixed(0)} MiB`)}\n`);
    },
    signal: stopped.signal,
  };
  const run = (): Promise<BenchResult> => RUNNERS[mode](client, workload);
  // A signal ends the run early; the summary covers what was measured until then.
  const release = onStop(() => stopped.abort());
  let result: BenchResult;
  try {
    result = rss ? await rss.sampleDuring(run) : await run();
  } finally {
    release();
  }
  io.stdout.write(globals.json ? `${JSON.stringify(result)}\n` : formatSummary(result));
}
