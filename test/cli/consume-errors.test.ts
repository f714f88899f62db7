/** consume fails (exit 1, `sluice: CODE: message`) instead of silently waiting or jumping elsewhere. */
import { expect } from 'chai';
import { run } from '../../src/cli/program.js';
import { createClient, type Sluice } from '../../src/client/index.js';
import { BrokerProcess, waitFor } from '../helpers/broker-process.js';
import { fakeIo } from './fake-io.js';

describe('consume errors', function () {
  this.timeout(60_000);
  let broker: BrokerProcess;
  let client: Sluice;
  let bootstrap: string[];

  async function produce(topic: string, values: string[]): Promise<void> {
    const producer = client.producer();
    try {
      // One send per record: separate batches, so retention can delete the older ones.
      for (const value of values) await producer.send({ topic, records: [{ key: null, value }] });
    } finally {
      await producer.close();
    }
  }

  async function consume(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const io = fakeIo();
    const code = await run([...bootstrap, 'consume', ...args], io);
    return { code, stdout: io.stdout.text, stderr: io.stderr.text };
  }

  before(async () => {
    broker = await BrokerProcess.start({ args: ['--retention-check-interval-ms', '50'] });
    bootstrap = ['--bootstrap', broker.address];
    client = createClient({ bootstrap: broker.address });
    const admin = client.admin();
    try {
      await admin.createTopic({ name: 'kept', partitions: 1, replicationFactor: 1 });
      await admin.createTopic({ name: 'expiring', partitions: 1, replicationFactor: 1, configs: { 'retention.ms': '1' } });
    } finally {
      await admin.close();
    }
    await produce('kept', ['a', 'b', 'c']);
  });

  after(async () => {
    await broker?.cleanup();
  });

  it('an --offset past the log end fails with OFFSET_OUT_OF_RANGE naming the range', async () => {
    const result = await consume(['kept', '--partition', '0', '--offset', '999999', '--max-messages', '1']);
    expect(result.code).to.equal(1);
    expect(result.stderr).to.match(/^sluice: OFFSET_OUT_OF_RANGE: [^\n]*999999[^\n]*\[0, 3\][^\n]*\n$/);
    expect(result.stdout).to.equal('');
  });

  it('an --offset below the log start fails with OFFSET_OUT_OF_RANGE', async () => {
    await produce('expiring', ['x', 'y', 'z']);
    const admin = client.admin();
    try {
      await waitFor('retention to delete the first batch', async () => ((await admin.listOffsets('expiring', 0, 'earliest')).offset > 0 ? true : undefined));
    } finally {
      await admin.close();
    }
    const result = await consume(['expiring', '--partition', '0', '--offset', '0', '--max-messages', '1']);
    expect(result.code).to.equal(1);
    expect(result.stderr).to.match(/^sluice: OFFSET_OUT_OF_RANGE: [^\n]*\n$/);
  });

  for (const args of [['nope'], ['nope', '--group', 'g2', '--timeout-ms', '3000']]) {
    it(`consume ${args.join(' ')} fails with UNKNOWN_TOPIC`, async () => {
      const result = await consume(args);
      expect(result.code).to.equal(1);
      expect(result.stderr).to.match(/^sluice: UNKNOWN_TOPIC: [^\n]*nope[^\n]*\n$/);
    });
  }

  it('an --offset inside the log, or at its end, is where reading starts', async () => {
    const result = await consume(['kept', '--partition', '0', '--offset', '1', '--max-messages', '2']);
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stdout).to.equal('b\nc\n');
    const atEnd = await consume(['kept', '--partition', '0', '--offset', '3', '--timeout-ms', '200']);
    expect(atEnd.code, atEnd.stderr).to.equal(0);
    expect(atEnd.stdout).to.equal('');
  });
});
