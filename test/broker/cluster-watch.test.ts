import { expect } from 'chai';
import { ClusterWatch, diffSnapshots, type WatchSnapshot } from '../../src/broker/cluster-watch.js';
import { captureLogs, logger } from '../../src/observability/log.js';
import { VirtualClock } from '../../src/runtime/virtual-clock.js';

function snapshot(led: Record<string, number[]>, controller = 1, topics?: Record<string, number>): WatchSnapshot {
  const topicMap = topics === undefined ? undefined : new Map(Object.entries(topics).map(([name, topicId]) => [name, { topicId, partitions: 3 }]));
  return { led: new Map(Object.entries(led)), controller, topics: topicMap };
}

describe('cluster watch (broker/cluster-watch.ts)', () => {
  it('finds elections, lost leaderships, ISR shrinks and growths, and controller changes', () => {
    const changes = diffSnapshots(snapshot({ 'a/0': [1, 2, 3], 'a/1': [1, 2], 'b/0': [1] }, 1), snapshot({ 'a/0': [1, 3], 'a/1': [1, 2, 3], 'c/0': [1] }, 2));
    expect(changes.elected).to.deep.equal(['c/0']);
    expect(changes.lost).to.deep.equal(['b/0']);
    expect(changes.isrShrunk).to.deep.equal([{ partition: 'a/0', from: [1, 2, 3], to: [1, 3], removed: 1 }]);
    expect(changes.isrGrown).to.deep.equal([{ partition: 'a/1', from: [1, 2], to: [1, 2, 3], added: 1 }]);
    expect(changes.controller).to.deep.equal({ from: 1, to: 2 });
    expect(diffSnapshots(snapshot({ 'a/0': [1] }), snapshot({ 'a/0': [1] }))).to.deep.equal({
      elected: [],
      lost: [],
      isrShrunk: [],
      isrGrown: [],
      controller: undefined,
      topicsCreated: [],
      topicsDeleted: [],
    });
  });

  it('finds topics created and deleted (a re-created one is both), from the first complete view on', () => {
    expect(diffSnapshots(snapshot({}, 1, undefined), snapshot({}, 1, { a: 5 })).topicsCreated).to.deep.equal([]);
    const changes = diffSnapshots(snapshot({}, 1, { a: 5, b: 6, c: 7 }), snapshot({}, 1, { a: 5, b: 9, d: 10 }));
    expect(changes.topicsCreated).to.deep.equal(['b (3 partitions)', 'd (3 partitions)']);
    expect(changes.topicsDeleted).to.deep.equal(['b', 'c']);
  });

  it('counts every change and logs one summarised line per kind and tick', () => {
    const lines: string[] = [];
    const restore = captureLogs((line) => lines.push(line), 'info');
    const counts = { elected: 0, shrunk: 0, expanded: 0, controller: 0 };
    let next = snapshot(Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`t/${i}`, [1, 2]])), 1);
    const watch = new ClusterWatch({
      snapshot: () => next,
      clock: new VirtualClock(),
      log: logger('cluster'),
      onLeaderElected: (n) => (counts.elected += n),
      onIsrShrunk: (n) => (counts.shrunk += n),
      onIsrExpanded: (n) => (counts.expanded += n),
      onControllerChanged: () => counts.controller++,
    });
    try {
      watch.tick();
      next = snapshot(Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`t/${i}`, [1]])), 0);
      watch.tick();
    } finally {
      restore();
    }
    expect(counts).to.deep.equal({ elected: 30, shrunk: 30, expanded: 0, controller: 2 });
    const events = lines.map((line) => JSON.parse(line) as { level: string; msg: string; count?: number; partitions?: string[] });
    expect(events.map((e) => [e.level, e.msg])).to.deep.equal([
      ['info', 'became leader of 30 partition(s)'],
      ['info', 'controller is broker 1'],
      ['info', 'in-sync replicas shrank on 30 partition(s)'],
      ['warn', 'no controller known: heartbeats unanswered or an election under way'],
    ]);
    expect(events[0]!.partitions).to.have.length(21);
    expect(events[0]!.partitions![20]).to.equal('... 10 more');
  });
});
