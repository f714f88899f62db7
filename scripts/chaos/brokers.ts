/**
 * The three real broker processes, each started inside its own namespace with `ip netns exec` (which
 * execs, so the child's pid is the broker's node process: SIGKILL and SIGSTOP reach it directly).
 * Data and logs live under the run's work directory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import type { Topology } from './netns.js';

export const BROKER_PORT = 7001;
/** Inter-broker listener (Raft, Controller): what cluster.brokers lists. */
export const BROKER_INTER_PORT = 7002;
export const BROKER_HTTP_PORT = 8001;

interface Running {
  child: ChildProcess;
  exited: Promise<void>;
  log: WriteStream;
}

export class Brokers {
  private readonly running = new Map<number, Running>();
  private readonly paused = new Set<number>();

  constructor(
    private readonly topology: Topology,
    private readonly projectRoot: string,
  ) {}

  get ids(): number[] {
    return [...this.topology.brokers.keys()];
  }

  ipOf(id: number): string {
    return this.topology.brokers.get(id)!.ip;
  }

  get bootstrap(): string[] {
    return this.ids.map((id) => `${this.ipOf(id)}:${BROKER_PORT}`);
  }

  dataDir(id: number): string {
    return join(this.topology.workDir, `broker-${id}`, 'data');
  }

  logFile(id: number): string {
    return join(this.topology.workDir, `broker-${id}`, 'broker.log');
  }

  isRunning(id: number): boolean {
    return this.running.has(id);
  }

  /** Starts broker `id` (again, on its data directory); does not wait for it to be ready. */
  start(id: number): void {
    if (this.running.has(id)) throw new Error(`broker ${id} is already running`);
    const endpoint = this.topology.brokers.get(id)!;
    mkdirSync(this.dataDir(id), { recursive: true });
    const membership = this.ids.map((other) => `${other}@${this.ipOf(other)}:${BROKER_INTER_PORT}`).join(',');
    const log = createWriteStream(this.logFile(id), { flags: 'a' });
    log.write(`=== start ${new Date().toISOString()}\n`);
    const child = spawn(
      'ip',
      [
        'netns', 'exec', endpoint.ns,
        join(this.projectRoot, 'bin/sluice-broker'),
        '--broker-id', String(id),
        '--host', endpoint.ip,
        '--port', String(BROKER_PORT),
        '--inter-broker-port', String(BROKER_INTER_PORT),
        '--http-port', String(BROKER_HTTP_PORT),
        '--data-dir', this.dataDir(id),
        '--cluster-brokers', membership,
      ],
      // Own process group: a Ctrl-C meant for the harness must not kill brokers mid-check; the
      // harness stops them itself.
      { stdio: ['ignore', 'pipe', 'pipe'], detached: true },
    );
    child.stdout!.pipe(log, { end: false });
    child.stderr!.pipe(log, { end: false });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    this.running.set(id, { child, exited, log });
    void exited.then(() => {
      if (this.running.get(id)?.child === child) this.running.delete(id);
      this.paused.delete(id);
    });
  }

  /** Sends `signal` to broker `id` and, for SIGKILL/SIGTERM, waits until it exited. */
  async signal(id: number, signal: 'SIGKILL' | 'SIGTERM' | 'SIGSTOP' | 'SIGCONT'): Promise<void> {
    const running = this.running.get(id);
    if (!running) return;
    if (signal === 'SIGSTOP') this.paused.add(id);
    if (signal === 'SIGCONT') this.paused.delete(id);
    if (signal === 'SIGTERM' && this.paused.has(id)) running.child.kill('SIGCONT');
    running.child.kill(signal);
    if (signal === 'SIGKILL' || signal === 'SIGTERM') await running.exited;
  }

  /** Graceful stop of every broker (SIGKILL after `timeoutMs`: the checks are done by then). */
  async stopAll(timeoutMs = 5_000): Promise<void> {
    await Promise.all(
      this.ids.map(async (id) => {
        const running = this.running.get(id);
        if (!running) return;
        const timer = setTimeout(() => running.child.kill('SIGKILL'), timeoutMs);
        await this.signal(id, 'SIGTERM');
        clearTimeout(timer);
      }),
    );
  }

  /** SIGKILL everything still running (exit paths). */
  killAll(): void {
    for (const { child } of this.running.values()) {
      child.kill('SIGCONT');
      child.kill('SIGKILL');
    }
  }

  pids(): Map<number, number> {
    return new Map([...this.running].map(([id, r]) => [id, r.child.pid!]));
  }
}
