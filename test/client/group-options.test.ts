import { expect } from 'chai';
import { resolveGroupConsumerOptions } from '../../src/client/index.js';

describe('group consumer options', () => {
  it('starts a partition without commits at the earliest offset unless told otherwise', () => {
    expect(resolveGroupConsumerOptions({ groupId: 'g' }).autoOffsetReset).to.equal('earliest');
    expect(resolveGroupConsumerOptions({ groupId: 'g', autoOffsetReset: 'latest' }).autoOffsetReset).to.equal('latest');
  });

  it('refuses a bad reset policy', () => {
    expect(() => resolveGroupConsumerOptions({ groupId: 'g', autoOffsetReset: 'middle' as 'latest' })).to.throw(RangeError, /earliest or latest/);
  });
});
