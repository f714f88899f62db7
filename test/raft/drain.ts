/** Drives a Raft node in tests the way a driver must: persist each Ready, then collect what it sends. */
import type { MemoryStorage, Message, Raft, Ready } from '../../src/raft/index.js';

export function drain(r: Raft, s: MemoryStorage): { msgs: Message[]; rds: Ready[] } {
  const msgs: Message[] = [];
  const rds: Ready[] = [];
  while (r.hasReady()) {
    const rd = r.ready();
    if (rd.snapshot) s.applySnapshot(rd.snapshot);
    s.append(rd.entries);
    if (rd.hardState) s.setHardState(rd.hardState);
    msgs.push(...rd.messages);
    rds.push(rd);
    r.advance();
  }
  return { msgs, rds };
}
