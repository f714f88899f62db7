import { expect } from 'chai';
import fc from 'fast-check';
import { status } from '@grpc/grpc-js';
import { backoffMs, DEFAULT_RETRY_OPTIONS, SluiceError, withRetry, type RetryOptions } from '../../src/client/index.js';

const options: RetryOptions = { retries: 3, initialBackoffMs: 100, maxBackoffMs: 1_000, multiplier: 2, jitter: 0.2 };

describe('backoffMs', () => {
  it('grows exponentially and caps at maxBackoffMs (jitter centred)', () => {
    const middle = (): number => 0.5;
    expect([0, 1, 2, 3, 4, 10].map((attempt) => backoffMs(attempt, options, middle))).to.deep.equal([100, 200, 400, 800, 1000, 1000]);
  });

  it('spreads by ±jitter using the injected random source', () => {
    expect(backoffMs(1, options, () => 0)).to.equal(160);
    expect(backoffMs(1, options, () => 0.999999)).to.equal(240);
  });

  it('stays within [base*(1-jitter), min(max, base*(1+jitter))] for any attempt and random', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (attempt, r) => {
        const base = Math.min(options.maxBackoffMs, options.initialBackoffMs * 2 ** attempt);
        const delay = backoffMs(attempt, options, () => r);
        expect(delay).to.be.at.least(Math.floor(base * 0.8));
        expect(delay).to.be.at.most(options.maxBackoffMs);
      }),
    );
  });
});

describe('withRetry', () => {
  const noSleep = async (): Promise<void> => undefined;

  it('retries retriable errors with growing delays, then succeeds', async () => {
    const delays: number[] = [];
    let calls = 0;
    const result = await withRetry(
      async () => {
        calls++;
        if (calls < 3) throw new SluiceError('NOT_LEADER', 'moved');
        return 'ok';
      },
      options,
      { random: () => 0.5, sleep: async (ms) => void delays.push(ms) },
    );
    expect(result).to.equal('ok');
    expect(delays).to.deep.equal([100, 200]);
  });

  it('does not retry a non-retriable error', async () => {
    let calls = 0;
    const err = await withRetry(
      async () => {
        calls++;
        throw new SluiceError('UNKNOWN_TOPIC', 'nope');
      },
      options,
      { sleep: noSleep },
    ).catch((e: unknown) => e);
    expect(calls).to.equal(1);
    expect((err as SluiceError).code).to.equal('UNKNOWN_TOPIC');
  });

  it('gives up after `retries` retries with the last error', async () => {
    let calls = 0;
    const err = await withRetry(
      async () => {
        calls++;
        throw Object.assign(new Error('down'), { code: status.UNAVAILABLE, details: 'down' });
      },
      options,
      { sleep: noSleep },
    ).catch((e: unknown) => e);
    expect(calls).to.equal(options.retries + 1);
    expect((err as SluiceError).code).to.equal('BROKER_NOT_AVAILABLE');
  });

  it('rethrows programmer errors untouched', async () => {
    const bug = new TypeError('bug');
    const err = await withRetry(async () => {
      throw bug;
    }, DEFAULT_RETRY_OPTIONS).catch((e: unknown) => e);
    expect(err).to.equal(bug);
  });

  it('calls onRetry before each backoff (where metadata is refreshed)', async () => {
    const seen: string[] = [];
    await withRetry(
      async (attempt) => {
        if (attempt === 0) throw new SluiceError('NOT_LEADER', 'moved');
      },
      options,
      { sleep: noSleep, onRetry: (err) => seen.push(err.code) },
    );
    expect(seen).to.deep.equal(['NOT_LEADER']);
  });
});
