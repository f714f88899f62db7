/**
 * Fuzzes a real broker process (docs/SECURITY.md "Fuzzing"): random and mutated requests on every
 * RPC of every service, request streams written in any order and abandoned midway, and random frames
 * on the inter-broker Raft stream. Fails on the first crash, uncaught error (an INTERNAL answer, or
 * the broker's "internal error" log), RSS past a bound, or a health produce/fetch that no longer
 * succeeds. Input i of seed s is generated from (s, i) alone, so a failure replays with the seed
 * (and FUZZ_FROM=i to start there).
 */
import * as grpc from '@grpc/grpc-js';
import { readFileSync, writeFileSync } from 'node:fs';
import { encodeBatch, decodeBatch } from '../../src/protocol/batch.js';
import { BROKER_CONFIG_KEYS } from '../../src/config/broker-config.js';
import { CHANNEL_OPTIONS } from '../../src/protocol/grpc.js';
import { ERROR_CODE_KEY } from '../../src/protocol/errors.js';
import { seededRng, type Rng } from '../../src/raft/rng.js';
import { BrokerProcess, freePort, PROJECT_ROOT, waitFor } from '../../test/helpers/broker-process.js';
import { RawClient } from '../../test/helpers/raw-client.js';
import { OFFSETS_TOPIC, OFFSETS_TOPIC_PARTITIONS } from '../../src/groups/constants.js';
import { FUZZ_TOPICS, MessageFactory, mutateBytes, randomBuffer, type Message, type Rpc } from './messages.js';

export interface FuzzOptions {
  seed: number;
  /** Inputs to send (a stream message counts as one). */
  inputs: number;
  /** First input index (replay from a failing one). */
  from?: number;
  /** Inputs in flight at once. */
  concurrency?: number;
  /** Health produce/fetch, RSS sample and log check after every this many inputs. */
  checkEvery?: number;
  /** Fail when the broker's resident memory passes this. */
  rssMaxBytes?: number;
  /** RPCs (`Service.Method`) not to fuzz. */
  skip?: readonly string[];
  /** Where to write everything the broker printed, at the end. */
  brokerLogFile?: string;
  log?: (line: string) => void;
}

export interface FuzzReport {
  seed: number;
  inputs: number;
  /** Answers by error code (OK for success, and gRPC status names for transport-level refusals). */
  answers: Record<string, number>;
  inputsByRpc: Record<string, number>;
  peakRssBytes: number;
  checks: number;
  /** Empty when the run passed. */
  failures: string[];
}

const CALL_DEADLINE_MS = 3_000;
const HEALTH_TIMEOUT_MS = 30_000;
const HEALTH_TOPIC = 'fuzz-health';
const CONNECTIONS = 4;
/** What the broker logs for an error no handler expected (service.ts toSluiceError), or worse. */
const FAILURE_LOG = /internal error while serving|uncaught|unhandled|invariant|FATAL|Segmentation/i;

const identity = (buffer: Buffer): Buffer => buffer;

interface Target {
  clients: grpc.Client[];
  /** The port that serves Raft (the inter-broker listener when the broker has one). */
  raftClients: grpc.Client[];
}

