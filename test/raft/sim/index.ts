/** Deterministic Raft simulator, shared by the mocha suite and scripts/sim-soak.ts. */
export { Simulation, runSeed } from './simulator.js';
export type { SimConfig, SimResult, SimStats } from './simulator.js';
export { Checker, SimViolation } from './checker.js';
export { Network } from './network.js';
