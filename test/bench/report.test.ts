import { expect } from 'chai';
import { parseProcStatusRssBytes, parseRssBytes, processRss, RssSampler } from '../../src/bench/broker-rss.js';
import { LatencyHistogram } from '../../src/bench/histogram.js';
import { formatSummary, Meter } from '../../src/bench/report.js';

describe('bench: latency histogram', () => {
  it('reports percentiles and max in ms from µs-precision values', () => {
    const histogram = new LatencyHistogram();
    for (let ms = 1; ms <= 1000; ms++) histogram.record(ms);
    const summary = histogram.summaryMs();
    expect(summary.p50).to.be.closeTo(500, 1);
    expect(summary.p95).to.be.closeTo(950, 1);
    expect(summary.p99).to.be.closeTo(990, 1);
    expect(summary.p999).to.be.closeTo(999, 1);
    expect(summary.max).to.be.closeTo(1000, 1);
  });

  it('never reports a percentile above the recorded max', () => {
    const histogram = new LatencyHistogram();
    histogram.record(1, 999);
    histogram.record(230.94); // its bucket's highest equivalent value is 231.039 ms
    const summary = histogram.summaryMs();
    expect(summary.max).to.equal(230.94);
    expect(summary.p999).to.equal(1);
    histogram.record(230.94);
    expect(histogram.summaryMs().p999).to.equal(230.94);
  });

  it('weights a batch of records acknowledged together by its count', () => {
    const histogram = new LatencyHistogram();
    histogram.record(0.25, 99);
    histogram.record(40, 1);
    expect(histogram.count).to.equal(100);
    expect(histogram.summaryMs().p50).to.equal(0.25);
    expect(histogram.summaryMs().max).to.be.closeTo(40, 0.05);
  });
});

describe('bench: meter and summary', () => {
  it('computes rates over the measured time and has the --json contract fields', () => {
    let nowMs = 0;
    const meter = new Meter({ now: () => nowMs });
    meter.add(1000, 100_000, 2);
    nowMs = 500;
    meter.add(1000, 100_000, 4);
    nowMs = 1000;
    meter.finish();
    nowMs = 5000; // time after finish() does not count
    const result = meter.result('produce', 100, 'send() to acknowledgement');
    expect(result).to.include({ records: 2000, recordsPerSec: 2000, mbPerSec: 0.2, durationSec: 1 });
    expect(result.latencyMs).to.have.all.keys('p50', 'p95', 'p99', 'p999', 'max');
    expect(result.latencyMs.p50).to.equal(2);
    expect(JSON.parse(JSON.stringify(result))).to.deep.equal(result);
  });

  it('prints a progress line per interval and resets the interval', () => {
    let nowMs = 0;
    const meter = new Meter({ now: () => nowMs });
    meter.add(500, 50_000, 1);
    nowMs = 1000;
    expect(meter.progressLine()).to.match(/1\.0 s\s+500 rec\/s\s+0\.1 MB\/s\s+p50 1\.00 ms.*total 500/);
    nowMs = 2000;
    expect(meter.progressLine()).to.match(/2\.0 s\s+0 rec\/s\s+0\.0 MB\/s\s+total 500$/);
  });

  it('formats the summary with throughput, percentiles and broker RSS', () => {
    const meter = new Meter({ now: () => 0 });
    meter.add(10, 1000, 1.5);
    const text = formatSummary({ ...meter.result('e2e', 100, 'send() to delivery'), brokerRssMaxMb: 123.4 });
    expect(text).to.contain('e2e: 10 records of 100 B');
    expect(text).to.match(/p50 1\.500\s+p95 1\.500\s+p99 1\.500\s+p999 1\.500\s+max 1\.500 ms/);
    expect(text).to.contain('broker RSS  max 123.4 MiB');
  });

  it('does not measure records sent during the warm-up, and times the run from its end', () => {
    let nowMs = 0;
    const meter = new Meter({ now: () => nowMs, warmUpMs: 2000 });
    nowMs = 1500;
    meter.addDelivered(1000, 100); // sent during the warm-up: slow, not measured
    nowMs = 2100;
    meter.addDelivered(1990, 100); // sent just before the end of the warm-up, delivered after it
    expect(meter.recordCount).to.equal(0);
    meter.addDelivered(2099, 100);
    nowMs = 3000;
    meter.addDelivered(2999, 100);
    meter.finish();
    const result = meter.result('e2e', 100, 'send() to delivery');
    expect(result).to.include({ records: 2, durationSec: 1, recordsPerSec: 2, warmUpSec: 2 });
    expect(result.latencyMs.max).to.be.closeTo(1, 0.01);
    expect(formatSummary(result)).to.contain('first 2 s were delivered but not measured');
  });

  it('measures every delivered record without a warm-up', () => {
    let nowMs = 10;
    const meter = new Meter({ now: () => nowMs });
    meter.addDelivered(5, 100);
    expect(meter.recordCount).to.equal(1);
    expect(meter.result('e2e', 100, 'x')).to.not.have.property('warmUpSec');
  });
});

describe('bench: broker RSS scrape', () => {
  it('reads sluice_process_resident_memory_bytes from an exposition', () => {
    const exposition = '# HELP x\nsluice_process_resident_memory_bytes_other 1\nsluice_process_resident_memory_bytes 52428800\nsluice_up 1\n';
    expect(parseRssBytes(exposition)).to.equal(52_428_800);
    expect(parseRssBytes('sluice_up 1\n')).to.equal(undefined);
  });

  it('reads VmRSS from /proc/<pid>/status, and samples a live process', async () => {
    expect(parseProcStatusRssBytes('Name:\tnode\nVmHWM:\t  9000 kB\nVmRSS:\t  51200 kB\nRssAnon:\t 1 kB\n')).to.equal(51_200 * 1024);
    expect(parseProcStatusRssBytes('Name:\tkthread\n')).to.equal(undefined);
    const sampler = new RssSampler(processRss(process.pid), 10);
    sampler.start();
    const maxBytes = await sampler.stop();
    expect(maxBytes).to.be.within(process.memoryUsage().rss / 4, process.memoryUsage().rss * 4);
    const result = await new RssSampler(processRss(process.pid), 10).sampleDuring(async () => new Meter({ now: () => 0 }).result('e2e', 100, 'x'));
    expect(result.brokerRssMaxMb! * 2 ** 20).to.be.within(process.memoryUsage().rss / 4, process.memoryUsage().rss * 4);
    const unread = await new RssSampler(async () => undefined, 10).sampleDuring(async () => new Meter({ now: () => 0 }).result('e2e', 100, 'x'));
    expect(unread).to.not.have.property('brokerRssMaxMb');
  });
});
