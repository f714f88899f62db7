/**
 * Unavailability from the producers' point of view: a partition is available while acks=all sends to
 * it succeed. For a round's window [fault start, converged], per partition: the longest stretch
 * without a successful acks=all send (the window's edges count as stretch ends), and how long after
 * the heal the first send succeeded.
 */

export interface PartitionAvailability {
  partition: number;
  /** Longest stretch in the window with no successful acks=all send, ms. */
  maxUnavailableMs: number;
  /** First successful send at or after the heal, minus the heal time, ms (the window's end if none). */
  resumeAfterHealMs: number;
  acks: number;
}

export function availability(ackTimes: readonly number[], partition: number, window: { startMs: number; healMs: number; endMs: number }): PartitionAvailability {
  let previous = window.startMs;
  let maxGap = 0;
  let acks = 0;
  let firstAfterHeal: number | undefined;
  for (const t of ackTimes) {
    if (t < window.startMs) continue;
    if (t > window.endMs) break;
    acks++;
    maxGap = Math.max(maxGap, t - previous);
    previous = t;
    if (firstAfterHeal === undefined && t >= window.healMs) firstAfterHeal = t;
  }
  maxGap = Math.max(maxGap, window.endMs - previous);
  return { partition, maxUnavailableMs: maxGap, resumeAfterHealMs: (firstAfterHeal ?? window.endMs) - window.healMs, acks };
}
