import { expect } from 'chai';
import { TOPIC_CONFIG_DEFAULTS } from '../../src/config/topic-config.js';
import { applyRecord, emptyImage, type MetadataImage } from '../../src/controller/metadata-image.js';
import { activeReassignments, hostsOf, planDecommission, planRebalance, validateMove } from '../../src/controller/reassignment-records.js';

function image(replicas: number[][], brokers = [1, 2, 3, 4]): MetadataImage {
  let img = emptyImage();
  for (const id of brokers) img = applyRecord(img, { type: 'registerBroker', id, host: 'h', port: 1, incarnation: `i${id}` }, img.version);
  return applyRecord(img, { type: 'createTopic', name: 'orders', replicas, config: { ...TOPIC_CONFIG_DEFAULTS }, internal: false }, img.version);
}

/** Replica counts per broker once every move of `moves` completed. */
function countsAfter(img: MetadataImage, moves: Array<{ name: string; partition: number; target: number[] }>): Map<number, number> {
  const counts = new Map<number, number>();
  img.topics['orders']!.replicas.forEach((set, p) => {
    const target = moves.find((m) => m.partition === p)?.target ?? set;
    for (const id of target) counts.set(id, (counts.get(id) ?? 0) + 1);
  });
  return counts;
}

describe('reassignment records', () => {
  it('a move sets a target; its completion makes it the replica list; hosts are both meanwhile', () => {
    let img = image([[1, 2, 3]]);
    img = applyRecord(img, { type: 'reassignPartitions', moves: [{ name: 'orders', partition: 0, target: [2, 3, 4] }] }, img.version);
    expect(activeReassignments(img)).to.have.length(1);
    expect(hostsOf(img, 'orders', 0)).to.have.members([1, 2, 3, 4]);
    // A completion for another target (a stale one) changes nothing.
    const stale = applyRecord(img, { type: 'completeReassignment', name: 'orders', partition: 0, replicas: [1, 2, 4] }, img.version);
    expect(stale.topics['orders']!.replicas[0]).to.deep.equal([1, 2, 3]);
    img = applyRecord(img, { type: 'completeReassignment', name: 'orders', partition: 0, replicas: [2, 3, 4] }, img.version);
    expect(img.topics['orders']!.replicas[0]).to.deep.equal([2, 3, 4]);
    expect(activeReassignments(img)).to.deep.equal([]);
    expect(hostsOf(img, 'orders', 0)).to.have.members([2, 3, 4]);
  });

  it('a deleted topic takes its moves with it', () => {
    let img = image([[1, 2, 3]]);
    img = applyRecord(img, { type: 'reassignPartitions', moves: [{ name: 'orders', partition: 0, target: [2, 3, 4] }] }, img.version);
    img = applyRecord(img, { type: 'deleteTopic', name: 'orders' }, img.version);
    expect(img.reassignments).to.deep.equal({});
  });

  it('validates a move: partition, distinct registered brokers, none decommissioned', () => {
    let img = image([[1, 2, 3]]);
    expect(() => validateMove(img, { name: 'nope', partition: 0, target: [1] })).to.throw(/UNKNOWN_TOPIC/);
    expect(() => validateMove(img, { name: 'orders', partition: 1, target: [1] })).to.throw(/UNKNOWN_PARTITION/);
    expect(() => validateMove(img, { name: 'orders', partition: 0, target: [1, 1] })).to.throw(/twice/);
    expect(() => validateMove(img, { name: 'orders', partition: 0, target: [1, 9] })).to.throw(/not registered/);
    img = applyRecord(img, { type: 'decommissionBroker', id: 4, decommissioned: true }, img.version);
    expect(img.decommissioned).to.deep.equal([4]);
    expect(() => validateMove(img, { name: 'orders', partition: 0, target: [1, 2, 4] })).to.throw(/decommissioned/);
    img = applyRecord(img, { type: 'decommissionBroker', id: 4, decommissioned: false }, img.version);
    expect(img.decommissioned).to.deep.equal([]);
  });

  it('a decommission plan takes every replica off the broker, onto the least loaded others', () => {
    const img = image([
      [1, 2, 3],
      [2, 3, 1],
      [3, 1, 2],
      [1, 3, 4],
    ]);
    const moves = planDecommission(img, 1, [2, 3, 4]);
    expect(moves).to.have.length(4);
    for (const move of moves) expect(move.target).to.not.include(1);
    // Its place as preferred leader goes to the next replica.
    expect(moves.find((m) => m.partition === 0)!.target[0]).to.equal(2);
    expect(countsAfter(img, moves).get(4)).to.equal(4);
    expect(() => planDecommission(image([[1, 2, 3]], [1, 2, 3]), 1, [2, 3])).to.throw(/no broker can take/);
  });

  it('a rebalance evens replicas out onto a new broker, a bounded number of moves at a time', () => {
    const img = image([
      [1, 2, 3],
      [2, 3, 1],
      [3, 1, 2],
      [1, 2, 3],
      [2, 3, 1],
      [3, 1, 2],
      [1, 2, 3],
      [2, 3, 1],
    ]);
    const moves = planRebalance(img, [1, 2, 3, 4], 100);
    const counts = countsAfter(img, moves);
    // 24 replicas over 4 brokers: 6 each.
    expect([...counts.values()].every((n) => n === 6), JSON.stringify([...counts])).to.equal(true);
    expect(planRebalance(img, [1, 2, 3, 4], 2)).to.have.length(2);
    const balanced = applyRecord(img, { type: 'reassignPartitions', moves }, img.version);
    let done = balanced;
    for (const m of moves) done = applyRecord(done, { type: 'completeReassignment', name: m.name, partition: m.partition, replicas: m.target }, done.version);
    // Once balanced, a rebalance moves no replica (it may still reorder preferred leaders).
    for (const move of planRebalance(done, [1, 2, 3, 4], 100)) {
      expect(move.target).to.have.members(done.topics['orders']!.replicas[move.partition]!);
    }
  });
});
