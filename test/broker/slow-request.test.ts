import { expect } from 'chai';
import { slowRequestReport } from '../../src/broker/slow-request.js';
import type { RequestTrace } from '../../src/broker/service.js';
import { SluiceError } from '../../src/protocol/errors.js';

function trace(overrides: Partial<RequestTrace> = {}): RequestTrace {
  return { topic: '', partition: -1, bytes: 0, queuedMs: 0, waitedMs: 0, startedAtMs: 1_000, proposedAtMs: 0, storedAtMs: 0, committedAtMs: 0, ...overrides };
}

describe('slow-request log line (broker/slow-request.ts)', () => {
  it('splits a produce into queue, validation, storage and replication', () => {
    const report = slowRequestReport('Produce', 1_530, trace({ topic: 'orders', partition: 2, bytes: 16_384, queuedMs: 20, proposedAtMs: 1_010, storedAtMs: 1_500, committedAtMs: 1_510 }));
    expect(report.fields).to.deep.equal({
      method: 'Produce',
      topic: 'orders',
      partition: 2,
      bytes: 16_384,
      durationMs: 1_530,
      phasesMs: { queue: 20, validation: 10, storage: 490, replication: 10 },
    });
    expect(report.message).to.equal('slow request: Produce orders/2 (16384 bytes) took 1530 ms: queue 20 ms, validation 10 ms, storage 490 ms, replication 10 ms');
  });

  it('leaves a fetch\'s long-poll apart from its read time, and names the error of a failed request', () => {
    const report = slowRequestReport('Fetch', 3_000, trace({ topic: 'orders', partition: 0, bytes: 10, waitedMs: 1_800 }), new SluiceError('NOT_LEADER', 'moved'));
    expect(report.fields.phasesMs).to.deep.equal({ longPoll: 1_800, read: 1_200 });
    expect(report.fields.code).to.equal('NOT_LEADER');
    expect(report.message).to.match(/^slow request: Fetch orders\/0 \(10 bytes\) took 3000 ms: longPoll 1800 ms, read 1200 ms \(NOT_LEADER\)$/);
  });

  it('says only the method and time of a request without a partition', () => {
    expect(slowRequestReport('CreateTopic', 2_000.04, trace()).message).to.equal('slow request: CreateTopic took 2000 ms');
  });
});
