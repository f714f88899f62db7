/**
 * Quotas on a real broker process: a producer above its byte rate is throttled (its rate stays near
 * the quota, answers carry throttle_time_ms), a principal's own quota overrides the default, the
 * quota CLI round-trips with --json, and metrics count it all per principal. Bounds are generous:
 * these check behaviour, never speed.
 */
import { expect } from 'chai';
import { createClient, type Sluice } from '../../src/client/index.js';
import { encodeBatch } from '../../src/protocol/batch.js';
import { BrokerProcess } from '../helpers/broker-process.js';
import { runCli } from '../helpers/cli-process.js';
import { RawClient } from '../helpers/raw-client.js';

const QUOTA_BYTES_PER_SEC = 100_000;
const RECORD = Buffer.alloc(1024, 7);

async function metrics(broker: BrokerProcess): Promise<string> {
  return (await fetch(`http://127.0.0.1:${broker.httpPort}/metrics`)).text();
}

function series(exposition: string, name: string, labels: string): number {
  const line = exposition.split('\n').find((l) => l.startsWith(`${name}{${labels}} `));
  return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
}

async function cliJson(broker: BrokerProcess, args: string[]): Promise<unknown> {
  const result = await runCli(['--json', 'quota', ...args], broker.address);
  expect(result.code, result.stderr).to.equal(0);
  return JSON.parse(result.stdout);
}

