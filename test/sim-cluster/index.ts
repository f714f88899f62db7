export { runSeed, type SimOptions, type SimResult } from './simulator.js';
