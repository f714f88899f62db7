/**
 * SIGINT/SIGTERM: commands without a graceful stop end at once with 130/143; consume and produce
 * stop gracefully (exit 0); a second signal always ends the process.
 */
import { expect } from 'chai';
import { EventEmitter } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { handleStopSignals } from '../../src/cli/signals.js';
import { createClient } from '../../src/client/index.js';
import { BrokerProcess, waitFor } from '../helpers/broker-process.js';
import { CliProcess } from '../helpers/cli-process.js';

describe('sluice stop signals', function () {
  this.timeout(60_000);

  it('aborts on the first signal and exits with 128 + signal number on the second', () => {
    const target = new EventEmitter();
    const controller = new AbortController();
    const exits: number[] = [];
    handleStopSignals(target, controller, (code) => exits.push(code));
    target.emit('SIGTERM');
    expect(controller.signal.reason).to.equal('SIGTERM');
    expect(exits).to.deep.equal([]);
    target.emit('SIGINT');
    expect(exits).to.deep.equal([130]);
    target.emit('SIGTERM');
    expect(exits).to.deep.equal([130, 143]);
  });

  describe('against a server that accepts connections and never answers', () => {
    let server: Server;
    const sockets: Socket[] = [];
    let address = '';

    before(async () => {
      server = createServer((socket) => void sockets.push(socket));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      address = `127.0.0.1:${(server.address() as { port: number }).port}`;
    });

    after(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    });

    const cases: Array<[string, string[], 'SIGINT' | 'SIGTERM', number]> = [
      ['topic create', ['topic', 'create', 't2', '--partitions', '1', '--replication', '1'], 'SIGINT', 130],
      ['topic list', ['topic', 'list'], 'SIGTERM', 143],
      ['consume (still looking the topic up)', ['consume', 't2'], 'SIGINT', 130],
    ];
    for (const [name, args, signal, code] of cases) {
      it(`${name} exits ${code} at once on ${signal}`, async () => {
        const connected = sockets.length;
        const cli = CliProcess.start(args, address);
        try {
          // Connected: the CLI is up, its handlers installed, and it waits on the server.
          await waitFor('the CLI to connect', () => (sockets.length > connected ? true : undefined), 20_000);
          const sentAt = Date.now();
          cli.child.kill(signal);
          const result = await cli.result;
          expect(result.code, result.stderr).to.equal(code);
          expect(Date.now() - sentAt).to.be.below(2_000);
        } finally {
          cli.kill();
        }
      });
    }
  });

  describe('against a broker', () => {
    let broker: BrokerProcess;

    before(async () => {
      broker = await BrokerProcess.start();
      const client = createClient({ bootstrap: broker.address });
      const admin = client.admin();
      const producer = client.producer();
      try {
        await admin.createTopic({ name: 'signals', partitions: 1, replicationFactor: 1 });
        await admin.createTopic({ name: 'signals-produce', partitions: 1, replicationFactor: 1 });
        await producer.send({ topic: 'signals', records: [{ key: null, value: 'one' }] });
      } finally {
        await producer.close();
        await admin.close();
      }
    });

    after(async () => {
      await broker?.cleanup();
    });

    it('produce stops reading on SIGINT, sends what it read and exits 0', async () => {
      const cli = CliProcess.start(['produce', 'signals-produce', '--json'], broker.address);
      const client = createClient({ bootstrap: broker.address });
      const consumer = client.consumer({ autoOffsetReset: 'earliest' });
      try {
        // stdin stays open, as when typing lines; the first line is stored before the signal, the
        // second has no newline yet.
        cli.child.stdin.write('two\npartial');
        consumer.assign([{ topic: 'signals-produce', partition: 0 }]);
        await waitFor('the typed line to be stored', async () => ((await consumer.poll({ timeoutMs: 200 })).some((r) => r.value?.toString() === 'two') ? true : undefined), 20_000);
        cli.child.kill('SIGINT');
        const result = await cli.result;
        expect(result.code, result.stderr).to.equal(0);
        expect(JSON.parse(result.stdout)).to.include({ topic: 'signals-produce', records: 2 });
      } finally {
        cli.kill();
        await consumer.close();
      }
    });

    for (const [name, args] of [
      ['consume', ['consume', 'signals', '--from-beginning']],
      ['consume --group', ['consume', 'signals', '--group', 'signals-group']],
    ] as const) {
      it(`${name} stops gracefully on SIGINT and exits 0`, async () => {
        const cli = CliProcess.start([...args], broker.address);
        try {
          await cli.waitForStdout(/^one\n/, 20_000);
          cli.child.kill('SIGINT');
          const result = await cli.result;
          expect(result.code, result.stderr).to.equal(0);
          expect(result.stdout).to.equal('one\n');
        } finally {
          cli.kill();
        }
      });
    }
  });
});
