import { expect } from 'chai';
import { createRequire } from 'node:module';
import { openLogStore } from '../../src/storage/leveldb-store.js';
import { openMemoryLogStore } from '../../src/storage/memory-store.js';
import type { LogStore, PartitionLog } from '../../src/storage/types.js';
import { makeBatch, makeTempDir, removeDir } from './helpers.js';

/** The native write of classic-level's chained batch: every group write of the store goes through it. */
interface NativeBatch {
  readonly length: number;
  _write(options: { sync?: boolean }): Promise<void>;
}
const { ChainedBatch } = createRequire(import.meta.url)('classic-level/chained-batch.js') as { ChainedBatch: { prototype: NativeBatch } };

/** Records every chained-batch write LevelDB gets; can hold them (`hold`) or fail the next ones (`failWith`). */
class BatchWriteSpy {
  readonly writes: Array<{ sync: boolean; operations: number }> = [];
  failWith: Error | undefined;
  private gate: Promise<void> | undefined;
  private open: (() => void) | undefined;
  private readonly original = ChainedBatch.prototype._write;

  install(): void {
    const spy = this;
    const original = this.original;
    ChainedBatch.prototype._write = async function (this: NativeBatch, options) {
      spy.writes.push({ sync: options.sync === true, operations: this.length });
      await spy.gate;
      if (spy.failWith !== undefined) throw spy.failWith;
      return original.call(this, options);
    };
  }

  uninstall(): void {
    ChainedBatch.prototype._write = this.original;
  }

  /** Writes wait until `release()`. */
  hold(): void {
    this.gate = new Promise((resolve) => (this.open = resolve));
  }

  release(): void {
    this.open?.();
    this.gate = undefined;
  }

  syncWrites(): number {
    return this.writes.filter((write) => write.sync).length;
  }
}

/** Lets every pending I/O callback and promise job run once. */
function turn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Whether `promise` has settled (after letting pending jobs run). */
async function isSettled(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  for (let i = 0; i < 5; i++) await turn();
  return settled;
}

describe('group commit (LevelDB store, flush always)', () => {
  let dir: string;
  let store: LogStore;
  let spy: BatchWriteSpy;
  let logs: PartitionLog[];

  beforeEach(async () => {
    dir = makeTempDir();
    store = await openLogStore({ dir, flush: { kind: 'always' }, warn: () => undefined });
    logs = await Promise.all([1, 2, 3].map((logId) => store.openLog(logId)));
    spy = new BatchWriteSpy();
    spy.install();
  });

  afterEach(async () => {
    spy.uninstall();
    await store.close();
    removeDir(dir);
  });

  it('writes the appends of every log made in one turn in one sync write', async () => {
    const appends = logs.flatMap((log) => [1, 2, 3, 4].map((n) => log.append(makeBatch(n), 1)));
    await Promise.all(appends);
    // One write of 12 appends × (data + index).
    expect(spy.writes).to.deep.equal([{ sync: true, operations: 24 }]);
  });

  it('gathers the appends made while a sync is in flight into the next one, and only one', async () => {
    spy.hold();
    const first = logs[0]!.append(makeBatch(1), 1);
    await turn();
    expect(spy.writes).to.have.length(1);
    const later = logs.flatMap((log) => [log.append(makeBatch(2), 1), log.append(makeBatch(3), 1)]);
    for (let i = 0; i < 5; i++) await turn();
    expect(spy.writes, 'no second sync while the first is in flight').to.have.length(1);
    spy.release();
    await Promise.all([first, ...later]);
    expect(spy.writes).to.deep.equal([
      { sync: true, operations: 2 },
      { sync: true, operations: 12 },
    ]);
  });

  it('resolves an append only once the sync holding it completed, in call order within a log', async () => {
    spy.hold();
    const resolved: number[] = [];
    const appends = [logs[0]!.append(makeBatch(1), 1), logs[0]!.append(makeBatch(1), 1), logs[1]!.append(makeBatch(1), 1)];
    appends.forEach((append, i) => void append.then(() => resolved.push(i)));
    expect(await isSettled(Promise.race(appends))).to.equal(false);
    // Readers see the entries meanwhile (the leader serves them once they are committed).
    expect(logs[0]!.logEndOffset()).to.equal(2);
    spy.release();
    await Promise.all(appends);
    expect(resolved).to.have.members([0, 1, 2]);
    expect(resolved.filter((i) => i < 2), "log 1's appends").to.deep.equal([0, 1]);
    expect(spy.syncWrites()).to.equal(1);
  });

  it('makes the deletions of a removal sync writes too (a lost one could bring back entries Raft removed)', async () => {
    await Promise.all([logs[0]!.append(makeBatch(2), 1), logs[0]!.append(makeBatch(2), 1)]);
    spy.writes.length = 0;
    await logs[0]!.truncateSuffix(2);
    // Index key, then data key: each lands (synced) before the next.
    expect(spy.writes).to.deep.equal([
      { sync: true, operations: 1 },
      { sync: true, operations: 1 },
    ]);
  });

  it('fails every append a failed sync held, in every log, and those logs take no more appends', async () => {
    await logs[2]!.append(makeBatch(1), 1);
    spy.writes.length = 0;
    spy.failWith = new Error('IO error: 000005.log: Input/output error');
    const outcomes = await Promise.allSettled([logs[0]!.append(makeBatch(1), 1), logs[0]!.append(makeBatch(2), 1), logs[1]!.append(makeBatch(3), 1)]);
    expect(outcomes.map((outcome) => outcome.status)).to.deep.equal(['rejected', 'rejected', 'rejected']);
    expect(spy.writes, 'one group write held all three').to.deep.equal([{ sync: true, operations: 6 }]);
    spy.failWith = undefined;
    for (const log of [logs[0]!, logs[1]!]) {
      const refused = await log.append(makeBatch(1), 1).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(refused, 'an append after the failure').to.be.instanceOf(Error);
    }
    expect(spy.writes, 'refused appends reach no write').to.have.length(1);
  });

  it('keeps what the failed sync held out of the log once the store is reopened', async () => {
    await logs[0]!.append(makeBatch(2), 1);
    spy.failWith = new Error('IO error: 000005.log: Input/output error');
    await logs[0]!.append(makeBatch(3), 1).catch(() => undefined);
    spy.failWith = undefined;
    await store.close();
    store = await openLogStore({ dir, flush: { kind: 'always' }, warn: () => undefined });
    const reopened = await store.openLog(1);
    expect(reopened.logEndOffset()).to.equal(2);
    expect(await reopened.append(makeBatch(1), 1)).to.deep.include({ baseOffset: 2, entryIndex: 2 });
  });
});

