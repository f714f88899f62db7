/** The `sluice` executable (bin/sluice runs the compiled form of this file). */
import { run } from './program.js';
import { handleStopSignals } from './signals.js';

const controller = new AbortController();
handleStopSignals(process, controller, (code) => process.exit(code));
// A closed pipe (`sluice consume … | head`) is a normal way to stop, not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

const code = await run(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  signal: controller.signal,
});
// stdin (or a lingering gRPC timer) could keep the loop alive; stdout to pipes and files is synchronous on POSIX.
if (process.stdout.writableNeedDrain) await new Promise((resolve) => process.stdout.once('drain', resolve));
process.exit(code);
