/**
 * A busy broker's /metrics passes `promtool check metrics` (Prometheus' linter): after produce,
 * fetch and consumer-group traffic (and a 1 ms slow-request threshold, so slow-request lines and
 * their counter are likely), so the labelled series exist.
 */
import { expect } from 'chai';
import { BrokerProcess, freePort, waitFor } from '../helpers/broker-process.js';
import { ensurePromtool, promtool } from '../helpers/promtool.js';
import { createClient, type Sluice } from '../../src/client/index.js';

describe('metrics pass promtool on a broker that served produce, fetch and group traffic', function () {
  this.timeout(120_000);
  let broker: BrokerProcess | undefined;
  let client: Sluice | undefined;

  before(() => ensurePromtool());

  after(async () => {
    await broker?.cleanup();
  });

  it('promtool check metrics finds nothing to complain about', async () => {
    broker = await BrokerProcess.start({ args: ['--kafka-port', String(await freePort()), '--slow-request-threshold-ms', '1'] });
    client = createClient({ bootstrap: [broker.address] });
    const admin = client.admin();
    await admin.createTopic({ name: 'lint', partitions: 2, replicationFactor: 1 });
    await admin.close();
    const producer = client.producer({ acks: -1 });
    await producer.send({ topic: 'lint', records: Array.from({ length: 200 }, (_, i) => ({ key: `k${i}`, value: Buffer.from(`value ${i}`) })) });
    await producer.close();
    const consumer = client.groupConsumer({ groupId: 'lint-group', autoOffsetReset: 'earliest' });
    consumer.subscribe(['lint']);
    let seen = 0;
    void consumer.run({ eachMessage: () => void seen++ });
    await waitFor('the group to consume every record', () => (seen >= 200 ? true : undefined), 60_000);
    await consumer.close();
    const metrics = await waitFor('the group lag series', async () => {
      const body = await (await fetch(`http://127.0.0.1:${broker!.httpPort}/metrics`)).text();
      return /^sluice_group_lag_seconds\{group="lint-group"/m.test(body) ? body : undefined;
    }, 20_000);
    for (const family of ['sluice_records_in_total', 'sluice_request_duration_seconds', 'sluice_storage_sync_duration_seconds', 'sluice_partition_size_bytes']) {
      expect(metrics, family).to.match(new RegExp(`^${family}(_bucket|_count)?\\{?[^\\n]* \\d`, 'm'));
    }
    const linted = promtool(['check', 'metrics'], metrics);
    expect(linted.output.trim(), linted.output).to.equal('');
    expect(linted.code, linted.output).to.equal(0);
  });
});
