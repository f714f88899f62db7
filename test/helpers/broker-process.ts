/**
 * Runs a real broker process for integration tests: free ports, a temporary data directory, and a
 * cleanup that kills the process and removes the directory even when a test fails.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const PROJECT_ROOT = resolve(process.cwd());
const BROKER_MAIN = join(PROJECT_ROOT, 'dist/src/broker/main.js');
const STARTUP_TIMEOUT_MS = 15_000;

export interface BrokerProcessOptions {
  /** Reuse a data directory (restart); a fresh temporary one otherwise. */
  dataDir?: string;
  /** Extra flags, e.g. ['--retention-check-interval-ms', '100']. */
  args?: string[];
  /** Fixed ports (a restart keeps its address); free ones from `freePort()` otherwise. */
  port?: number;
  /** The inter-broker listener (Raft, Controller). */
  interBrokerPort?: number;
  httpPort?: number;
  /** Whether cleanup() removes dataDir; defaults to true when this call made it. */
  ownsDataDir?: boolean;
  /** Wait for /readyz (registered, metadata loaded); default true. Cluster members started one by one pass false. */
  waitReady?: boolean;
}

/**
 * Test ports come from below Linux's ephemeral range (32768-60999): a broker restarted on its old
 * port must find it free, and a port the OS handed out once may meanwhile be the local end of some
 * outgoing connection (peers reconnecting to the stopped broker), which failed restarts with
 * EADDRINUSE. Each test process walks its own stretch of the range (from its pid), skipping ports
 * in use.
 */
const TEST_PORTS_FIRST = 20_000;
const TEST_PORTS_COUNT = 12_000;
let nextTestPort = (process.pid * 97) % TEST_PORTS_COUNT;

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolveFree) => {
    const server = createServer();
    server.once('error', () => resolveFree(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolveFree(true)));
  });
}

export async function freePort(): Promise<number> {
  for (let tries = 0; tries < TEST_PORTS_COUNT; tries++) {
    const port = TEST_PORTS_FIRST + (nextTestPort++ % TEST_PORTS_COUNT);
    if (await portIsFree(port)) return port;
  }
  throw new Error('no free test port below the ephemeral range');
}

export class BrokerProcess {
  private exited: Promise<number | null>;
  output = '';

  private constructor(
    readonly child: ChildProcess,
    readonly dataDir: string,
    readonly ownsDataDir: boolean,
    readonly port: number,
    readonly interBrokerPort: number,
    readonly httpPort: number,
    /** The extra flags it was started with; a restart reuses them. */
    readonly args: readonly string[],
  ) {
    this.exited = new Promise((resolveExit) => child.once('exit', (code) => resolveExit(code)));
  }

  /** The client listener. */
  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** The inter-broker listener (Raft, Controller). */
  get interBrokerAddress(): string {
    return `127.0.0.1:${this.interBrokerPort}`;
  }

  static async start(options: BrokerProcessOptions = {}): Promise<BrokerProcess> {
    const ownsDataDir = options.ownsDataDir ?? options.dataDir === undefined;
    const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'sluice-test-'));
    const child = spawn(
      process.execPath,
      [
        BROKER_MAIN,
        '--data-dir', dataDir,
        '--host', '127.0.0.1',
        '--port', String(options.port ?? (await freePort())),
        '--inter-broker-port', String(options.interBrokerPort ?? (await freePort())),
        '--http-port', String(options.httpPort ?? (await freePort())),
        ...(options.args ?? []),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    // Once the broker object exists, everything the process prints (also while it is getting ready) goes to it.
    let started: BrokerProcess | undefined;
    const ready = new Promise<{ port: number; interBrokerPort: number; httpPort: number }>((resolveReady, reject) => {
      const timer = setTimeout(() => reject(new Error(`broker did not start in ${STARTUP_TIMEOUT_MS} ms:\n${output}`)), STARTUP_TIMEOUT_MS);
      const onData = (chunk: Buffer): void => {
        if (started) {
          started.output += chunk.toString();
          return;
        }
        output += chunk.toString();
        const match = /listening: gRPC [^:]+:(\d+)[^,]*, inter-broker [^:]+:(\d+)[^,]*, HTTP [^:]+:(\d+)/.exec(output);
        if (match) {
          clearTimeout(timer);
          resolveReady({ port: Number(match[1]), interBrokerPort: Number(match[2]), httpPort: Number(match[3]) });
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`broker exited with ${code} before listening:\n${output}`));
      });
    });
    try {
      const { port, interBrokerPort, httpPort } = await ready;
      const broker = new BrokerProcess(child, dataDir, ownsDataDir, port, interBrokerPort, httpPort, options.args ?? []);
      broker.output = output;
      started = broker;
      if (options.waitReady ?? true) await broker.waitReady();
      return broker;
    } catch (err) {
      child.kill('SIGKILL');
      if (ownsDataDir) rmSync(dataDir, { recursive: true, force: true });
      throw err;
    }
  }

  /** Waits until /readyz answers 200: registered with the controller, metadata loaded. */
  async waitReady(timeoutMs = STARTUP_TIMEOUT_MS): Promise<void> {
    await waitFor(`broker on port ${this.port} to be ready`, async () => {
      const response = await fetch(`http://127.0.0.1:${this.httpPort}/readyz`);
      return response.status === 200 ? true : undefined;
    }, timeoutMs);
  }

  /** Sends a signal and waits for the exit code. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exited;
  }

  /** Restarts on the same data directory and ports. */
  async restart(signal: NodeJS.Signals = 'SIGTERM', waitReady = true): Promise<BrokerProcess> {
    await this.stop(signal);
    return this.startAgain(waitReady);
  }

  /** Starts a stopped broker again on the same data directory, ports and flags. */
  startAgain(waitReady = true): Promise<BrokerProcess> {
    return BrokerProcess.start({
      dataDir: this.dataDir,
      port: this.port,
      interBrokerPort: this.interBrokerPort,
      httpPort: this.httpPort,
      args: [...this.args],
      ownsDataDir: this.ownsDataDir,
      waitReady,
    });
  }

  /** Kills the process (if alive) and removes its data directory when this process made it. */
  async cleanup(): Promise<void> {
    await this.stop('SIGKILL');
    if (this.ownsDataDir) rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs` with the last error. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = 10_000, intervalMs = 20): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
