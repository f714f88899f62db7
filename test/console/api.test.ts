/**
 * The console's JSON API against a real broker process: topics, messages, groups with a preview
 * and an applied reset, dead letters and their redrive, history, errors, read-only mode and the
 * HTTP endpoint's bearer token.
 */
import { expect } from 'chai';
import { createClient, type GroupConsumer, type Sluice } from '../../src/client/index.js';
import type {
  BrowseView,
  ClusterView,
  DeadLetterTopicView,
  DeadLettersView,
  GroupSummaryView,
  GroupView,
  HistoryView,
  ProducedView,
  RedriveView,
  ResetView,
  SessionView,
  TopicSummaryView,
  TopicView,
} from '../../src/console/views.js';
import { REDRIVEN_FROM_HEADER } from '../../src/console/dead-letters.js';
import { BrokerProcess, waitFor } from '../helpers/broker-process.js';
import { ConsoleApi } from '../helpers/console-api.js';

/** Runs a group consumer over `topic` until `done` says so; failing records per `fail` (dead-lettered at once). */
async function consumeWith(sluice: Sluice, groupId: string, topic: string, done: () => boolean, fail: (key: string) => boolean = () => false): Promise<void> {
  const consumer: GroupConsumer = sluice.groupConsumer({ groupId, maxAttempts: 1, autoCommitIntervalMs: 100, sessionTimeoutMs: 3000 });
  consumer.subscribe([topic]);
  const running = consumer.run({
    eachMessage: (message) => {
      if (fail(message.key?.toString() ?? '')) throw new Error(`cannot handle ${message.key?.toString()}`);
    },
  });
  try {
    await waitFor(`group ${groupId} to finish`, () => (done() ? true : undefined), 30_000);
  } finally {
    await consumer.close();
    await running;
  }
}

