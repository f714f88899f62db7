/**
 * Tools of the storage-damage tests (real brokers, real LevelDB files): the files of a stopped
 * broker's database, a partition's stored batches, and a consumer reading a topic back in full.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ClassicLevel } from 'classic-level';
import { createClient } from '../../src/client/index.js';
import { metaKeyRange } from '../../src/storage/keys.js';
import { waitFor } from './broker-process.js';
import type { TestCluster } from './cluster.js';

export type Db = ClassicLevel<Buffer, Buffer>;

/** Opens a stopped broker's database for `use`, and closes it. */
export async function withDb<T>(dataDir: string, use: (db: Db) => Promise<T>): Promise<T> {
  const db = new ClassicLevel<Buffer, Buffer>(dataDir, { keyEncoding: 'buffer', valueEncoding: 'buffer' });
  await db.open();
  try {
    return await use(db);
  } finally {
    await db.close();
  }
}

/** The local log id of the topic's partition 0 in a broker's database. */
export async function logIdOf(db: Db, topic: string): Promise<number> {
  const prefix = `log-id/${topic}/0@`;
  for await (const [, value] of db.iterator(metaKeyRange(prefix))) return Number(value.toString('utf8'));
  throw new Error(`no log of ${topic}/0`);
}

export interface LevelFile {
  path: string;
  /** LevelDB's file number (the name's digits): a higher one is newer. */
  number: number;
  sizeBytes: number;
}

/** LevelDB's write-ahead log files (`*.log`) and table files (`*.ldb`, `*.sst`) in a database directory, oldest first. */
export function levelFiles(dataDir: string): { logs: LevelFile[]; tables: LevelFile[] } {
  const files = readdirSync(dataDir)
    .map((name) => ({ name, match: /^(\d+)\.(log|ldb|sst)$/.exec(name) }))
    .filter((file) => file.match !== null)
    .map((file) => ({ path: join(dataDir, file.name), number: Number(file.match![1]), kind: file.match![2]!, sizeBytes: statSync(join(dataDir, file.name)).size }))
    .sort((a, b) => a.number - b.number);
  const strip = ({ path, number, sizeBytes }: LevelFile): LevelFile => ({ path, number, sizeBytes });
  return { logs: files.filter((file) => file.kind === 'log').map(strip), tables: files.filter((file) => file.kind !== 'log').map(strip) };
}

/** Reads partition 0 of `topic` from the earliest offset until `count` record values arrived (the consumer checks CRCs). */
export async function consumeValues(cluster: TestCluster, topic: string, count: number, closeLater: Array<{ close(): Promise<void> }>): Promise<string[]> {
  const sluice = createClient({ bootstrap: cluster.bootstrap, retry: { retries: 1_000, maxBackoffMs: 200 } });
  const consumer = sluice.consumer({ autoOffsetReset: 'earliest' });
  closeLater.push(consumer);
  consumer.assign([{ topic, partition: 0 }]);
  const consumed: string[] = [];
  await waitFor(`${count} records from ${topic}`, async () => {
    for (const record of await consumer.poll({ timeoutMs: 200 })) consumed.push(record.value!.toString());
    return consumed.length >= count ? true : undefined;
  }, 30_000);
  return consumed;
}

/** Waits until `id` is in the ISR of `topic`/0 and every replica is (as `via` reports it). */
export async function waitInSync(cluster: TestCluster, topic: string, id: number, via: number, replicas = 3, timeoutMs = 20_000): Promise<void> {
  const client = cluster.clientFor(via);
  try {
    await waitFor(`broker ${id} back in the ISR of ${topic}/0`, async () => {
      const isr = (await client.describeTopic(topic)).partitions[0]?.isr ?? [];
      return isr.includes(id) && isr.length === replicas ? true : undefined;
    }, timeoutMs);
  } finally {
    client.close();
  }
}
