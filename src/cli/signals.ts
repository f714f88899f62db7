/** How SIGINT/SIGTERM end the `sluice` process (main.ts installs this; run() interprets the abort). */
import { constants } from 'node:os';

export type StopSignal = 'SIGINT' | 'SIGTERM';
export const STOP_SIGNALS: readonly StopSignal[] = ['SIGINT', 'SIGTERM'];

/** The exit code shells report for a process ended by `signal`: 128 + its number (SIGINT 130, SIGTERM 143). */
export function signalExitCode(signal: StopSignal): number {
  return 128 + constants.signals[signal];
}

/**
 * The first SIGINT/SIGTERM aborts `controller` with the signal's name as the reason, so the running
 * command can stop (gracefully or at once, see run()); any later one exits at once, since a graceful
 * stop may itself wait on a broker that does not answer.
 */
export function handleStopSignals(
  target: { on(signal: StopSignal, listener: () => void): unknown },
  controller: AbortController,
  exit: (code: number) => void,
): void {
  for (const signal of STOP_SIGNALS) {
    target.on(signal, () => {
      if (controller.signal.aborted) exit(signalExitCode(signal));
      else controller.abort(signal);
    });
  }
}
