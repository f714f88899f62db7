/**
 * The short fuzz run of `make test` (the full one is `make fuzz`): 5,000 random and mutated inputs
 * on every RPC of a real broker process, which must not crash, log an unexpected error, answer
 * INTERNAL, grow past the RSS bound, or stop answering a produce and fetch.
 */
import { expect } from 'chai';
import { runFuzz } from '../../scripts/fuzz/fuzz.js';
import { MessageFactory } from '../../scripts/fuzz/messages.js';
import { PROJECT_ROOT } from '../helpers/broker-process.js';

const INPUTS = 5_000;

describe('fuzz: a real broker under random and mutated requests', function () {
  this.timeout(180_000);

  it(`survives ${INPUTS} inputs on every RPC, the Raft stream included`, async () => {
    const seed = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
    const lines: string[] = [];
    const report = await runFuzz({ seed, inputs: INPUTS, checkEvery: 1_000, rssMaxBytes: 768 * 1024 * 1024, log: (line) => lines.push(line) });
    const replay = `replay: make fuzz SEED=${seed} FUZZ_INPUTS=${INPUTS}\n${lines.join('\n')}`;
    expect(report.failures, replay).to.deep.equal([]);
    expect(report.inputs, replay).to.be.at.least(INPUTS);
    expect(report.checks, replay).to.be.at.least(INPUTS / 1_000);
    const rpcs = new MessageFactory(PROJECT_ROOT).rpcs.map((rpc) => rpc.name);
    expect(Object.keys(report.inputsByRpc).sort(), replay).to.deep.equal([...rpcs].sort());
  });
});
