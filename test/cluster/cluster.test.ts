import { expect } from 'chai';
import { decodeBatch, encodeBatch, splitBatches, type DecodedRecord } from '../../src/protocol/batch.js';
import { SluiceError } from '../../src/protocol/errors.js';
import { batchKeyRange, metaKeyRange } from '../../src/storage/keys.js';
import { waitFor } from '../helpers/broker-process.js';
import { TestCluster } from '../helpers/cluster.js';
import { expectError, RawClient } from '../helpers/raw-client.js';
import { withDb } from '../helpers/damage.js';

const RETRIABLE = new Set(['NOT_LEADER', 'BROKER_NOT_AVAILABLE', 'NOT_ENOUGH_REPLICAS', 'REQUEST_TIMED_OUT', 'SHUTTING_DOWN']);

async function readAll(client: RawClient, topic: string, partition: number): Promise<DecodedRecord[]> {
  const out: DecodedRecord[] = [];
  let offset = (await client.listOffsets({ topic, partition, timestamp: -2 })).offset;
  for (;;) {
    const response = await client.fetch({ topic, partition, offset, maxBytes: 1 << 20, maxWaitMs: 0 });
    for (const batch of splitBatches(response.records)) {
      for (const record of decodeBatch(batch).records) if (record.offset >= offset) out.push(record);
    }
    if (response.nextOffset >= response.highWatermark || response.nextOffset === offset) return out;
    offset = response.nextOffset;
  }
}

/** A client for whichever live broker leads the partition now. */
async function leaderClient(cluster: TestCluster, topic: string, partition: number, via: number): Promise<{ id: number; client: RawClient }> {
  const id = await cluster.leaderOf(topic, partition, via);
  return { id, client: cluster.clientFor(id) };
}

/** Runs `request` against whoever leads the partition, again while leadership moves or settles. */
async function onLeader<T>(cluster: TestCluster, topic: string, partition: number, via: number, what: string, request: (client: RawClient) => Promise<T>): Promise<T> {
  return waitFor(`${what} ${topic}/${partition}`, async () => {
    const { client } = await leaderClient(cluster, topic, partition, via);
    try {
      return await request(client);
    } catch (err) {
      if (err instanceof SluiceError && RETRIABLE.has(err.code)) return undefined;
      throw err;
    } finally {
      client.close();
    }
  }, 15_000);
}

/** Produces one batch (acks=all) to whoever leads the partition; its base offset. */
function produceToLeader(cluster: TestCluster, topic: string, partition: number, batch: Buffer, via: number): Promise<number> {
  return onLeader(cluster, topic, partition, via, 'a produce to', async (client) => (await client.produce({ topic, partition, acks: -1, batch })).baseOffset);
}

/** Reads a whole partition from whoever leads it. */
function readFromLeader(cluster: TestCluster, topic: string, partition: number, via: number): Promise<DecodedRecord[]> {
  return onLeader(cluster, topic, partition, via, 'a read of', (client) => readAll(client, topic, partition));
}

/** What a stopped broker's store holds of a topic's partition logs: their log ids, and their keys. */
async function storedLogs(dataDir: string, topic: string): Promise<{ logIds: number[]; keys: number }> {
  return withDb(dataDir, async (db) => {
    const logIds: number[] = [];
    for await (const [, value] of db.iterator(metaKeyRange(`log-id/${topic}/`))) {
      logIds.push(Number(value.toString('utf8')));
    }
    let keys = 0;
    for (const logId of logIds) {
      for (const keyspace of ['data', 'index'] as const) keys += (await db.keys(batchKeyRange(keyspace, logId)).all()).length;
    }
    return { logIds, keys };
  });
}

