/**
 * The soak itself, run by main.ts inside the client namespace (so every client connection stays on
 * the private bridge): start the brokers, the workload, then per round start the planned faults,
 * heal them, wait for the cluster to converge, measure unavailability and run the checks.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createClient, type Admin, type Sluice } from '../../src/client/index.js';
import { availability } from './availability.js';
import { BROKER_HTTP_PORT, Brokers } from './brokers.js';
import { LogChecker } from './checker.js';
import { EXIT_INTERRUPTED, EXIT_UNAVAILABLE, EXIT_VIOLATION, type ChaosConfig } from './config.js';
import { Faults, type ActiveFault, type ClusterRoles } from './faults.js';
import { topologyFor, type Topology } from './netns.js';
import { planRound, type FaultSpec, type RoundPlan } from './plan.js';
import { compareReplicas, type ReplicaReport } from './replicas.js';
import { roundLine, summarize, table, violationLines, type RoundResult } from './report.js';
import { waitFor } from '../../test/helpers/broker-process.js';
import { Workload } from './workload.js';

export interface RunnerInput {
  config: ChaosConfig;
  ownerPid: number;
  workDir: string;
  projectRoot: string;
}

const TOPIC = 'chaos';
const START_TIMEOUT_MS = 60_000;
const CONVERGE_TIMEOUT_MS = 60_000;
const DELIVERY_WAIT_MS = 30_000;
const REPLICA_CONVERGE_TIMEOUT_MS = 20_000;

const log = (line: string): void => console.log(`chaos: ${line}`);

async function ready(ip: string): Promise<boolean> {
  try {
    const response = await fetch(`http://${ip}:${BROKER_HTTP_PORT}/readyz`, { signal: AbortSignal.timeout(1_000) });
    return response.status === 200;
  } catch {
    return false;
  }
}

class Cluster implements ClusterRoles {
  constructor(
    private readonly admin: Admin,
    private readonly brokers: Brokers,
    private readonly partitions: number,
  ) {}

  async leaderOf(partition: number): Promise<number> {
    return waitFor(`a leader of ${TOPIC}/${partition}`, async () => {
      const leader = (await this.admin.describeTopic(TOPIC)).partitions[partition]?.leader ?? -1;
      return leader > 0 ? leader : undefined;
    }, 20_000);
  }

  async replicasOf(partition: number): Promise<number[]> {
    return (await this.admin.describeTopic(TOPIC)).partitions[partition]!.replicas;
  }

  async controller(): Promise<number> {
    return waitFor('a controller leader', async () => {
      const controller = (await this.admin.metadata([])).controller;
      return controller > 0 ? controller : undefined;
    }, 20_000);
  }

  /** Every broker runs and is ready, every partition has a leader and a full ISR, a controller leads. */
  async converged(): Promise<boolean> {
    if (!this.brokers.ids.every((id) => this.brokers.isRunning(id))) return false;
    const readiness = await Promise.all(this.brokers.ids.map((id) => ready(this.brokers.ipOf(id))));
    if (!readiness.every(Boolean)) return false;
    const description = await this.admin.describeTopic(TOPIC);
    if (description.partitions.length !== this.partitions) return false;
    if (!description.partitions.every((p) => p.leader > 0 && p.isr.length === p.replicas.length)) return false;
    return (await this.admin.metadata([])).controller > 0;
  }
}

/** The extra slow link goes to a broker the main fault leaves alone (the next id after it, cyclically). */
function placeExtra(extra: FaultSpec, taken: readonly number[], brokerCount: number): FaultSpec {
  if (extra.target.role !== 'broker') return extra;
  let id = extra.target.id;
  for (let tries = 0; tries < brokerCount && taken.includes(id); tries++) id = (id % brokerCount) + 1;
  return { ...extra, target: { role: 'broker', id } };
}

