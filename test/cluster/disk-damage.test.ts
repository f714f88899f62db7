/**
 * Issue 18: damage to LevelDB's own files, in one replica, broker stopped, damaged, restarted: a
 * byte flipped in the write-ahead log (LevelDB drops the records of the damaged block), a table
 * file truncated or deleted (LevelDB cannot read it: the store repairs the database and loses what
 * the table held). A replicated partition's damaged replica, follower or leader, finds what it
 * lost, catches up from the leader and is in sync again, and no consumer ever sees a changed byte;
 * a single copy names the offsets it lost, serves the rest, and never hands out an offset again.
 */
import { createHash } from 'node:crypto';
import { truncateSync, unlinkSync, readFileSync, writeFileSync } from 'node:fs';
import { expect } from 'chai';
import { createClient } from '../../src/client/index.js';
import { decodeBatch, splitBatches } from '../../src/protocol/batch.js';
import type { SluiceError } from '../../src/protocol/errors.js';
import { waitFor } from '../helpers/broker-process.js';
import { TestCluster } from '../helpers/cluster.js';
import { consumeValues, levelFiles, waitInSync } from '../helpers/damage.js';

/** 48 sends of 16 records of 8 KiB: 6 MiB, past LevelDB's 4 MiB memtable, so table files hold data too. */
const SENDS = 48;
const RECORDS_PER_SEND = 16;
const RECORD_BYTES = 8 * 1024;
const RECORDS = SENDS * RECORDS_PER_SEND;

/** Record i's value: incompressible (LevelDB compresses tables) and derived from i alone, so a changed byte shows. */
function valueOf(i: number): string {
  let value = '';
  for (let block = 0; value.length < RECORD_BYTES; block++) value += createHash('sha512').update(`${i}/${block}`).digest('base64');
  return `${i} ${value}`.slice(0, RECORD_BYTES);
}

type Damage = (dataDir: string) => string;

/** Flips a byte in the middle of the newest write-ahead log, which holds the writes since the last memtable flush. */
const flipWalByte: Damage = (dataDir) => {
  const wal = levelFiles(dataDir).logs.at(-1)!;
  expect(wal.sizeBytes, 'the newest write-ahead log holds records').to.be.greaterThan(256 * 1024);
  const bytes = readFileSync(wal.path);
  bytes[bytes.length >> 1] ^= 0x55;
  writeFileSync(wal.path, bytes);
  return `flipped byte ${bytes.length >> 1} of ${wal.path}`;
};

/** The largest table file: the one most sure to hold the partition's batches. */
function largestTable(dataDir: string): { path: string; sizeBytes: number } {
  const tables = levelFiles(dataDir).tables.sort((a, b) => b.sizeBytes - a.sizeBytes);
  expect(tables, 'table files before the damage').to.not.be.empty;
  expect(tables[0]!.sizeBytes).to.be.greaterThan(1024 * 1024);
  return tables[0]!;
}

const truncateTable: Damage = (dataDir) => {
  const table = largestTable(dataDir);
  truncateSync(table.path, table.sizeBytes >> 1);
  return `truncated ${table.path} from ${table.sizeBytes} to ${table.sizeBytes >> 1} bytes`;
};

const deleteTable: Damage = (dataDir) => {
  const table = largestTable(dataDir);
  unlinkSync(table.path);
  return `deleted ${table.path} (${table.sizeBytes} bytes)`;
};

/** `topic` prefixes the topics of a damage's tests. */
const DAMAGES: Array<{ name: string; topic: string; damage: Damage }> = [
  { name: 'a byte flipped in the write-ahead log', topic: 'wal-flip', damage: flipWalByte },
  { name: 'a truncated table file', topic: 'table-truncated', damage: truncateTable },
  { name: 'a deleted table file', topic: 'table-deleted', damage: deleteTable },
];

/** What no broker may print, whatever damage it found. */
const TRIPPED = /RaftInvariantError|invariant|Unhandled|uncaught/i;

