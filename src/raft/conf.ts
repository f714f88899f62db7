/**
 * Configuration entries: how a membership change travels in the log. A conf entry's data is a
 * 4-byte tag (0xff 'C' 'F' 1) followed by the whole new configuration as JSON, so a node learns its
 * configuration from the newest such entry in its log without replaying deltas. The tag's first
 * byte can never start a record batch (a stamped base offset is a non-negative int64, first byte
 * 0), so a partition's or the controller's entries are never taken for one.
 */
import { ConfChange, ConfState, NodeId } from './types.js';

const TAG = [0xff, 0x43, 0x46, 0x01] as const;
/** Most members a configuration may name (a bound on what a conf entry decodes to). */
export const CONF_MEMBERS_MAX = 64;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Cheap test on every appended entry: does `data` carry the conf tag? */
export function isConfEntry(data: Uint8Array): boolean {
  return data.length > TAG.length && data[0] === TAG[0] && data[1] === TAG[1] && data[2] === TAG[2] && data[3] === TAG[3];
}

export function encodeConfEntry(conf: ConfState): Uint8Array {
  const body = encoder.encode(JSON.stringify({ voters: conf.voters, learners: conf.learners }));
  const out = new Uint8Array(TAG.length + body.length);
  out.set(TAG, 0);
  out.set(body, TAG.length);
  return out;
}

/**
 * The configuration a conf entry sets, or undefined when `data` is not a well-formed conf entry
 * (then it is an ordinary entry: every node decides the same way, so they agree on configurations).
 */
export function decodeConfEntry(data: Uint8Array): ConfState | undefined {
  if (!isConfEntry(data)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(decoder.decode(data.subarray(TAG.length)));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { voters, learners } = parsed as { voters?: unknown; learners?: unknown };
  const v = nodeIds(voters);
  const l = nodeIds(learners);
  if (v === undefined || l === undefined) return undefined;
  const conf: ConfState = { voters: v, learners: l };
  return confProblem(conf) === undefined ? conf : undefined;
}

function nodeIds(value: unknown): NodeId[] | undefined {
  if (!Array.isArray(value) || value.length > CONF_MEMBERS_MAX) return undefined;
  return value.every((id) => Number.isSafeInteger(id) && (id as number) > 0) ? (value as NodeId[]) : undefined;
}

/** What makes `conf` unusable, or undefined: at least one voter, no duplicates, voters and learners disjoint. */
export function confProblem(conf: ConfState): string | undefined {
  if (conf.voters.length === 0) return 'no voter';
  const all = [...conf.voters, ...conf.learners];
  if (all.length > CONF_MEMBERS_MAX) return `more than ${CONF_MEMBERS_MAX} members`;
  if (new Set(all).size !== all.length) return 'a node is named twice';
  return undefined;
}

/** The configuration after `change`, or a string saying why it does not apply to `conf`. */
export function applyConfChange(conf: ConfState, change: ConfChange): ConfState | string {
  const { node } = change;
  const voter = conf.voters.includes(node);
  const learner = conf.learners.includes(node);
  let next: ConfState;
  switch (change.type) {
    case 'addLearner':
      if (voter || learner) return `node ${node} is already a ${voter ? 'voter' : 'learner'}`;
      next = { voters: [...conf.voters], learners: [...conf.learners, node] };
      break;
    case 'promote':
      if (!learner) return `node ${node} is not a learner`;
      next = { voters: [...conf.voters, node], learners: conf.learners.filter((id) => id !== node) };
      break;
    case 'remove':
      if (!voter && !learner) return `node ${node} is not a member`;
      next = { voters: conf.voters.filter((id) => id !== node), learners: conf.learners.filter((id) => id !== node) };
      break;
  }
  if (!Number.isSafeInteger(node) || node <= 0) return `bad node id ${node}`;
  return confProblem(next) ?? next;
}

export function sameConf(a: ConfState, b: ConfState): boolean {
  const same = (x: NodeId[], y: NodeId[]) => x.length === y.length && x.every((id) => y.includes(id));
  return same(a.voters, b.voters) && same(a.learners, b.learners);
}
