/** Runs `./bin/sluice` as a child process, for tests of what only a real process shows (exit codes, signals). */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_ROOT, waitFor } from './broker-process.js';

const SLUICE_BIN = join(PROJECT_ROOT, 'bin/sluice');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export class CliProcess {
  stdout = '';
  stderr = '';
  readonly result: Promise<CliResult>;

  constructor(readonly child: ChildProcessWithoutNullStreams) {
    child.stdout.on('data', (chunk: Buffer) => (this.stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.result = new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code) => resolve({ code, stdout: this.stdout, stderr: this.stderr }));
    });
  }

  static start(args: string[], bootstrap: string): CliProcess {
    return new CliProcess(spawn(SLUICE_BIN, ['--bootstrap', bootstrap, ...args], { stdio: ['pipe', 'pipe', 'pipe'] }));
  }

  /** Waits for the output; fails at once, with what the process said, if it exits without it. */
  async waitForStdout(pattern: RegExp, timeoutMs?: number): Promise<void> {
    let exited = false;
    const printed = waitFor(`sluice stdout to match ${pattern}`, () => (pattern.test(this.stdout) ? true : exited ? false : undefined), timeoutMs);
    void this.result.then(() => (exited = true), () => (exited = true));
    if (!(await printed)) {
      const { code, stderr } = await this.result;
      throw new Error(`sluice exited with ${code} before its stdout matched ${pattern}; stdout: ${JSON.stringify(this.stdout)}; stderr: ${stderr}`);
    }
  }

  /** Kills the process if it still runs (a test that failed half-way). */
  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}

/** Runs `./bin/sluice` to its exit; `feed` may write to stdin over time and must end it. */
export async function runCli(
  args: string[],
  bootstrap: string,
  feed: (stdin: NodeJS.WritableStream) => Promise<void> | void = (stdin) => void stdin.end(),
): Promise<CliResult> {
  const cli = CliProcess.start(args, bootstrap);
  try {
    await feed(cli.child.stdin);
  } catch (err) {
    cli.kill();
    throw err;
  }
  return cli.result;
}
