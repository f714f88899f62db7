/**
 * Seeds on which the simulator's checker once rejected correct single-server membership
 * changes (docs/RAFT.md, "Membership change"): they must pass, and the histories they
 * rely on must still happen, so the tests cannot pass vacuously.
 */
import { expect } from 'chai';
import { runSeed } from './sim/index.js';

describe('raft simulator checker, membership change', function () {
  this.timeout(120_000);

  // Seed 4449: leader 2 (term 5) appends a change removing voter 5, then commits 82 on 2 of the
  // voters [1,2,3] at its log end. The change is truncated by the next leader and [1,2,3,5] is back,
  // where 82 is on 2 of 4 voters: still safe, every majority of [1,2,3,5] meets {1,2}.
  for (const seed of [4449, 4617, 6105, 6354, 7371]) {
    it(`accepts a commit counted with a conf entry later truncated (seed ${seed})`, () => {
      const res = runSeed(seed);
      expect(res.ok, `SEED=${seed}: ${res.violation}`).to.equal(true);
      expect(res.stats.committed).to.be.greaterThan(0);
    });
  }

  // Seed 3495: leader 3 of voters [2,3,4,5] was elected by votes 21 ticks apart; its first
  // check-quorum round ends electionTicks after it won, so it may lead that long on them.
  it('judges check-quorum from the election on (seed 3495)', () => {
    const res = runSeed(3495);
    expect(res.ok, `SEED=3495: ${res.violation}`).to.equal(true);
    expect(res.stats.leaderTerms).to.be.greaterThan(1);
  });
});
