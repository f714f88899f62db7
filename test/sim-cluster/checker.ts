/**
 * The bars of the chaos soak, checked over a healed simulated cluster, partition by partition:
 * every acknowledged acks=all record exactly once, at the offset its acknowledgement named; no
 * idempotent producer's record twice; no record that was never sent (acks=1 ones included); offsets gapless and monotonic; replicas identical; every offset the
 * group was delivered still holds what it was delivered as. (Delivery of every acknowledged record
 * and committed offsets that never go back are watched while the run goes: workload.ts.)
 */
import { decodeBatch, readBatchHeader } from '../../src/protocol/batch.js';
import type { Partition } from '../../src/broker/partition.js';
import type { GroupApp, ProducerApp } from './workload.js';

/**
 * Whether two replicas hold the same entry: data batches byte for byte; a leader's no-op (a
 * zero-record control batch) by offset and term, since each replica stamps its own copy with its
 * own clock's time (ReplicatedLog.entryBatch).
 */
function sameEntry(a: Buffer, b: Buffer): boolean {
  const [x, y] = [readBatchHeader(a), readBatchHeader(b)];
  if (x.recordCount === 0 && y.recordCount === 0) return x.baseOffset === y.baseOffset && x.leaderEpoch === y.leaderEpoch;
  return a.equals(b);
}

/** Entry-by-entry comparison of the replicas' logs (after they converged). */
async function compareReplicas(replicas: readonly Partition[]): Promise<string[]> {
  const [first, ...others] = replicas;
  if (first === undefined) return ['no replica of the partition is running'];
  const problems: string[] = [];
  const entries = async (p: Partition): Promise<Buffer[]> => p.log.readEntries(p.log.firstEntryIndex(), p.log.lastEntryIndex() + 1, Number.MAX_SAFE_INTEGER);
  const reference = await entries(first);
  if (reference.length !== first.log.lastEntryIndex() - first.log.firstEntryIndex() + 1) problems.push(`a copy cannot be read whole: entry ${first.log.firstEntryIndex() + reference.length} is damaged`);
  for (const other of others) {
    if (other.log.firstEntryIndex() !== first.log.firstEntryIndex() || other.log.lastEntryIndex() !== first.log.lastEntryIndex()) {
      problems.push(
        `replicas differ in extent: entries ${first.log.firstEntryIndex()}..${first.log.lastEntryIndex()} vs ${other.log.firstEntryIndex()}..${other.log.lastEntryIndex()}`,
      );
      continue;
    }
    const theirs = await entries(other);
    // A read stops short before a damaged batch: a copy nobody repaired.
    const at = reference.findIndex((batch, i) => theirs[i] === undefined || !sameEntry(batch, theirs[i]));
    if (at >= 0) problems.push(`replicas differ at entry ${first.log.firstEntryIndex() + at}${theirs[at] === undefined ? ' (unreadable in one copy)' : ''}`);
  }
  return problems;
}

/** The records of a log by offset, checking that data batches follow each other without gaps. */
async function recordsOf(replica: Partition, problems: string[]): Promise<string[]> {
  const log = replica.log;
  const batches = await log.readEntries(log.firstEntryIndex(), log.lastEntryIndex() + 1, Number.MAX_SAFE_INTEGER);
  const values: string[] = [];
  let next = log.logStartOffset();
  for (const batch of batches) {
    const { header, records } = decodeBatch(batch);
    if (header.recordCount === 0) continue;
    if (header.baseOffset !== next) problems.push(`a batch starts at offset ${header.baseOffset}, expected ${next}`);
    for (const record of records) {
      if (record.offset !== next) problems.push(`record at offset ${record.offset}, expected ${next}`);
      values[record.offset] = record.value?.toString() ?? '';
      next = record.offset + 1;
    }
  }
  if (next !== log.logEndOffset()) problems.push(`records end at ${next}, the log at ${log.logEndOffset()}`);
  return values;
}

/** The checks of one partition; `replicas` are its copies on the running brokers. */
async function checkPartition(index: number, replicas: readonly Partition[], producers: readonly ProducerApp[], group: GroupApp | undefined): Promise<string[]> {
  const problems = await compareReplicas(replicas);
  if (replicas[0] === undefined) return problems;
  const values = await recordsOf(replicas[0], problems);
  const offsetsOf = new Map<string, number[]>();
  values.forEach((value, offset) => offsetsOf.set(value, [...(offsetsOf.get(value) ?? []), offset]));
  const durable = producers.filter((p) => p.durable);
  const durableValues = new Set(durable.flatMap((p) => [...p.sent]));
  for (const [value, offsets] of offsetsOf) {
    if (offsets.length > 1 && durableValues.has(value)) problems.push(`${value} is stored ${offsets.length} times (offsets ${offsets.join(', ')})`);
  }
  for (const producer of durable) {
    for (const { value, partition, offset } of producer.acknowledged) {
      if (partition !== index) continue;
      const stored = offsetsOf.get(value);
      if (stored === undefined) problems.push(`acknowledged ${value} (offset ${offset}) is lost`);
      else if (!stored.includes(offset)) problems.push(`acknowledged ${value} at offset ${offset} is stored at ${stored.join(', ')}`);
    }
  }
  const known = new Set(producers.flatMap((p) => [...p.sent]));
  for (const value of offsetsOf.keys()) if (!known.has(value)) problems.push(`${value} was never sent`);
  for (const [key, value] of group?.delivered ?? []) {
    const [partition, offset] = key.split(':').map(Number) as [number, number];
    if (partition === index && values[offset] !== value) problems.push(`offset ${offset} was delivered as ${value} and now holds ${values[offset] ?? 'nothing'}`);
  }
  return problems.map((problem) => `partition ${index}: ${problem}`);
}

/** Checks every partition; `replicasOf(p)` are partition p's copies on the running brokers. */
export async function checkCluster(
  partitions: number,
  replicasOf: (partition: number) => readonly Partition[],
  producers: readonly ProducerApp[],
  group?: GroupApp,
): Promise<string[]> {
  const problems: string[] = [];
  for (let index = 0; index < partitions; index++) problems.push(...(await checkPartition(index, replicasOf(index), producers, group)));
  return [...problems, ...(group?.violations ?? [])];
}
