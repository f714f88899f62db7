/**
 * The partition log as the broker's read paths see it (fetch, ListOffsets, the scrub): every read
 * that finds a stored batch damaged (DamagedBatchError, see storage/read-verifier.ts) is handed to
 * the log's owner, which starts the repair and says what the reader is told instead.
 */
import type { SluiceError } from '../protocol/errors.js';
import { DamagedBatchError } from '../storage/read-verifier.js';
import { ForwardingPartitionLog } from '../storage/forwarding-log.js';
import type { PartitionLog } from '../storage/types.js';

export class DamageAwareLog extends ForwardingPartitionLog {
  constructor(
    inner: PartitionLog,
    /** Called for each damaged read; returns the error the reader gets. */
    private readonly onDamage: (err: DamagedBatchError) => SluiceError,
  ) {
    super(inner);
  }

  private failed(err: unknown): unknown {
    return err instanceof DamagedBatchError ? this.onDamage(err) : err;
  }

  override async read(fromOffset: number, maxBytes: number, upToOffset?: number): Promise<Buffer[]> {
    try {
      return await this.inner.read(fromOffset, maxBytes, upToOffset);
    } catch (err) {
      throw this.failed(err);
    }
  }

  override async readEntries(lo: number, hi: number, maxBytes: number): Promise<Buffer[]> {
    try {
      return await this.inner.readEntries(lo, hi, maxBytes);
    } catch (err) {
      throw this.failed(err);
    }
  }

  override async offsetForTimestamp(timestampMs: number): Promise<number> {
    try {
      return await this.inner.offsetForTimestamp(timestampMs);
    } catch (err) {
      throw this.failed(err);
    }
  }
}
