/**
 * Running the system tools the harness drives (ip, iptables, tc, cp): one helper that fails with the
 * command line and its stderr, so a setup error names what went wrong.
 */
import { execFile, execFileSync } from 'node:child_process';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

export class CommandError extends Error {
  override name = 'CommandError';
}

/** Runs `file args`; rejects on a non-zero exit unless `allowFail`. */
export function run(file: string, args: readonly string[], options: { allowFail?: boolean } = {}): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    execFile(file, [...args], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      if (code !== 0 && !options.allowFail) {
        reject(new CommandError(`${file} ${args.join(' ')} exited ${code}: ${stderr.trim() || err?.message}`));
        return;
      }
      resolve({ code, stdout, stderr });
    });
  });
}

/** Synchronous twin for exit paths (signal handlers), where nothing async may still run. */
export function runSync(file: string, args: readonly string[]): CommandResult {
  try {
    const stdout = execFileSync(file, [...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return { code: 0, stdout, stderr: '' };
  } catch (err) {
    const failed = err as { status?: number; stdout?: string; stderr?: string };
    return { code: failed.status ?? 1, stdout: String(failed.stdout ?? ''), stderr: String(failed.stderr ?? '') };
  }
}

/** Whether `name` is on PATH. */
export function hasCommand(name: string): boolean {
  return runSync('sh', ['-c', `command -v ${name}`]).code === 0;
}
