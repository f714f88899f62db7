/**
 * Malformed arguments to the admin clients are refused with a RangeError before any request: these
 * clients point at an address where nothing listens, so a request would fail otherwise.
 */
import { expect } from 'chai';
import { inspect } from 'node:util';
import { Admin, Cluster, GroupAdmin, resolveClientOptions, SluiceError, type ResetTarget } from '../../src/client/index.js';

const options = resolveClientOptions({ bootstrap: '127.0.0.1:1', requestTimeoutMs: 2000, retry: { retries: 0, initialBackoffMs: 1, maxBackoffMs: 1 } });

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}

describe('GroupAdmin.resetOffsets target checks', () => {
  let admin: GroupAdmin;
  beforeEach(() => (admin = new GroupAdmin(options)));
  afterEach(() => admin.close());

  const bad: Array<[unknown, RegExp]> = [
    ['earliest', /^reset target must have kind 'earliest', 'latest', 'offset', 'timestamp' or 'shift', got "earliest"$/],
    [{ type: 'earliest' }, /kind .* got \{"type":"earliest"\}$/],
    [{ earliest: true }, /kind .* got \{"earliest":true\}$/],
    [null, /kind .* got null$/],
    [{ kind: 'offset', offset: NaN }, /^reset target offset must be an integer >= 0, got NaN$/],
    [{ kind: 'offset' }, /^reset target offset must be an integer >= 0, got undefined$/],
    [{ kind: 'offset', offset: -1 }, /^reset target offset must be an integer >= 0, got -1$/],
    [{ kind: 'offset', offset: '5' }, /^reset target offset must be an integer >= 0, got "5"$/],
    [{ kind: 'timestamp', timestampMs: 1.5 }, /^reset target timestampMs must be an integer >= 0, got 1.5$/],
    [{ kind: 'timestamp', timestamp: 1000 }, /^reset target timestampMs .* got undefined$/],
    [{ kind: 'shift', by: Infinity }, /^reset target by must be an integer, got Infinity$/],
  ];

  for (const [target, message] of bad) {
    it(`refuses ${inspect(target)}`, async () => {
      const err = await rejection(admin.resetOffsets('g', 't', target as ResetTarget));
      expect(err).to.be.instanceOf(RangeError);
      expect(err.message).to.match(message);
    });
  }

  it('lets well-formed targets through to the cluster', async () => {
    for (const target of [{ kind: 'earliest' }, { kind: 'latest' }, { kind: 'offset', offset: 0 }, { kind: 'timestamp', timestampMs: 0 }, { kind: 'shift', by: -3 }] as ResetTarget[]) {
      expect(await rejection(admin.resetOffsets('g', 't', target))).to.be.instanceOf(SluiceError);
    }
  });
});

describe('Admin.createTopic count checks', () => {
  let admin: Admin;
  beforeEach(() => (admin = new Admin(new Cluster(options))));
  afterEach(() => admin.close());

  const bad: Array<[string, number | string, number | string]> = [
    ['partitions', 1.5, '1.5'],
    ['partitions', -1, '-1'],
    ['partitions', 0, '0'],
    ['partitions', 2 ** 32, '4294967296'],
    ['partitions', NaN, 'NaN'],
    ['partitions', '2', '"2"'],
    ['replicationFactor', 0.5, '0.5'],
    ['replicationFactor', -1, '-1'],
  ];

  for (const [field, value, shown] of bad) {
    it(`refuses ${field}: ${inspect(value)}`, async () => {
      const err = await rejection(admin.createTopic({ name: 't', partitions: 1, replicationFactor: 1, [field]: value }));
      expect(err).to.be.instanceOf(RangeError);
      expect(err.message).to.equal(`${field} must be an integer from 1 to 4294967295, got ${shown}`);
    });
  }

  it('lets positive integers through to the cluster', async () => {
    expect(await rejection(admin.createTopic({ name: 't', partitions: 3, replicationFactor: 1 }))).to.be.instanceOf(SluiceError);
  });
});
