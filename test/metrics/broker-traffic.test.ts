/**
 * Against a real broker process: compressed batches round-trip unchanged (the broker stores them as
 * they arrive), and after that traffic /metrics exposes throughput, latency, offsets and process series.
 */
import { expect } from 'chai';
import { BrokerProcess, freePort, waitFor } from '../helpers/broker-process.js';
import { createClient, type ProducerCodec, type ConsumedRecord, type Sluice } from '../../src/client/index.js';

const CODECS: ProducerCodec[] = ['lz4', 'gzip', 'snappy', 'none'];
const RECORDS_PER_CODEC = 300;

function recordsFor(codec: ProducerCodec): Array<{ key: string; value: Buffer; headers: Record<string, string> }> {
  return Array.from({ length: RECORDS_PER_CODEC }, (_, i) => ({
    key: `${codec}-${i}`,
    value: Buffer.from(`${codec} record ${i} `.repeat(1 + (i % 7))),
    headers: { codec },
  }));
}

async function scrape(broker: BrokerProcess, path: string): Promise<{ status: number; body: string }> {
  const response = await fetch(`http://127.0.0.1:${broker.httpPort}${path}`);
  return { status: response.status, body: await response.text() };
}

/** The value of one series line, e.g. `sluice_records_in_total{topic="t"}`. */
function seriesValue(exposition: string, series: string): number | undefined {
  const line = exposition.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('metrics and compression against a broker process', function () {
  let broker: BrokerProcess;
  let client: Sluice;
  const topic = 'traffic';
  const consumed: ConsumedRecord[] = [];

  before(async () => {
    broker = await BrokerProcess.start({ port: await freePort() });
    client = createClient({ bootstrap: [broker.address] });
    const admin = client.admin();
    await admin.createTopic({ name: topic, partitions: 1, replicationFactor: 1 });
    await admin.close();
  });

  after(async () => {
    await broker?.cleanup();
  });

  it('delivers lz4, gzip, snappy and uncompressed batches back identical', async () => {
    for (const codec of CODECS) {
      const producer = client.producer({ acks: 1, compression: codec });
      await producer.send({ topic, records: recordsFor(codec) });
      await producer.close();
    }
    const consumer = client.consumer({ autoOffsetReset: 'earliest' });
    consumer.assign([{ topic, partition: 0 }]);
    const total = CODECS.length * RECORDS_PER_CODEC;
    await waitFor(`${total} records`, async () => {
      consumed.push(...(await consumer.poll({ timeoutMs: 200 })));
      return consumed.length >= total ? true : undefined;
    });
    await consumer.close();
    const expected = CODECS.flatMap(recordsFor);
    expect(consumed.map((r) => r.offset)).to.deep.equal(expected.map((_, i) => i));
    consumed.forEach((record, i) => {
      expect(record.key?.toString()).to.equal(expected[i]!.key);
      expect(record.value?.equals(expected[i]!.value), `value of offset ${i}`).to.equal(true);
      expect(record.headers.map((h) => [h.key, h.value.toString()])).to.deep.equal([['codec', expected[i]!.headers.codec]]);
    });
  });

  it('exposes throughput counters, latency histograms, offsets and process metrics', async () => {
    const { status, body } = await scrape(broker, '/metrics');
    expect(status).to.equal(200);
    const total = CODECS.length * RECORDS_PER_CODEC;
    expect(seriesValue(body, `sluice_records_in_total{topic="${topic}"}`)).to.equal(total);
    expect(seriesValue(body, `sluice_records_out_total{topic="${topic}"}`)).to.be.at.least(total);
    expect(seriesValue(body, `sluice_bytes_in_total{topic="${topic}"}`)).to.be.greaterThan(0);
    expect(seriesValue(body, `sluice_bytes_out_total{topic="${topic}"}`)).to.be.greaterThan(0);
    expect(seriesValue(body, 'sluice_request_duration_seconds_count{method="Produce"}')).to.be.at.least(CODECS.length);
    expect(seriesValue(body, 'sluice_request_duration_seconds_count{method="Fetch"}')).to.be.greaterThan(0);
    expect(seriesValue(body, 'sluice_delivery_latency_seconds_count')).to.equal(CODECS.length);
    expect(body).to.match(/^sluice_delivery_latency_seconds_bucket\{le="0\.001"\} \d+$/m);
    const partition = `{topic="${topic}",partition="0"}`;
    expect(seriesValue(body, `sluice_partition_log_start_offset${partition}`)).to.equal(0);
    expect(seriesValue(body, `sluice_partition_log_end_offset${partition}`)).to.equal(total);
    expect(seriesValue(body, `sluice_partition_high_watermark${partition}`)).to.equal(total);
    // Declared even before anything expired (labelled series appear with their first increment).
    expect(body).to.contain('# TYPE sluice_expired_records_total counter');
    expect(body).to.contain('# TYPE sluice_retention_deleted_records_total counter');
    expect(seriesValue(body, 'sluice_process_resident_memory_bytes')).to.be.greaterThan(0);
    expect(body).to.match(/^sluice_nodejs_eventloop_lag_seconds /m);
  });

  it('answers /healthz and /readyz', async () => {
    expect(await scrape(broker, '/healthz')).to.deep.equal({ status: 200, body: 'ok\n' });
    expect(await scrape(broker, '/readyz')).to.deep.equal({ status: 200, body: 'ready\n' });
  });
});
