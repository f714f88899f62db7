/**
 * `kcat -G` (librdkafka's balanced consumer) against a broker process: three members of one group
 * share a topic's partitions through JoinGroup/SyncGroup; one is SIGKILLed, the group rebalances
 * after its session, the others take its partitions over at its committed offsets, and every
 * record produced is consumed. `sluice group describe` shows the members and their commits, and a
 * new member resumes where the group left off. On three brokers, the group's coordinator is
 * SIGKILLed: the members find the new coordinator and carry on as the same members.
 */
import { expect } from 'chai';
import { BrokerProcess, freePort, waitFor } from '../helpers/broker-process.js';
import { ensureKcat, kcatOk, startKcat, type RunningKcat } from '../helpers/kcat.js';
import { TestCluster } from '../helpers/cluster.js';
import { groupPartition, OFFSETS_TOPIC } from '../../src/groups/constants.js';
import { createClient, type Admin, type GroupAdmin } from '../../src/client/index.js';

const PARTITIONS = 3;
const RECORDS_PER_ROUND = 1500;

/** A `kcat -G` member printing `partition offset value` lines, unbuffered, committing often. */
function groupMember(bootstrap: string, groupId: string, topic: string, sessionTimeoutMs = 6_000): RunningKcat {
  return startKcat([
    '-b', bootstrap, '-G', groupId, topic, '-u', '-q', '-f', '%p %o %s\\n',
    '-X', 'auto.offset.reset=earliest', '-X', `session.timeout.ms=${sessionTimeoutMs}`, '-X', 'heartbeat.interval.ms=300', '-X', 'auto.commit.interval.ms=300',
    // The rebalance timeout: a member that does not rejoin holds the barrier this long at most.
    '-X', 'max.poll.interval.ms=30000',
  ]);
}

function produceLines(bootstrap: string, topic: string, prefix: string, count: number): Promise<string> {
  return kcatOk(['-b', bootstrap, '-t', topic, '-P', '-X', 'acks=all'], Array.from({ length: count }, (_, i) => `${prefix}-${i}`).join('\n') + '\n');
}

/**
 * Waits for the group to be Stable with `members` members, `produced` records in the topic and the
 * committed offset of every partition that holds any at its log end (librdkafka's sticky
 * partitioner may leave partitions empty); on timeout the error carries the last description seen.
 */
async function settledGroup(groups: GroupAdmin, groupId: string, members: number, produced: number, what: string, timeoutMs: number) {
  let last: unknown;
  try {
    return await waitFor(what, async () => {
      const description = await groups.describeGroup(groupId).catch((err: unknown) => (last = String(err), undefined));
      if (description === undefined) return undefined;
      last = description;
      const parts = description.partitions;
      const done =
        description.state === 'Stable' &&
        description.members.length === members &&
        parts.length === PARTITIONS &&
        parts.reduce((sum, p) => sum + p.logEndOffset, 0) === produced &&
        parts.every((p) => p.logEndOffset === 0 || p.committedOffset === p.logEndOffset);
      return done ? description : undefined;
    }, timeoutMs);
  } catch (err) {
    throw new Error(`${(err as Error).message}; last seen: ${JSON.stringify(last)}`);
  }
}

/** `partition offset value` lines of every member's output, counted by `partition:offset`. */
function consumedOffsets(outputs: readonly string[]): Map<string, { value: string; count: number }> {
  const seen = new Map<string, { value: string; count: number }>();
  for (const output of outputs) {
    for (const line of output.split('\n')) {
      const match = /^(\d+) (\d+) (.*)$/.exec(line);
      if (match === null) continue;
      const key = `${match[1]}:${match[2]}`;
      const entry = seen.get(key);
      if (entry === undefined) seen.set(key, { value: match[3]!, count: 1 });
      else entry.count++;
    }
  }
  return seen;
}