export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const log = options.log ?? ((line: string) => console.log(line));
  const concurrency = options.concurrency ?? 32;
  const checkEvery = options.checkEvery ?? 1_000;
  const rssMaxBytes = options.rssMaxBytes ?? 1024 * 1024 * 1024;
  const factory = new MessageFactory(PROJECT_ROOT);
  const rpcs = factory.rpcs.filter((rpc) => !(options.skip ?? []).includes(rpc.name));
  /** The inputs sent last, named in a failure that no single answer shows (a crash). */
  const recent: string[] = [];
  const report: FuzzReport = { seed: options.seed, inputs: 0, answers: {}, inputsByRpc: {}, peakRssBytes: 0, checks: 0, failures: [] };

  // Broker 2 of a cluster whose broker 1 never comes: the Raft stream accepts a dialler with a lower
  // id, so random frames "from broker 1" get past the hello into the transport and Raft.
  const port = await freePort();
  const interBroker = 'inter.broker.port' in BROKER_CONFIG_KEYS;
  const raftPort = interBroker ? await freePort() : port;
  const absentPeer = await freePort();
  const broker = await BrokerProcess.start({
    port,
    args: [
      '--broker-id', '2',
      '--cluster-brokers', `1@127.0.0.1:${absentPeer},2@127.0.0.1:${raftPort}`,
      '--controller-voters', '2',
      ...(interBroker ? ['--inter-broker-port', String(raftPort)] : []),
      '--flush', 'never',
      '--fetch-max-wait-ms', '500',
      '--max-partitions-per-broker', '300',
    ],
  });
  log(`fuzz: SEED=${options.seed} inputs=${options.inputs} broker pid ${broker.child.pid} on ${broker.address}${interBroker ? `, Raft on ${raftPort}` : ''}`);
  const channel = (p: number): grpc.Client => new grpc.Client(`127.0.0.1:${p}`, grpc.credentials.createInsecure(), { ...CHANNEL_OPTIONS, 'grpc.use_local_subchannel_pool': 1 });
  const target: Target = {
    clients: Array.from({ length: CONNECTIONS }, () => channel(port)),
    raftClients: interBroker ? [channel(raftPort)] : [],
  };
  if (target.raftClients.length === 0) target.raftClients.push(target.clients[0]!);
  const health = new RawClient(broker.address);
  let failed = false;
  const fail = (why: string): void => {
    if (report.failures.length < 20) report.failures.push(why);
    failed = true;
  };
  let logChecked = 0;
  const checkLog = (): void => {
    const fresh = broker.output.slice(logChecked);
    logChecked = broker.output.length;
    const line = fresh.split('\n').find((l) => FAILURE_LOG.test(l));
    if (line !== undefined) fail(`broker logged: ${line.slice(0, 500)}`);
  };
  const onExit = (code: number | null, signal: string | null): void =>
    fail(`broker exited (code ${code}, signal ${signal}); last inputs sent: ${recent.join(' ')}\n${broker.output.slice(-3000)}`);
  broker.child.once('exit', onExit);

  try {
    // The offsets topic with one replica (the coordinator would ask for two: broker 1 is listed), so groups run.
    const topics = [[HEALTH_TOPIC, 1], [FUZZ_TOPICS[0]!, 3], [FUZZ_TOPICS[1]!, 1], [OFFSETS_TOPIC, OFFSETS_TOPIC_PARTITIONS]] as const;
    for (const [name, partitions] of topics) {
      await waitFor(`topic ${name}`, async () => {
        await health.createTopic({ name, partitions, replicationFactor: 1, configs: { 'retention.ms': '-1' } }).catch((err: { code?: string }) => {
          if (err.code !== 'TOPIC_EXISTS') throw err;
        });
        return true;
      }, HEALTH_TIMEOUT_MS, 200);
    }
    await healthCheck(health, 'before fuzzing');

    const first = options.from ?? 0;
    let next = first;
    // A stream sends several inputs under one index: the run ends on inputs sent, not indices.
    const more = (): boolean => !failed && report.inputs < options.inputs;
    let sinceCheck = 0;
    const worker = async (): Promise<void> => {
      while (more()) {
        if (sinceCheck >= checkEvery) {
          await new Promise((r) => setTimeout(r, 10));
          continue;
        }
        const index = next++;
        const rng = seededRng(mix(options.seed, index));
        const rpc = rpcs[Math.floor(rng() * rpcs.length)]!;
        recent.push(`${index}:${rpc.name}`);
        if (recent.length > concurrency) recent.shift();
        const sent = await send(factory, rpc, rng, target, report, (why) => fail(`input ${index} (${rpc.name}): ${why}`));
        report.inputs += sent;
        report.inputsByRpc[rpc.name] = (report.inputsByRpc[rpc.name] ?? 0) + sent;
        sinceCheck += sent;
      }
    };
    const check = async (): Promise<void> => {
      const rss = rssOf(broker.child.pid!);
      report.peakRssBytes = Math.max(report.peakRssBytes, rss);
      if (rss > rssMaxBytes) fail(`broker RSS ${(rss / 2 ** 20).toFixed(0)} MiB is over the ${(rssMaxBytes / 2 ** 20).toFixed(0)} MiB bound`);
      checkLog();
      if (failed) return;
      try {
        await healthCheck(health, `after ${report.inputs} inputs`);
      } catch (err) {
        fail(`health check after ${report.inputs} inputs: ${(err as Error).message}`);
      }
      report.checks++;
      log(`fuzz: ${report.inputs} inputs, broker RSS ${(rss / 2 ** 20).toFixed(0)} MiB, health ${failed ? 'FAILED' : 'ok'}`);
    };
    const checker = async (): Promise<void> => {
      while (more()) {
        if (sinceCheck < checkEvery) {
          await new Promise((r) => setTimeout(r, 20));
          continue;
        }
        await check();
        sinceCheck = 0;
      }
    };
    await Promise.all([...Array.from({ length: concurrency }, worker), checker()]);
    if (!failed) await check();
  } finally {
    broker.child.off('exit', onExit);
    if (options.brokerLogFile !== undefined) writeFileSync(options.brokerLogFile, broker.output);
    for (const client of [...target.clients, ...target.raftClients]) client.close();
    health.close();
    await broker.cleanup();
  }
  return report;
}

