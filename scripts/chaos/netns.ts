/**
 * The private network a chaos run lives in: a bridge with no address in the root namespace, one
 * network namespace per broker and one for the harness's clients, each joined to the bridge by a
 * veth pair. Names carry the supervisor's pid (`slc-<rid>-b1`, `slc-br<rid>`), so two runs never
 * collide and a later run can tell a crashed run's leftovers (owner pid gone) from a live one's.
 */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasCommand, run, runSync } from './shell.js';

export interface Endpoint {
  /** Network namespace name (`ip netns exec <ns>`). */
  ns: string;
  /** Root-namespace end of the veth pair (the other end is `eth0` inside ns). */
  veth: string;
  ip: string;
}

export interface Topology {
  /** Base-36 pid of the supervisor that owns every name below. */
  runId: string;
  bridge: string;
  /** `a.b.c` of the /24 the namespaces share. */
  subnet: string;
  /** Broker id → endpoint; ids 1..n. */
  brokers: Map<number, Endpoint>;
  client: Endpoint;
  /** Temporary directory of the run (broker data, logs, replica snapshots), removed at teardown. */
  workDir: string;
}

const PREFIX = 'slc';
/** iptables chain every fault adds its rules to, hooked into INPUT and OUTPUT of each broker namespace. */
export const FAULT_CHAIN = 'SLC-CHAOS';
export const WORK_DIR_PREFIX = 'sluice-chaos-run-';

export function topologyFor(ownerPid: number, brokerCount: number, workDir: string): Topology {
  const runId = ownerPid.toString(36);
  // Any /24 works (the bridge is a private L2 segment); deriving it from the pid makes logs of
  // concurrent runs easy to tell apart.
  const subnet = `10.${(ownerPid >> 8) & 0xff}.${ownerPid & 0xff}`;
  const brokers = new Map<number, Endpoint>();
  for (let id = 1; id <= brokerCount; id++) {
    brokers.set(id, { ns: `${PREFIX}-${runId}-b${id}`, veth: `${PREFIX}${runId}b${id}`, ip: `${subnet}.${id}` });
  }
  return { runId, bridge: `${PREFIX}-br${runId}`, subnet, brokers, client: { ns: `${PREFIX}-${runId}-c`, veth: `${PREFIX}${runId}c`, ip: `${subnet}.100` }, workDir };
}

/** Installs ip/iptables/tc when missing (CI starts from a fresh machine as root). */
export function ensureTools(): void {
  if (process.getuid?.() !== 0) {
    throw new Error('chaos needs root: it creates network namespaces, a bridge and iptables rules (run as root, e.g. sudo make chaos)');
  }
  const missing = [
    ['ip', 'iproute2'],
    ['tc', 'iproute2'],
    ['iptables', 'iptables'],
  ].filter(([command]) => !hasCommand(command!));
  if (missing.length === 0) return;
  const packages = [...new Set(missing.map(([, pkg]) => pkg!))];
  console.log(`chaos: installing ${packages.join(' ')} (missing: ${missing.map(([c]) => c).join(', ')})`);
  if (!hasCommand('apt-get')) throw new Error(`chaos needs ${packages.join(' ')} and there is no apt-get to install them`);
  let result = runSync('apt-get', ['install', '-y', '--no-install-recommends', ...packages]);
  if (result.code !== 0) {
    runSync('apt-get', ['update']);
    result = runSync('apt-get', ['install', '-y', '--no-install-recommends', ...packages]);
  }
  if (result.code !== 0) throw new Error(`apt-get install ${packages.join(' ')} failed: ${result.stderr.trim()}`);
}

function endpoints(topology: Topology): Endpoint[] {
  return [...topology.brokers.values(), topology.client];
}

