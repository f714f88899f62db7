/**
 * In a 3-broker cluster, the broker that coordinates a group exports its lag (records and seconds)
 * for every partition, also those led by other brokers that it holds no replica of.
 */
import { expect } from 'chai';
import { TestCluster } from '../helpers/cluster.js';
import { waitFor } from '../helpers/broker-process.js';
import { createClient } from '../../src/client/index.js';

const TOPIC = 'spread';
const GROUP = 'spread-g';
const PARTITIONS = 6;
const COMMITTED = 2;

interface LagSeries {
  broker: number;
  partition: number;
  lag: number;
  lagSeconds: number;
}

async function lagSeries(cluster: TestCluster): Promise<LagSeries[]> {
  const series: LagSeries[] = [];
  for (const [id, broker] of cluster.brokers) {
    const body = await (await fetch(`http://127.0.0.1:${broker.httpPort}/metrics`)).text();
    const value = (name: string, partition: string): number => Number(new RegExp(`^${name}\\{group="${GROUP}",topic="${TOPIC}",partition="${partition}"\\} (\\S+)$`, 'm').exec(body)?.[1]);
    for (const match of body.matchAll(new RegExp(`^sluice_group_lag\\{group="${GROUP}",topic="${TOPIC}",partition="(\\d+)"\\} `, 'gm'))) {
      series.push({ broker: id, partition: Number(match[1]), lag: value('sluice_group_lag', match[1]!), lagSeconds: value('sluice_group_lag_seconds', match[1]!) });
    }
  }
  return series.sort((a, b) => a.partition - b.partition);
}

describe('group lag metrics in a 3-broker cluster', function () {
  this.timeout(120_000);
  let cluster: TestCluster | undefined;

  after(async () => {
    await cluster?.cleanup();
  });

  it('the coordinator exports lag in records and seconds for partitions led anywhere', async () => {
    cluster = await TestCluster.start(3);
    const client = createClient({ bootstrap: cluster.bootstrap });
    const admin = client.admin();
    const created = await admin.createTopic({ name: TOPIC, partitions: PARTITIONS, replicationFactor: 1 });
    const leaders = new Map(created.partitions.map((p) => [p.partition, p.leader]));
    // Partition p gets 5 + p records; the group commits offset 2 everywhere.
    const producer = client.producer({ acks: -1 });
    for (let partition = 0; partition < PARTITIONS; partition++) {
      await producer.send({ topic: TOPIC, records: Array.from({ length: 5 + partition }, (_, i) => ({ partition, value: Buffer.from(`${partition}-${i}`) })) });
    }
    await producer.close();
    await admin.close();
    const groups = client.groupAdmin();
    await groups.resetOffsets(GROUP, TOPIC, { kind: 'offset', offset: COMMITTED });
    await groups.close();

    const expectedLag = Array.from({ length: PARTITIONS }, (_, partition) => 5 + partition - COMMITTED);
    const series = await waitFor('every partition\'s lag, with an age, from one broker', async () => {
      const found = await lagSeries(cluster!);
      const complete = found.length === PARTITIONS && found.every((s) => s.lag === expectedLag[s.partition] && s.lagSeconds > 0);
      return complete ? found : undefined;
    }, 30_000, 250);
    const exporter = series[0]!.broker;
    expect(new Set(series.map((s) => s.broker)), 'one coordinator exports the group').to.deep.equal(new Set([exporter]));
    const elsewhere = [...leaders].filter(([, leader]) => leader !== exporter).map(([partition]) => partition);
    expect(elsewhere, `partitions led by brokers other than the coordinator (${exporter}); leaders ${JSON.stringify([...leaders])}`).to.not.be.empty;
    expect(series.map((s) => s.lag)).to.deep.equal(expectedLag);
  });
});