/** One number per (seed, input): input i of a seed is the same in every run. */
function mix(seed: number, index: number): number {
  return (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35)) >>> 0;
}

/** The process's resident memory; 0 once it is gone (its exit is reported on its own). */
function rssOf(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

let healthSeq = 0;

/** Produces one record to the health topic and reads it back; retries (the broker may be re-registering) up to a bound. */
async function healthCheck(client: RawClient, when: string): Promise<void> {
  const value = `health-${++healthSeq}`;
  await waitFor(`a health produce and fetch ${when}`, async () => {
    const produced = await client.produce({ topic: HEALTH_TOPIC, partition: 0, acks: -1, batch: encodeBatch([{ key: null, value: Buffer.from(value) }]), timeoutMs: 5_000 });
    const fetched = await client.fetch({ topic: HEALTH_TOPIC, partition: 0, offset: produced.baseOffset, maxBytes: 1 << 20, maxWaitMs: 0 });
    const records = decodeBatch(fetched.records).records;
    return records.some((record) => record.value?.toString() === value) ? true : undefined;
  }, HEALTH_TIMEOUT_MS, 100);
}

function count(report: FuzzReport, code: string): void {
  report.answers[code] = (report.answers[code] ?? 0) + 1;
}

/** The answer's error code: ours from the metadata, else the gRPC status's name. */
function codeOf(err: grpc.ServiceError): string {
  const ours = err.metadata?.get(ERROR_CODE_KEY)[0];
  return typeof ours === 'string' ? ours : `grpc.${grpc.status[err.code] ?? err.code}`;
}

/** Sends one input (a unary call, or a stream with several messages); resolves with how many inputs it sent. */
async function send(factory: MessageFactory, rpc: Rpc, rng: Rng, target: Target, report: FuzzReport, fail: (why: string) => void): Promise<number> {
  const isRaft = rpc.path.includes('/sluice.v1.Raft/') || rpc.path.includes('/sluice.v1.Controller/');
  const pool = isRaft ? target.raftClients : target.clients;
  const client = pool[Math.floor(rng() * pool.length)]!;
  const deadline = Date.now() + CALL_DEADLINE_MS;
  const encode = (message: Message): Buffer => factory.encode(rpc, message, rng) ?? randomBuffer(rng, Math.floor(rng() * 100));
  const checkAnswer = (bytes: Buffer | undefined): void => {
    // Stream answers carry errors in their `error` field: an INTERNAL there is a bug like any other.
    if (bytes !== undefined && bytes.includes('INTERNAL: ')) fail(`answered INTERNAL: ${bytes.toString('latin1').slice(0, 300)}`);
  };
  if (!rpc.requestStream) {
    const request = encode(factory.message(rpc, rng));
    await new Promise<void>((resolve) => {
      client.makeUnaryRequest(rpc.path, identity, identity, request, new grpc.Metadata(), { deadline }, (err, answer) => {
        if (err) {
          const code = codeOf(err);
          count(report, code);
          if (code === 'INTERNAL' && err.metadata?.get(ERROR_CODE_KEY)[0] === 'INTERNAL') fail(`answered INTERNAL: ${err.details}`);
        } else {
          count(report, 'OK');
          checkAnswer(answer);
        }
        resolve();
      });
    });
    return 1;
  }
  // A stream: a few messages (a Raft stream mostly opens with a hello from broker 1), then end it,
  // cancel it, or leave it to the deadline.
  const call = client.makeBidiStreamRequest(rpc.path, identity, identity, new grpc.Metadata(), { deadline });
  const messages = 1 + Math.floor(rng() * 6);
  const ending = rng();
  const done = new Promise<void>((resolve) => {
    call.on('data', (answer: Buffer) => checkAnswer(answer));
    call.on('error', (err: grpc.ServiceError) => {
      count(report, codeOf(err));
      resolve();
    });
    call.on('end', () => {
      count(report, 'OK');
      resolve();
    });
  });
  for (let i = 0; i < messages; i++) {
    const message = factory.message(rpc, rng);
    if (rpc.name === 'Raft.Stream' && rng() < 0.7) message['fromBroker'] = i === 0 || rng() < 0.8 ? 1 : Math.floor(rng() * 5);
    const bytes = encode(message);
    call.write(rng() < 0.05 ? mutateBytes(bytes, rng) : bytes);
  }
  if (ending < 0.5) call.end();
  else if (ending < 0.8) setTimeout(() => call.cancel(), Math.floor(rng() * 200));
  await done;
  return messages;
}