describe('flush never and interval write groups without sync', () => {
  for (const flush of [{ kind: 'never' }, { kind: 'interval', intervalMs: 60_000 }] as const) {
    it(`flush ${flush.kind}`, async () => {
      const dir = makeTempDir();
      const store = await openLogStore({ dir, flush, warn: () => undefined });
      const spy = new BatchWriteSpy();
      spy.install();
      try {
        const logs = await Promise.all([1, 2].map((logId) => store.openLog(logId)));
        await Promise.all(logs.map((log) => log.append(makeBatch(1), 1)));
        expect(spy.writes).to.deep.equal([{ sync: false, operations: 4 }]);
      } finally {
        spy.uninstall();
        await store.close();
        removeDir(dir);
      }
    });
  }
});

describe('group commit (memory store, flush always)', () => {
  /** A store whose group syncs run only when the test says so. */
  function manualSyncStore(): { store: ReturnType<typeof openMemoryLogStore>; scheduled: Array<() => void> } {
    const scheduled: Array<() => void> = [];
    return { store: openMemoryLogStore({ flush: { kind: 'always' }, deferSync: (sync) => scheduled.push(sync) }), scheduled };
  }

  it('covers the appends of every log with one sync, and resolves them only once it ran', async () => {
    const { store, scheduled } = manualSyncStore();
    const [a, b] = await Promise.all([store.openLog(1), store.openLog(2)]);
    const appends = [a!.append(makeBatch(2), 1), b!.append(makeBatch(3), 1), a!.append(makeBatch(1), 1)];
    expect(scheduled).to.have.length(1);
    expect(await isSettled(Promise.race(appends))).to.equal(false);
    scheduled.shift()!();
    expect(await Promise.all(appends)).to.have.length(3);
    expect((await store.afterPowerLoss().openLog(1)).logEndOffset()).to.equal(3);
    // The next burst schedules the next sync.
    void b!.append(makeBatch(1), 1);
    expect(scheduled).to.have.length(1);
  });

  it('loses on power loss the appends no sync has covered yet, none of which resolved', async () => {
    const { store, scheduled } = manualSyncStore();
    const log = await store.openLog(1);
    const durable = log.append(makeBatch(2), 1);
    scheduled.shift()!();
    await durable;
    const pending = log.append(makeBatch(3), 1);
    expect(await isSettled(pending)).to.equal(false);
    const after = store.afterPowerLoss();
    expect((await after.openLog(1)).logEndOffset()).to.equal(2);
    // A process kill keeps them: the OS had the writes.
    expect((await store.afterProcessKill().openLog(1)).logEndOffset()).to.equal(5);
  });

  it('makes a removal wait for its sync like an append', async () => {
    const { store, scheduled } = manualSyncStore();
    const log = await store.openLog(1);
    const append = log.append(makeBatch(2), 1);
    scheduled.shift()!();
    await append;
    const truncated = log.truncateSuffix(1);
    expect(await isSettled(truncated)).to.equal(false);
    expect((await store.afterPowerLoss().openLog(1)).logEndOffset()).to.equal(2);
    scheduled.shift()!();
    await truncated;
    expect((await store.afterPowerLoss().openLog(1)).logEndOffset()).to.equal(0);
  });
});