describe('kcat -G consumer groups against a broker process', function () {
  this.timeout(240_000);
  let broker: BrokerProcess | undefined;
  let admin: Admin | undefined;
  let groups: GroupAdmin | undefined;
  const members: RunningKcat[] = [];

  after(async () => {
    await Promise.all(members.map((member) => member.stop('SIGKILL')));
    await admin?.close().catch(() => undefined);
    await groups?.close().catch(() => undefined);
    await broker?.cleanup();
  });

  it('three members, one SIGKILLed: a rebalance, every record consumed, offsets resumed', async () => {
    ensureKcat();
    const kafkaPort = await freePort();
    broker = await BrokerProcess.start({ args: ['--kafka-port', String(kafkaPort)] });
    const client = createClient({ bootstrap: broker.address, clientId: 'kcat-groups-test' });
    admin = client.admin();
    groups = client.groupAdmin();
    const bootstrap = `127.0.0.1:${kafkaPort}`;
    const topic = `kg-${process.pid}`;
    const groupId = `kg-group-${process.pid}`;
    await admin.createTopic({ name: topic, partitions: PARTITIONS, replicationFactor: 1 });
    const produce = (prefix: string, count: number): Promise<string> => produceLines(bootstrap, topic, prefix, count);
    const member = (): RunningKcat => groupMember(bootstrap, groupId, topic);
    const describe = () => groups!.describeGroup(groupId).catch(() => undefined);

    await produce('first', RECORDS_PER_ROUND);
    members.push(member(), member(), member());
    const three = await settledGroup(groups, groupId, 3, RECORDS_PER_ROUND, 'three members with every record committed', 90_000);
    expect(new Set(three.partitions.map((p) => p.owner)).size, 'partitions spread over the members').to.equal(PARTITIONS);
    expect(three.members.every((m) => m.clientId === 'rdkafka')).to.equal(true);

    // The victim's last commits may lag what it printed: records it printed after them come again.
    const [victim, ...survivors] = members;
    await victim!.stop('SIGKILL');
    await produce('second', RECORDS_PER_ROUND);
    await settledGroup(groups, groupId, 2, 2 * RECORDS_PER_ROUND, 'the two survivors with every record committed', 90_000);

    // Survivors leave cleanly (SIGTERM: commit, LeaveGroup); a new member resumes at the commits.
    await Promise.all(survivors.map((survivor) => survivor.stop('SIGTERM')));
    await waitFor('the group empty after the survivors left', async () => ((await describe())?.members.length === 0 ? true : undefined), 30_000);
    await produce('third', 30);
    const late = member();
    members.push(late);
    await waitFor('the new member consuming the 30 new records', () => (consumedOffsets([late.stdout()]).size >= 30 ? true : undefined), 60_000);
    await settledGroup(groups, groupId, 1, 2 * RECORDS_PER_ROUND + 30, 'one member with every record committed', 60_000);
    await late.stop('SIGTERM');

    const lateSeen = consumedOffsets([late.stdout()]);
    expect([...lateSeen.values()].map((entry) => entry.value).sort(), 'the new member got only the new records').to.deep.equal(Array.from({ length: 30 }, (_, i) => `third-${i}`).sort());
    const seen = consumedOffsets(members.map((m) => m.stdout()));
    const total = 2 * RECORDS_PER_ROUND + 30;
    const described = await groups.describeGroup(groupId);
    expect(described.partitions.reduce((sum, p) => sum + p.logEndOffset, 0)).to.equal(total);
    for (const p of described.partitions) {
      for (let offset = 0; offset < p.logEndOffset; offset++) expect(seen.has(`${p.partition}:${offset}`), `${topic}/${p.partition} offset ${offset} consumed`).to.equal(true);
    }
    const values = new Set([...seen.values()].map((entry) => entry.value));
    expect(values.size).to.equal(total);
    // Only what the victim printed after its last commit comes twice; the group never starts over.
    const twice = [...seen.values()].filter((entry) => entry.count > 1);
    expect(twice.every((entry) => entry.count === 2)).to.equal(true);
    expect(twice.length).to.be.lessThan(RECORDS_PER_ROUND / PARTITIONS);
  });
});

describe('kcat -G consumer groups against a 3-broker cluster', function () {
  this.timeout(240_000);
  let cluster: TestCluster | undefined;
  let admin: Admin | undefined;
  let groups: GroupAdmin | undefined;
  const members: RunningKcat[] = [];

  after(async () => {
    await Promise.all(members.map((member) => member.stop('SIGKILL')));
    await admin?.close().catch(() => undefined);
    await groups?.close().catch(() => undefined);
    await cluster?.cleanup();
  });

  it("the coordinator SIGKILLed: the members find the new one and go on as the same members, nothing lost", async () => {
    ensureKcat();
    cluster = await TestCluster.start(3, [], { kafka: true });
    const client = createClient({ bootstrap: cluster.bootstrap.join(','), clientId: 'kcat-groups-cluster-test' });
    admin = client.admin();
    groups = client.groupAdmin();
    const bootstrap = cluster.kafkaBootstrap;
    const topic = `kgc-${process.pid}`;
    const groupId = `kgc-group-${process.pid}`;
    await admin.createTopic({ name: topic, partitions: PARTITIONS, replicationFactor: 3 });
    await produceLines(bootstrap, topic, 'first', RECORDS_PER_ROUND);
    // Sessions long enough that finding the new coordinator on a busy machine does not end them.
    members.push(groupMember(bootstrap, groupId, topic, 30_000), groupMember(bootstrap, groupId, topic, 30_000));
    const before = await settledGroup(groups, groupId, 2, RECORDS_PER_ROUND, 'two members with every record committed', 90_000);

    const coordinator = await cluster.leaderOf(OFFSETS_TOPIC, groupPartition(groupId), 1);
    await cluster.kill(coordinator);
    const survivors = [1, 2, 3].filter((id) => id !== coordinator).map((id) => `127.0.0.1:${cluster!.kafkaPorts.get(id)}`).join(',');
    await produceLines(survivors, topic, 'second', RECORDS_PER_ROUND);
    const after = await settledGroup(groups, groupId, 2, 2 * RECORDS_PER_ROUND, 'every record committed after the failover', 120_000);
    // The group's Stable state was durable: the same members, no rejoin under new ids.
    expect(after.members.map((m) => m.memberId).sort()).to.deep.equal(before.members.map((m) => m.memberId).sort());
    expect(after.groupEpoch).to.equal(before.groupEpoch);

    await Promise.all(members.map((member) => member.stop('SIGTERM')));
    const seen = consumedOffsets(members.map((member) => member.stdout()));
    const values = new Set([...seen.values()].map((entry) => entry.value));
    expect(values.size).to.equal(2 * RECORDS_PER_ROUND);
    for (const p of after.partitions) {
      for (let offset = 0; offset < p.logEndOffset; offset++) expect(seen.has(`${p.partition}:${offset}`), `${topic}/${p.partition} offset ${offset} consumed`).to.equal(true);
    }
    expect([...seen.values()].filter((entry) => entry.count > 1), 'records consumed twice').to.deep.equal([]);
  });
});
