/**
 * Runs the deterministic simulator over many seeds (mix of 3- and 5-node
 * groups). `SEED=n npx mocha dist/test/raft/sim.test.js` replays one seed;
 * `SIM_SEEDS=n` changes how many run.
 */
import { expect } from 'chai';
import { runSeed } from './sim/index.js';
import type { SimStats } from './sim/index.js';

const only = process.env.SEED;
const count = Number(process.env.SIM_SEEDS ?? 1000);

describe('raft simulation', function () {
  this.timeout(120_000);

  if (only !== undefined) {
    it(`replays seed ${only}`, () => {
      const res = runSeed(Number(only));
      if (!res.ok) throw new Error(`SEED=${only}: ${res.violation}`);
    });
    return;
  }

  it(`${count} seeds keep every safety invariant and recover once faults stop`, () => {
    const failures: string[] = [];
    const total: Partial<SimStats> = {};
    let three = 0;
    let five = 0;
    for (let seed = 1; seed <= count; seed++) {
      const res = runSeed(seed);
      if (res.nodes === 3) three++;
      else five++;
      for (const [k, v] of Object.entries(res.stats) as [keyof SimStats, number][]) total[k] = (total[k] ?? 0) + v;
      if (!res.ok) failures.push(`seed ${seed}: ${res.violation} (SEED=${seed} to replay)`);
    }
    expect(failures, failures.join('\n')).to.deep.equal([]);
    expect(three).to.be.greaterThan(0);
    expect(five).to.be.greaterThan(0);
    // The faults actually happened (guards against a simulator that tests nothing).
    expect(total.crashes).to.be.greaterThan(0);
    expect(total.snapshotsSent).to.be.greaterThan(0);
    expect(total.transfers).to.be.greaterThan(0);
    expect(total.dropped).to.be.greaterThan(0);
    expect(total.resends).to.be.greaterThan(0);
    expect(total.confChanges).to.be.greaterThan(0);
    expect(total.committed).to.be.greaterThan(count * 10);
  });

  it('is deterministic: a seed replays exactly', () => {
    expect(runSeed(42)).to.deep.equal(runSeed(42));
  });
});
