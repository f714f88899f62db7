/**
 * What a run prints: one line per round as it finishes, then a table per fault kind (rounds,
 * fault durations, worst unavailability, worst resume-after-heal) and the correctness totals.
 */
import { violationCount, type RoundViolations } from './checker.js';
import type { PartitionAvailability } from './availability.js';
import type { ReplicaReport } from './replicas.js';

export interface RoundResult {
  round: number;
  /** Table row key: the main fault kind, `+slow-link` when a second fault ran with it. */
  kind: string;
  description: string;
  faultMs: number;
  /** Heal → every partition led, in sync and writable again, every broker ready. */
  convergeMs: number;
  converged: boolean;
  availability: PartitionAvailability[];
  violations: RoundViolations;
  replicas: ReplicaReport | undefined;
  records: number;
}

export interface RunSummary {
  seed: number;
  rounds: RoundResult[];
  maxUnavailableMs: number;
  thresholdMs: number;
  totals: {
    lost: number;
    duplicates: number;
    gaps: number;
    nonMonotonic: number;
    regressions: number;
    undelivered: number;
    replicaDivergent: number;
    replicaUnconverged: number;
    unconvergedRounds: number;
    acks1Lost: number;
    acks1Duplicates: number;
    ackedAll: number;
    ackedOne: number;
    idempotentSendFailures: number;
  };
  correctnessViolations: number;
}

export function roundMaxUnavailable(result: RoundResult): number {
  return Math.max(0, ...result.availability.map((a) => a.maxUnavailableMs));
}

export function roundMaxResume(result: RoundResult): number {
  return Math.max(0, ...result.availability.map((a) => a.resumeAfterHealMs));
}

export function roundLine(result: RoundResult, seed: number): string {
  const v = result.violations;
  const bad = violationCount(v) + (result.replicas ? result.replicas.divergent.length + result.replicas.unconverged.length : 0) + (result.converged ? 0 : 1);
  const perPartition = result.availability.map((a) => `p${a.partition} ${a.maxUnavailableMs}/${a.resumeAfterHealMs}`).join(' ');
  return (
    `round ${String(result.round).padStart(3)} ${bad === 0 ? 'ok  ' : 'FAIL'} ${result.description} for ${(result.faultMs / 1000).toFixed(1)} s; ` +
    `converged ${result.converged ? `${result.convergeMs} ms` : 'NO'} after heal; unavailable/resume ms ${perPartition}; ` +
    `log ${result.records} records; lost ${v.lost.length} dup ${v.duplicates.length} gaps ${v.gaps.length + v.nonMonotonic.length} ` +
    `regressions ${v.regressions.length} undelivered ${v.undeliveredRecords}` +
    (result.replicas ? ` replicas ${result.replicas.groups} groups ${result.replicas.divergent.length === 0 && result.replicas.unconverged.length === 0 ? 'identical' : 'DIFFER'}` : '') +
    `  (replay: SEED=${seed} ROUND=${result.round})`
  );
}

/** Details of every violation of a round, one per line. */
export function violationLines(result: RoundResult): string[] {
  const v = result.violations;
  const lines: string[] = [];
  const add = (what: string, items: readonly string[]): void => {
    for (const item of items.slice(0, 10)) lines.push(`  ${what}: ${item}`);
    if (items.length > 10) lines.push(`  ${what}: … ${items.length - 10} more`);
  };
  add('LOST', v.lost);
  add('DUPLICATE', v.duplicates);
  add('GAP', v.gaps);
  add('NON-MONOTONIC', v.nonMonotonic);
  add('REGRESSION', v.regressions);
  add('UNDELIVERED', v.undelivered);
  add('REPLICA DIVERGENCE', result.replicas?.divergent ?? []);
  add('REPLICA UNCONVERGED', result.replicas?.unconverged ?? []);
  if (!result.converged) lines.push('  UNCONVERGED: the cluster did not converge after the heal');
  return lines;
}

function pad(cells: string[], widths: number[]): string {
  return cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
}

export function table(summary: RunSummary): string {
  const byKind = new Map<string, RoundResult[]>();
  for (const result of summary.rounds) byKind.set(result.kind, [...(byKind.get(result.kind) ?? []), result]);
  const header = ['fault kind', 'rounds', 'fault s (min-max)', 'max unavailable ms', 'max resume-after-heal ms', 'max converge ms'];
  const rows = [...byKind.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([kind, results]) => {
    const durations = results.map((r) => r.faultMs / 1000);
    return [
      kind,
      String(results.length),
      `${Math.min(...durations).toFixed(1)}-${Math.max(...durations).toFixed(1)}`,
      String(Math.max(...results.map(roundMaxUnavailable))),
      String(Math.max(...results.map(roundMaxResume))),
      results.every((r) => r.converged) ? String(Math.max(...results.map((r) => r.convergeMs))) : 'NOT CONVERGED',
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const t = summary.totals;
  return [
    pad(header, widths),
    pad(widths.map((w) => '-'.repeat(w)), widths),
    ...rows.map((row) => pad(row, widths)),
    '',
    `seed ${summary.seed}, ${summary.rounds.length} rounds; acks=all records acknowledged ${t.ackedAll} (${t.idempotentSendFailures} sends failed), acks=1 ${t.ackedOne}`,
    `correctness: lost ${t.lost}, duplicates ${t.duplicates}, gaps ${t.gaps}, non-monotonic ${t.nonMonotonic}, committed-offset regressions ${t.regressions}, ` +
      `undelivered to the group ${t.undelivered}, replica divergence ${t.replicaDivergent}, replicas unconverged ${t.replicaUnconverged}, rounds not converged ${t.unconvergedRounds}`,
    `acks=1 (informational, allowed): lost ${t.acks1Lost}, duplicates ${t.acks1Duplicates}`,
    `max unavailability ${summary.maxUnavailableMs} ms (threshold MAX_UNAVAILABLE_MS=${summary.thresholdMs})`,
  ].join('\n');
}

export function summarize(seed: number, rounds: RoundResult[], thresholdMs: number, counts: { ackedAll: number; ackedOne: number; idempotentSendFailures: number }): RunSummary {
  const sum = (f: (r: RoundResult) => number): number => rounds.reduce((acc, r) => acc + f(r), 0);
  const totals = {
    lost: sum((r) => r.violations.lost.length),
    duplicates: sum((r) => r.violations.duplicates.length),
    gaps: sum((r) => r.violations.gaps.length),
    nonMonotonic: sum((r) => r.violations.nonMonotonic.length),
    regressions: sum((r) => r.violations.regressions.length),
    undelivered: sum((r) => r.violations.undeliveredRecords),
    replicaDivergent: sum((r) => r.replicas?.divergent.length ?? 0),
    replicaUnconverged: sum((r) => r.replicas?.unconverged.length ?? 0),
    unconvergedRounds: sum((r) => (r.converged ? 0 : 1)),
    acks1Lost: Math.max(0, ...rounds.map((r) => r.violations.acks1Lost)),
    acks1Duplicates: Math.max(0, ...rounds.map((r) => r.violations.acks1Duplicates)),
    ...counts,
  };
  const correctnessViolations =
    totals.lost + totals.duplicates + totals.gaps + totals.nonMonotonic + totals.regressions + totals.undelivered + totals.replicaDivergent + totals.replicaUnconverged + totals.unconvergedRounds;
  return { seed, rounds, maxUnavailableMs: Math.max(0, ...rounds.map(roundMaxUnavailable)), thresholdMs, totals, correctnessViolations };
}
