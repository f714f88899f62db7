import { expect } from 'chai';
import { nextMoveStep, type MoveState } from '../../src/broker/reassignment.js';

function state(voters: number[], learners: number[], target: number[], extra: Partial<MoveState> = {}): MoveState {
  return { self: 1, conf: { voters, learners }, target, match: new Map([[4, 10]]), commitIndex: 10, settled: true, canTakeOver: () => true, ...extra };
}

describe('partition move steps (leader side)', () => {
  it('adds the new replica as a learner, promotes it once caught up, then removes the one leaving', () => {
    expect(nextMoveStep(state([1, 2, 3], [], [1, 2, 4]))).to.deep.equal({ kind: 'change', change: { type: 'addLearner', node: 4 } });
    expect(nextMoveStep(state([1, 2, 3], [4], [1, 2, 4], { match: new Map([[4, 3]]) }))).to.deep.equal({ kind: 'wait' });
    expect(nextMoveStep(state([1, 2, 3], [4], [1, 2, 4]))).to.deep.equal({ kind: 'change', change: { type: 'promote', node: 4 } });
    expect(nextMoveStep(state([1, 2, 3, 4], [], [1, 2, 4]))).to.deep.equal({ kind: 'change', change: { type: 'remove', node: 3 } });
    expect(nextMoveStep(state([1, 2, 4], [], [1, 2, 4]))).to.deep.equal({ kind: 'done' });
  });

  it('waits while a step is uncommitted', () => {
    expect(nextMoveStep(state([1, 2, 3], [], [1, 2, 4], { settled: false }))).to.deep.equal({ kind: 'wait' });
  });

  it('a leader that leaves hands leadership to a voter that stays first, and waits when none can take it', () => {
    expect(nextMoveStep(state([1, 2, 3, 4], [], [2, 3, 4]))).to.deep.equal({ kind: 'transfer', to: 2 });
    expect(nextMoveStep(state([1, 2, 3, 4], [], [2, 3, 4], { canTakeOver: (id) => id === 4 }))).to.deep.equal({ kind: 'transfer', to: 4 });
    expect(nextMoveStep(state([1, 2, 3, 4], [], [2, 3, 4], { canTakeOver: () => false }))).to.deep.equal({ kind: 'wait' });
  });

  it('a cancelled move removes the learner it added', () => {
    expect(nextMoveStep(state([1, 2, 3], [4], [1, 2, 3]))).to.deep.equal({ kind: 'change', change: { type: 'remove', node: 4 } });
  });

  it('only reorders: the configuration already is the target', () => {
    expect(nextMoveStep(state([1, 2, 3], [], [3, 1, 2]))).to.deep.equal({ kind: 'done' });
  });
});