/** Creates the bridge and every namespace; on failure removes what it made and rethrows. */
export async function setUp(topology: Topology): Promise<void> {
  try {
    await run('ip', ['link', 'add', topology.bridge, 'type', 'bridge']);
    // No IPv6 link-local either: the root namespace must hold no address on this segment.
    await run('ip', ['link', 'set', 'dev', topology.bridge, 'addrgenmode', 'none']);
    await run('ip', ['link', 'set', topology.bridge, 'up']);
    for (const endpoint of endpoints(topology)) {
      await run('ip', ['netns', 'add', endpoint.ns]);
      await run('ip', ['link', 'add', endpoint.veth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', endpoint.ns]);
      await run('ip', ['link', 'set', 'dev', endpoint.veth, 'addrgenmode', 'none']);
      await run('ip', ['link', 'set', endpoint.veth, 'master', topology.bridge, 'up']);
      await inNs(endpoint.ns, 'ip', ['link', 'set', 'lo', 'up']);
      await inNs(endpoint.ns, 'ip', ['addr', 'add', `${endpoint.ip}/24`, 'dev', 'eth0']);
      await inNs(endpoint.ns, 'ip', ['link', 'set', 'eth0', 'up']);
    }
    for (const broker of topology.brokers.values()) {
      await inNs(broker.ns, 'iptables', ['-N', FAULT_CHAIN]);
      await inNs(broker.ns, 'iptables', ['-I', 'INPUT', '-j', FAULT_CHAIN]);
      await inNs(broker.ns, 'iptables', ['-I', 'OUTPUT', '-j', FAULT_CHAIN]);
    }
  } catch (err) {
    tearDown(topology);
    throw err;
  }
}

export function inNs(ns: string, file: string, args: readonly string[], options: { allowFail?: boolean } = {}): ReturnType<typeof run> {
  return run('ip', ['netns', 'exec', ns, file, ...args], options);
}

/**
 * Kills every process still inside the run's namespaces (a runner that crashed leaves brokers
 * behind), then removes namespaces, links and the work directory. Synchronous, idempotent, never
 * throws: it runs from exit and signal paths.
 */
export function tearDown(topology: Topology): void {
  for (const endpoint of endpoints(topology)) killNamespaceProcesses(endpoint.ns);
  for (const endpoint of endpoints(topology)) {
    runSync('ip', ['netns', 'del', endpoint.ns]);
    runSync('ip', ['link', 'del', endpoint.veth]);
  }
  runSync('ip', ['link', 'del', topology.bridge]);
  rmSync(topology.workDir, { recursive: true, force: true });
}

function killNamespaceProcesses(ns: string): void {
  const pids = runSync('ip', ['netns', 'pids', ns]).stdout.split(/\s+/).filter((pid) => /^\d+$/.test(pid));
  for (const pid of pids) {
    try {
      process.kill(Number(pid), 'SIGCONT'); // a paused process would not die until continued
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // already gone
    }
  }
  // Namespaces are deleted only once empty of processes; SIGKILL lands within milliseconds.
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline && runSync('ip', ['netns', 'pids', ns]).stdout.trim() !== '') runSync('sleep', ['0.05']);
}

/** Whether the chaos supervisor with this base-36 pid still runs (a reused pid runs something else). */
function ownerAlive(runId: string): boolean {
  const pid = parseInt(runId, 36);
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('chaos');
  } catch {
    return false;
  }
}

/**
 * Removes what crashed runs left: namespaces, links and work directories whose owner pid no longer
 * runs the chaos supervisor. A live run's names are left alone. Returns what it removed.
 */
export function cleanUpLeftovers(): string[] {
  const removed: string[] = [];
  const nsPattern = new RegExp(`^${PREFIX}-([0-9a-z]+)-(b\\d+|c)$`);
  const namespaces = runSync('ip', ['netns', 'list']).stdout.split('\n').map((line) => line.split(' ')[0] ?? '').filter((name) => nsPattern.test(name));
  for (const ns of namespaces) {
    if (ownerAlive(nsPattern.exec(ns)![1]!)) continue;
    killNamespaceProcesses(ns);
    runSync('ip', ['netns', 'del', ns]);
    removed.push(`netns ${ns}`);
  }
  const linkPattern = new RegExp(`^(?:${PREFIX}-br([0-9a-z]+)|${PREFIX}([0-9a-z]+?)(?:b\\d+|c))$`);
  const links = runSync('ip', ['-o', 'link', 'show']).stdout.split('\n').map((line) => /^\d+:\s+([^:@]+)/.exec(line)?.[1] ?? '');
  for (const link of links) {
    const match = linkPattern.exec(link);
    if (!match || ownerAlive(match[1] ?? match[2]!)) continue;
    if (runSync('ip', ['link', 'del', link]).code === 0) removed.push(`link ${link}`);
  }
  const dirPattern = new RegExp(`^${WORK_DIR_PREFIX}([0-9a-z]+)-`);
  for (const entry of readdirSync(tmpdir())) {
    const match = dirPattern.exec(entry);
    if (!match || ownerAlive(match[1]!)) continue;
    const path = join(tmpdir(), entry);
    if (existsSync(path)) {
      rmSync(path, { recursive: true, force: true });
      removed.push(`dir ${path}`);
    }
  }
  return removed;
}
