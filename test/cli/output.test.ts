import { expect } from 'chai';
import { Writable } from 'node:stream';
import { ChunkedWriter, createdTopicLine, formatTable, recordJsonLine, recordValueLine, topicDescriptionJson, topicDescriptionTable } from '../../src/cli/output.js';
import type { ConsumedRecord, TopicDescription } from '../../src/client/index.js';

const description: TopicDescription = {
  name: 'orders',
  replicationFactor: 3,
  configs: { 'retention.ms': '1000' },
  partitions: [
    { partition: 0, leader: 1, replicas: [1, 2, 3], isr: [1, 2], logStartOffset: 0, logEndOffset: 10, highWatermark: 9, sizeBytes: 123 },
    { partition: 1, leader: -1, replicas: [2, 3, 1], isr: [], logStartOffset: 5, logEndOffset: 5, highWatermark: 5, sizeBytes: 0 },
  ],
};

describe('CLI output', () => {
  it('aligns table columns without trailing spaces', () => {
    expect(formatTable(['A', 'LONG'], [['xyz', '1'], ['q', '22']])).to.equal('A    LONG\nxyz  1\nq    22\n');
  });

  it('says partition or partitions after topic create', () => {
    expect(createdTopicLine(description)).to.equal('Created topic orders with 2 partitions, replication 3.\n');
    expect(createdTopicLine({ ...description, replicationFactor: 1, partitions: description.partitions.slice(0, 1) })).to.equal(
      'Created topic orders with 1 partition, replication 1.\n',
    );
  });

  it('prints topic describe --json in the contract shape', () => {
    const json = JSON.parse(JSON.stringify(topicDescriptionJson(description))) as {
      name: string;
      partitions: Array<Record<string, unknown>>;
    };
    expect(json.name).to.equal('orders');
    expect(json.partitions[0]).to.include.all.keys('partition', 'leader', 'replicas', 'isr', 'logStartOffset', 'logEndOffset', 'highWatermark');
    expect(json.partitions[0]).to.deep.include({ partition: 0, leader: 1, replicas: [1, 2, 3], isr: [1, 2], logStartOffset: 0, logEndOffset: 10, highWatermark: 9 });
  });

  it('prints topic describe as a table with every partition', () => {
    const text = topicDescriptionTable(description);
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).to.match(/^Topic: orders\s+Partitions: 2\s+Replication: 3\s+Configs: retention\.ms=1000$/);
    expect(lines[1]!.split(/\s+/)).to.deep.equal(['PARTITION', 'LEADER', 'REPLICAS', 'ISR', 'LOG-START', 'LOG-END', 'HW']);
    expect(lines[2]!.split(/\s+/)).to.deep.equal(['0', '1', '1,2,3', '1,2', '0', '10', '9']);
    expect(lines[3]!.split(/\s+/)).to.deep.equal(['1', 'none', '2,3,1', '5', '5', '5']);
  });

  it('prints consumed records as JSON lines with UTF-8 strings and null', () => {
    const record: ConsumedRecord = {
      topic: 't',
      partition: 2,
      offset: 7,
      timestamp: 1700000000000,
      key: null,
      value: Buffer.from('héllo'),
      headers: [{ key: 'h', value: Buffer.from('v') }],
    };
    const line = recordJsonLine(record);
    expect(line.endsWith('\n')).to.equal(true);
    expect(JSON.parse(line)).to.deep.equal({ topic: 't', partition: 2, offset: 7, timestamp: 1700000000000, key: null, value: 'héllo', headers: { h: 'v' } });
    expect(recordValueLine(record)).to.equal('héllo\n');
    expect(recordValueLine({ ...record, value: null })).to.equal('null\n');
  });

  it('writes in chunks and waits for drain', async () => {
    const writes: string[] = [];
    const slow = new Writable({
      highWaterMark: 4,
      write(chunk: Buffer, _encoding, callback) {
        writes.push(chunk.toString());
        setImmediate(callback);
      },
    });
    const writer = new ChunkedWriter(slow, 10);
    for (let i = 0; i < 25; i++) {
      const pending = writer.write('ab\n');
      if (pending) await pending;
    }
    await writer.flush();
    expect(writes.join('')).to.equal('ab\n'.repeat(25));
    expect(writes.length).to.be.lessThan(10);
  });
});