describe('console API on a broker process', function () {
  this.timeout(120_000);
  let broker: BrokerProcess;
  let api: ConsoleApi;
  let sluice: Sluice;

  before(async () => {
    broker = await BrokerProcess.start({ args: ['--console-history-interval-ms', '200'] });
    api = new ConsoleApi(broker.httpPort);
    sluice = createClient({ bootstrap: broker.address });
  });

  after(async () => {
    await broker?.cleanup();
  });

  it('names the session ANONYMOUS on an open broker', async () => {
    const session = await api.ok<SessionView>('GET', '/session');
    expect(session).to.include({ principal: 'ANONYMOUS', readOnly: false, loginSuggested: false, brokerId: 1 });
    expect(session.version).to.match(/^\d+\.\d+\.\d+/);
  });

  it('creates, describes, configures and deletes a topic', async () => {
    const created = await api.ok<TopicView>('POST', '/topics', { name: 'api-topic', partitions: 2, replicationFactor: 1, configs: { 'retention.ms': '600000' } }, 201);
    expect(created.partitions).to.have.length(2);
    expect(created.configs['retention.ms']).to.equal('600000');
    const again = await api.call<{ code: string }>('POST', '/topics', { name: 'api-topic', partitions: 2 });
    expect([again.status, again.body.code]).to.deep.equal([409, 'TOPIC_EXISTS']);
    const list = await api.ok<TopicSummaryView[]>('GET', '/topics');
    expect(list.find((t) => t.name === 'api-topic')).to.include({ partitions: 2, replicationFactor: 1, internal: false });
    // Created by the group coordinator once the broker is up: on a busy machine, maybe only now.
    const offsetsTopic = await waitFor('__consumer_offsets in the list', async () => (await api.ok<TopicSummaryView[]>('GET', '/topics')).find((t) => t.name === '__consumer_offsets'), 30_000);
    expect(offsetsTopic).to.include({ internal: true });
    const altered = await api.ok<TopicView>('PATCH', '/topics/api-topic/configs', { set: { 'message.ttl.ms': '60000' } });
    expect(altered.configs['message.ttl.ms']).to.equal('60000');
    const bad = await api.call<{ code: string }>('PATCH', '/topics/api-topic/configs', { set: { 'retention.ms': 'soon' } });
    expect([bad.status, bad.body.code]).to.deep.equal([400, 'INVALID_CONFIG']);
    const unconfirmed = await api.call('DELETE', '/topics/api-topic');
    expect(unconfirmed.status).to.equal(400);
    await api.ok('DELETE', '/topics/api-topic?confirm=api-topic');
    const gone = await api.call<{ code: string }>('GET', '/topics/api-topic');
    expect([gone.status, gone.body.code]).to.deep.equal([404, 'UNKNOWN_TOPIC']);
  });

  it('produces a test message and browses it by position, time and filter', async () => {
    await api.ok('POST', '/topics', { name: 'browse', partitions: 2, replicationFactor: 1, configs: { 'message.ttl.ms': '3600000' } }, 201);
    const before = Date.now();
    const produced: ProducedView[] = [];
    for (let i = 0; i < 6; i++) {
      produced.push(await api.ok<ProducedView>('POST', '/topics/browse/messages', { key: `key-${i}`, value: JSON.stringify({ n: i, tag: i === 3 ? 'needle' : 'hay' }), headers: [{ key: 'source', value: 'test' }], partition: i % 2 }, 201));
    }
    const withTtl = await api.ok<ProducedView>('POST', '/topics/browse/messages', { key: 'short-lived', value: 'plain text', ttlMs: 120000, partition: 0 }, 201);
    const all = await api.ok<BrowseView>('GET', '/topics/browse/messages?from=beginning&limit=100');
    expect(all.records.map((r) => r.key).sort()).to.deep.equal(['key-0', 'key-1', 'key-2', 'key-3', 'key-4', 'key-5', 'short-lived']);
    const three = all.records.find((r) => r.key === 'key-3')!;
    expect(three.valueJson).to.equal(JSON.stringify({ n: 3, tag: 'needle' }, null, 2));
    expect(three.headers).to.deep.equal([{ key: 'source', value: 'test' }]);
    expect(three.ttlMs).to.equal(3600000);
    expect(three.expiresAt).to.equal(three.timestamp + 3600000);
    expect(three.timestamp).to.be.at.least(before - 1000);
    const ttl = all.records.find((r) => r.key === 'short-lived')!;
    expect([ttl.partition, ttl.offset, ttl.ttlMs, ttl.valueJson]).to.deep.equal([withTtl.partition, withTtl.offset, 120000, null]);

    const byKey = await api.ok<BrowseView>('GET', '/topics/browse/messages?from=end&key=KEY-3');
    expect(byKey.records.map((r) => r.key)).to.deep.equal(['key-3']);
    const byValue = await api.ok<BrowseView>('GET', '/topics/browse/messages?from=beginning&value=needle');
    expect(byValue.records.map((r) => r.key)).to.deep.equal(['key-3']);
    const fromOffset = await api.ok<BrowseView>('GET', '/topics/browse/messages?partition=1&from=offset&offset=1');
    expect(fromOffset.records.map((r) => r.key)).to.deep.equal(['key-3', 'key-5']);
    const last = await api.ok<BrowseView>('GET', '/topics/browse/messages?partition=0&from=end&limit=2');
    expect(last.records.map((r) => r.key)).to.deep.equal(['key-4', 'short-lived']);
    const fromTime = await api.ok<BrowseView>(`GET`, `/topics/browse/messages?partition=1&from=timestamp&timestamp=${produced[5]!.timestamp}`);
    expect(fromTime.records[0]!.key).to.equal('key-5');
    const future = await api.ok<BrowseView>('GET', `/topics/browse/messages?from=timestamp&timestamp=${Date.now() + 3600_000}`);
    expect(future.records).to.deep.equal([]);

    const badFrom = await api.call<{ code: string }>('GET', '/topics/browse/messages?from=middle');
    expect([badFrom.status, badFrom.body.code]).to.deep.equal([400, 'INVALID_REQUEST']);
    const badPartition = await api.call('GET', '/topics/browse/messages?partition=7');
    expect(badPartition.status).to.equal(400);
    const unknown = await api.call<{ code: string }>('GET', '/topics/nope/messages');
    expect([unknown.status, unknown.body.code]).to.deep.equal([404, 'UNKNOWN_TOPIC']);
  });

  it('shows a group with its lag, previews a reset without changing anything, then applies it', async () => {
    await api.ok('POST', '/topics', { name: 'work', partitions: 2, replicationFactor: 1 }, 201);
    for (let i = 0; i < 10; i++) await api.ok('POST', '/topics/work/messages', { key: `k${i}`, value: `v${i}` }, 201);
    let handled = 0;
    await consumeWith(sluice, 'workers', 'work', () => handled >= 10, () => (handled++, false));
    // The consumer committed on close; the group is empty, its lag 0.
    const view = await waitFor('committed offsets', async () => {
      const group = await api.ok<GroupView>('GET', '/groups/workers');
      return group.partitions.reduce((sum, p) => sum + Math.max(0, p.committedOffset), 0) === 10 ? group : undefined;
    }, 20_000);
    expect(view.lag).to.equal(0);
    expect(view.state).to.equal('Empty');
    const groups = await api.ok<GroupSummaryView[]>('GET', '/groups');
    expect(groups.find((g) => g.groupId === 'workers')).to.include({ lag: 0, members: 0 });

    const preview = await api.ok<ResetView>('POST', '/groups/workers/reset-offsets', { topic: 'work', target: { kind: 'earliest' }, dryRun: true });
    expect(preview.applied).to.equal(false);
    expect(preview.changes.map((c) => c.newOffset)).to.deep.equal([0, 0]);
    expect(preview.changes.reduce((sum, c) => sum + c.currentOffset, 0)).to.equal(10);
    expect(preview.changes.reduce((sum, c) => sum + c.lagAfter, 0)).to.equal(10);
    expect((await api.ok<GroupView>('GET', '/groups/workers')).lag, 'a preview changes nothing').to.equal(0);

    const applied = await api.ok<ResetView>('POST', '/groups/workers/reset-offsets', { topic: 'work', target: { kind: 'shift', by: -2 }, dryRun: false });
    expect(applied.applied).to.equal(true);
    const after = await api.ok<GroupView>('GET', '/groups/workers');
    expect(after.lag).to.equal(4);
    expect(after.partitions.map((p) => p.committedOffset)).to.deep.equal(applied.changes.map((c) => c.newOffset));
    const badTarget = await api.call<{ code: string }>('POST', '/groups/workers/reset-offsets', { topic: 'work', target: { kind: 'sideways' } });
    expect([badTarget.status, badTarget.body.code]).to.deep.equal([400, 'INVALID_REQUEST']);
  });

  it('lists dead letters with their origin and redrives selected ones and then all, acknowledging each copy once', async () => {
    await api.ok('POST', '/topics', { name: 'jobs', partitions: 1, replicationFactor: 1 }, 201);
    for (const key of ['ok-1', 'bad-1', 'bad-2', 'ok-2', 'bad-3']) await api.ok('POST', '/topics/jobs/messages', { key, value: `payload of ${key}`, headers: [{ key: 'trace', value: key }] }, 201);
    let handled = 0;
    await consumeWith(sluice, 'jobbers', 'jobs', () => handled >= 5, (key) => {
      handled++;
      return key.startsWith('bad');
    });
    const topics = await waitFor('the dead-letter topic', async () => {
      const list = await api.ok<DeadLetterTopicView[]>('GET', '/dead-letters');
      return list.find((t) => t.topic === 'jobs.dlq' && t.pending === 3) ? list : undefined;
    }, 20_000);
    expect(topics.find((t) => t.topic === 'jobs.dlq')).to.include({ origin: 'jobs', records: 3 });
    const letters = await api.ok<DeadLettersView>('GET', '/dead-letters/jobs.dlq');
    expect(letters.records.map((r) => [r.key, r.originTopic, r.originPartition, r.originOffset, r.attempts, r.group, r.redriven])).to.deep.equal([
      ['bad-1', 'jobs', 0, 1, 1, 'jobbers', false],
      ['bad-2', 'jobs', 0, 2, 1, 'jobbers', false],
      ['bad-3', 'jobs', 0, 4, 1, 'jobbers', false],
    ]);
    expect(letters.records[0]!.error).to.include('cannot handle bad-1');

    // The middle one first: it cannot be passed by the committed offset yet, so a marker acknowledges it.
    const middle = letters.records[1]!;
    const first = await api.ok<RedriveView>('POST', '/dead-letters/jobs.dlq/redrive', { records: [{ partition: middle.partition, offset: middle.offset }] });
    expect(first.redriven).to.have.length(1);
    expect(first.redriven[0]!.to).to.deep.include({ topic: 'jobs', partition: 0 });
    const pending = await api.ok<DeadLettersView>('GET', '/dead-letters/jobs.dlq');
    expect(pending.records.map((r) => r.key)).to.deep.equal(['bad-1', 'bad-3']);
    const withRedriven = await api.ok<DeadLettersView>('GET', '/dead-letters/jobs.dlq?include=redriven');
    expect(withRedriven.records.map((r) => [r.key, r.redriven])).to.deep.equal([['bad-1', false], ['bad-2', true], ['bad-3', false]]);
    const again = await api.ok<RedriveView>('POST', '/dead-letters/jobs.dlq/redrive', { records: [{ partition: middle.partition, offset: middle.offset }] });
    expect(again.redriven, 'a redriven record is not sent twice').to.deep.equal([]);

    const rest = await api.ok<RedriveView>('POST', '/dead-letters/jobs.dlq/redrive', { all: true });
    expect(rest.redriven.map((r) => r.offset)).to.deep.equal([letters.records[0]!.offset, letters.records[2]!.offset]);
    expect((await api.ok<DeadLettersView>('GET', '/dead-letters/jobs.dlq')).records).to.deep.equal([]);
    expect((await api.ok<DeadLetterTopicView[]>('GET', '/dead-letters')).find((t) => t.topic === 'jobs.dlq')!.pending).to.equal(0);

    // The redriven records are new records in the origin topic, with their payload and headers and where they came from.
    const origin = await api.ok<BrowseView>('GET', '/topics/jobs/messages?from=offset&offset=5');
    expect(origin.records.map((r) => r.key)).to.deep.equal(['bad-2', 'bad-1', 'bad-3']);
    expect(origin.records[0]!.value).to.equal('payload of bad-2');
    expect(origin.records[0]!.headers).to.deep.equal([
      { key: 'trace', value: 'bad-2' },
      { key: REDRIVEN_FROM_HEADER, value: `jobs.dlq/0/${middle.offset}` },
    ]);
    // Acknowledged: the console's redrive group committed past every dead letter and marker.
    const redriveGroup = await api.ok<GroupView>('GET', '/groups/sluice-console-redrive');
    expect(redriveGroup.lag).to.equal(0);
    const notDlq = await api.call<{ code: string }>('GET', '/dead-letters/jobs');
    expect([notDlq.status, notDlq.body.code]).to.deep.equal([404, 'NOT_FOUND']);
  });

  it('keeps an hour of history: produce rates and group lag', async () => {
    await api.ok('POST', '/topics', { name: 'rates', partitions: 1, replicationFactor: 1 }, 201);
    // A rate needs two samples of the topic: the first one must see it before the records arrive.
    await waitFor('the topic in the history', async () => ((await api.ok<HistoryView>('GET', '/history')).topicRates.rates ? true : undefined), 20_000);
    const producer = sluice.producer({ lingerMs: 5 });
    try {
      await producer.send({ topic: 'rates', records: Array.from({ length: 500 }, (_, i) => ({ value: `r${i}` })) });
    } finally {
      await producer.close();
    }
    const history = await waitFor('a produce rate in the history', async () => {
      const view = await api.ok<HistoryView>('GET', '/history');
      return view.points.some((p) => p.produceRecordsPerSec > 0) && (view.topicRates.rates ?? []).some((r) => (r ?? 0) > 0) ? view : undefined;
    }, 20_000);
    expect(history.intervalMs).to.equal(200);
    expect(history.points.some((p) => p.produceLatencyP99Ms !== null && p.produceLatencyP99Ms > 0)).to.equal(true);
    expect(Object.keys(history.groupLag)).to.include('workers');
    const cluster = await api.ok<ClusterView>('GET', '/cluster');
    expect(cluster.brokers).to.have.length(1);
    expect(cluster.brokers[0]).to.include({ id: 1, alive: true, controller: true });
    expect(cluster.offlinePartitions).to.equal(0);
  });

  it('answers bad requests with a specific code and keeps serving', async () => {
    expect((await api.call('POST', '/topics', '{not json')).status).to.equal(400);
    expect((await api.call('POST', '/topics', { name: 'x' }, { 'content-type': 'text/plain' })).status).to.equal(415);
    expect((await api.call('POST', '/topics', 'x'.repeat(2 * 1024 * 1024))).status).to.equal(413);
    expect((await api.call('GET', '/no-such-route')).status).to.equal(404);
    expect((await api.call('PUT', '/topics')).status).to.equal(405);
    expect((await api.call('GET', '/topics/%E0%A4%A')).status).to.equal(400);
    expect((await api.call('POST', '/topics', { name: 'bad name!', partitions: 1 })).body).to.deep.include({ code: 'INVALID_TOPIC' });
    expect((await api.call('POST', '/topics', { name: 'y', partitions: 0 })).status).to.equal(400);
    expect((await api.ok<SessionView>('GET', '/session')).principal).to.equal('ANONYMOUS');
  });

  it('serves the page and its assets at / without the API', async () => {
    const page = await fetch(`${api.base}/`);
    expect(page.status).to.equal(200);
    expect(page.headers.get('content-type')).to.match(/text\/html/);
    expect(await page.text()).to.include('<script type="module" src="/app.js">');
    const script = await fetch(`${api.base}/app.js`);
    expect([script.status, script.headers.get('content-type')]).to.deep.equal([200, 'text/javascript; charset=utf-8']);
    expect((await fetch(`${api.base}/missing.js`)).status).to.equal(404);
    expect((await fetch(`${api.base}/metrics`)).status, '/metrics still answers').to.equal(200);
  });
});

