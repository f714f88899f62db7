/** The global --json on produce and consume, against a broker process. */
import { expect } from 'chai';
import { ProduceSummary } from '../../src/cli/produce.js';
import { run } from '../../src/cli/program.js';
import { compressionOf, readBatchHeader, splitBatches } from '../../src/protocol/batch.js';
import { BrokerProcess } from '../helpers/broker-process.js';
import { RawClient } from '../helpers/raw-client.js';
import { fakeIo } from './fake-io.js';

describe('produce summary', () => {
  it('counts records per partition and spans their offsets, in whatever order acks arrive', () => {
    const summary = new ProduceSummary('t');
    for (const [partition, offset] of [[1, 5], [0, 0], [1, 3], [1, 4]] as const) summary.add({ topic: 't', partition, offset, timestamp: 0 });
    expect(summary.toJson()).to.deep.equal({
      topic: 't',
      records: 4,
      partitions: [
        { partition: 0, records: 1, firstOffset: 0, lastOffset: 0 },
        { partition: 1, records: 3, firstOffset: 3, lastOffset: 5 },
      ],
    });
  });

  it('reports offsets as null with acks=0', () => {
    const summary = new ProduceSummary('t');
    summary.add({ topic: 't', partition: 0, offset: -1, timestamp: 0 });
    expect(summary.toJson()).to.deep.equal({ topic: 't', records: 1, partitions: [{ partition: 0, records: 1, firstOffset: null, lastOffset: null }] });
  });
});

describe('--json on produce and consume', function () {
  this.timeout(60_000);
  let broker: BrokerProcess;
  let bootstrap: string[];

  before(async () => {
    broker = await BrokerProcess.start();
    bootstrap = ['--bootstrap', broker.address];
    const io = fakeIo();
    expect(await run([...bootstrap, 'topic', 'create', 'j1', '--partitions', '1', '--replication', '1'], io), io.stderr.text).to.equal(0);
  });

  after(async () => {
    await broker?.cleanup();
  });

  it('produce --json prints records sent and the offsets per partition', async () => {
    const io = fakeIo({ stdin: 'a\nb\n' });
    expect(await run([...bootstrap, '--json', 'produce', 'j1'], io), io.stderr.text).to.equal(0);
    expect(JSON.parse(io.stdout.text)).to.deep.equal({ topic: 'j1', records: 2, partitions: [{ partition: 0, records: 2, firstOffset: 0, lastOffset: 1 }] });
  });

  it('consume --json prints records as JSON lines, as --format json does', async () => {
    const io = fakeIo();
    expect(await run([...bootstrap, '--json', 'consume', 'j1', '--from-beginning', '--max-messages', '1'], io), io.stderr.text).to.equal(0);
    expect(JSON.parse(io.stdout.text)).to.deep.include({ topic: 'j1', partition: 0, offset: 0, key: null, value: 'a', headers: {} });
  });

  for (const codec of ['gzip', 'lz4']) {
    it(`produce --compression ${codec} sends compressed batches that consume reads back`, async () => {
      const topic = `j-${codec}`;
      const setup = fakeIo();
      expect(await run([...bootstrap, 'topic', 'create', topic, '--partitions', '1', '--replication', '1'], setup), setup.stderr.text).to.equal(0);
      const produced = fakeIo({ stdin: 'one\ntwo\nthree\n' });
      expect(await run([...bootstrap, 'produce', topic, '--compression', codec], produced), produced.stderr.text).to.equal(0);
      const consumed = fakeIo();
      expect(await run([...bootstrap, 'consume', topic, '--from-beginning', '--max-messages', '3'], consumed), consumed.stderr.text).to.equal(0);
      expect(consumed.stdout.text).to.equal('one\ntwo\nthree\n');
      const raw = new RawClient(broker.address);
      try {
        const stored = splitBatches((await raw.fetch({ topic, partition: 0, offset: 0, maxBytes: 1 << 20 })).records).map((batch) => readBatchHeader(batch));
        expect(new Set(stored.filter((header) => header.recordCount > 0).map(compressionOf))).to.deep.equal(new Set([codec]));
      } finally {
        raw.close();
      }
    });
  }

  it('consume --group --json prints records as JSON lines', async () => {
    const io = fakeIo();
    expect(await run([...bootstrap, '--json', 'consume', 'j1', '--group', 'j1-group', '--max-messages', '2'], io), io.stderr.text).to.equal(0);
    expect(io.stdout.text.trimEnd().split('\n').map((line) => (JSON.parse(line) as { value: string }).value)).to.deep.equal(['a', 'b']);
  });
});
