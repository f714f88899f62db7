/**
 * ReplicaManager's log ids across restarts: a group keeps its log, and a restarted broker drops the
 * stored logs of groups it no longer runs, including a drop that a crash cut short.
 */
import { expect } from 'chai';
import { ReplicaManager } from '../../src/replication/replica-manager.js';
import { ReplicatedLog } from '../../src/replication/replicated-log.js';
import { MemoryRaftTransportHub } from '../../src/replication/transport-memory.js';
import { openMemoryLogStore, type LogStore } from '../../src/storage/index.js';
import { waitFor } from '../helpers/broker-process.js';

/** The store, with every dropLog call recorded. */
function recordingDrops(store: LogStore): { store: LogStore; dropped: number[] } {
  const dropped: number[] = [];
  const recording = new Proxy(store, {
    get(target, property) {
      if (property === 'dropLog') {
        return (logId: number) => {
          dropped.push(logId);
          return target.dropLog(logId);
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { store: recording, dropped };
}

async function logIds(store: LogStore): Promise<Map<string, number>> {
  return new Map((await store.listMeta('log-id/')).map(([key, value]) => [key.slice('log-id/'.length), Number(value.toString('utf8'))]));
}

describe('ReplicaManager', () => {
  const managers: ReplicaManager[] = [];
  afterEach(async () => {
    for (const manager of managers.splice(0)) await manager.close();
  });

  function start(store: LogStore): ReplicaManager {
    const manager = new ReplicaManager({ selfId: 1, store, transport: new MemoryRaftTransportHub().transport(1), tickMs: 10, seed: 1 });
    managers.push(manager);
    return manager;
  }

  it('reopens a group on its own log after a restart, and never reuses a log id', async () => {
    const store = openMemoryLogStore();
    const before = start(store);
    await before.open('orders/0@1', { voters: [1] });
    await before.open('orders/1@1', { voters: [1] });
    await before.drop('orders/1@1');
    const ids = await logIds(store);
    await before.close();
    managers.length = 0;

    const after = start(store);
    await after.open('orders/0@1', { voters: [1] });
    await after.open('payments/0@2', { voters: [1] });
    const reopened = await logIds(store);
    expect(reopened.get('orders/0@1')).to.equal(ids.get('orders/0@1'));
    expect(reopened.has('orders/1@1')).to.equal(false);
    expect(reopened.get('payments/0@2')).to.be.greaterThan(Math.max(...ids.values()));
  });

  it('drops the stored logs of groups neither open nor kept, and finishes a drop cut short', async () => {
    const { store, dropped } = recordingDrops(openMemoryLogStore());
    const before = start(store);
    before.start();
    for (const group of ['open/0@1', 'kept/0@2', 'deleted/0@3', 'half-dropped/0@4']) {
      const replicated = await before.open(group, { voters: [1] });
      replicated.campaign();
      await waitFor(`${group} stores its hard state`, async () => ((await store.getMeta(ReplicatedLog.hardStateKey(group))) ? true : undefined));
    }
    const ids = await logIds(store);
    await before.close();
    managers.length = 0;
    // A crash after dropLog but before the hard state and the log-id mapping were deleted.
    await store.dropLog(ids.get('half-dropped/0@4')!);
    dropped.length = 0;

    const after = start(store);
    await after.open('open/0@1', { voters: [1] });
    const stray = await after.dropStray((group) => group === 'kept/0@2');

    expect(stray).to.have.members(['deleted/0@3', 'half-dropped/0@4']);
    expect(dropped).to.have.members([ids.get('deleted/0@3'), ids.get('half-dropped/0@4')]);
    expect([...(await logIds(store)).keys()]).to.have.members(['open/0@1', 'kept/0@2']);
    for (const group of stray) expect(await store.getMeta(ReplicatedLog.hardStateKey(group))).to.equal(undefined);
    expect(after.get('open/0@1')).to.not.equal(undefined);
    expect(await after.dropStray((group) => group === 'kept/0@2')).to.deep.equal([], 'a second sweep finds nothing');
  });
});