describe('console API: read-only mode and the bearer token', function () {
  this.timeout(60_000);
  let broker: BrokerProcess;

  before(async () => {
    // /readyz needs the token too: waited for here.
    broker = await BrokerProcess.start({ args: ['--console-read-only', 'true', '--http-auth-token', 'console-secret'], waitReady: false });
    await waitFor('the broker to be ready', async () => {
      const response = await fetch(`http://127.0.0.1:${broker.httpPort}/readyz`, { headers: { authorization: 'Bearer console-secret' } });
      return response.status === 200 ? true : undefined;
    }, 20_000);
  });

  after(async () => {
    await broker?.cleanup();
  });

  it('requires the token for the API but not for the page', async () => {
    const anonymous = new ConsoleApi(broker.httpPort);
    const refused = await anonymous.call('GET', '/topics');
    expect(refused.status).to.equal(401);
    expect(refused.headers.get('www-authenticate')).to.match(/^Bearer realm="sluice"/);
    expect((await anonymous.call('GET', '/topics', undefined, { authorization: 'Bearer wrong' })).status).to.equal(401);
    expect((await fetch(`${anonymous.base}/`)).status).to.equal(200);
    const api = new ConsoleApi(broker.httpPort, { authorization: 'Bearer console-secret' });
    expect((await api.ok<SessionView>('GET', '/session')).readOnly).to.equal(true);
  });

  it('refuses every change in read-only mode', async () => {
    const api = new ConsoleApi(broker.httpPort, { authorization: 'Bearer console-secret' });
    const create = await api.call<{ code: string }>('POST', '/topics', { name: 'ro', partitions: 1 });
    expect([create.status, create.body.code]).to.deep.equal([403, 'READ_ONLY']);
    const sluice = createClient({ bootstrap: broker.address });
    const admin = sluice.admin();
    try {
      await admin.createTopic({ name: 'ro', partitions: 1, replicationFactor: 1 });
    } finally {
      await admin.close();
    }
    expect((await api.call('POST', '/topics/ro/messages', { value: 'x' })).status).to.equal(403);
    expect((await api.call('DELETE', '/topics/ro?confirm=ro')).status).to.equal(403);
    expect((await api.call('POST', '/dead-letters/ro.dlq/redrive', { all: true })).status).to.equal(403);
    const preview = await api.call<ResetView>('POST', '/groups/g/reset-offsets', { topic: 'ro', target: { kind: 'earliest' }, dryRun: true });
    expect([preview.status, preview.body.applied]).to.deep.equal([200, false]);
    expect((await api.call('POST', '/groups/g/reset-offsets', { topic: 'ro', target: { kind: 'earliest' }, dryRun: false })).status).to.equal(403);
    expect((await api.ok<TopicSummaryView[]>('GET', '/topics')).map((t) => t.name)).to.include('ro');
  });
});

describe('console settings', function () {
  this.timeout(60_000);

  it('refuses to start with a console.client.config it cannot read, naming it', async () => {
    let failure: Error | undefined;
    try {
      const broker = await BrokerProcess.start({ args: ['--console-client-config', '/nonexistent/console.properties'] });
      await broker.cleanup();
    } catch (err) {
      failure = err as Error;
    }
    expect(failure?.message).to.include('cannot read client config /nonexistent/console.properties');
  });

  it('serves no console with console.enabled=false', async () => {
    const broker = await BrokerProcess.start({ args: ['--console-enabled', 'false'] });
    try {
      expect((await fetch(`http://127.0.0.1:${broker.httpPort}/`)).status).to.equal(404);
      expect((await fetch(`http://127.0.0.1:${broker.httpPort}/api/v1/session`)).status).to.equal(404);
      expect((await fetch(`http://127.0.0.1:${broker.httpPort}/healthz`)).status).to.equal(200);
    } finally {
      await broker.cleanup();
    }
  });
});
