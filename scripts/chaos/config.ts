/** Settings of a run, read from the environment (`make chaos ROUNDS= SEED= ...`) and handed to the runner. */
import { FAULT_KINDS, isFaultKind, type FaultKind } from './plan.js';

export interface ChaosConfig {
  seed: number;
  /** The round numbers to run: 0..ROUNDS-1, or just ROUND when replaying one. */
  rounds: number[];
  partitions: number;
  brokers: number;
  durationMsMin: number;
  durationMsMax: number;
  kinds: FaultKind[] | undefined;
  doubleFaultChance: number;
  /** Exit 3 when the worst unavailability exceeds this (correctness failures exit 1). */
  maxUnavailableMs: number;
  /** Where to write the run's results as JSON (tests read it). */
  jsonOut: string | undefined;
}

export const EXIT_VIOLATION = 1;
export const EXIT_USAGE = 2;
export const EXIT_UNAVAILABLE = 3;
export const EXIT_INTERRUPTED = 130;

function intFrom(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  if (!/^\d+$/.test(text.trim())) throw new RangeError(`${name} must be a non-negative integer, got "${text}"`);
  return Number(text.trim());
}

export function configFromEnv(env: NodeJS.ProcessEnv): ChaosConfig {
  // A random seed when none is given; printed first, so any run can be replayed.
  const seed = intFrom(env, 'SEED', Math.floor(Math.random() * 1_000_000));
  const roundCount = intFrom(env, 'ROUNDS', 20);
  const round = env.ROUND !== undefined && env.ROUND !== '' ? intFrom(env, 'ROUND', 0) : undefined;
  const [minText, maxText] = (env.FAULT_MS || '2000-8000').split('-');
  const durationMsMin = Number(minText);
  const durationMsMax = Number(maxText ?? minText);
  if (!(Number.isInteger(durationMsMin) && Number.isInteger(durationMsMax) && durationMsMin > 0 && durationMsMax >= durationMsMin)) {
    throw new RangeError(`FAULT_MS must be MIN-MAX in ms, e.g. 2000-8000, got "${env.FAULT_MS}"`);
  }
  let kinds: FaultKind[] | undefined;
  if (env.FAULTS) {
    const names = env.FAULTS.split(',').map((name) => name.trim()).filter(Boolean);
    const unknown = names.filter((name) => !isFaultKind(name));
    if (unknown.length > 0) throw new RangeError(`FAULTS: unknown kind ${unknown.join(', ')}; known: ${FAULT_KINDS.join(', ')}`);
    kinds = names as FaultKind[];
  }
  if (roundCount < 1) throw new RangeError('ROUNDS must be at least 1');
  return {
    seed,
    rounds: round !== undefined ? [round] : Array.from({ length: roundCount }, (_, k) => k),
    partitions: intFrom(env, 'PARTITIONS', 3),
    brokers: 3,
    durationMsMin,
    durationMsMax,
    kinds,
    doubleFaultChance: env.DOUBLE_FAULTS === '0' ? 0 : 0.25,
    maxUnavailableMs: intFrom(env, 'MAX_UNAVAILABLE_MS', 2000),
    jsonOut: env.JSON_OUT || undefined,
  };
}
