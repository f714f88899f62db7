import { expect } from 'chai';
import { Cluster, GroupAdmin, GroupConsumer, Producer, resolveClientOptions } from '../../src/client/index.js';
import { groupPartition, OFFSETS_TOPIC } from '../../src/groups/constants.js';
import { waitFor } from '../helpers/broker-process.js';
import { TestCluster } from '../helpers/cluster.js';

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
    const options = () => resolveClientOptions({ bootstrap: cluster!.bootstrap, retry: { retries: 20, maxBackoffMs: 300 } });
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

  it('describes the lag of partitions the coordinator does not store', async () => {
    cluster = await TestCluster.start(3);
    const options = () => resolveClientOptions({ bootstrap: cluster!.bootstrap, retry: { retries: 20, maxBackoffMs: 300 } });
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