async function replicaCheck(brokers: Brokers, scratch: string): Promise<ReplicaReport> {
  const deadline = Date.now() + REPLICA_CONVERGE_TIMEOUT_MS;
  for (;;) {
    const report = await compareReplicas(brokers, scratch);
    // Divergence is final; a lagging replica gets time to catch up with the workload quiet.
    if (report.divergent.length > 0 || report.unconverged.length === 0 || Date.now() > deadline) return report;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

class Run {
  private readonly brokers: Brokers;
  private readonly topology: Topology;
  private sluice: Sluice | undefined;
  private admin: Admin | undefined;
  private workload: Workload | undefined;
  private checker: LogChecker | undefined;
  private active: ActiveFault[] = [];
  private readonly startedMs = Date.now();

  constructor(private readonly input: RunnerInput) {
    this.topology = topologyFor(input.ownerPid, input.config.brokers, input.workDir);
    this.brokers = new Brokers(this.topology, input.projectRoot);
  }

  async execute(): Promise<number> {
    const { config } = this.input;
    const cluster = await this.startCluster();
    const faults = new Faults(this.topology, this.brokers, cluster);
    const results: RoundResult[] = [];
    for (const [i, round] of config.rounds.entries()) {
      const plan = planRound(config.seed, round, {
        brokerCount: config.brokers,
        partitions: config.partitions,
        durationMsMin: config.durationMsMin,
        durationMsMax: config.durationMsMax,
        kinds: config.kinds,
        doubleFaultChance: config.doubleFaultChance,
      });
      const result = await this.round(plan, faults, cluster, i === config.rounds.length - 1);
      results.push(result);
      log(roundLine(result, config.seed));
      for (const line of violationLines(result)) console.log(line);
    }
    const workload = this.workload!;
    await workload.stop();
    const summary = summarize(config.seed, results, config.maxUnavailableMs, {
      ackedAll: workload.ackedAll.size,
      ackedOne: workload.ackedOne.size,
      idempotentSendFailures: workload.errors.idempotentSendFailures,
    });
    console.log('');
    console.log(table(summary));
    log(`${config.rounds.length} rounds in ${((Date.now() - this.startedMs) / 1000).toFixed(0)} s${faults.slowLinkFallback ? '; slow links by tc tbf rate limit + iptables random loss (this kernel has no netem)' : ''}`);
    if (config.jsonOut) writeFileSync(config.jsonOut, JSON.stringify(summary, null, 2));
    if (summary.correctnessViolations > 0) {
      log(`FAILED: ${summary.correctnessViolations} correctness violations; replay a round with SEED=${config.seed} ROUND=k`);
      return EXIT_VIOLATION;
    }
    if (summary.maxUnavailableMs > config.maxUnavailableMs) {
      log(`FAILED: max unavailability ${summary.maxUnavailableMs} ms > MAX_UNAVAILABLE_MS=${config.maxUnavailableMs}`);
      return EXIT_UNAVAILABLE;
    }
    log('passed');
    return 0;
  }

  private async startCluster(): Promise<Cluster> {
    const { config } = this.input;
    for (const id of this.brokers.ids) this.brokers.start(id);
    await waitFor('every broker ready', async () => ((await Promise.all(this.brokers.ids.map((id) => ready(this.brokers.ipOf(id))))).every(Boolean) ? true : undefined), START_TIMEOUT_MS);
    log(`brokers ready: ${this.brokers.bootstrap.join(', ')} (pids ${[...this.brokers.pids().values()].join(', ')})`);
    this.sluice = createClient({ bootstrap: this.brokers.bootstrap, clientId: 'chaos' });
    this.admin = this.sluice.admin();
    const admin = this.admin;
    await waitFor('the workload topic', async () => {
      await admin.createTopic({ name: TOPIC, partitions: config.partitions, replicationFactor: config.brokers });
      return true;
    }, START_TIMEOUT_MS);
    const cluster = new Cluster(admin, this.brokers, config.partitions);
    await waitFor('the cluster to converge', async () => ((await cluster.converged()) ? true : undefined), START_TIMEOUT_MS);
    this.workload = new Workload(this.sluice, { topic: TOPIC, partitions: config.partitions, recordsPerSend: 4, paceMs: 20 });
    this.checker = new LogChecker(this.sluice, TOPIC, config.partitions);
    this.workload.start();
    return cluster;
  }

  /** Waits until every partition had a successful acks=all send after `sinceMs`. */
  private writesFlowing(sinceMs: number): boolean {
    return this.workload!.ackTimes.every((times) => (times.at(-1) ?? 0) > sinceMs);
  }

  private async round(plan: RoundPlan, faults: Faults, cluster: Cluster, last: boolean): Promise<RoundResult> {
    const workload = this.workload!;
    const baselineFrom = Date.now();
    await waitFor('writes to every partition before the fault', () => (this.writesFlowing(baselineFrom) ? true : undefined), CONVERGE_TIMEOUT_MS);

    const [main, ...extras] = plan.faults;
    const mainTargets = await faults.resolve(main!);
    const startMs = Date.now();
    this.active = [await faults.start(main!, mainTargets)];
    for (const extra of extras) {
      const placed = placeExtra(extra, mainTargets, this.input.config.brokers);
      this.active.push(await faults.start(placed, await faults.resolve(placed)));
    }
    const description = this.active.map((fault) => fault.description).join(' + ');
    log(`round ${plan.round}: ${description} for ${plan.durationMs} ms`);
    // The fault's duration is the point of the wait: nothing to poll for.
    await new Promise((resolve) => setTimeout(resolve, plan.durationMs));
    for (const fault of this.active.reverse()) await fault.heal();
    this.active = [];
    const healMs = Date.now();

    let converged = true;
    try {
      await waitFor('the cluster to converge after the heal', async () => ((await cluster.converged()) && this.writesFlowing(healMs) ? true : undefined), CONVERGE_TIMEOUT_MS, 200);
    } catch {
      converged = false;
    }
    const endMs = Date.now();
    const window = { startMs, healMs, endMs };
    const perPartition = workload.ackTimes.map((times, p) => availability(times, p, window));

    await workload.quiesce();
    const violations = await this.checker!.check(workload, DELIVERY_WAIT_MS);
    const replicas = await replicaCheck(this.brokers, join(this.topology.workDir, 'replica-snapshot'));
    if (!last) workload.resume();
    return {
      round: plan.round,
      kind: plan.faults.map((f) => f.kind).join('+'),
      description,
      faultMs: plan.durationMs,
      convergeMs: endMs - healMs,
      converged,
      availability: perPartition,
      violations,
      replicas,
      records: this.checker!.counts().reduce((a, b) => a + b, 0),
    };
  }

  /** Heals what is still active and stops everything; safe to call twice. */
  async shutdown(): Promise<void> {
    for (const fault of this.active.reverse()) await fault.heal().catch(() => {});
    this.active = [];
    await this.workload?.stop().catch(() => {});
    await this.checker?.close();
    await this.admin?.close().catch(() => {});
    await this.brokers.stopAll();
  }

  killNow(): void {
    this.brokers.killAll();
  }
}

async function main(): Promise<void> {
  const input = JSON.parse(process.env.CHAOS_RUNNER_INPUT ?? '') as RunnerInput;
  const run = new Run(input);
  let interrupted = false;
  const onSignal = (): void => {
    if (interrupted) return;
    interrupted = true;
    log('interrupted: stopping brokers');
    run.killNow();
    process.exit(EXIT_INTERRUPTED);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let code: number;
  try {
    code = await run.execute();
  } catch (err) {
    console.error(`chaos: ERROR: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    code = EXIT_VIOLATION;
  }
  await run.shutdown();
  process.exit(code);
}

await main();
