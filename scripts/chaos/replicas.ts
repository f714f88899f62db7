/**
 * Replica comparison. There is no API that reads a follower's copy, so the harness takes a
 * crash-consistent snapshot of every broker's LevelDB (SIGSTOP all brokers at once, copy the data
 * directories, SIGCONT: a copy of a stopped process's files is what a crash would leave) and opens
 * the copies with the broker's own storage code. Every Raft group stored on two or more brokers
 * (partitions, __consumer_offsets, __cluster_metadata) is compared entry by entry.
 *
 * Zero-record control batches (Raft no-ops) are compared by position and term only: each replica
 * materialises a leader's no-op itself, stamped with its own clock (ReplicatedLog.entryBatch), so
 * their timestamps and CRCs differ by design; every batch with records must match byte for byte.
 *
 * Two verdicts: *divergence* — two replicas hold different bytes at an index both count as committed
 * (a safety violation, never allowed); *unconverged* — the logs differ beyond that (fine mid-flight,
 * a violation if it lasts after healing with the workload quiet).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { readBatchHeader } from '../../src/protocol/batch.js';
import { openLogStore } from '../../src/storage/index.js';
import type { Brokers } from './brokers.js';
import { run } from './shell.js';

interface ReplicaLog {
  broker: number;
  /** Raft index of hashes[0]. */
  firstIndex: number;
  /** sha256 (hex, shortened) of each stored entry's bytes. */
  hashes: string[];
  commit: number;
}

export interface ReplicaReport {
  groups: number;
  entries: number;
  divergent: string[];
  unconverged: string[];
}

const LOG_ID_PREFIX = 'log-id/';
const HARD_STATE_PREFIX = 'raft-hs/';
const READ_CHUNK_BYTES = 8 * 1024 * 1024;

/** Copies every running broker's data directory while all of them are stopped. */
async function snapshot(brokers: Brokers, into: string): Promise<Map<number, string>> {
  const ids = brokers.ids.filter((id) => brokers.isRunning(id));
  const dirs = new Map(ids.map((id) => [id, join(into, `b${id}`)]));
  await Promise.all(ids.map((id) => brokers.signal(id, 'SIGSTOP')));
  try {
    await Promise.all(ids.map((id) => run('cp', ['-a', brokers.dataDir(id), dirs.get(id)!])));
  } finally {
    await Promise.all(ids.map((id) => brokers.signal(id, 'SIGCONT')));
  }
  return dirs;
}

function entryFingerprint(batch: Buffer): string {
  const header = readBatchHeader(batch);
  if (header.recordCount === 0) return `no-op@${header.baseOffset}/t${header.leaderEpoch}`;
  return createHash('sha256').update(batch).digest('hex').slice(0, 16);
}

async function readReplica(broker: number, dir: string): Promise<Map<string, ReplicaLog>> {
  const store = await openLogStore({ dir, flush: { kind: 'never' }, tailCacheBytesMax: 0, warn: () => {} });
  const logs = new Map<string, ReplicaLog>();
  try {
    for (const [key, value] of await store.listMeta(LOG_ID_PREFIX)) {
      const group = key.slice(LOG_ID_PREFIX.length);
      const log = await store.openLog(Number(value.toString('utf8')));
      const hardState = await store.getMeta(HARD_STATE_PREFIX + group);
      const commit = hardState ? Number((JSON.parse(hardState.toString('utf8')) as { commit?: number }).commit ?? 0) : 0;
      const hashes: string[] = [];
      for (let next = log.firstEntryIndex(); next <= log.lastEntryIndex(); ) {
        const batches = await log.readEntries(next, log.lastEntryIndex() + 1, READ_CHUNK_BYTES);
        if (batches.length === 0) break;
        for (const batch of batches) hashes.push(entryFingerprint(batch));
        next += batches.length;
      }
      logs.set(group, { broker, firstIndex: log.firstEntryIndex(), hashes, commit });
    }
  } finally {
    await store.close();
  }
  return logs;
}

function compareGroup(group: string, replicas: ReplicaLog[], report: ReplicaReport): void {
  for (let i = 0; i < replicas.length; i++) {
    for (let j = i + 1; j < replicas.length; j++) {
      const a = replicas[i]!;
      const b = replicas[j]!;
      const from = Math.max(a.firstIndex, b.firstIndex);
      const committed = Math.min(a.commit, b.commit, a.firstIndex + a.hashes.length - 1, b.firstIndex + b.hashes.length - 1);
      for (let index = from; index <= committed; index++) {
        if (a.hashes[index - a.firstIndex] !== b.hashes[index - b.firstIndex]) {
          report.divergent.push(`${group}: b${a.broker} and b${b.broker} differ at committed entry ${index} (commit ${a.commit}/${b.commit})`);
          break;
        }
      }
    }
  }
  // Log starts may differ: retention runs on each replica on its own, and the offsets coordinator's
  // cleaning deletes a prefix of its own copy only. What both hold must match, and the ends too.
  const from = Math.max(...replicas.map((r) => r.firstIndex));
  const suffix = (r: ReplicaLog): string[] => r.hashes.slice(from - r.firstIndex);
  const [first, ...rest] = replicas.map(suffix);
  const same = (hashes: string[]): boolean => hashes.length === first!.length && hashes.every((h, k) => h === first![k]);
  if (!rest.every(same)) {
    const shape = replicas.map((r) => `b${r.broker} ${r.firstIndex}..${r.firstIndex + r.hashes.length - 1} commit ${r.commit}`).join(', ');
    report.unconverged.push(`${group}: ${shape}`);
  }
}

/** Snapshots, reads and compares every replica; `scratch` is emptied afterwards. */
export async function compareReplicas(brokers: Brokers, scratch: string): Promise<ReplicaReport> {
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  try {
    const dirs = await snapshot(brokers, scratch);
    const byGroup = new Map<string, ReplicaLog[]>();
    for (const [broker, dir] of dirs) {
      for (const [group, log] of await readReplica(broker, dir)) {
        const list = byGroup.get(group) ?? [];
        list.push(log);
        byGroup.set(group, list);
      }
    }
    const report: ReplicaReport = { groups: 0, entries: 0, divergent: [], unconverged: [] };
    for (const [group, replicas] of byGroup) {
      if (replicas.length < 2) continue;
      report.groups++;
      report.entries += Math.max(...replicas.map((r) => r.hashes.length));
      compareGroup(group, replicas, report);
    }
    return report;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
