import { expect } from 'chai';
import { openMemoryLogStore } from '../../src/storage/memory-store.js';
import { makeBatch } from './helpers.js';

/** The memory store's model of what survives a crash (LevelDB's: a sync covers every write before it). */
describe('memory store durability', () => {
  it('keeps every log write after a power loss with flush always, but not an unsynced metadata write', async () => {
    const store = openMemoryLogStore({ flush: { kind: 'always' } });
    const log = await store.openLog(1);
    await log.append(makeBatch(2), 1);
    await log.append(makeBatch(3), 1);
    await store.putMeta('k', Buffer.from('v'), { sync: false });
    const after = store.afterPowerLoss();
    expect((await after.openLog(1)).logEndOffset()).to.equal(5);
    expect(await after.getMeta('k')).to.equal(undefined);
  });

  it('loses the writes after the last synced one with flush never, and a sync covers the writes before it', async () => {
    const store = openMemoryLogStore({ flush: { kind: 'never' } });
    const log = await store.openLog(1);
    await log.append(makeBatch(2), 1);
    await store.putMeta('hard-state', Buffer.from('a')); // synced: covers the append before it
    await log.append(makeBatch(3), 1);
    await store.putMeta('commit', Buffer.from('b'), { sync: false });
    await log.truncateSuffix(2);
    const lost = store.afterPowerLoss();
    const recovered = await lost.openLog(1);
    expect(recovered.logEndOffset()).to.equal(2);
    expect(recovered.lastEntryIndex()).to.equal(1);
    expect(await lost.getMeta('hard-state')).to.deep.equal(Buffer.from('a'));
    expect(await lost.getMeta('commit')).to.equal(undefined);
    // A second life goes on from there, and its own crash loses only its own unsynced writes.
    await recovered.append(makeBatch(4), 2);
    await lost.sync();
    await recovered.append(makeBatch(1), 2);
    expect((await lost.afterPowerLoss().openLog(1)).logEndOffset()).to.equal(6);
  });

  it('keeps every write when only the process dies', async () => {
    const store = openMemoryLogStore({ flush: { kind: 'never' } });
    const log = await store.openLog(3);
    await log.append(makeBatch(2), 1);
    await log.deletePrefix(1);
    await store.dropLog(3);
    await store.putMeta('k', Buffer.from('v'), { sync: false });
    const after = store.afterProcessKill();
    expect(await after.listMeta('')).to.deep.equal([['k', Buffer.from('v')]]);
    const reopened = await after.openLog(4);
    expect(reopened.logEndOffset()).to.equal(0);
  });
});
