import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { encodeBatch, readBatchHeader, splitBatches, type RecordInput } from '../../src/protocol/batch.js';

/** A batch of `recordCount` records with the given timestamp, as a producer would send it. */
export function makeBatch(recordCount: number, options: { timestampMs?: number; ttlMs?: number; valueBytes?: number } = {}): Buffer {
  const records: RecordInput[] = [];
  for (let i = 0; i < recordCount; i++) {
    records.push({
      key: Buffer.from(`k${i}`),
      value: Buffer.alloc(options.valueBytes ?? 10, i),
      timestamp: options.timestampMs ?? 1_000,
      ...(options.ttlMs === undefined ? {} : { ttlMs: options.ttlMs }),
    });
  }
  return encodeBatch(records, { nowMs: options.timestampMs ?? 1_000 });
}

export function baseOffsets(batches: readonly Buffer[]): number[] {
  return batches.map((batch) => readBatchHeader(batch).baseOffset);
}

export function concatBatches(batches: readonly Buffer[]): Buffer[] {
  return splitBatches(Buffer.concat(batches));
}

export function makeTempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-'));
}

export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}
