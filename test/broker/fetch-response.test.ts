import { expect } from 'chai';
import { brokerApi } from '../../src/protocol/grpc.js';
import type { FetchResponse__Output } from '../../src/protocol/generated/sluice/v1/FetchResponse.js';
import { encodeFetchResponse, withEncodedFetchResponses, type FetchResponseFields } from '../../src/broker/fetch-response.js';

const generated = brokerApi().Broker.service.Fetch!;
const decode = (bytes: Buffer): FetchResponse__Output => generated.responseDeserialize(bytes) as FetchResponse__Output;

function fields(overrides: Partial<FetchResponseFields> = {}): FetchResponseFields {
  return { highWatermark: 1234, logStartOffset: 7, logEndOffset: 1240, messageTtlMs: 86_400_000, expiredRecords: 3, nextOffset: 1200, correlationId: 0, throttleTimeMs: 0, ...overrides };
}

describe('hand-encoded FetchResponse', () => {
  const cases: Array<[string, FetchResponseFields, Buffer[]]> = [
    ['one batch', fields(), [Buffer.from('batch-one')]],
    ['several batches, concatenated', fields(), [Buffer.alloc(300, 1), Buffer.alloc(20_000, 2), Buffer.from('x')]],
    ['no records, zero fields', fields({ logStartOffset: 0, messageTtlMs: 0, expiredRecords: 0 }), []],
    ['all zero', fields({ highWatermark: 0, logStartOffset: 0, logEndOffset: 0, messageTtlMs: 0, expiredRecords: 0, nextOffset: 0 }), []],
    ['a stream response with its correlation id', fields({ correlationId: 2 ** 32 + 17 }), [Buffer.from('batch')]],
    ['a throttled answer (quotas)', fields({ throttleTimeMs: 1_250 }), [Buffer.from('batch')]],
    ['large offsets', fields({ highWatermark: 2 ** 53 - 1, logEndOffset: 2 ** 40 + 5, nextOffset: 2 ** 35 }), [Buffer.alloc(1 << 17, 9)]],
  ];
  for (const [name, f, batches] of cases) {
    it(`${name}: the same bytes as the generated encoder`, () => {
      const expected = generated.responseSerialize({ ...f, records: Buffer.concat(batches) });
      const encoded = encodeFetchResponse(f, batches)!;
      expect(encoded.equals(expected)).to.equal(true);
      const decoded = decode(encoded);
      expect(Buffer.from(decoded.records).equals(Buffer.concat(batches))).to.equal(true);
      expect(decoded.nextOffset).to.equal(f.nextOffset);
      expect(decoded.highWatermark).to.equal(f.highWatermark);
      expect(decoded.correlationId).to.equal(f.correlationId);
      expect(decoded.throttleTimeMs).to.equal(f.throttleTimeMs);
      expect(decoded.error).to.equal(null);
    });
  }

  it('declines values it does not encode (negative, unsafe), so the caller falls back', () => {
    expect(encodeFetchResponse(fields({ nextOffset: -1 }), [])).to.equal(undefined);
    expect(encodeFetchResponse(fields({ highWatermark: 2 ** 53 }), [])).to.equal(undefined);
  });

  it('the wrapped service passes encoded responses through and encodes objects as before, on Fetch and FetchStream', () => {
    const service = withEncodedFetchResponses(brokerApi().Broker.service);
    const encoded = encodeFetchResponse(fields(), [Buffer.from('abc')])!;
    const object = { ...fields(), records: Buffer.from('abc') };
    for (const method of ['Fetch', 'FetchStream']) {
      expect(service[method]!.responseSerialize(encoded)).to.equal(encoded);
      expect(Buffer.from(service[method]!.responseSerialize(object)).equals(generated.responseSerialize(object))).to.equal(true);
    }
    expect(service['Produce']).to.equal(brokerApi().Broker.service['Produce']);
  });
});
