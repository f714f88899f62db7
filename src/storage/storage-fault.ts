/**
 * A write the medium refused: the disk is full, failing, or the process is out of descriptors.
 * A store that sees one stops taking writes (reads go on) until `LogStore.resume` finds the
 * medium takes writes again; the broker answers writes to the affected partitions STORAGE_ERROR.
 */
import { open as openFile, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { SluiceError } from '../protocol/errors.js';

/**
 * The causes told apart, by errno name, and how LevelDB words them (its errors carry only the
 * strerror text: `IO error: <file>: No space left on device`).
 */
const CAUSES: ReadonlyArray<{ errno: string; text: string }> = [
  { errno: 'ENOSPC', text: 'No space left on device' },
  { errno: 'EDQUOT', text: 'Disk quota exceeded' },
  { errno: 'EIO', text: 'Input/output error' },
  { errno: 'ENFILE', text: 'Too many open files in system' },
  { errno: 'EMFILE', text: 'Too many open files' },
  { errno: 'EROFS', text: 'Read-only file system' },
];

/** What a failed write reports when its cause is none of CAUSES. */
export const UNKNOWN_STORAGE_CAUSE = 'EUNKNOWN';

export class StorageFault extends SluiceError {
  /** The errno name of the cause (ENOSPC, EIO, EMFILE, ...), or UNKNOWN_STORAGE_CAUSE. */
  readonly errno: string;

  constructor(errno: string, message: string) {
    super('STORAGE_ERROR', message);
    this.name = 'StorageFault';
    this.errno = errno;
  }
}

/** The errno name of a failed write: Node's `code`, else LevelDB's strerror text. */
export function storageCauseOf(err: unknown): string {
  const code = (err as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string' && CAUSES.some((cause) => cause.errno === code)) return code;
  const text = err instanceof Error ? `${err.message} ${err.cause instanceof Error ? err.cause.message : ''}` : String(err);
  return CAUSES.find((cause) => text.includes(cause.text))?.errno ?? UNKNOWN_STORAGE_CAUSE;
}

/** The StorageFault a failed write amounts to, naming its cause and what failed. */
export function storageFault(err: unknown, what: string): StorageFault {
  if (err instanceof StorageFault) return err;
  const errno = storageCauseOf(err);
  const detail = err instanceof Error ? err.message : String(err);
  return new StorageFault(errno, `${what} failed (${errno}): ${detail}`);
}

/**
 * Room `WriteFaults.resume` asks of the medium beyond twice LevelDB's log files before it reopens
 * it: a reopen replays the log files into a table (as large as they are) and starts a new log and
 * manifest; a reopen that fails for want of space leaves the database closed, to reads too, until
 * the next try.
 */
const RESUME_PROBE_EXTRA_BYTES = 4 * 1024 * 1024;
const RESUME_PROBE_FILE = 'SLUICE-RESUME-PROBE';
const PROBE_CHUNK_BYTES = 1024 * 1024;

/** Throws unless the medium under `dir` takes (and syncs) what a reopen of LevelDB will write. */
async function probeMedium(dir: string): Promise<void> {
  let logBytes = 0;
  for (const name of await readdir(dir)) if (name.endsWith('.log')) logBytes += (await stat(join(dir, name))).size;
  const path = join(dir, RESUME_PROBE_FILE);
  const file = await openFile(path, 'w');
  try {
    const chunk = Buffer.alloc(PROBE_CHUNK_BYTES);
    for (let left = 2 * logBytes + RESUME_PROBE_EXTRA_BYTES; left > 0; left -= chunk.length) await file.write(chunk);
    await file.sync();
  } finally {
    await file.close();
    await rm(path, { force: true });
  }
}

/** The part of a LevelDB handle a reopen needs. */
export interface ReopenableDb {
  readonly status: string;
  open(): Promise<void>;
  close(): Promise<void>;
}

export interface WriteFaultsOptions {
  /** The database's directory, where `resume` probes the medium. */
  dir: string;
  warn: (line: string) => void;
  onWriteFailure?: (fault: StorageFault) => void;
}

/**
 * The LevelDB store's write-fault state: the first failed write makes the store refuse every write
 * (LevelDB refuses them itself after a failed sync, and a failed write may leave a torn record at
 * the end of its log file, after which nothing may be written) until `resume` reopens it.
 */
export class WriteFaults {
  private fault: StorageFault | undefined;
  /** While `resume` closes and reopens LevelDB: reads wait for it. */
  private reopening: Promise<void> | undefined;

  constructor(private readonly options: WriteFaultsOptions) {}

  assertWritable(): void {
    if (this.fault !== undefined) throw this.fault;
  }

  /** A write failed: the store refuses writes from now on, until `resume` works. */
  failed(err: unknown, what: string): StorageFault {
    if (this.fault === undefined) {
      this.fault = storageFault(err, what);
      this.options.warn(`storage: ${this.fault.message}; refusing writes until the medium takes them again`);
      this.options.onWriteFailure?.(this.fault);
    }
    return this.fault;
  }

  /** Runs a write unless writes are refused; its failure becomes the store's fault. */
  async guard<T>(what: string, write: () => Promise<T>): Promise<T> {
    this.assertWritable();
    try {
      return await write();
    } catch (err) {
      throw this.failed(err, what);
    }
  }

  /** Reads wait out a reopen; a reopen that failed leaves the database closed until `resume` works. */
  async beforeRead(db: ReopenableDb): Promise<void> {
    if (this.reopening !== undefined) await this.reopening.catch(() => undefined);
    if (db.status !== 'open' && this.fault !== undefined) throw this.fault;
  }

  /**
   * After a failed write: once every write issued has settled (`settled`), probes the medium, then
   * reopens the database (LevelDB replays its log file, setting a torn last write aside) and checks
   * a synced write (`check`) lands. Resolves true once writes are taken again (false when none
   * failed); throws the fault of what still fails.
   */
  async resume(db: ReopenableDb, settled: () => Promise<void>, check: () => Promise<void>): Promise<boolean> {
    if (this.fault === undefined) return false;
    await settled();
    try {
      await probeMedium(this.options.dir);
      const reopened = (async () => {
        if (db.status === 'open') await db.close();
        await db.open();
      })();
      this.reopening = reopened;
      await reopened.finally(() => {
        if (this.reopening === reopened) this.reopening = undefined;
      });
      await check();
    } catch (err) {
      this.fault = storageFault(err, 'resuming writes');
      throw this.fault;
    }
    this.fault = undefined;
    return true;
  }
}