describe('cluster of three broker processes', function () {
  this.timeout(120_000);
  let cluster: TestCluster | undefined;

  afterEach(async () => {
    await cluster?.cleanup();
    cluster = undefined;
  });

  it('replicates produced records to every replica and serves them from the leader', async () => {
    cluster = await TestCluster.start(3, ['--leader-balance-interval-ms', '300']);
    const admin = cluster.clientFor(1);
    const created = await admin.createTopic({ name: 'replicated', partitions: 3, replicationFactor: 3 });
    expect(created.partitions.map((p) => p.replicas.length)).to.deep.equal([3, 3, 3]);
    expect(new Set(created.partitions.map((p) => p.replicas[0])).size, 'preferred leaders spread over brokers').to.equal(3);
    await waitFor('leadership on the preferred replicas', async () => {
      const described = await admin.describeTopic('replicated');
      return described.partitions.every((p) => p.leader === p.replicas[0]) ? true : undefined;
    });
    for (let partition = 0; partition < 3; partition++) {
      const { client } = await leaderClient(cluster, 'replicated', partition, 1);
      for (let i = 0; i < 10; i++) {
        await client.produce({ topic: 'replicated', partition, acks: -1, batch: encodeBatch([{ value: Buffer.from(`p${partition}-${i}`) }]) });
      }
      const records = await readAll(client, 'replicated', partition);
      expect(records.map((r) => r.value!.toString())).to.deep.equal(Array.from({ length: 10 }, (_, i) => `p${partition}-${i}`));
      client.close();
    }
    await waitFor('all replicas in sync', async () => {
      const described = await admin.describeTopic('replicated');
      return described.partitions.every((p) => p.isr.length === 3) ? true : undefined;
    });
    admin.close();
  });

  it('loses no acknowledged write and duplicates none when the leader is SIGKILLed mid-stream', async () => {
    cluster = await TestCluster.start(3);
    const setup = cluster.clientFor(1);
    await setup.createTopic({ name: 'orders', partitions: 1, replicationFactor: 3 });
    const { producerId, producerEpoch } = await setup.initProducerId();
    setup.close();

    let { id: leader, client } = await leaderClient(cluster, 'orders', 0, 1);
    let killed = 0;
    const acked = new Map<string, number>();
    const RECORDS_PER_BATCH = 10;
    let killedAtMs = 0;
    let writableAgainMs = 0;
    let afterKill = 0;
    for (let batchNo = 0; afterKill < 100; batchNo++) {
      const values = Array.from({ length: RECORDS_PER_BATCH }, (_, i) => `v${batchNo * RECORDS_PER_BATCH + i}`);
      const batch = encodeBatch(values.map((v) => ({ value: Buffer.from(v) })), { producerId, producerEpoch, baseSequence: batchNo * RECORDS_PER_BATCH });
      for (;;) {
        try {
          const result = await client.produce({ topic: 'orders', partition: 0, acks: -1, timeoutMs: 5_000, batch });
          values.forEach((v, i) => acked.set(v, result.baseOffset + i));
          if (killedAtMs && !writableAgainMs) writableAgainMs = Date.now();
          if (killedAtMs) afterKill++;
          break;
        } catch (err) {
          if (!(err instanceof SluiceError) || !RETRIABLE.has(err.code)) throw err;
          client.close();
          const survivor = [1, 2, 3].find((id) => id !== killed && id !== leader)!;
          ({ id: leader, client } = await leaderClient(cluster, 'orders', 0, survivor));
        }
      }
      if (batchNo === 200) {
        killed = leader;
        killedAtMs = Date.now();
        await cluster.kill(killed);
      }
    }
    console.log(`      partition unwritable for ${writableAgainMs - killedAtMs} ms after SIGKILL of its leader (broker ${killed}); new leader ${leader}`);
    expect(leader).to.not.equal(killed);

    client.close();
    const records = await readFromLeader(cluster, 'orders', 0, leader);
    const seen = new Map<string, number>();
    for (const record of records) {
      const value = record.value!.toString();
      expect(seen.has(value), `${value} stored twice`).to.equal(false);
      seen.set(value, record.offset);
    }
    for (const [value, offset] of acked) expect(seen.get(value), `acknowledged ${value}`).to.equal(offset);
    expect(records.map((r) => r.offset)).to.deep.equal(records.map((_, i) => i));
  });

  it('brings a restarted follower back in sync', async () => {
    cluster = await TestCluster.start(3);
    const admin = cluster.clientFor(1);
    await admin.createTopic({ name: 'catchup', partitions: 1, replicationFactor: 3 });
    const { id: leader, client } = await leaderClient(cluster, 'catchup', 0, 1);
    const follower = [1, 2, 3].find((id) => id !== leader)!;
    await cluster.kill(follower);
    await waitFor(`broker ${follower} to drop out of the ISR`, async () => {
      const partition = (await client.describeTopic('catchup')).partitions[0]!;
      return partition.leader > 0 && partition.leader !== follower && !partition.isr.includes(follower) ? true : undefined;
    });
    for (let i = 0; i < 50; i++) {
      // Leadership may still move to the preferred replica meanwhile (leader balancing).
      await produceToLeader(cluster, 'catchup', 0, encodeBatch([{ value: Buffer.alloc(2000, i) }]), leader);
    }
    await cluster.restart(follower);
    await waitFor(`broker ${follower} back in the ISR`, async () => {
      const partition = (await client.describeTopic('catchup')).partitions[0]!;
      return partition.isr.includes(follower) && partition.highWatermark === 50 ? true : undefined;
    }, 20_000);
    client.close();
    admin.close();
    // The restarted follower's copy is complete: make it the only way to reach a majority.
    const third = [1, 2, 3].find((id) => id !== leader && id !== follower)!;
    await cluster.kill(third);
    await cluster.kill(leader);
    await cluster.restart(leader);
    expect((await readFromLeader(cluster, 'catchup', 0, follower)).length).to.equal(50);
  });

  it('brings back a follower whose position retention deleted, by jumping it to the leader\'s log start', async () => {
    // No leader balancing: leadership must stay where the test put its load and read its log start.
    cluster = await TestCluster.start(3, ['--retention-check-interval-ms', '100', '--leader-balance-interval-ms', '600000']);
    const admin = cluster.clientFor(1);
    await admin.createTopic({ name: 'jump', partitions: 1, replicationFactor: 3, configs: { 'retention.bytes': String(2 << 20) } });
    const leader = await cluster.leaderOf('jump', 0, 1);
    const follower = [1, 2, 3].find((id) => id !== leader)!;
    admin.close();
    const view = cluster.clientFor(leader);
    await cluster.kill(follower);
    // Out of the ISR first, so that its return to the ISR below shows that it caught up.
    await waitFor(`broker ${follower} to drop out of the ISR`, async () => ((await view.describeTopic('jump')).partitions[0]!.isr.includes(follower) ? undefined : true));
    // More than the leader's outbound queue to the dead follower holds (16 MiB), so the follower
    // cannot catch up from queued appends: the entries it needs are gone, only a snapshot helps.
    for (let i = 0; i < 40; i++) {
      await produceToLeader(cluster, 'jump', 0, encodeBatch([{ value: Buffer.alloc(512 * 1024, i) }]), leader);
    }
    const logStart = await waitFor('retention to delete the head', async () => {
      const partition = (await view.describeTopic('jump')).partitions[0]!;
      return partition.logStartOffset > 0 ? partition.logStartOffset : undefined;
    });
    const restarted = await cluster.restart(follower);
    await waitFor(`broker ${follower} back in the ISR`, async () => {
      const partition = (await view.describeTopic('jump')).partitions[0]!;
      return partition.isr.includes(follower) ? true : undefined;
    }, 20_000);
    // The jump is what the follower logs; its log line may still be in the pipe when the leader already counts it in sync.
    await waitFor('the follower to log its jump to the leader\'s log start', () =>
      /jump\/0@\d+: behind the leader's log start; jumps to offset \d+/.test(restarted.output) ? true : undefined,
    ).catch((err: Error) => {
      throw new Error(`${err.message}\nfollower ${follower} output:\n${restarted.output.slice(-4000)}`);
    });
    expect(restarted.output, 'replication errors on the follower').to.not.match(/replication of .* stopped/);
    const records = await readFromLeader(cluster, 'jump', 0, leader);
    expect(records[0]!.offset).to.be.at.least(logStart);
    expect(records.at(-1)!.offset).to.equal(39);
    view.close();
  });

  it('moves leadership back to the preferred replica when it returns', async () => {
    cluster = await TestCluster.start(3, ['--leader-balance-interval-ms', '300']);
    const admin = cluster.clientFor(1);
    const created = await admin.createTopic({ name: 'balanced', partitions: 1, replicationFactor: 3 });
    const preferred = created.partitions[0]!.replicas[0]!;
    const leaderIs = (want: (leader: number) => boolean, via: RawClient) => async () => {
      const leader = (await via.describeTopic('balanced')).partitions[0]!.leader;
      return leader > 0 && want(leader) ? leader : undefined;
    };
    await waitFor('the preferred replica to lead', leaderIs((l) => l === preferred, admin));
    admin.close();
    await cluster.kill(preferred);
    const other = cluster.clientFor([1, 2, 3].find((id) => id !== preferred)!);
    await waitFor('another replica to lead', leaderIs((l) => l !== preferred, other));
    await cluster.restart(preferred);
    await waitFor('leadership back on the preferred replica', leaderIs((l) => l === preferred, other), 20_000);
    other.close();
  });

  it('a SIGTERMed leader hands its leaderships over and exits without forcing its shutdown', async () => {
    cluster = await TestCluster.start(3);
    const admin = cluster.clientFor(1);
    await admin.createTopic({ name: 'handoff', partitions: 1, replicationFactor: 3 });
    admin.close();
    const leader = await cluster.leaderOf('handoff', 0, 1);
    await produceToLeader(cluster, 'handoff', 0, encodeBatch([{ value: Buffer.from('before') }]), leader);
    const stopping = cluster.broker(leader);
    const code = await stopping.stop('SIGTERM');
    expect(code).to.equal(0);
    expect(stopping.output).to.not.match(/forcing/);
    const survivor = [1, 2, 3].find((id) => id !== leader)!;
    await produceToLeader(cluster, 'handoff', 0, encodeBatch([{ value: Buffer.from('after') }]), survivor);
    const values = (await readFromLeader(cluster, 'handoff', 0, survivor)).map((r) => r.value!.toString());
    expect(values).to.deep.equal(['before', 'after']);
  });

  it('refuses acks=all without a live majority instead of acknowledging', async () => {
    cluster = await TestCluster.start(3, ['--produce-timeout-ms', '1500']);
    const admin = cluster.clientFor(1);
    await admin.createTopic({ name: 'minority', partitions: 1, replicationFactor: 3 });
    admin.close();
    const { id: leader, client } = await leaderClient(cluster, 'minority', 0, 1);
    for (const id of [1, 2, 3].filter((id) => id !== leader)) await cluster.kill(id);
    for (let i = 0; i < 3; i++) {
      const error = await expectError(() => client.produce({ topic: 'minority', partition: 0, acks: -1, batch: encodeBatch([{ value: Buffer.from('x') }]) }));
      expect(['NOT_ENOUGH_REPLICAS', 'NOT_LEADER']).to.include(error.code);
    }
    client.close();
  });

  it('drops the log of a topic deleted while one of its replicas was down', async () => {
    // Broker 3 is no controller voter: it learns the metadata as a whole image, so no replay of
    // the deletion drops the partition for it.
    cluster = await TestCluster.start(3, ['--controller-voters', '1,2']);
    const admin = cluster.clientFor(1);
    await admin.createTopic({ name: 'deleted-while-down', partitions: 1, replicationFactor: 3 });
    await produceToLeader(cluster, 'deleted-while-down', 0, encodeBatch([{ value: Buffer.alloc(1000, 1) }]), 1);
    // Committed by two replicas; broker 3 must hold it too before it goes down.
    await waitFor('broker 3 in sync', async () => {
      const [partition] = (await admin.describeTopic('deleted-while-down')).partitions;
      return partition!.isr.includes(3) && partition!.highWatermark === 1 ? true : undefined;
    }, 30_000);
    await cluster.broker(3).stop();
    const stored = await storedLogs(cluster.broker(3).dataDir, 'deleted-while-down');
    expect(stored.logIds).to.have.length(1);
    expect(stored.keys).to.be.greaterThan(0);

    await admin.deleteTopic('deleted-while-down');
    admin.close();
    const restarted = await cluster.restart(3);
    await waitFor('broker 3 to drop the deleted topic\'s log', () => (/dropped the logs of 1 partition\(s\).*deleted-while-down\/0@/.test(restarted.output) ? true : undefined));
    await restarted.stop();
    // Read by the old log id: the mapping to it is gone too.
    await withDb(restarted.dataDir, async (db) => {
      for (const keyspace of ['data', 'index'] as const) expect(await db.keys(batchKeyRange(keyspace, stored.logIds[0]!)).all()).to.deep.equal([]);
    });
    expect((await storedLogs(restarted.dataDir, 'deleted-while-down')).logIds).to.deep.equal([]);
  });

  it('creates topics again after the controller leader is SIGKILLed', async () => {
    cluster = await TestCluster.start(3);
    const probe = cluster.clientFor(1);
    const controller = await waitFor('a controller leader', async () => {
      const id = (await probe.metadata()).controller;
      return id > 0 ? id : undefined;
    });
    probe.close();
    await cluster.kill(controller);
    const survivor = cluster.clientFor([1, 2, 3].find((id) => id !== controller)!);
    const created = await survivor.createTopic({ name: 'after-failover', partitions: 2, replicationFactor: 2 });
    expect(created.partitions).to.have.length(2);
    expect(created.partitions.every((p) => p.leader > 0 && p.leader !== controller)).to.equal(true);
    survivor.close();
  });

  it('fences a restarted broker\'s old epoch once it registers again', async () => {
    cluster = await TestCluster.start(3);
    const client = cluster.clientFor(1);
    const epochOf = async (id: number): Promise<number> => (await client.metadata()).brokers.find((b) => b.id === id)!.epoch;
    const before = await epochOf(3);
    expect(before).to.be.at.least(0);
    await cluster.kill(3);
    await cluster.restart(3);
    const after = await waitFor('broker 3 to register again', async () => {
      const epoch = await epochOf(3);
      return epoch > before ? epoch : undefined;
    });
    const controllerId = (await client.metadata()).controller;
    const controller = cluster.clientFor(controllerId);
    expect((await controller.brokerHeartbeat(3, before)).fenced, 'old epoch').to.equal(true);
    expect((await controller.brokerHeartbeat(3, after)).fenced, 'new epoch').to.equal(false);
    controller.close();
    client.close();
  });
});
