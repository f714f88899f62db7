/** Quota records of the metadata log: computing a principal's new set, applying it, refusing bad input. */
import { expect } from 'chai';
import { applyRecord, emptyImage } from '../../src/controller/metadata-image.js';
import { alterQuotas, quotaLimits, validatePrincipalName } from '../../src/controller/quota-records.js';
import { SluiceError } from '../../src/protocol/errors.js';

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    expect(err).to.be.instanceOf(SluiceError);
    return (err as SluiceError).message;
  }
  throw new Error('expected a refusal');
}

describe('quota records', () => {
  it('sets, keeps and removes quotas by name; nothing named removes them all', () => {
    const first = alterQuotas(undefined, { producer_byte_rate: 1024 }, []);
    expect(first).to.deep.equal({ producer_byte_rate: 1024 });
    const second = alterQuotas(first, { request_percentage: 12.5 }, []);
    expect(second).to.deep.equal({ producer_byte_rate: 1024, request_percentage: 12.5 });
    expect(alterQuotas(second, {}, ['producer_byte_rate'])).to.deep.equal({ request_percentage: 12.5 });
    expect(alterQuotas(second, {}, [])).to.deep.equal({});
    expect(quotaLimits(second)).to.deep.equal({ producerByteRate: 1024, consumerByteRate: undefined, requestPercentage: 12.5 });
  });

  it('applies into the image; an empty set forgets the principal', () => {
    let image = applyRecord(emptyImage(), { type: 'alterClientQuotas', principal: 'alice', quotas: { consumer_byte_rate: 10 } }, 0);
    image = applyRecord(image, { type: 'alterClientQuotas', principal: 'bob', quotas: { producer_byte_rate: 5 } }, 1);
    expect(image.clientQuotas).to.deep.equal({ alice: { consumer_byte_rate: 10 }, bob: { producer_byte_rate: 5 } });
    image = applyRecord(image, { type: 'alterClientQuotas', principal: 'alice', quotas: {} }, 2);
    expect(image.clientQuotas).to.deep.equal({ bob: { producer_byte_rate: 5 } });
    expect(image.version).to.equal(3);
  });

  it('refuses unknown names, bad values and bad principals with specific codes, echoing little', () => {
    expect(refusal(() => alterQuotas(undefined, { ['y'.repeat(10_000)]: 1 }, []))).to.match(/^INVALID_CONFIG: unknown quota "y{64}"; known: producer_byte_rate/);
    expect(refusal(() => alterQuotas(undefined, {}, ['nope']))).to.match(/^INVALID_CONFIG: unknown quota "nope"/);
    expect(refusal(() => alterQuotas(undefined, { consumer_byte_rate: -1 }, []))).to.match(/^INVALID_CONFIG: consumer_byte_rate must be a positive number/);
    expect(refusal(() => validatePrincipalName(''))).to.match(/^INVALID_REQUEST: principal is required/);
    expect(refusal(() => validatePrincipalName('a\nb'))).to.match(/^INVALID_REQUEST: principal names must not contain control characters/);
    expect(refusal(() => validatePrincipalName('p'.repeat(256)))).to.match(/^INVALID_REQUEST: principal names are at most 255/);
    validatePrincipalName('CN-like name with spaces');
  });
});