describe('quotas on a broker process', function () {
  this.timeout(120_000);
  let broker: BrokerProcess;
  let client: Sluice;
  let raw: RawClient;
  const topic = 'quota-orders';

  before(async () => {
    broker = await BrokerProcess.start({
      args: [
        '--quota-producer-byte-rate-default', String(QUOTA_BYTES_PER_SEC),
        // Three samples of a second: the rate reacts within seconds (Kafka's 11 would take ten).
        '--quota-window-num', '3',
        '--quota-window-size-seconds', '1',
        '--quota-throttle-max-ms', '3000',
      ],
    });
    client = createClient({ bootstrap: [broker.address] });
    raw = new RawClient(broker.address);
    const admin = client.admin();
    await admin.createTopic({ name: topic, partitions: 2, replicationFactor: 1 }).finally(() => admin.close());
  });

  after(async () => {
    raw?.close();
    await broker?.cleanup();
  });

  it('throttles a producer above the default byte rate: its rate stays near the quota and answers carry throttle_time_ms', async () => {
    const producer = client.producer({ acks: 1, lingerMs: 1 });
    const acked: Array<[number, number]> = [];
    const startedAt = Date.now();
    const RUN_MS = 7_000;
    // Four senders as fast as the broker lets them: unthrottled this is tens of MB/s.
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (Date.now() - startedAt < RUN_MS) {
          await producer.send({ topic, records: Array.from({ length: 16 }, () => ({ value: RECORD })) });
          acked.push([Date.now() - startedAt, 16 * RECORD.length]);
        }
      }),
    );
    await producer.close();
    // After the first window (whose burst the minimum window absorbs), until the end.
    const bytes = acked.filter(([at]) => at >= 2_000).reduce((sum, [, b]) => sum + b, 0);
    const ratePerSec = bytes / ((Date.now() - startedAt - 2_000) / 1000);
    expect(ratePerSec, `${Math.round(ratePerSec)} B/s against a quota of ${QUOTA_BYTES_PER_SEC}`).to.be.below(QUOTA_BYTES_PER_SEC * 2.5);
    expect(ratePerSec, 'the throttled producer still makes progress').to.be.above(QUOTA_BYTES_PER_SEC / 20);

    // Over its quota (this batch alone is, however slow the machine was to get here): the answer
    // says how long it was held back.
    const big = encodeBatch([{ value: Buffer.alloc(400_000, 1) }]);
    const response = await raw.produce({ topic, partition: 0, acks: 1, batch: big });
    expect(response.throttleTimeMs).to.be.above(0);

    const exposition = await metrics(broker);
    expect(series(exposition, 'sluice_quota_throttled_requests_total', 'principal="ANONYMOUS",kind="produce"')).to.be.above(0);
    expect(series(exposition, 'sluice_quota_throttle_seconds_total', 'principal="ANONYMOUS",kind="produce"')).to.be.above(0);
    expect(series(exposition, 'sluice_quota_usage_total', 'principal="ANONYMOUS",kind="produce"')).to.be.above(QUOTA_BYTES_PER_SEC);
  });

  it("a principal's own quota overrides the default, set, listed and deleted with the CLI (--json)", async () => {
    const big = (): Buffer => encodeBatch([{ value: Buffer.alloc(300_000, 2) }]);
    expect(await cliJson(broker, ['set', '--principal', 'ANONYMOUS', '--producer-byte-rate', '1000000000', '--consumer-byte-rate', '50000'])).to.deep.equal({
      principal: 'ANONYMOUS',
      quotas: { producer_byte_rate: 1_000_000_000, consumer_byte_rate: 50_000 },
    });
    for (let i = 0; i < 3; i++) expect((await raw.produce({ topic, partition: 1, acks: 1, batch: big() })).throttleTimeMs).to.equal(0);
    // Its consumer quota applies to fetches: 900 kB read at 50 kB/s is far over.
    const fetched = await raw.fetch({ topic, partition: 1, offset: 0, maxBytes: 4 * 1024 * 1024 });
    expect(fetched.records.length).to.be.above(800_000);
    expect(fetched.throttleTimeMs).to.be.above(0);

    expect(await cliJson(broker, ['list'])).to.deep.equal({
      quotas: [{ principal: 'ANONYMOUS', quotas: { producer_byte_rate: 1_000_000_000, consumer_byte_rate: 50_000 } }],
      defaults: { producer_byte_rate: QUOTA_BYTES_PER_SEC },
    });
    expect(await cliJson(broker, ['delete', '--principal', 'ANONYMOUS', '--consumer-byte-rate'])).to.deep.equal({
      principal: 'ANONYMOUS',
      quotas: { producer_byte_rate: 1_000_000_000 },
    });
    expect(await cliJson(broker, ['delete', '--principal', 'ANONYMOUS'])).to.deep.equal({ principal: 'ANONYMOUS', quotas: {} });
    expect(await cliJson(broker, ['list', '--principal', 'ANONYMOUS'])).to.deep.equal({ quotas: [], defaults: { producer_byte_rate: QUOTA_BYTES_PER_SEC } });
    // The default applies again.
    expect((await raw.produce({ topic, partition: 1, acks: 1, batch: big() })).throttleTimeMs).to.be.above(0);
  });

  it('throttles a principal above its request share (request_percentage): Metadata answers carry throttle_time_ms', async () => {
    await cliJson(broker, ['set', '--principal', 'ANONYMOUS', '--request-percentage', '1']);
    try {
      // 1 % is 10 ms of handler time per second; Metadata calls add up to that within a few hundred.
      let throttleMs = 0;
      for (let calls = 0; calls < 5_000 && throttleMs === 0; calls++) throttleMs = (await raw.metadata()).throttleTimeMs;
      expect(throttleMs).to.be.above(0);
      const exposition = await metrics(broker);
      expect(series(exposition, 'sluice_quota_throttled_requests_total', 'principal="ANONYMOUS",kind="request"')).to.be.above(0);
      expect(series(exposition, 'sluice_quota_usage_total', 'principal="ANONYMOUS",kind="request"')).to.be.above(0);
    } finally {
      await cliJson(broker, ['delete', '--principal', 'ANONYMOUS']);
    }
  });

  it('refuses bad quotas with a specific error and keeps serving', async () => {
    const unknown = await runCli(['quota', 'set', '--principal', 'bob', '--request-percentage', '150'], broker.address);
    expect(unknown.code).to.equal(2);
    const admin = client.admin();
    try {
      const refused = await admin.alterClientQuotas('bob', { set: { bogus_rate: 5 } }).then(() => undefined, (err: Error) => err.message);
      expect(refused).to.match(/^INVALID_CONFIG: unknown quota "bogus_rate"/);
      const long = await admin.alterClientQuotas('x'.repeat(300), { set: { producer_byte_rate: 5 } }).then(() => undefined, (err: Error) => err.message);
      expect(long).to.match(/^INVALID_REQUEST: principal names are at most 255/);
      const fractional = await admin.alterClientQuotas('bob', { set: { producer_byte_rate: 1.5 } }).then(() => undefined, (err: Error) => err.message);
      expect(fractional).to.match(/^INVALID_CONFIG: producer_byte_rate must be a whole number/);
      expect((await admin.describeClientQuotas()).entries).to.deep.equal([]);
    } finally {
      await admin.close();
    }
  });
});

