/** ReassignmentSpec to and from its wire form (broker.proto AlterReassignmentsRequest), checked on the way in. */
import { SluiceError } from '../protocol/errors.js';
import { requireCount } from '../protocol/input-limits.js';
import { CONF_MEMBERS_MAX } from '../raft/index.js';
import type { AlterReassignmentsRequest, AlterReassignmentsRequest__Output } from '../protocol/generated/sluice/v1/AlterReassignmentsRequest.js';
import type { ReassignmentSpec } from './controller.js';

export function reassignmentsToWire(spec: ReassignmentSpec): AlterReassignmentsRequest {
  return {
    moves: spec.moves.map((move) => ({ topic: move.name, partition: move.partition, replicas: move.target })),
    decommission: spec.decommission,
    recommission: spec.recommission,
    rebalance: spec.rebalance,
    maxMoves: spec.maxMoves,
    controllerVoters: spec.controllerVoters ?? [],
  };
}

/** The spec a request asks for; INVALID_REQUEST for lists beyond their bounds or broker ids that cannot be. */
export function reassignmentsFromWire(request: AlterReassignmentsRequest__Output, requireTopic: (name: string) => string): ReassignmentSpec {
  requireCount(request.moves, 'moves');
  return {
    moves: request.moves.map((move) => {
      requireCount(move.replicas, 'replicas', CONF_MEMBERS_MAX);
      if (move.replicas.some((id) => !(id >= 1))) throw new SluiceError('INVALID_REQUEST', `${move.topic}/${move.partition}: broker ids must be >= 1`);
      return { name: requireTopic(move.topic), partition: move.partition, target: [...move.replicas] };
    }),
    decommission: request.decommission,
    recommission: request.recommission,
    rebalance: request.rebalance,
    maxMoves: request.maxMoves,
    controllerVoters: [...requireCount(request.controllerVoters, 'controller_voters', CONF_MEMBERS_MAX)],
  };
}
