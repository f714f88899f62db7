/**
 * Runs the real kcat (librdkafka's command-line client) for tests of the Kafka listener, installing
 * the Debian package first when it is missing and the tests run as root.
 */
import { spawn } from 'node:child_process';
import { commandRuns, ensureDebianPackage } from './debian-package.js';

const KCAT_TIMEOUT_MS = 30_000;

export interface KcatResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Makes sure `kcat` runs; throws a clear error when it is missing and cannot be installed. */
export function ensureKcat(): void {
  ensureDebianPackage('kcat', 'kcat', () => commandRuns('kcat', ['-V']));
}

/** Runs kcat with `input` on stdin; killed (its own process) after the timeout. */
export function kcat(args: string[], input = '', timeoutMs = KCAT_TIMEOUT_MS): Promise<KcatResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('kcat', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(input);
  });
}

/** Runs kcat and fails with its output unless it exits 0. */
export async function kcatOk(args: string[], input = ''): Promise<string> {
  const result = await kcat(args, input);
  if (result.code !== 0) throw new Error(`kcat ${args.join(' ')} exited with ${result.code}: ${result.stderr}`);
  return result.stdout;
}

/** A kcat left running (a `-G` group member): its output so far, and a way to end it. */
export interface RunningKcat {
  readonly stdout: () => string;
  readonly stderr: () => string;
  /** Sends `signal` and resolves once the process exited. */
  stop(signal: NodeJS.Signals): Promise<void>;
}

export function startKcat(args: string[]): RunningKcat {
  const child = spawn('kcat', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  return {
    stdout: () => stdout,
    stderr: () => stderr,
    async stop(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      // A member that does not leave when asked is killed after a while.
      const timer = setTimeout(() => child.kill('SIGKILL'), KCAT_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** What `kcat -L -J` prints, as far as the tests read it. */
export interface KcatMetadata {
  brokers: Array<{ id: number; name: string }>;
  topics: Array<{ topic: string; partitions: Array<{ partition: number; leader: number; replicas: Array<{ id: number }>; isrs: Array<{ id: number }> }> }>;
}

/** The cluster metadata as kcat sees it (`kcat <args> -L -J`, e.g. args `-b host:port -t topic`). */
export async function kcatMetadata(args: string[]): Promise<KcatMetadata> {
  return JSON.parse(await kcatOk([...args, '-L', '-J'])) as KcatMetadata;
}
