import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clusterStatus, clusterStatusTable } from '../../src/cli/cluster.js';
import { currentAssignment, generatePlan, parsePlan, verifyPlan } from '../../src/cli/partition.js';
import { run } from '../../src/cli/program.js';
import type { TopicDescription } from '../../src/client/index.js';
import { fakeIo } from './fake-io.js';

function topic(name: string, replicas: number[][]): TopicDescription {
  return {
    name,
    replicationFactor: replicas[0]!.length,
    configs: {},
    partitions: replicas.map((set, partition) => ({
      partition,
      leader: set[0]!,
      replicas: set,
      isr: set,
      logStartOffset: 0,
      logEndOffset: 0,
      highWatermark: 0,
      leaderEpoch: 1,
    })),
  } as unknown as TopicDescription;
}

describe('CLI partition reassign', () => {
  it('parses a plan and refuses malformed ones', () => {
    expect(parsePlan('{"version":1,"partitions":[{"topic":"o","partition":0,"replicas":[1,2,4]}]}').partitions).to.deep.equal([{ topic: 'o', partition: 0, replicas: [1, 2, 4] }]);
    expect(() => parsePlan('nope')).to.throw(/not JSON/);
    expect(() => parsePlan('{"version":2,"partitions":[]}')).to.throw(/version/);
    expect(() => parsePlan('{"version":1,"partitions":[{"topic":"o","partition":0,"replicas":[1,1]}]}')).to.throw(/distinct/);
    expect(() => parsePlan('{"version":1,"partitions":[{"topic":"o","partition":0,"replicas":[1]},{"topic":"o","partition":0,"replicas":[2]}]}')).to.throw(/twice/);
    expect(() => parsePlan('{"version":1,"partitions":[{"partition":0,"replicas":[1]}]}')).to.throw(/topic/);
  });

  it('--generate keeps replicas on the given brokers and fills up with the least loaded', () => {
    const orders = topic('orders', [
      [1, 2, 3],
      [2, 3, 1],
      [3, 1, 2],
      [1, 3, 2],
    ]);
    // Onto 1-4: nothing needs to move (every replica is on a given broker).
    expect(generatePlan([orders], [1, 2, 3, 4])).to.deep.equal(currentAssignment([orders]));
    // Off broker 1: each partition keeps its other two replicas and gains broker 4.
    const plan = generatePlan([orders], [2, 3, 4]);
    for (const p of plan.partitions) expect(p.replicas).to.have.members([2, 3, 4]);
    expect(() => generatePlan([orders], [2, 3])).to.throw(/more than the 2 broker/);
  });

  it('--verify tells complete, in progress and not started apart', () => {
    const orders = topic('orders', [
      [1, 2, 4],
      [2, 3, 1],
      [3, 1, 2],
    ]);
    const plan = parsePlan(
      '{"version":1,"partitions":[{"topic":"orders","partition":0,"replicas":[1,2,4]},{"topic":"orders","partition":1,"replicas":[2,3,4]},{"topic":"orders","partition":2,"replicas":[3,4,2]}]}',
    );
    const moves = [{ topic: 'orders', partition: 1, replicas: [2, 3, 1], target: [2, 3, 4], voters: [1, 2, 3], learners: [4] }];
    const rows = verifyPlan(plan, new Map([['orders', orders]]), moves);
    expect(rows.map((r) => r.status)).to.deep.equal(['complete', 'in progress', 'not started']);
    expect(rows[1]!.learners).to.deep.equal([4]);
  });

  it('cluster status shows moves under way and decommissioned brokers', () => {
    const status = clusterStatus(
      { brokers: [], controller: 1, topics: [] },
      { reassignments: [{ topic: 'orders', partition: 1, replicas: [2, 3, 1], target: [2, 3, 4], voters: [1, 2, 3, 4], learners: [] }], decommissioned: [1], movesStarted: 0, controllerVoters: [1, 2, 3], controllerTarget: [1, 2, 4] },
    );
    expect(status.reassignments).to.have.length(1);
    const table = clusterStatusTable(status);
    expect(table).to.contain('Moving: 1  Decommissioned: 1  Controller voters: 1,2,3 -> 1,2,4');
    expect(table).to.match(/orders\s+1\s+2,3,1\s+2,3,4\s+1,2,3,4/);
  });

  it('refuses a plan file that is missing or malformed, and a command without exactly one mode (exit 2)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-plan-'));
    try {
      const bad = join(dir, 'bad.json');
      writeFileSync(bad, '{"version":1,"partitions":[{"topic":"o","partition":0,"replicas":[]}]}');
      for (const argv of [['partition', 'reassign', '--execute', bad], ['partition', 'reassign', '--verify', join(dir, 'missing.json')], ['partition', 'reassign'], ['partition', 'reassign', '--generate']]) {
        const io = fakeIo();
        expect(await run(argv, io), argv.join(' ')).to.equal(2);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
