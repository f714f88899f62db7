import { expect } from 'chai';
import { Cluster, GroupAdmin, GroupConsumer, Producer, resolveClientOptions, SluiceError } from '../../src/client/index.js';
import { groupPartition, OFFSETS_TOPIC } from '../../src/groups/constants.js';
import { waitFor } from '../helpers/broker-process.js';
import { TestCluster } from '../helpers/cluster.js';

/** About 20 s of retries at 300 ms: a new coordinator elected and known on a busy machine, as a Kafka client waits out default.api.timeout.ms. */
const RETRIES = 70;

describe('consumer group offsets in a three-broker cluster', function () {
  this.timeout(120_000);
  let cluster: TestCluster | undefined;
  const closables: Array<{ close(): Promise<void> }> = [];

  afterEach(async () => {
    await Promise.all(closables.splice(0).map((c) => c.close().catch(() => undefined)));
    await cluster?.cleanup();
    cluster = undefined;
  });

  it('a new member resumes at the committed offsets after the coordinator broker is SIGKILLed', async () => {
    cluster = await TestCluster.start(3);
    const options = () => resolveClientOptions({ bootstrap: cluster!.bootstrap, retry: { retries: RETRIES, maxBackoffMs: 300 } });
    const admin = cluster.clientFor(1);
    await admin.createTopic({ name: 'work', partitions: 3, replicationFactor: 3 });
    const producer = new Producer(new Cluster(options()), { lingerMs: 1 });
    closables.push(producer);
    const values = Array.from({ length: 300 }, (_, i) => String(i));
    await producer.send({ topic: 'work', records: values.map((value) => ({ value, key: value })) });

    const seenFirst = new Set<string>();
    const firstErrors: unknown[] = [];
    // A long session: a busy machine must not expire this member, whose final commit would then be refused.
    const first = new GroupConsumer(options(), { groupId: 'g', sessionTimeoutMs: 10_000, autoOffsetReset: 'earliest', autoCommitIntervalMs: 100 }, (err) => firstErrors.push(err));
    first.subscribe(['work']);
    void first.run({ eachMessage: (message) => void seenFirst.add(message.value!.toString()) });
    await waitFor('the first member to consume everything', () => (seenFirst.size === values.length ? true : undefined), 30_000);
    await first.close();
    // close() commits, but reports a failed commit to onError only: what the failover must keep is
    // what was committed, so wait until that covers every record.
    const groupAdmin = new GroupAdmin(options());
    closables.push(groupAdmin);
    await waitFor('the committed offsets to cover every record', async () => {
      const partitions = (await groupAdmin.describeGroup('g')).partitions;
      return partitions.length === 3 && partitions.every((p) => p.committedOffset === p.logEndOffset) ? true : undefined;
    }, 30_000).catch((err: unknown) => {
      throw new Error(`${String(err)}; the first member reported: ${firstErrors.map(String).join('; ') || 'no error'}`);
    });

    const coordinator = await cluster.leaderOf(OFFSETS_TOPIC, groupPartition('g'), 1);
    await cluster.kill(coordinator);
    await producer.send({ topic: 'work', records: ['late-1', 'late-2'].map((value) => ({ value, key: value })) });

    const seenSecond: string[] = [];
    const second = new GroupConsumer(options(), { groupId: 'g', sessionTimeoutMs: 1_000, autoOffsetReset: 'earliest' }, () => undefined);
    closables.push(second);
    second.subscribe(['work']);
    void second.run({ eachMessage: (message) => void seenSecond.push(message.value!.toString()) });
    await waitFor('the second member to get the records produced after the failover', () => (seenSecond.includes('late-1') && seenSecond.includes('late-2') ? true : undefined), 30_000);
    expect(seenSecond.filter((v) => !v.startsWith('late')), 'records committed before the failover come again').to.deep.equal([]);
    admin.close();
  });

  it('members keep their ids, epochs, partitions and positions when the coordinator broker is SIGKILLed', async () => {
    cluster = await TestCluster.start(3);
    const options = () => resolveClientOptions({ bootstrap: cluster!.bootstrap, retry: { retries: RETRIES, maxBackoffMs: 300 } });
    const admin = cluster.clientFor(1);
    await admin.createTopic({ name: 'steady', partitions: 4, replicationFactor: 3 });
    admin.close();
    const producer = new Producer(new Cluster(options()), { lingerMs: 1 });
    closables.push(producer);
    const deliveries = new Map<string, number>();
    const errors: unknown[] = [];
    // No auto-commit: every record handled before the kill is acknowledged but not committed, which
    // is what a member that had to rejoin would get again.
    const members = [0, 1].map(() => {
      const member = new GroupConsumer(options(), { groupId: 'steady-g', sessionTimeoutMs: 10_000, autoOffsetReset: 'earliest', autoCommit: false }, (err) => errors.push(err));
      closables.push(member);
      member.subscribe(['steady']);
      void member.run({ eachMessage: (message) => void deliveries.set(message.value!.toString(), (deliveries.get(message.value!.toString()) ?? 0) + 1) });
      return member;
    });
    const groupAdmin = new GroupAdmin(options());
    closables.push(groupAdmin);
    const stableMembers = async (): Promise<string | undefined> => {
      const description = await groupAdmin.describeGroup('steady-g');
      const owned = description.members.map((member) => member.assignment.flatMap((entry) => entry.partitions).length);
      if (description.state !== 'Stable' || owned.join() !== '2,2') return undefined;
      return JSON.stringify(description.members.map(({ memberId, memberEpoch, assignment }) => ({ memberId, memberEpoch, assignment })));
    };
    const membersBefore = await waitFor('a stable group of two', stableMembers, 30_000);
    const before = Array.from({ length: 400 }, (_, i) => `before-${i}`);
    await producer.send({ topic: 'steady', records: before.map((value) => ({ value, key: value })) });
    await waitFor('the members to consume the first records', () => (before.every((value) => deliveries.has(value)) ? true : undefined), 60_000);
    // The lag is the coordinator's view: its copy of a partition may learn the high watermark a heartbeat later.
    const lagOf = async (): Promise<number> => (await groupAdmin.describeGroup('steady-g')).partitions.reduce((sum, p) => sum + p.lag, 0);
    const uncommittedAtKill = await waitFor('the lag to count every record produced', async () => ((await lagOf()) === before.length ? before.length : undefined), 10_000).catch(lagOf);

    await cluster.kill(await cluster.leaderOf(OFFSETS_TOPIC, groupPartition('steady-g'), 1));
    const after = Array.from({ length: 400 }, (_, i) => `after-${i}`);
    await producer.send({ topic: 'steady', records: after.map((value) => ({ value, key: value })) });
    await waitFor('the members to consume the records produced after the kill', () => (after.every((value) => deliveries.has(value)) ? true : undefined), 60_000);
    // Commits at the new coordinator are accepted with the epochs the old one gave.
    await Promise.all(members.map((member) => member.commit()));

    expect(await waitFor('the group to be stable at the new coordinator', stableMembers, 30_000), 'members, epochs and assignments').to.equal(membersBefore);
    const fenced = errors.filter((err) => err instanceof SluiceError && (err.code === 'UNKNOWN_MEMBER' || err.code === 'STALE_MEMBER_EPOCH'));
    expect(fenced.map(String), 'fencing errors').to.deep.equal([]);
    const redelivered = [...deliveries.values()].filter((count) => count > 1).length;
    // Every record acknowledged before the kill was still uncommitted, and none of them comes again.
    expect(uncommittedAtKill, 'records acknowledged but not committed at the kill').to.equal(before.length);
    expect(redelivered, `records delivered again (of ${uncommittedAtKill} uncommitted at the kill)`).to.equal(0);
    const committed = (await groupAdmin.describeGroup('steady-g')).partitions;
    expect(committed.reduce((sum, p) => sum + p.committedOffset, 0), 'committed offsets').to.equal(before.length + after.length);
  });

  it('describes the lag of partitions the coordinator does not store', async () => {
    cluster = await TestCluster.start(3);
    const options = () => resolveClientOptions({ bootstrap: cluster!.bootstrap, retry: { retries: RETRIES, maxBackoffMs: 300 } });
    const admin = cluster.clientFor(1);
    // Replication 1: each partition lives on one broker, so two of three are elsewhere than the coordinator.
    await admin.createTopic({ name: 'spread', partitions: 3, replicationFactor: 1 });
    admin.close();
    const producer = new Producer(new Cluster(options()), { lingerMs: 1 });
    closables.push(producer);
    for (let partition = 0; partition < 3; partition++) {
      await producer.send({ topic: 'spread', records: Array.from({ length: 10 + partition }, (_, i) => ({ value: String(i), partition })) });
    }
    const groupAdmin = new GroupAdmin(options());
    closables.push(groupAdmin);
    await groupAdmin.resetOffsets('spread-g', 'spread', { kind: 'offset', offset: 4 });
    const partitions = (await groupAdmin.describeGroup('spread-g')).partitions;
    expect(partitions.map(({ partition, committedOffset, logEndOffset, lag }) => ({ partition, committedOffset, logEndOffset, lag }))).to.deep.equal([
      { partition: 0, committedOffset: 4, logEndOffset: 10, lag: 6 },
      { partition: 1, committedOffset: 4, logEndOffset: 11, lag: 7 },
      { partition: 2, committedOffset: 4, logEndOffset: 12, lag: 8 },
    ]);
  });
});
