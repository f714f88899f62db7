/**
 * `node dist/scripts/bench-compare/main.js --sluice H:P --sluice-pid PID --redis H:P --nats H:P`:
 * runs the same workloads against Sluice, Redis Streams and NATS JetStream (already running; see
 * scripts/bench-compare.sh, which starts and stops them) and prints one side-by-side table.
 * Sizes can be scaled with RECORDS_100B, RECORDS_1KIB, E2E_RATE, E2E_SECONDS, E2E_WARM_UP_SECONDS
 * (records sent first and not measured, the same for every system). The 100 B records
 * produced first are the backlog the consume row reads: 5,000,000 by default, as issue 6 states it
 * (NATS takes minutes to store them on this machine). The e2e row measures 30 s after a 5 s
 * warm-up: a p99 over 10 s rests on ~1,000 records, and one storage compaction or a few GC cycles
 * left over from the rows before spread it over 2.9-7.0 ms between identical runs (PERFORMANCE.md,
 * eleventh pass).
 */
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import type { BenchResult } from '../../src/bench/report.js';
import { NatsWorkloads } from './nats.js';
import type { Workloads } from './peer.js';
import { RedisWorkloads } from './redis.js';
import { SluiceWorkloads } from './sluice.js';

const env = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
const RECORDS_100B = env('RECORDS_100B', 5_000_000);
const RECORDS_1KIB = env('RECORDS_1KIB', 1_000_000);
const E2E_RATE = env('E2E_RATE', 10_000);
const E2E_SECONDS = env('E2E_SECONDS', 30);
const E2E_WARM_UP_SECONDS = env('E2E_WARM_UP_SECONDS', 5);

interface Row {
  workload: string;
  metric: string;
  /** Whether a larger value is better (throughput) or smaller (latency). */
  higherIsBetter: boolean;
  pick: (result: BenchResult) => number;
  run: (system: Workloads) => Promise<BenchResult>;
}

const ROWS: Row[] = [
  { workload: 'produce 100 B', metric: 'records/s', higherIsBetter: true, pick: (r) => r.recordsPerSec, run: (s) => s.produce(100, RECORDS_100B) },
  { workload: 'produce 1 KiB', metric: 'MB/s', higherIsBetter: true, pick: (r) => r.mbPerSec, run: (s) => s.produce(1024, RECORDS_1KIB) },
  { workload: 'consume 100 B backlog', metric: 'records/s', higherIsBetter: true, pick: (r) => r.recordsPerSec, run: (s) => s.consumeBacklog(RECORDS_100B) },
  { workload: `e2e @ ${E2E_RATE}/s`, metric: 'p50 ms', higherIsBetter: false, pick: (r) => r.latencyMs.p50, run: (s) => s.endToEnd(E2E_RATE, E2E_RATE * E2E_SECONDS, E2E_WARM_UP_SECONDS) },
];

/** Clock ticks of all CPUs from /proc/stat: busy (everything but idle and iowait), and stolen by the hypervisor. */
function cpuTicks(): { busy: number; steal: number; total: number } {
  const cpuLine = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = cpuLine.trim().split(/\s+/).slice(1).map(Number);
  const busy = user + nice + system + irq + softirq;
  return { busy, steal, total: busy + idle + iowait + steal };
}

/**
 * How busy the machine was during each system's e2e row, in cores: the latency rows move with
 * what else runs on the cores (PERFORMANCE.md, tenth pass), so the table says it.
 */
const e2eCpu: string[] = [];

async function measure(name: string, system: Workloads): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  try {
    for (const row of ROWS) {
      process.stderr.write(`${name}: ${row.workload} …\n`);
      const before = row.higherIsBetter ? undefined : cpuTicks();
      results.push(await row.run(system));
      if (before) {
        const after = cpuTicks();
        const cores = (ticks: number): string => ((ticks / (after.total - before.total)) * cpus().length).toFixed(2);
        e2eCpu.push(`${name} ${cores(after.busy - before.busy)} busy, ${cores(after.steal - before.steal)} stolen`);
      }
    }
  } finally {
    await system.close();
  }
  return results;
}

function format(value: number): string {
  return value >= 100 ? Math.round(value).toLocaleString('en-US') : value.toFixed(value >= 10 ? 1 : 2);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { sluice: { type: 'string' }, 'sluice-pid': { type: 'string' }, redis: { type: 'string' }, nats: { type: 'string' } } });
  const sluicePid = Number(values['sluice-pid']);
  if (!values.sluice || !Number.isInteger(sluicePid) || sluicePid <= 0 || !values.redis || !values.nats) {
    throw new Error('usage: main.js --sluice H:P --sluice-pid PID --redis H:P --nats H:P');
  }
  // One system at a time: they share two cores.
  const sluice = await measure('sluice', new SluiceWorkloads(values.sluice, sluicePid));
  const redis = await measure('redis', new RedisWorkloads(values.redis));
  const nats = await measure('nats', await NatsWorkloads.connect(values.nats));
  const header = ['workload', 'metric', 'sluice', 'redis', 'nats', 'sluice/redis', 'sluice/nats'];
  const rows: string[][] = [];
  ROWS.forEach((row, i) => {
    const [s, r, n] = [sluice[i]!, redis[i]!, nats[i]!].map(row.pick) as [number, number, number];
    rows.push([row.workload, row.metric, format(s), format(r), format(n), `${(s / r).toFixed(2)}x`, `${(s / n).toFixed(2)}x`]);
    if (!row.higherIsBetter) {
      const p99 = [sluice[i]!, redis[i]!, nats[i]!].map((x) => x.latencyMs.p99) as [number, number, number];
      rows.push([row.workload, 'p99 ms', format(p99[0]), format(p99[1]), format(p99[2]), `${(p99[0] / p99[1]).toFixed(2)}x`, `${(p99[0] / p99[2]).toFixed(2)}x`]);
    }
  });
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c]!.length)));
  const line = (cells: string[]): string => cells.map((cell, c) => (c < 2 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  console.log(`\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n${rows.map(line).join('\n')}`);
  console.log('(throughput: higher is better, ratio > 1 favours Sluice; latency: lower is better, ratio < 1 favours Sluice)');
  console.log(`(e2e: every system's first ${E2E_WARM_UP_SECONDS} s of records were delivered but not measured: a warm-up)`);
  console.log(`(cores in use during each e2e row, everything on the machine: ${e2eCpu.join('; ')}; of ${cpus().length})`);
  const rss = sluice.map((r) => r.brokerRssMaxMb ?? 0);
  console.log(`sluice broker peak RSS: ${Math.max(...rss).toFixed(1)} MiB`);
  console.log(`\n${JSON.stringify({ sluice, redis, nats })}`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