describe('damaged LevelDB files (write-ahead log, table files)', function () {
  this.timeout(120_000);
  let cluster: TestCluster | undefined;
  const closeLater: Array<{ close(): Promise<void> }> = [];

  afterEach(async function () {
    // What the brokers said explains a failure here better than the assertion does.
    if (this.currentTest?.state === 'failed') {
      for (const [id, broker] of cluster?.brokers ?? []) console.log(`--- broker ${id} ---\n${broker.output.split('\n').slice(-40).join('\n')}`);
    }
    await Promise.all(closeLater.splice(0).map((closable) => closable.close().catch(() => undefined)));
    await cluster?.cleanup();
    cluster = undefined;
  });

  /** No broker (the damaged one, nor those it repaired from) tripped an invariant or crashed. */
  function expectNoBrokerTripped(done: string): void {
    for (const [id, broker] of cluster!.brokers) expect(broker.output, `broker ${id} after ${done}`).to.not.match(TRIPPED);
  }

  /** Produces RECORDS records with acks=all; the values in offset order (one partition, one send at a time). */
  async function produceAll(topic: string, replication: number): Promise<string[]> {
    const sluice = createClient({ bootstrap: cluster!.bootstrap, retry: { retries: 1_000, maxBackoffMs: 200 } });
    const admin = sluice.admin();
    closeLater.push(admin);
    await admin.createTopic({ name: topic, partitions: 1, replicationFactor: replication });
    const producer = sluice.producer({ lingerMs: 0, acks: 'all' });
    closeLater.push(producer);
    const acked: string[] = [];
    for (let send = 0; send < SENDS; send++) {
      const values = Array.from({ length: RECORDS_PER_SEND }, (_, i) => valueOf(send * RECORDS_PER_SEND + i));
      await producer.send({ topic, records: values.map((value) => ({ value })) });
      acked.push(...values);
    }
    return acked;
  }

  for (const { name, topic: prefix, damage } of DAMAGES) {
    it(`${name} on a follower: the follower repairs from the leader and is in sync again`, async () => {
      cluster = await TestCluster.start(3);
      const topic = `${prefix}-follower`;
      const acked = await produceAll(topic, 3);
      const leader = await cluster.leaderOf(topic, 0, 1);
      const follower = [1, 2, 3].find((id) => id !== leader)!;
      await cluster.broker(follower).stop();
      const done = damage(cluster.broker(follower).dataDir);
      const restarted = await cluster.restart(follower);
      await waitInSync(cluster, topic, follower, leader);
      expect(await consumeValues(cluster, topic, RECORDS, closeLater), done).to.deep.equal(acked);
      expect(restarted.output, done).to.match(/repairs from the leader/);
      expectNoBrokerTripped(done);
    });

    it(`${name} on the leader: it repairs, leads again and serves every acknowledged byte`, async () => {
      // Leader balancing gives the preferred replica its leadership back once it is in sync.
      cluster = await TestCluster.start(3, ['--leader-balance-interval-ms', '500']);
      const topic = `${prefix}-leader`;
      const acked = await produceAll(topic, 3);
      const preferred = await cluster.leaderOf(topic, 0, 1);
      await cluster.broker(preferred).stop();
      const done = damage(cluster.broker(preferred).dataDir);
      const restarted = await cluster.restart(preferred);
      const other = [1, 2, 3].find((id) => id !== preferred)!;
      await waitInSync(cluster, topic, preferred, other);
      await waitFor('the repaired replica to lead again', async () => ((await cluster!.leaderOf(topic, 0, other)) === preferred ? true : undefined), 30_000);
      expect(await consumeValues(cluster, topic, RECORDS, closeLater), done).to.deep.equal(acked);
      expect(restarted.output, done).to.match(/repairs from the leader/);
      expectNoBrokerTripped(done);
    });

    it(`${name} on a single copy: the lost offsets are named, the rest is served, no offset is reused`, async () => {
      // Three brokers: the cluster's metadata has copies to repair from, the partition has one.
      cluster = await TestCluster.start(3);
      const topic = `${prefix}-single`;
      const acked = await produceAll(topic, 1);
      const host = await cluster.leaderOf(topic, 0, 1);
      await cluster.broker(host).stop();
      const done = damage(cluster.broker(host).dataDir);
      const restarted = await cluster.restart(host);
      const report = await waitFor('the lost offsets to be reported', () => /the only copy lost offsets ((?:\[\d+, \d+\)(?:, )?)+)/.exec(restarted.output)?.[1]);
      const lost = [...report.matchAll(/\[(\d+), (\d+)\)/g)].map((match) => ({ from: Number(match[1]), to: Number(match[2]) }));
      const isLost = (offset: number): boolean => lost.some((range) => offset >= range.from && offset < range.to);
      expect(lost.every((range) => range.from < range.to && range.to <= RECORDS), `${done}: ${report}`).to.equal(true);

      const served = await readAround(topic, host, lost);
      for (let offset = 0; offset < RECORDS; offset++) {
        if (isLost(offset)) expect(served.has(offset), `${done}: lost offset ${offset} served`).to.equal(false);
        else expect(served.get(offset), `${done}: offset ${offset}`).to.equal(acked[offset]);
      }
      // A new record goes above every offset ever acknowledged.
      const producer = createClient({ bootstrap: cluster.bootstrap }).producer({ acks: 'all' });
      closeLater.push(producer);
      const [metadata] = await producer.send({ topic, records: [{ value: 'after the damage' }] });
      expect(metadata!.offset, done).to.be.at.least(RECORDS);
      expectNoBrokerTripped(done);
    });
  }

  /**
   * Fetches the whole partition from offset 0; a fetch that fails must fail CORRUPT_BATCH naming an
   * offset in a reported lost range, and the read goes on after that range. Returns values by offset.
   */
  async function readAround(topic: string, host: number, lost: Array<{ from: number; to: number }>): Promise<Map<number, string>> {
    const client = cluster!.clientFor(host);
    const served = new Map<number, string>();
    try {
      await waitFor('the high watermark at the log end', async () => ((await client.listOffsets({ topic, partition: 0, timestamp: -1 })).offset >= RECORDS ? true : undefined));
      for (let offset = 0; offset < RECORDS; ) {
        try {
          const response = await client.fetch({ topic, partition: 0, offset, maxBytes: 1 << 20, maxWaitMs: 0 });
          for (const batch of splitBatches(response.records)) for (const record of decodeBatch(batch).records) served.set(record.offset, record.value!.toString());
          expect(response.nextOffset).to.be.greaterThan(offset);
          offset = response.nextOffset;
        } catch (err) {
          const error = err as SluiceError;
          expect(error.code, String(err)).to.equal('CORRUPT_BATCH');
          const range = lost.find((candidate) => error.message.includes(`offset ${candidate.from}`) || (offset >= candidate.from && offset < candidate.to));
          expect(range, `a CORRUPT_BATCH at ${offset} outside the reported ranges: ${error.message}`).to.not.equal(undefined);
          offset = range!.to;
        }
      }
    } finally {
      client.close();
    }
    return served;
  }
});
