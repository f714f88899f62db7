/**
 * Starting and healing faults. Network faults are iptables DROP rules in a chain of the broker's own
 * namespace (silent loss, as a cut cable or a dead switch port: TCP stalls rather than resets) or a
 * netem qdisc on its eth0; process faults are SIGKILL (healed by a restart on the same data) and
 * SIGSTOP (healed by SIGCONT). Every fault records how to undo itself, so healing is exact even when
 * two faults overlap.
 */
import type { Brokers } from './brokers.js';
import { FAULT_CHAIN, inNs, type Topology } from './netns.js';
import { describeFault, type FaultSpec } from './plan.js';

export interface ClusterRoles {
  leaderOf(partition: number): Promise<number>;
  replicasOf(partition: number): Promise<number[]>;
  controller(): Promise<number>;
}

export interface ActiveFault {
  spec: FaultSpec;
  /** Brokers the fault acts on. */
  brokers: number[];
  description: string;
  heal(): Promise<void>;
}

export class Faults {
  /** Set once a slow link had to be made without netem (reported with the results). */
  slowLinkFallback = false;

  constructor(
    private readonly topology: Topology,
    private readonly brokers: Brokers,
    private readonly roles: ClusterRoles,
  ) {}

  /** Which brokers a spec acts on, resolving roles against the cluster now. */
  async resolve(spec: FaultSpec): Promise<number[]> {
    const t = spec.target;
    switch (t.role) {
      case 'leader':
        return [await this.roles.leaderOf(t.partition)];
      case 'follower': {
        const leader = await this.roles.leaderOf(t.partition);
        const followers = (await this.roles.replicasOf(t.partition)).filter((id) => id !== leader).sort();
        return [followers[t.pick % followers.length]!];
      }
      case 'controller':
        return [await this.roles.controller()];
      case 'broker':
        return [t.id];
      case 'pair':
        return [t.a, t.b];
    }
  }

  /**
   * Starts `spec` on `targets` (from resolve(), possibly remapped by the caller). A fault that fails
   * half-way is healed before the error propagates.
   */
  async start(spec: FaultSpec, targets: number[]): Promise<ActiveFault> {
    const undo: Array<() => Promise<unknown>> = [];
    const heal = async (): Promise<void> => {
      for (const step of undo.reverse()) await step();
    };
    try {
      await this.apply(spec, targets, undo);
    } catch (err) {
      await heal();
      throw err;
    }
    return { spec, brokers: targets, description: describeFault(spec, targets, this.slowLinkFallback ? 'tbf' : 'netem'), heal };
  }

  private async apply(spec: FaultSpec, targets: number[], undo: Array<() => Promise<unknown>>): Promise<void> {
    const ns = (id: number): string => this.topology.brokers.get(id)!.ns;
    const ip = (id: number): string => this.topology.brokers.get(id)!.ip;
    const drop = async (id: number, match: string[]): Promise<void> => {
      await inNs(ns(id), 'iptables', ['-A', FAULT_CHAIN, ...match, '-j', 'DROP']);
      undo.push(() => inNs(ns(id), 'iptables', ['-D', FAULT_CHAIN, ...match, '-j', 'DROP']));
    };
    switch (spec.kind) {
      case 'isolate-leader':
      case 'isolate-follower':
      case 'isolate-controller': {
        const id = targets[0]!;
        await drop(id, ['-i', 'eth0']);
        await drop(id, ['-o', 'eth0']);
        return;
      }
      case 'bridge-partition': {
        const [a, b] = targets as [number, number];
        await drop(a, ['-i', 'eth0', '-s', ip(b)]);
        await drop(a, ['-o', 'eth0', '-d', ip(b)]);
        return;
      }
      case 'one-way-partition': {
        const [a, b] = targets as [number, number];
        await drop(a, ['-o', 'eth0', '-d', ip(b)]);
        return;
      }
      case 'sigkill': {
        const id = targets[0]!;
        await this.brokers.signal(id, 'SIGKILL');
        undo.push(async () => this.brokers.start(id));
        return;
      }
      case 'sigstop': {
        const id = targets[0]!;
        await this.brokers.signal(id, 'SIGSTOP');
        undo.push(() => this.brokers.signal(id, 'SIGCONT'));
        return;
      }
      case 'slow-link': {
        const id = targets[0]!;
        const netem = spec.netem ?? { delayMs: 100, jitterMs: 20, lossPercent: 5, rateKbit: 1024 };
        const added = await inNs(ns(id), 'tc', ['qdisc', 'add', 'dev', 'eth0', 'root', 'netem', 'delay', `${netem.delayMs}ms`, `${netem.jitterMs}ms`, 'loss', `${netem.lossPercent}%`], { allowFail: true });
        if (added.code === 0) {
          undo.push(() => inNs(ns(id), 'tc', ['qdisc', 'del', 'dev', 'eth0', 'root']));
          return;
        }
        // Kernels built without sch_netem (this CI's): a slow link by rate limit, loss by iptables.
        this.slowLinkFallback = true;
        const burst = Math.max(2, Math.round(netem.rateKbit / 64));
        await inNs(ns(id), 'tc', ['qdisc', 'add', 'dev', 'eth0', 'root', 'tbf', 'rate', `${netem.rateKbit}kbit`, 'burst', `${burst}kb`, 'latency', `${netem.delayMs * 4}ms`]);
        undo.push(() => inNs(ns(id), 'tc', ['qdisc', 'del', 'dev', 'eth0', 'root']));
        const probability = (netem.lossPercent / 100).toFixed(3);
        await drop(id, ['-i', 'eth0', '-m', 'statistic', '--mode', 'random', '--probability', probability]);
        await drop(id, ['-o', 'eth0', '-m', 'statistic', '--mode', 'random', '--probability', probability]);
        return;
      }
    }
  }
}
