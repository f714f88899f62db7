import { openLogStore } from '../../src/storage/leveldb-store.js';
import { openMemoryLogStore } from '../../src/storage/memory-store.js';
import { makeTempDir, removeDir } from './helpers.js';
import { describeLogStoreContract } from './log-store-contract.js';

describeLogStoreContract('memory', {
  open: async () => openMemoryLogStore(),
  cleanup: async () => undefined,
});

for (const flush of [{ kind: 'never' }, { kind: 'always' }, { kind: 'interval', intervalMs: 5 }] as const) {
  const dirs: string[] = [];
  describeLogStoreContract(`leveldb, flush ${flush.kind}`, {
    open: async () => {
      const dir = makeTempDir();
      dirs.push(dir);
      return openLogStore({ dir, flush, warn: () => undefined });
    },
    cleanup: async () => {
      for (const dir of dirs.splice(0)) removeDir(dir);
    },
  });
}

describeLogStoreContract('leveldb, tail cache disabled', {
  ...(() => {
    const dirs: string[] = [];
    return {
      open: async () => {
        const dir = makeTempDir();
        dirs.push(dir);
        return openLogStore({ dir, flush: { kind: 'never' }, tailCacheBytesMax: 0 });
      },
      cleanup: async () => {
        for (const dir of dirs.splice(0)) removeDir(dir);
      },
    };
  })(),
});
