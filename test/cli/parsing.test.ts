import { expect } from 'chai';
import { run } from '../../src/cli/program.js';
import { lineToRecord, validateProduceOptions } from '../../src/cli/produce.js';
import { startPosition, validateConsumeOptions } from '../../src/cli/consume.js';
import { parseKeyValue, parseAcksOption, parseOffsetOption } from '../../src/cli/args.js';
import { UsageError } from '../../src/cli/io.js';
import { fakeIo } from './fake-io.js';

/** Runs the CLI against a closed port: anything that gets as far as the network fails with exit 1, not 2. */
const DEAD = ['--bootstrap', '127.0.0.1:9'];

describe('sluice argument parsing (exit 2 on usage errors, no broker)', () => {
  const usageCases: Array<[string, string[], RegExp]> = [
    ['missing --partitions', ['topic', 'create', 't', '--replication', '1'], /--partitions/],
    ['non-numeric --partitions', ['topic', 'create', 't', '--partitions', 'x', '--replication', '1'], /integer/],
    ['zero --replication', ['topic', 'create', 't', '--partitions', '1', '--replication', '0'], /integer/],
    ['bad --config', ['topic', 'create', 't', '--partitions', '1', '--replication', '1', '--config', 'nokey'], /key=value/],
    ['alter-config without changes', ['topic', 'alter-config', 't'], /at least one/],
    ['unknown command', ['frobnicate'], /unknown command/],
    ['missing topic argument', ['produce'], /missing required argument/],
    ['bad --acks', ['produce', 't', '--acks', '2'], /0, 1 or all/],
    ['--key with --key-separator', ['produce', 't', '--key', 'k', '--key-separator', ':'], /cannot be used together/],
    ['bad --ttl-ms', ['produce', 't', '--ttl-ms', '-5'], /integer/],
    ['bad --compression', ['produce', 't', '--compression', 'zip'], /none, gzip, snappy, lz4/],
    ['--offset without --partition', ['consume', 't', '--offset', '5'], /needs --partition/],
    ['--offset with --from-beginning', ['consume', 't', '--partition', '0', '--offset', '5', '--from-beginning'], /cannot be used together/],
    ['bad --format', ['consume', 't', '--format', 'xml'], /value or json/],
    ['--group with --partition', ['consume', 't', '--group', 'g', '--partition', '0'], /cannot be used together/],
    ['an empty --group', ['consume', 't', '--group', ''], /--group must not be empty/],
    ['malformed --bootstrap', ['--bootstrap', 'nope', 'topic', 'list'], /bootstrap/],
  ];
  for (const [name, argv, message] of usageCases) {
    it(`exits 2 for ${name}`, async () => {
      const io = fakeIo();
      const code = await run(argv[0] === '--bootstrap' ? argv : [...DEAD, ...argv], io);
      expect(code, io.stderr.text).to.equal(2);
      expect(io.stderr.text).to.match(message);
    });
  }

  it('exits 0 for --help and prints usage to stdout', async () => {
    const io = fakeIo();
    expect(await run(['--help'], io)).to.equal(0);
    expect(io.stdout.text).to.match(/Usage: sluice/);
    expect(io.stdout.text).to.match(/topic/);
  });

  it('subcommand help shows --acks defaulting to all, and the global --bootstrap and --json', async () => {
    const io = fakeIo();
    expect(await run(['produce', '--help'], io)).to.equal(0);
    expect(io.stdout.text).to.match(/--acks <acks> +acknowledgement: 0, 1 or all \(default:\s+all\)/);
    expect(io.stdout.text).to.match(/Global Options:[^]*--bootstrap[^]*--json/);
    const nested = fakeIo();
    expect(await run(['topic', 'create', '--help'], nested)).to.equal(0);
    expect(nested.stdout.text).to.match(/Global Options:[^]*--bootstrap[^]*--json/);
  });

  it('exits 1 with one line `sluice: CODE: message` when the broker is unreachable', async function () {
    this.timeout(20_000);
    const io = fakeIo();
    const code = await run([...DEAD, 'topic', 'list'], io);
    expect(code).to.equal(1);
    expect(io.stderr.text).to.match(/^sluice: BROKER_NOT_AVAILABLE: [^\n]*\n$/);
  });
});

describe('produce line handling', () => {
  it('uses --key for every record', () => {
    expect(lineToRecord('hello', { key: 'k', acks: -1 })).to.deep.include({ key: 'k', value: 'hello' });
  });

  it('splits at the first --key-separator; lines without it get a null key', () => {
    expect(lineToRecord('a:b:c', { keySeparator: ':', acks: -1 })).to.deep.include({ key: 'a', value: 'b:c' });
    expect(lineToRecord('abc', { keySeparator: '::', acks: -1 })).to.deep.include({ key: null, value: 'abc' });
  });

  it('adds headers, TTL and partition', () => {
    const record = lineToRecord('v', { acks: 1, header: [['a', '1'], ['b', '2=3']], ttlMs: 500, partition: 2 });
    expect(record).to.deep.equal({ key: null, value: 'v', headers: [{ key: 'a', value: '1' }, { key: 'b', value: '2=3' }], ttlMs: 500, partition: 2 });
  });

  it('rejects an empty separator', () => {
    expect(() => validateProduceOptions({ keySeparator: '', acks: -1 })).to.throw(UsageError);
  });
});

describe('consume start position', () => {
  it('defaults to latest, --from-beginning to earliest, --offset wins', () => {
    expect(startPosition({ format: 'value' })).to.equal('latest');
    expect(startPosition({ format: 'value', fromBeginning: true })).to.equal('earliest');
    expect(startPosition({ format: 'value', partition: 0, offset: 7 })).to.equal(7);
    expect(() => validateConsumeOptions({ format: 'value', partition: 1, offset: 3 })).not.to.throw();
  });
});

describe('option value parsers', () => {
  it('parse key=value, acks and offsets', () => {
    expect(parseKeyValue('retention.ms=1000')).to.deep.equal(['retention.ms', '1000']);
    expect(parseKeyValue('a=b=c')).to.deep.equal(['a', 'b=c']);
    expect(() => parseKeyValue('=x')).to.throw();
    expect(parseAcksOption('all')).to.equal(-1);
    expect(parseOffsetOption('earliest')).to.equal('earliest');
    expect(parseOffsetOption('12')).to.equal(12);
    expect(() => parseOffsetOption('-1')).to.throw();
  });
});
