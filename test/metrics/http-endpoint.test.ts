/**
 * The broker's HTTP endpoint: what it answers before the broker has started and after, and that a
 * broker process answers it while it recovers its logs (liveness probes must not see a refused port).
 */
import { expect } from 'chai';
import { Gauge, Registry } from 'prom-client';
import { HttpEndpoint } from '../../src/metrics/http.js';
import { createClient } from '../../src/client/index.js';
import { BrokerProcess, freePort } from '../helpers/broker-process.js';

async function get(port: number, path: string, method = 'GET'): Promise<{ status: number; body: string }> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, { method });
  return { status: response.status, body: await response.text() };
}

describe('broker HTTP endpoint', () => {
  let endpoint: HttpEndpoint;

  beforeEach(async () => {
    endpoint = await HttpEndpoint.listen('127.0.0.1', 0);
  });

  afterEach(() => endpoint.close());

  it('is live but not ready, and has no metrics, while the broker starts', async () => {
    expect(await get(endpoint.port, '/healthz')).to.deep.equal({ status: 200, body: 'ok\n' });
    expect(await get(endpoint.port, '/readyz')).to.deep.equal({ status: 503, body: 'starting\n' });
    expect((await get(endpoint.port, '/metrics')).status).to.equal(503);
  });

  it('answers readiness and metrics from the broker once attached', async () => {
    const registry = new Registry();
    new Gauge({ name: 'sluice_test_gauge', help: 'a test gauge', registers: [registry] }).set(7);
    let notReady: string | undefined = 'storage refuses writes (ENOSPC)';
    endpoint.attach({ registry, notReady: () => notReady });
    expect(await get(endpoint.port, '/readyz')).to.deep.equal({ status: 503, body: 'not ready: storage refuses writes (ENOSPC)\n' });
    notReady = undefined;
    expect(await get(endpoint.port, '/readyz')).to.deep.equal({ status: 200, body: 'ready\n' });
    const metrics = await get(endpoint.port, '/metrics');
    expect(metrics.status).to.equal(200);
    expect(metrics.body).to.include('sluice_test_gauge 7');
  });

  it('refuses other methods and paths', async () => {
    expect((await get(endpoint.port, '/healthz', 'POST')).status).to.equal(405);
    expect((await get(endpoint.port, '/nope')).status).to.equal(404);
  });
});

describe('broker HTTP endpoint during start-up', function () {
  let broker: BrokerProcess | undefined;

  afterEach(() => broker?.cleanup());

  it('answers /healthz and a "starting" /readyz before the broker has recovered and started', async () => {
    broker = await BrokerProcess.start({ port: await freePort() });
    // Something to recover on the restart: a topic's logs and the metadata that names them.
    const client = createClient({ bootstrap: [broker.address] });
    const admin = client.admin();
    await admin.createTopic({ name: 'recover-me', partitions: 24, replicationFactor: 1 }).finally(() => admin.close());
    const producer = client.producer({ batchBytesMax: 1 });
    const records = Array.from({ length: 2_400 }, (_, i) => ({ key: `k${i}`, value: `v${i}` }));
    await producer.send({ topic: 'recover-me', records }).finally(() => producer.close());
    await broker.stop();
    const httpPort = broker.httpPort;
    const answers: string[] = [];
    let started = false;
    const polling = (async () => {
      while (!started) {
        try {
          const readiness = await get(httpPort, '/readyz');
          const health = readiness.body === 'starting\n' ? (await get(httpPort, '/healthz')).status : '-';
          answers.push(`${readiness.status} ${readiness.body.trim()}, healthz ${health}`);
        } catch {
          // Not listening yet (the process is booting).
          await new Promise((resolve) => setTimeout(resolve, 1));
        }
      }
    })();
    try {
      broker = await broker.startAgain(true);
    } finally {
      // A failed start must end the polling loop too.
      started = true;
      await polling;
    }
    expect(answers, answers.join('; ')).to.include('503 starting, healthz 200');
  });
});
