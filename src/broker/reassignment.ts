/**
 * How a partition's leader moves its Raft group to a target replica set (pure): one membership step
 * at a time, in an order that keeps the group writable throughout — first every new replica joins
 * as a learner, each is promoted once it caught up, then the replicas leaving are removed, the
 * leader itself last and only after handing leadership to a voter that stays. The controller
 * completes the move once the leader reports its voters equal to the target (controller.ts).
 */
import type { ConfChange, ConfState } from '../raft/index.js';

export interface MoveState {
  self: number;
  conf: ConfState;
  /** Target replica list (the preferred leader first). */
  target: readonly number[];
  /** Each member's replicated log end as the leader knows it (Raft match index). */
  match: ReadonlyMap<number, number>;
  commitIndex: number;
  /** Whether the last membership step is committed (Raft accepts no other until then). */
  settled: boolean;
  /** Voters leadership can be handed to right now (in sync and responsive). */
  canTakeOver: (id: number) => boolean;
}

export type MoveStep =
  | { kind: 'change'; change: ConfChange }
  /** The leader leaves the group: hand leadership to `to` first (it is a voter that stays). */
  | { kind: 'transfer'; to: number }
  /** A learner catches up, a step commits, or no voter can take leadership yet. */
  | { kind: 'wait' }
  /** The configuration is the target: nothing left for the leader to do. */
  | { kind: 'done' };

export function nextMoveStep(state: MoveState): MoveStep {
  const { conf, target, self } = state;
  const done = conf.learners.length === 0 && conf.voters.length === target.length && target.every((id) => conf.voters.includes(id));
  if (done) return { kind: 'done' };
  if (!state.settled) return { kind: 'wait' };
  const joining = target.find((id) => !conf.voters.includes(id) && !conf.learners.includes(id));
  if (joining !== undefined) return { kind: 'change', change: { type: 'addLearner', node: joining } };
  const learnersIn = conf.learners.filter((id) => target.includes(id));
  for (const id of learnersIn) {
    // Caught up: holds everything committed, so promoting it cannot stall a commit.
    if ((state.match.get(id) ?? 0) >= state.commitIndex) return { kind: 'change', change: { type: 'promote', node: id } };
  }
  if (learnersIn.length > 0) return { kind: 'wait' };
  const stray = conf.learners.find((id) => !target.includes(id));
  if (stray !== undefined) return { kind: 'change', change: { type: 'remove', node: stray } };
  const leaving = conf.voters.filter((id) => !target.includes(id));
  const other = leaving.find((id) => id !== self);
  if (other !== undefined) return { kind: 'change', change: { type: 'remove', node: other } };
  if (leaving.includes(self)) {
    const to = target.find((id) => id !== self && conf.voters.includes(id) && state.canTakeOver(id));
    return to === undefined ? { kind: 'wait' } : { kind: 'transfer', to };
  }
  return { kind: 'wait' };
}