describe('quotas per principal (SCRAM users) on a broker process', function () {
  this.timeout(120_000);
  let broker: BrokerProcess;
  const topic = 'quota-shared';
  const PASSWORD = 'quota-test-password';

  const clientAs = (username: string): Sluice =>
    createClient({ bootstrap: [broker.address], security: { sasl: { mechanism: 'SCRAM-SHA-256', username, password: PASSWORD } } });

  before(async () => {
    broker = await BrokerProcess.start({ args: ['--quota-window-num', '3', '--quota-window-size-seconds', '1', '--quota-throttle-max-ms', '3000'] });
    const admin = createClient({ bootstrap: [broker.address] }).admin();
    try {
      await admin.createTopic({ name: topic, partitions: 2, replicationFactor: 1 });
      await admin.upsertUser('alice', PASSWORD);
      await admin.upsertUser('bob', PASSWORD);
      // No defaults: only alice has a quota.
      await admin.alterClientQuotas('alice', { set: { producer_byte_rate: QUOTA_BYTES_PER_SEC } });
    } finally {
      await admin.close();
    }
  });

  after(() => broker?.cleanup());

  it('throttles the principal above its quota while another one, producing beside it, is not', async () => {
    const RUN_MS = 6_000;
    const startedAt = Date.now();
    const produceAs = async (username: string): Promise<Array<[number, number]>> => {
      const producer = clientAs(username).producer({ acks: 1, lingerMs: 1 });
      const acked: Array<[number, number]> = [];
      try {
        await Promise.all(
          Array.from({ length: 2 }, async () => {
            while (Date.now() - startedAt < RUN_MS) {
              await producer.send({ topic, records: Array.from({ length: 16 }, () => ({ value: RECORD })) });
              acked.push([Date.now() - startedAt, 16 * RECORD.length]);
            }
          }),
        );
      } finally {
        await producer.close();
      }
      return acked;
    };
    const [alice, bob] = await Promise.all([produceAs('alice'), produceAs('bob')]);
    const after2s = (acked: Array<[number, number]>): number => acked.filter(([at]) => at >= 2_000).reduce((sum, [, b]) => sum + b, 0);
    const aliceRate = after2s(alice) / ((RUN_MS - 2_000) / 1000);
    expect(aliceRate, `alice: ${Math.round(aliceRate)} B/s against ${QUOTA_BYTES_PER_SEC}`).to.be.below(QUOTA_BYTES_PER_SEC * 2.5);
    expect(after2s(bob), 'bob, unthrottled, sent more than throttled alice').to.be.above(after2s(alice));

    const exposition = await metrics(broker);
    expect(series(exposition, 'sluice_quota_throttled_requests_total', 'principal="alice",kind="produce"')).to.be.above(0);
    expect(series(exposition, 'sluice_quota_throttled_requests_total', 'principal="bob",kind="produce"')).to.equal(0);
    expect(series(exposition, 'sluice_quota_usage_total', 'principal="bob",kind="produce"')).to.be.above(0);
  });
});
