/**
 * The broker's logs (src/observability/log.ts): JSON lines with level, time, broker and component
 * when stdout is not a terminal, levels from log.level / SLUICE_LOG_LEVEL, pino-pretty on request;
 * and in-process capture (the cluster simulator keeps brokers' lines with a seed's trace).
 */
import { expect } from 'chai';
import { BrokerProcess, waitFor } from '../helpers/broker-process.js';
import { RawClient } from '../helpers/raw-client.js';
import { captureLogs, logger } from '../../src/observability/log.js';

interface LogLine {
  level: string;
  time: string;
  broker: number;
  component: string;
  msg: string;
}

function parseLines(output: string): LogLine[] {
  return output
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      try {
        return JSON.parse(line) as LogLine;
      } catch {
        throw new Error(`not a JSON log line: ${line}`);
      }
    });
}

/** A produce to a topic that does not exist: one failed request (UNKNOWN_TOPIC). */
async function failOneRequest(broker: BrokerProcess): Promise<void> {
  const client = new RawClient(broker.address);
  try {
    await client.produce({ topic: 'no-such-topic', partition: 0, acks: 1, batch: Buffer.from('x') }).catch(() => undefined);
  } finally {
    client.close();
  }
}

describe('logging', function () {
  this.timeout(60_000);
  const brokers: BrokerProcess[] = [];

  afterEach(async () => {
    await Promise.all(brokers.splice(0).map((broker) => broker.cleanup()));
  });

  it('a broker process writes JSON lines with level, time, broker id and component, from start to stop', async () => {
    const broker = await BrokerProcess.start({ args: ['--broker-id', '7'] });
    brokers.push(broker);
    await failOneRequest(broker);
    expect(await broker.stop('SIGTERM')).to.equal(0);
    const lines = parseLines(broker.output);
    for (const line of lines) {
      expect(line.level, JSON.stringify(line)).to.be.oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace']);
      expect(Number.isNaN(Date.parse(line.time)), JSON.stringify(line)).to.equal(false);
      expect(line.broker, JSON.stringify(line)).to.equal(7);
      expect(line.component, JSON.stringify(line)).to.be.a('string').and.not.equal('');
    }
    const messages = lines.map((line) => `${line.level} ${line.component}: ${line.msg}`);
    expect(messages.find((m) => /^info broker: sluice broker 7 listening: gRPC /.test(m)), messages.join('\n')).to.not.equal(undefined);
    expect(messages).to.include('info broker: SIGTERM: shutting down');
    expect(messages[messages.length - 1]).to.equal('info broker: stopped');
    expect(messages.some((m) => m.startsWith('info controller: registered with the controller as broker 7')), messages.join('\n')).to.equal(true);
    // Nothing per request at info: the failed produce is a debug line.
    expect(messages.filter((m) => m.includes('UNKNOWN_TOPIC') || m.includes('Produce failed'))).to.deep.equal([]);
  });

  it('SLUICE_LOG_LEVEL=debug adds per-request failures; log.format=pretty prints for people', async () => {
    process.env['SLUICE_LOG_LEVEL'] = 'debug';
    let debug: BrokerProcess;
    try {
      debug = await BrokerProcess.start();
    } finally {
      delete process.env['SLUICE_LOG_LEVEL'];
    }
    brokers.push(debug);
    await failOneRequest(debug);
    const failed = await waitFor('the debug line of the failed produce', () =>
      parseLines(debug.output).find((line) => line.level === 'debug' && line.component === 'requests' && /^Produce failed: UNKNOWN_TOPIC/.test(line.msg)),
    );
    expect(failed).to.include({ level: 'debug' });

    const pretty = await BrokerProcess.start({ args: ['--log-format', 'pretty'] });
    brokers.push(pretty);
    const first = pretty.output.split('\n')[0]!;
    expect(() => JSON.parse(first)).to.throw();
    expect(first).to.match(/INFO.*broker: sluice broker 1 listening: gRPC/);
  });

  it('refuses an unknown level with a clear message', async () => {
    let error: unknown;
    try {
      await BrokerProcess.start({ args: ['--log-level', 'loud'] });
    } catch (err) {
      error = err;
    }
    const output = String(error).split('\n').slice(1).join('\n');
    expect(parseLines(output).map((line) => [line.level, line.msg])).to.deep.equal([
      ['fatal', 'sluice broker: invalid configuration: log.level (--log-level) must be one of fatal, error, warn, info, debug, trace, silent, got "loud"'],
    ]);
  });

  it('captureLogs collects lines at the level asked for and puts everything back', () => {
    const lines: string[] = [];
    const log = logger('capture-test');
    const levelBefore = log.level;
    const restore = captureLogs((line) => lines.push(line), 'info');
    try {
      log.debug('not at info');
      log.info({ partition: 'a/0' }, 'kept');
    } finally {
      restore();
    }
    expect(log.level).to.equal(levelBefore);
    expect(lines.map((line) => JSON.parse(line) as Record<string, unknown>)).to.deep.equal([
      { ...(JSON.parse(lines[0]!) as object), level: 'info', component: 'capture-test', partition: 'a/0', msg: 'kept' },
    ]);
  });
});
