/**
 * The HTTP endpoint's bearer token (every path but /healthz requires it; 401 with WWW-Authenticate
 * otherwise) and `http.host` (it binds apart from the client listener), on a real broker process.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrokerProcess, waitFor } from '../helpers/broker-process.js';

const TOKEN = 's3cr3t-metrics-token';

async function get(host: string, port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; challenge: string | null }> {
  const response = await fetch(`http://${host}:${port}${path}`, { headers });
  return { status: response.status, body: await response.text(), challenge: response.headers.get('www-authenticate') };
}

describe('HTTP endpoint: bearer token and http.host, on a broker process', function () {
  let broker: BrokerProcess | undefined;
  let dir: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'sluice-http-auth-'));
  });

  afterEach(() => broker?.cleanup());

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('requires the token (from http.auth.token.file) on /metrics and /readyz, not on /healthz, and binds http.host', async () => {
    const tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, `${TOKEN}\n`);
    // 127.0.0.2 is loopback too on Linux: the HTTP endpoint there, the client listener on 127.0.0.1.
    broker = await BrokerProcess.start({ args: ['--http-host', '127.0.0.2', '--http-auth-token-file', tokenFile], waitReady: false });
    const { httpPort } = broker;
    const authorized = { authorization: `Bearer ${TOKEN}` };
    await waitFor('the broker to be ready', async () => ((await get('127.0.0.2', httpPort, '/readyz', authorized)).status === 200 ? true : undefined), 20_000);

    expect(await get('127.0.0.2', httpPort, '/healthz')).to.include({ status: 200, body: 'ok\n' });
    for (const path of ['/metrics', '/readyz', '/nope']) {
      const missing = await get('127.0.0.2', httpPort, path);
      expect([missing.status, missing.challenge], path).to.deep.equal([401, 'Bearer realm="sluice"']);
      const wrong = await get('127.0.0.2', httpPort, path, { authorization: 'Bearer not-the-token' });
      expect([wrong.status, wrong.challenge], path).to.deep.equal([401, 'Bearer realm="sluice", error="invalid_token"']);
      const basic = await get('127.0.0.2', httpPort, path, { authorization: `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}` });
      expect(basic.status, path).to.equal(401);
    }
    const metrics = await get('127.0.0.2', httpPort, '/metrics', authorized);
    expect(metrics.status).to.equal(200);
    expect(metrics.body).to.include('sluice_leader_partitions');
    expect((await get('127.0.0.2', httpPort, '/readyz', authorized)).body).to.equal('ready\n');
    // Not on the client listener's address.
    const refused = await fetch(`http://127.0.0.1:${httpPort}/healthz`).then(
      () => 'answered',
      (err: Error & { cause?: { code?: string } }) => err.cause?.code ?? err.message,
    );
    expect(refused).to.equal('ECONNREFUSED');
    expect(broker.output).to.match(/HTTP 127\.0\.0\.2:/);
  });

  it('is open without a token, and refuses to start with both a token and a token file', async () => {
    broker = await BrokerProcess.start();
    expect((await get('127.0.0.1', broker.httpPort, '/metrics')).status).to.equal(200);
    await broker.cleanup();
    const failed = await BrokerProcess.start({ args: ['--http-auth-token', 'a', '--http-auth-token-file', join(dir, 'token')] }).then(
      (started) => {
        broker = started;
        return 'started';
      },
      (err: Error) => err.message,
    );
    expect(failed).to.match(/http\.auth\.token or http\.auth\.token\.file, not both/);
  });
});
