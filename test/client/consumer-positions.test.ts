/**
 * The partition consumer's positions against a broker process: seek while the async iterator holds
 * records of the old position, position() while a seek by spec is unresolved, and arguments checked
 * before anything changes.
 */
import { expect } from 'chai';
import { createClient, type Consumer, type Sluice } from '../../src/client/index.js';
import { BrokerProcess, waitFor } from '../helpers/broker-process.js';

describe('consumer positions', function () {
  this.timeout(60_000);
  const TOPIC = 'positions';
  const tp = { topic: TOPIC, partition: 0 };
  let broker: BrokerProcess;
  let client: Sluice;
  const consumers: Consumer[] = [];

  before(async () => {
    broker = await BrokerProcess.start();
    client = createClient({ bootstrap: broker.address });
    const admin = client.admin();
    const producer = client.producer({ lingerMs: 0 });
    try {
      await admin.createTopic({ name: TOPIC, partitions: 1, replicationFactor: 1 });
      // One send: one batch, so a single fetch holds the records on both sides of the seek.
      await producer.send({ topic: TOPIC, records: Array.from({ length: 100 }, (_, i) => ({ value: String(i) })) });
    } finally {
      await producer.close();
      await admin.close();
    }
  });

  afterEach(async () => {
    for (const consumer of consumers.splice(0)) await consumer.close();
  });

  after(async () => {
    await broker?.cleanup();
  });

  function consumer(): Consumer {
    const created = client.consumer({ autoOffsetReset: 'earliest' });
    consumers.push(created);
    return created;
  }

  it('the async iterator follows a seek made while it holds records of the old position', async () => {
    const c = consumer();
    c.assign([tp]);
    c.seek(tp, 0);
    const seen: number[] = [];
    for await (const record of c) {
      seen.push(record.offset);
      if (record.offset === 5) c.seek(tp, 80);
      if (record.offset === 81) break;
    }
    expect(seen).to.deep.equal([0, 1, 2, 3, 4, 5, 80, 81]);
    expect(c.position(tp)).to.equal(82);
  });

  it('has no position while a seek to latest is unresolved, then the log end', async () => {
    const c = consumer();
    c.assign([tp]);
    c.seek(tp, 10);
    expect(c.position(tp)).to.equal(10);
    c.seek(tp, 'latest');
    expect(c.position(tp)).to.equal(undefined);
    await waitFor('the seek to resolve', async () => {
      await c.poll({ timeoutMs: 100 });
      return c.position(tp);
    });
    expect(c.position(tp)).to.equal(100);
  });

  it('refuses bad seek targets, assignments and poll sizes without changing anything', async () => {
    const c = consumer();
    c.assign([tp]);
    c.seek(tp, 7);
    expect(() => c.seek(tp, 'middle' as 'latest')).to.throw(RangeError, /seek target/);
    expect(() => c.seek(tp, { timestamp: -1 })).to.throw(RangeError, /seek target/);
    expect(() => c.seek(tp, 1.5)).to.throw(RangeError, /offset must be an integer/);
    expect(c.position(tp)).to.equal(7);
    expect(() => c.assign([{ topic: 'other', partition: 0 }, { topic: TOPIC, partition: -1 }])).to.throw(RangeError, /invalid partition/);
    expect(c.assignment()).to.deep.equal([tp]);
    expect(c.position(tp)).to.equal(7);
    for (const maxRecords of [0, -1, 1.5]) {
      let error: unknown;
      await c.poll({ maxRecords, timeoutMs: 0 }).catch((err: unknown) => (error = err));
      expect(error, String(maxRecords)).to.be.instanceOf(RangeError);
    }
    expect((await c.poll({ maxRecords: 3, timeoutMs: 5_000 })).map((r) => r.offset)).to.deep.equal([7, 8, 9]);
  });
});
