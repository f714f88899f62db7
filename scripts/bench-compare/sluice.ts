/**
 * Sluice as a contender: each workload is a `./bin/sluice bench … --json` process (one producer
 * process, as the targets are stated), against the broker bench-compare.sh started. The broker's
 * RSS is read from /proc while each workload runs, not scraped from /metrics by the bench process.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { processRss, RssSampler } from '../../src/bench/broker-rss.js';
import type { BenchResult } from '../../src/bench/report.js';
import type { Workloads } from './peer.js';

const SLUICE_BIN = join(process.cwd(), 'bin/sluice');

export class SluiceWorkloads implements Workloads {
  constructor(
    private readonly bootstrap: string,
    private readonly brokerPid: number,
  ) {}

  private bench(mode: string, args: string[]): Promise<BenchResult> {
    const argv = ['--bootstrap', this.bootstrap, '--json', 'bench', mode, ...args];
    return new RssSampler(processRss(this.brokerPid), 250).sampleDuring(
      () =>
        new Promise<BenchResult>((resolve, reject) => {
          execFile(SLUICE_BIN, argv, { maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
            if (err) reject(new Error(`sluice bench ${mode} failed: ${err.message}\n${stderr}`));
            else resolve(JSON.parse(stdout) as BenchResult);
          });
        }),
    );
  }

  produce(size: number, count: number): Promise<BenchResult> {
    return this.bench('produce', ['--topic', `bench-${size}`, '--records', String(count), '--record-size', String(size), '--acks', '1']);
  }

  consumeBacklog(count: number): Promise<BenchResult> {
    return this.bench('consume', ['--topic', 'bench-100', '--records', String(count)]);
  }

  endToEnd(rate: number, count: number, warmUpSec: number): Promise<BenchResult> {
    return this.bench('e2e', ['--topic', 'bench-e2e', '--rate', String(rate), '--records', String(count), '--warm-up-sec', String(warmUpSec)]);
  }

  async close(): Promise<void> {}
}
